"""Fixtures for the hardening suites (the app fixtures come from tests/app)."""

from __future__ import annotations

from tests.app.conftest import make_app, tone_folder  # noqa: F401 - re-exported fixtures
