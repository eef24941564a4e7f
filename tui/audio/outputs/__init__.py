"""Audio sinks. Each reports the number of frames that have actually been PLAYED OUT, never what was
written or queued: that count is the only evidence the player turns into heard time.

Common interface (all methods are called from the player's thread only):

    start()            begin a run; the played counter restarts at 0 (may raise OutputUnavailable)
    free_frames()      how many frames write() may take now without blocking
    write(pcm)         s16le interleaved frames (len a multiple of frame_bytes)
    played_frames()    frames of this run played out so far (raises OutputLost if the sink died)
    finish()           no more data in this run: play what is queued, then `finished()` turns True
    finished()         every written frame has been played out
    stop() -> int      stop at once, discard what is queued, return the final played count
    close()            release everything (file: writes its WAV here)

Spec strings: "auto" | "sounddevice" | "pacat" | "null" | "file:PATH.wav" (see open_output).

One module per sink: base (the interface), null, file, portaudio (sounddevice), pacat;
stderr (fd 2 to a log). `from tui.audio.outputs import ...` is the public surface.
"""

from __future__ import annotations

import os

from tui.audio.outputs.base import (
    DEFAULT_BUFFER_MS,
    DEFAULT_RATE,
    LOST,
    STALL_S,
    TUNNEL_BUFFER_MS,
    Output,
    OutputLost,
    OutputUnavailable,
    default_buffer_ms,
)
from tui.audio.outputs.file import FileOutput
from tui.audio.outputs.null import NullOutput
from tui.audio.outputs.pacat import PacatOutput
from tui.audio.outputs.portaudio import SoundDeviceOutput
from tui.audio.outputs.stderr import NativeStderr, redirect_native_stderr

__all__ = [
    "DEFAULT_BUFFER_MS", "DEFAULT_RATE", "LOST", "STALL_S", "TUNNEL_BUFFER_MS", "FileOutput", "NativeStderr",
    "NullOutput", "Output", "OutputLost", "OutputUnavailable", "PacatOutput", "SoundDeviceOutput",
    "default_buffer_ms", "open_output", "redirect_native_stderr",
]


def open_output(
    spec: str = "auto",
    *,
    buffer_ms: int | None = None,
    device: int | str | None = None,
    allow_null_fallback: bool = False,
    probe_timeout_s: float = 3.0,
) -> Output:
    """Resolve an output spec to a ready Output, or raise OutputUnavailable with one sentence.

    May take up to `probe_timeout_s` plus the PortAudio import: call it off the UI loop.
    `auto` tries sounddevice, then pacat, and never falls back to null silently: with
    `allow_null_fallback=True` (for --demo) it returns a NullOutput whose `reason` says why.
    """
    spec = (spec or "auto").strip()
    if spec == "null":
        return NullOutput(buffer_ms=buffer_ms)
    if spec.startswith("file:"):
        target = spec[5:]
        if not target:
            raise OutputUnavailable('the file output needs a path, e.g. "file:/tmp/played.wav"')
        return FileOutput(os.path.expanduser(target), buffer_ms=buffer_ms)
    if spec == "sounddevice":
        return SoundDeviceOutput(device=device, buffer_ms=buffer_ms)
    if spec == "pacat":
        return PacatOutput(device=str(device) if device not in (None, "") else None, buffer_ms=buffer_ms)
    if spec != "auto":
        raise OutputUnavailable(
            f'unknown audio output {spec!r}: use "auto", "sounddevice", "pacat", "null" or "file:PATH.wav"'
        )
    try:
        return _auto(buffer_ms=buffer_ms, device=device, probe_timeout_s=probe_timeout_s)
    except OutputUnavailable as exc:
        if allow_null_fallback:
            return NullOutput(buffer_ms=buffer_ms, reason=str(exc))
        raise


def _auto(*, buffer_ms: int | None, device: int | str | None, probe_timeout_s: float) -> Output:
    from tui.audio.probe import probe

    result = probe(timeout_s=probe_timeout_s)
    if not result.ok and result.kind not in ("no_server", "no_pactl"):
        # Frozen, denied or auto_null: PortAudio would hang or play into nothing.
        raise OutputUnavailable(f"No sound device or server: {result.reason}")
    errors: list[str] = []
    try:
        return SoundDeviceOutput(device=device, buffer_ms=buffer_ms)
    except OutputUnavailable as exc:
        errors.append(str(exc))
    if result.ok:
        try:
            return PacatOutput(buffer_ms=buffer_ms)
        except OutputUnavailable as exc:
            errors.append(str(exc))
    reason = result.reason or "; ".join(errors)
    if reason.startswith("No sound device or server: "):
        reason = reason[len("No sound device or server: "):]
    raise OutputUnavailable(f"No sound device or server: {reason}")
