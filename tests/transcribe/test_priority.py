"""The message in front of the person is transcribed next; rows say queued/transcribing truthfully.

Real store, real worker process, real tiny.en model, real sample voicemails.
"""

from __future__ import annotations

import threading
from datetime import datetime, timezone

import pytest

from tui.enrich import Enricher
from tui.library.models import Found
from tui.library.store import Store

pytestmark = [pytest.mark.model, pytest.mark.slow]

FILES = {
    "a": "google-voice/Calls/+18575550100 - Voicemail - 2026-11-08T18_51_07Z.mp3",  # 67 s: time to act
    "b": "asterisk/default/1001/INBOX/msg0001.wav",
    "c": "asterisk/default/1001/Old/msg0000.wav",
    "d": "plain/Voicemail 3.wav",
}


def test_the_played_message_is_transcribed_next(tiny_model, samples, tmp_path):
    """"d" is prioritized while the 67 s "a" (three windows) is transcribed: "d" runs at a's next
    window boundary, then "a" goes on where it was, whole and unchanged."""
    store = Store(tmp_path / "lib.sqlite3")
    for n, (mid, rel) in enumerate(FILES.items()):
        found = Found(path=str(samples / rel), layout="plain",
                      received_at=datetime(2026, 11, 1, 12, n, tzinfo=timezone.utc))
        store.add_file(found, mid, size=1, mtime_ns=1, root=str(samples), duration_s=20.0)
    finished: list[str] = []
    started: list[str] = []
    busy_counts: list[int] = []
    while_d: list[dict] = []
    first_started = threading.Event()
    all_done = threading.Event()
    lock = threading.Lock()

    def update(message_id, done, total, error):  # the service's thread
        statuses = {m.id: m.transcript_status for m in store.messages()}
        with lock:
            busy_counts.append(sum(1 for s in statuses.values() if s == "transcribing"))
            if statuses.get(message_id) == "transcribing":
                started.append(message_id)
                first_started.set()
                if message_id == "d":
                    while_d.append(statuses)
            elif statuses.get(message_id) in ("done", "no_speech", "failed") and message_id not in finished:
                finished.append(message_id)
            if len(finished) == len(FILES):
                all_done.set()

    enricher = Enricher(store, tiny_model, threads=1, language="en", region="US", on_update=update,
                        log_path=tmp_path / "w.log")
    try:
        assert enricher.queue_pending(["a", "b", "c", "d"]) == 4
        assert first_started.wait(120), "the first job never started"
        assert started == ["a"]
        # while "a" is being transcribed, the rows tell the truth: one transcribing, the rest queued
        statuses = {m.id: m.transcript_status for m in store.messages()}
        assert statuses == {"a": "transcribing", "b": "pending", "c": "pending", "d": "pending"}
        # the person presses Enter on "d": it runs at a's next window boundary
        assert enricher.prioritize(["d", None]) == ["d"]
        assert enricher.prioritize(["zzz"]) == []  # not queued: nothing moves
        assert all_done.wait(300), f"finished only {finished}"
    finally:
        enricher.close()
    assert finished == ["d", "a", "b", "c"]
    assert started[:3] == ["a", "d", "a"]  # "a" waited at a boundary, then went on
    assert while_d[0] == {"a": "pending", "b": "pending", "c": "pending", "d": "transcribing"}
    assert max(busy_counts) == 1  # never two "transcribing" at once
    # "a" was not cut mid-window: its transcript is the one it gets alone
    from tui.audio.decode import decode_pcm
    from tui.transcribe.engine import Engine

    with Engine(tiny_model, threads=1) as engine:
        alone = engine.transcribe(decode_pcm(str(samples / FILES["a"])))
    assert store.transcript("a").text == alone.text
    assert store.transcript("a").words[-1].end > 60
    assert all(store.transcript(m) is not None for m in FILES)
