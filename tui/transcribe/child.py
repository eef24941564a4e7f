"""The transcriber's child process: ``python -m tui.transcribe.child`` (started by worker.py).

It loads the model once and serves jobs over JSON lines (stdin: jobs; a private copy of stdout:
``{"ready"}``, ``{"started": id}`` as a job starts or goes on, ``{"id", "transcript"|"error"}``).
Jobs are read on a thread: one marked ``urgent`` (the message in front of the person) runs at the
next window boundary of the message being transcribed, which then goes on where it was.
"""

from __future__ import annotations

import collections
import json
import os
import queue
import sys
import threading
from typing import Any

from tui.transcribe.worker import transcript_to_dict


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="tui.transcribe.child")
    parser.add_argument("--model", required=True)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--language", default="en")
    parser.add_argument("--audio-ctx", default="auto")
    args = parser.parse_args(argv)

    # Our protocol gets a private copy of stdout; fd 1 joins fd 2 (the log) so that anything
    # whisper.cpp or a library prints can never corrupt it.
    proto = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def send(obj: dict[str, Any]) -> None:
        proto.write(json.dumps(obj) + "\n")
        proto.flush()

    from tui.audio.decode import decode_pcm
    from tui.errors import UserError
    from tui.transcribe.engine import Engine

    audio_ctx: str | int = args.audio_ctx
    if isinstance(audio_ctx, str) and audio_ctx.isdigit():
        audio_ctx = int(audio_ctx)
    try:
        engine = Engine(args.model, threads=args.threads, language=args.language, audio_ctx=audio_ctx)
    except UserError as exc:
        send({"fatal": str(exc)})
        return 1
    send({"ready": engine.model_name})
    # Jobs arrive on a reader thread, so that an urgent one (the message in front of the person)
    # is seen between two windows of a long message and runs there; the long one then goes on.
    inbox: queue.Queue[dict[str, Any] | None] = queue.Queue()

    def reader() -> None:
        for line in sys.stdin:
            try:
                inbox.put(json.loads(line))
            except ValueError:
                continue
        inbox.put(None)

    threading.Thread(target=reader, name="jobs", daemon=True).start()
    later: collections.deque[dict[str, Any] | None] = collections.deque()

    def urgent_between_windows() -> None:
        while True:
            try:
                item = inbox.get_nowait()
            except queue.Empty:
                return
            if item is not None and item.get("urgent"):
                run(item, preemptible=False)
            else:
                later.append(item)

    def run(job: dict[str, Any], *, preemptible: bool) -> None:
        job_id = job.get("id")
        send({"started": job_id})
        try:
            pcm = decode_pcm(job["path"], rate=16000, channels=1)
            if job.get("span"):
                start, end = job["span"]
                transcript = engine.redecode(
                    pcm, float(start), float(end), prompt=job.get("prompt"), beam_size=job.get("beam_size") or 5
                )
            else:
                pieces = engine.transcribe_pieces(pcm, prompt=job.get("prompt"))
                while True:
                    try:
                        next(pieces)
                    except StopIteration as done:
                        transcript = done.value
                        break
                    if preemptible and not inbox.empty():
                        urgent_between_windows()
                        send({"started": job_id})  # going on with this one
            send({"id": job_id, "transcript": transcript_to_dict(transcript)})
        except UserError as exc:
            send({"id": job_id, "error": str(exc)})
        except Exception as exc:  # noqa: BLE001 - report, keep serving
            send({"id": job_id, "error": f"transcription failed: {type(exc).__name__}: {exc}"})

    while True:
        job = later.popleft() if later else inbox.get()
        if job is None:
            break
        run(job, preemptible=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
