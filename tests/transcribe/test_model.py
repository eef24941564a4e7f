"""Model install / status / resolve: offline, verified, idempotent, and clear when missing."""

from __future__ import annotations

import dataclasses

import pytest

from tui.errors import UserError
from tui.transcribe import commands
from tui.transcribe import model as models


def test_reinstall_is_idempotent(tiny_model, model_dir):
    before = tiny_model.stat()
    again = models.install("tiny.en", model_dir)
    after = again.stat()
    assert again == tiny_model
    assert (after.st_ino, after.st_mtime_ns, after.st_size) == (before.st_ino, before.st_mtime_ns, before.st_size)
    assert not [p for p in model_dir.iterdir() if p.name.endswith(".part")]


def test_damaged_install_is_rebuilt(tmp_path):
    target = models.install("tiny.en", tmp_path)
    size = target.stat().st_size
    with open(target, "r+b") as fh:
        fh.truncate(1000)
    rebuilt = models.install("tiny.en", tmp_path)
    assert rebuilt.stat().st_size == size
    assert models.resolve("auto", tmp_path) == rebuilt


def test_checksum_mismatch_is_refused(tmp_path):
    spec = models.get_spec("tiny.en")
    bad = dataclasses.replace(spec.vocabulary, sha256="0" * 64)
    with pytest.raises(models.ModelError, match="checksum"):
        models.verified_sources(dataclasses.replace(spec, vocabulary=bad))


def test_status_reports_what_is_installed(tiny_model, model_dir, capsys):
    entries = {e.name: e for e in models.status(model_dir)}
    assert entries["tiny.en"].usable and entries["tiny.en"].path == tiny_model
    assert entries["tiny.en"].n_vocab == 51864 and entries["tiny.en"].ftype == "q8_0"
    assert commands.cmd_model_status(dest_dir=model_dir) == 0
    out = capsys.readouterr().out
    assert str(tiny_model) in out and "tiny.en: installed (auto)" in out


def test_missing_model_gives_the_install_hint(tmp_path, capsys):
    with pytest.raises(UserError, match="Run: voicemail-tui model install"):
        models.resolve("auto", tmp_path / "empty")
    with pytest.raises(UserError, match="voicemail-tui model install"):
        models.resolve(str(tmp_path / "nope.bin"), tmp_path)
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"not a model")
    with pytest.raises(UserError, match="not a whisper.cpp ggml model"):
        models.resolve(str(junk), tmp_path)
    assert commands.cmd_model_status(dest_dir=tmp_path / "empty") == 1
    assert "No speech model installed. Run: voicemail-tui model install" in capsys.readouterr().out


def test_resolve_accepts_a_path_and_a_name(tiny_model, model_dir):
    assert models.resolve(str(tiny_model), model_dir) == tiny_model
    assert models.resolve("tiny.en", model_dir) == tiny_model
    with pytest.raises(UserError, match="model install base"):
        models.resolve("base", model_dir)
    with pytest.raises(UserError, match="Unknown model"):
        models.install("huge", model_dir)


def test_cmd_model_install_says_already_installed(tiny_model, model_dir, capsys):
    assert commands.cmd_model_install("tiny.en", dest_dir=model_dir) == 0
    assert "already installed" in capsys.readouterr().out


@pytest.mark.slow
def test_auto_prefers_base_when_installed(tmp_path):
    tiny = models.install("tiny.en", tmp_path)
    assert models.resolve("auto", tmp_path) == tiny
    base = models.install("base", tmp_path)
    assert models.describe(base) == ("q8_0", 51865)
    assert models.resolve("auto", tmp_path) == base
    assert models.resolve("tiny.en", tmp_path) == tiny
