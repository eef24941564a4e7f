"""What to do when something a test needs is not installed here.

`scripts/test` (and so CI) runs the set-up first and sets VOICEMAIL_TUI_STRICT=1: after the
set-up, a missing tool, library or device is a missing install step, so the test fails and says
what is missing. Run bare (`pytest` on a machine set up by hand) the test skips with that reason.
"""

from __future__ import annotations

import os

import pytest

STRICT = os.environ.get("VOICEMAIL_TUI_STRICT") == "1" or bool(os.environ.get("CI"))


def missing(what: str) -> None:
    """Fail (strict) or skip (bare) because `what` is not installed; never returns."""
    (pytest.fail if STRICT else pytest.skip)(f"{what} (scripts/bootstrap.sh --test installs it)")
