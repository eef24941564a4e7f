"""Issue #16 for transcripts: a failure of ours (the store, the extractor, the worker's own
exception, the file gone for now) leaves the message to be transcribed again, never "failed"."""

from __future__ import annotations

import shutil
import time

from tui import enrich as enrich_module
from tui.enrich import Enricher, is_transient
from tui.library.models import Found
from tui.library.scan import content_id


def _add(store, path):
    message_id = content_id(str(path), path.stat().st_size)
    store.add_file(Found(path=str(path), layout="plain"), message_id, size=path.stat().st_size, mtime_ns=1, root=str(path.parent),
                   duration_s=5.0)
    return message_id


def _wait(predicate, timeout=300.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_an_extractor_failure_is_retried_not_failed(tiny_model, store, spoken_number, tmp_path, monkeypatch):
    audio = tmp_path / "v" / "call.wav"
    audio.parent.mkdir()
    shutil.copy(spoken_number, audio)
    message_id = _add(store, audio)
    real = enrich_module.enrich
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("deadlock detected by _ModuleLock('phonenumbers') at 0x1")
        return real(*args, **kwargs)

    monkeypatch.setattr(enrich_module, "enrich", flaky)
    enricher = Enricher(store, tiny_model, threads=1, language="en", region="US", log_path=tmp_path / "w.log")
    try:
        assert enricher.queue_pending() == 1
        _wait(lambda: enricher.done == 1)
        after = store.get(message_id)
        assert after.transcript_status is None and after.transcript_error.startswith("will retry: RuntimeError")
        assert message_id in store.needing_transcript(enricher.model_name)
        assert enricher.queue_pending() == 1
        _wait(lambda: store.get(message_id).transcript_status == "done")
    finally:
        enricher.close()
    assert "call me back" in store.transcript(message_id).text.lower()


def test_which_worker_errors_are_transient():
    assert is_transient("transcription failed: MemoryError: ")
    assert is_transient("cannot decode /v/a.wav: no such file")
    assert is_transient("cannot decode /v/a.wav: Too many open files")
    assert not is_transient("cannot decode /v/a.wav: Invalid data found when processing input")
    assert not is_transient("the speech engine crashed (SIGSEGV); see /log")  # the same file would crash it again
    assert not is_transient(None)
