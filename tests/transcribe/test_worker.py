"""The worker process: real model, real samples, crash recovery, immediate close."""

from __future__ import annotations

import os
import re
import signal
import time

import pytest

from tui.transcribe import commands
from tui.transcribe.worker import TranscriberService


def _row(truth, rid):
    return next(r for r in truth if r["id"] == rid)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


@pytest.mark.slow
def test_sample_transcript_has_caller_name_and_number(tiny_model, samples, truth, tmp_path):
    row = _row(truth, "D01")
    national = row["callback_number"][2:]  # +1 3235550142 -> 3235550142
    got = []
    with TranscriberService(tiny_model, threads=1, language="en", on_result=lambda *r: got.append(r), log_path=tmp_path / "w.log") as svc:
        svc.submit("D01", samples / row["path"])
        job_id, transcript, error = next(svc.results(timeout=300))
        assert (job_id, error) == ("D01", None)
        assert row["caller_name"] in transcript.text  # "Rachel Dunmore"
        assert transcript.model == "tiny.en-q8_0" and transcript.segments and transcript.words
        # Greedy tiny.en drops one of the three fives; the extractor re-reads the span where
        # digits were heard with beam search and a prompt, which recovers the whole number.
        spoken = [s for s in transcript.segments if any(ch.isdigit() for ch in s.text)]
        assert spoken
        start, end = spoken[0].start, spoken[-1].end
        svc.submit("D01-number", samples / row["path"], span=(start, end), prompt="The number is", beam_size=5)
        job_id, again, error = next(svc.results(timeout=300))
        assert (job_id, error) == ("D01-number", None)
        assert national in _digits(again.text)
        assert all(start - 1.5 <= w.start <= end + 1.0 for w in again.words)
    assert [r[0] for r in got] == ["D01", "D01-number"]  # the callback saw both, in order


@pytest.mark.slow
def test_killing_the_worker_mid_job_loses_nothing(tiny_model, samples, truth, tmp_path, spoken_number):
    long_row = _row(truth, "D07")
    log = tmp_path / "worker.log"
    with TranscriberService(tiny_model, threads=1, log_path=log) as svc:
        svc.submit("long", samples / long_row["path"])
        svc.submit("next", spoken_number)
        deadline = time.monotonic() + 120
        while not (svc.running_job == "long" and svc.child_pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        first_pid = svc.child_pid
        assert first_pid is not None
        time.sleep(0.5)  # well inside the job
        os.kill(first_pid, signal.SIGKILL)
        results = {}
        for job_id, transcript, error in svc.results(timeout=300):
            results[job_id] = (transcript, error)
            if len(results) == 2:
                break
        transcript, error = results["long"]
        assert transcript is None and "crashed" in error and "SIGKILL" in error
        transcript, error = results["next"]
        assert error is None and "415" in transcript.text
        assert svc.restarts == 1 and svc.child_pid not in (None, first_pid)
    assert log.read_bytes()  # whisper.cpp's chatter went to the log, not the terminal


@pytest.mark.slow
def test_close_kills_a_busy_worker_at_once(tiny_model, samples, truth, tmp_path):
    svc = TranscriberService(tiny_model, threads=1, log_path=tmp_path / "w.log")
    svc.submit("long", samples / _row(truth, "D07")["path"])
    deadline = time.monotonic() + 120
    while not (svc.current_job == "long" and svc.child_pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    pid = svc.child_pid
    assert pid is not None
    svc.close()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # reaped: gone, not a zombie
    assert list(svc.results(timeout=1)) == []  # the killed job is not reported after close
    with pytest.raises(RuntimeError):
        svc.submit("late", samples / _row(truth, "D01")["path"])


def test_bad_inputs_fail_with_a_reason_and_the_queue_goes_on(tiny_model, samples, truth, tmp_path, spoken_number):
    empty = samples / _row(truth, "DX1")["path"]
    with TranscriberService(tiny_model, threads=1, log_path=tmp_path / "w.log") as svc:
        svc.submit("missing", tmp_path / "nope.wav")
        svc.submit("empty", empty)
        svc.submit("ok", spoken_number)
        out = {}
        for job_id, transcript, error in svc.results(timeout=300):
            out[job_id] = (transcript, error)
            if len(out) == 3:
                break
    assert out["missing"][0] is None and "cannot decode" in out["missing"][1]
    assert out["empty"][0] is None and out["empty"][1].endswith(": the file is empty")
    assert out["ok"][1] is None and "call me back" in out["ok"][0].text.lower()


def test_an_unloadable_model_fails_jobs_with_a_reason(tmp_path, spoken_number):
    junk = tmp_path / "ggml-junk.bin"
    junk.write_bytes(b"lmgg" + b"\0" * 100)
    with TranscriberService(junk, threads=1, log_path=tmp_path / "w.log") as svc:
        svc.submit("a", spoken_number)
        svc.submit("b", spoken_number)
        got = [next(svc.results(timeout=60)), next(svc.results(timeout=60))]
    assert [g[0] for g in got] == ["a", "b"]
    assert all(g[1] is None and "cannot be loaded" in g[2] for g in got)
    assert svc.restarts == 0  # a model that cannot load is not retried for every job


def test_transcribe_files_reports_progress(tiny_model, model_dir, tmp_path, capsys, spoken_number):
    paths = [spoken_number, tmp_path / "nope.wav"]
    seen = []
    results = commands.transcribe_files(
        paths, model="auto", threads=1, language="en", progress=lambda *a: seen.append(a[:3]), dest_dir=model_dir,
        log_path=tmp_path / "w.log",
    )
    assert [s[:2] for s in seen] == [(1, 2), (2, 2)]
    assert results[str(paths[0])][0].text and results[str(paths[1])][1]
    assert commands.print_transcripts(results) == 1
    out = capsys.readouterr().out
    assert "nope.wav: failed: cannot decode" in out


@pytest.mark.slow
def test_the_worker_keeps_to_its_thread_count(tiny_model, samples, truth, tmp_path, monkeypatch):
    """numpy's and whisper.cpp's OpenBLAS in the child get the engine's thread count: left to
    themselves they start a thread per core that spins after each product, on the UI's core."""
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    row = _row(truth, "D11")
    with TranscriberService(tiny_model, threads=1, language="en", log_path=tmp_path / "w.log") as svc:
        svc.submit("D11", samples / row["path"])
        job_id, transcript, error = next(svc.results(timeout=300))
        assert error is None and transcript.text
        pid = svc._proc.pid
        environ = dict(
            item.split("=", 1) for item in open(f"/proc/{pid}/environ").read().split("\0") if "=" in item
        )
        assert environ.get("OPENBLAS_NUM_THREADS") == "1"
        names = [open(f"/proc/{pid}/task/{tid}/comm").read().strip() for tid in os.listdir(f"/proc/{pid}/task")]
    # One thread runs the model; nothing else in the child is busy (no BLAS thread pool).
    assert len(names) <= 2, names


@pytest.mark.slow
def test_a_job_slipped_in_ahead_survives_a_crash(tiny_model, samples, truth, tmp_path, spoken_number):
    """A prioritized job handed to the child while a long one runs is not lost when the child dies:
    it runs first in the new child."""
    with TranscriberService(tiny_model, threads=1, log_path=tmp_path / "worker.log") as svc:
        svc.submit("long", samples / _row(truth, "D07")["path"])
        svc.submit("next", samples / _row(truth, "D01")["path"])
        svc.submit("urgent", spoken_number)
        deadline = time.monotonic() + 120
        while not (svc.running_job == "long" and svc.child_pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert svc.prioritize(["urgent"]) == ["urgent"]
        assert svc.queued() == ["next"]  # "urgent" is in the child's hands already
        os.kill(svc.child_pid, signal.SIGKILL)
        order = []
        for job_id, transcript, error in svc.results(timeout=300):
            order.append((job_id, error is None))
            if len(order) == 3:
                break
        assert order == [("long", False), ("urgent", True), ("next", True)]
