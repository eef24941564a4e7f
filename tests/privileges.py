"""Run a child so that file permissions apply to it, even when the suite runs as root (CI does).

Root bypasses read/write permissions through two capabilities; `setpriv` (util-linux, on every
Debian) starts the child with them removed from its bounding set, so the kernel refuses it what
it refuses a user. Without setpriv a root run fails loudly rather than skipping the test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def obeying_permissions(argv: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return argv
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.fail("running as root without setpriv (util-linux): file permissions cannot be enforced")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search", *argv]


def python_obeying_permissions(code: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """`python -c code args...` with this interpreter and the project importable, permissions applied."""
    return subprocess.run(obeying_permissions([sys.executable, "-c", code, *args]), capture_output=True, text=True,
                          timeout=timeout, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
