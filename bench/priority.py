"""Enter on an untranscribed message: time until its full transcript, with the queue busy.

    .venv/bin/python -m bench.priority                     # tiny.en, 1 run each way
    .venv/bin/python -m bench.priority --model base-q8_0 --repeat 2

Seven sample voicemails are queued newest first as the app queues them (the real store, the real
worker process, one thread); the ~28 s message (D06) is the oldest, so last in line. Once the
first job is running, "Enter" is pressed on D06: `Enricher.prioritize([D06])`, the call the app
makes on Enter. Measured: from that call to D06's transcript being stored. "before" makes no call
(the queue as it was: newest first, Enter changed nothing). Anchor, same run: D06 transcribed
alone by the same worker (its own time, model loaded).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLES = (REPO.parent / "shared" / "voicemail-samples").resolve()
QUEUE = [  # newest first
    ("D01", "asterisk/default/1001/INBOX/msg0000.wav"),
    ("D02", "asterisk/default/1001/INBOX/msg0001.wav"),
    ("D07", "google-voice/Calls/+18575550100 - Voicemail - 2026-11-08T18_51_07Z.mp3"),
    ("D08", "google-voice/Calls/+12565550187 - Voicemail - 2026-11-09T15_44_19Z.mp3"),
    ("D04", "asterisk/default/1001/Old/msg0000.wav"),
    ("D12", "plain/Voicemail 3.wav"),
    ("D06", "google-voice/Calls/+17815550100 - Voicemail - 2026-11-04T16_08_30Z.mp3"),
]
TARGET = "D06"


def one_run(model: Path, threads: int, *, press: bool, work: Path) -> float:
    from tui.enrich import Enricher
    from tui.library.models import Found
    from tui.library.store import Store

    store = Store(work / f"lib-{time.monotonic_ns()}.sqlite3")
    for n, (mid, rel) in enumerate(QUEUE):
        found = Found(path=str(SAMPLES / rel), layout="plain",
                      received_at=datetime(2026, 11, 30 - n, 12, tzinfo=timezone.utc))
        store.add_file(found, mid, size=1, mtime_ns=1, root=str(SAMPLES), duration_s=None)
    started = threading.Event()
    done = threading.Event()

    def update(message_id, _done, _total, _error):
        status = store.get(message_id).transcript_status
        if status == "transcribing":
            started.set()
        if message_id == TARGET and status in ("done", "no_speech", "failed"):
            done.set()

    enricher = Enricher(store, model, threads=threads, language="en", region="US", on_update=update,
                        log_path=work / "worker.log")
    try:
        enricher.queue_pending()
        started.wait(120)
        t0 = time.perf_counter()
        if press:
            enricher.prioritize([TARGET])
        done.wait(600)
        return time.perf_counter() - t0
    finally:
        enricher.close()
        store.close()


def alone(model: Path, threads: int, work: Path) -> float:
    from tui.transcribe.worker import TranscriberService

    with TranscriberService(model, threads, "en", log_path=work / "worker.log") as svc:
        svc.submit("warm", SAMPLES / QUEUE[0][1])
        next(svc.results(timeout=300))
        t0 = time.perf_counter()
        svc.submit(TARGET, SAMPLES / QUEUE[-1][1])
        next(svc.results(timeout=300))
        return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.priority", description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default="tiny.en-q8_0", help="a ggml name in the model folder, or a path")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args(argv)
    sys.path.insert(0, str(REPO))
    from tui import paths
    from tui.transcribe import default_threads

    threads = args.threads or default_threads()
    model = Path(args.model) if "/" in args.model else paths.model_dir() / f"ggml-{args.model}.bin"
    work = Path(tempfile.mkdtemp(prefix="bench-priority-"))
    anchor = statistics.median(alone(model, threads, work) for _ in range(args.repeat))
    before = statistics.median(one_run(model, threads, press=False, work=work) for _ in range(args.repeat))
    after = statistics.median(one_run(model, threads, press=True, work=work) for _ in range(args.repeat))
    print(f"model {model.name}, {threads} thread(s), {os.cpu_count()} cores, repeat {args.repeat}")
    print(f"{'measure':58} {'s':>6} {'x alone':>8}")
    print(f"{'D06 (27.9 s) transcribed alone (anchor)':58} {anchor:6.2f} {1.0:8.2f}")
    print(f"{'Enter on D06, 6 messages ahead: before (queue order)':58} {before:6.2f} {before / anchor:8.2f}")
    print(f"{'Enter on D06, 6 messages ahead: after (jumps the queue)':58} {after:6.2f} {after / anchor:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
