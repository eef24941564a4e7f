"""The set-up builds whisper.cpp with OpenBLAS (scripts/bootstrap.sh): its encoder is about 1.8x faster."""

from __future__ import annotations

import os
import subprocess
import sys


def test_the_installed_engine_uses_openblas():
    from tui.transcribe.engine import build_info

    info = build_info()
    assert info.startswith("whisper.cpp")
    assert "OpenBLAS" in info, f"{info}: run scripts/bootstrap.sh (it rebuilds whisper-cpp-python with OpenBLAS)"


def test_openblas_gets_the_engine_thread_count_not_every_core(tiny_model, tmp_path):
    # A fresh process: OpenBLAS reads its thread count once, when the library loads.
    code = (
        "import os, sys; from tui.transcribe.engine import Engine; "
        f"e = Engine({str(tiny_model)!r}, threads=1); print(os.environ['OPENBLAS_NUM_THREADS']); e.close()"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "1"


def test_doctor_names_the_engine_build(tmp_path, capsys):
    from tui.cli import main

    config = tmp_path / "config.toml"
    config.write_text("[sources]\nwatch = false\n")
    main(["doctor", "--db", str(tmp_path / "library.sqlite3"), "--config", str(config)])
    lines = [line for line in capsys.readouterr().out.splitlines() if "speech engine" in line]
    assert len(lines) == 1 and "whisper.cpp" in lines[0], lines
