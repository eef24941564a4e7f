"""The transcriber runs in a child process; `TranscriberService` supervises it.

whisper.cpp writes to fd 2, aborts its whole process on an assert and holds ~250 MB, so it
never runs in the UI process. The child is ``python -m tui.transcribe.child``; it loads the
model once and serves jobs one at a time over JSON lines (stdin: jobs, a private copy of
stdout: results). Its fd 1 and fd 2 both go to the log file, so nothing reaches the terminal.

The service sends one job at a time, so when the child dies it knows which job it was
running: that job is reported failed with the reason (e.g. "the speech engine crashed
(SIGABRT)"), a new child is started and the queue goes on. `close()` kills the child at once.
"""

from __future__ import annotations

import collections
import json
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui import paths
from tui.library.models import Segment, Transcript, Word
from tui.transcribe import default_threads

Result = tuple[str, Transcript | None, str | None]
OnResult = Callable[[str, Transcript | None, str | None], None]

_CLOSED = object()


# --------------------------------------------------------------------------- (de)serialisation


def transcript_to_dict(t: Transcript) -> dict[str, Any]:
    return {
        "text": t.text,
        "model": t.model,
        "language": t.language,
        "speech": t.speech,
        "segments": [[s.start, s.end, s.text] for s in t.segments],
        "words": [[w.start, w.end, w.text, w.p] for w in t.words],
    }


def transcript_from_dict(d: dict[str, Any]) -> Transcript:
    return Transcript(
        text=d["text"],
        segments=tuple(Segment(float(a), float(b), str(c)) for a, b, c in d["segments"]),
        words=tuple(Word(float(a), float(b), str(c), float(p)) for a, b, c, p in d["words"]),
        model=d["model"],
        language=d.get("language"),
        speech=bool(d.get("speech", True)),
    )


# --------------------------------------------------------------------------- service


@dataclass
class _Job:
    job_id: str
    path: str
    span: tuple[float, float] | None = None
    prompt: str | None = None
    beam_size: int | None = None
    attempts: int = 0


def _signal_name(code: int) -> str:
    try:
        return signal.Signals(-code).name
    except ValueError:
        return f"signal {-code}"


class TranscriberService:
    """Transcribe audio files in a supervised child process, in the order they are submitted.

    Results arrive as ``(job_id, Transcript | None, error | None)`` through `on_result`
    (called from the service thread) and through the blocking `results()` iterator.
    """

    def __init__(
        self,
        model_path: str | os.PathLike[str],
        threads: int | None = None,
        language: str | None = "en",
        on_result: OnResult | None = None,
        *,
        on_start: Callable[[str], None] | None = None,
        log_path: str | os.PathLike[str] | None = None,
        audio_ctx: str | int = "auto",
        python: str | None = None,
    ):
        self.model_path = str(model_path)
        self.threads = threads
        self.language = language or "en"
        self.on_result = on_result
        self.on_start = on_start  # called (service thread) as a job is handed to the engine
        self.audio_ctx = audio_ctx
        self.log_path = Path(log_path) if log_path is not None else paths.log_file()
        self._python = python or sys.executable
        self._jobs: collections.deque[_Job] = collections.deque()
        self._cond = threading.Condition()
        self._results: queue.Queue[object] = queue.Queue()
        self._closed = False
        self._proc: subprocess.Popen[bytes] | None = None
        self._current: _Job | None = None
        self._inflight: dict[str, _Job] = {}  # handed to the child, result not yet back
        self._wlock = threading.Lock()
        self._fatal: str | None = None
        self._in_child: str | None = None
        self.model_name: str | None = None
        self.restarts = 0  # children started after the first (crash recovery)
        self._started = 0
        self._thread = threading.Thread(target=self._serve, name="transcriber-service", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------------ public API

    def submit(
        self,
        job_id: str,
        audio_path: str | os.PathLike[str],
        *,
        span: tuple[float, float] | None = None,
        prompt: str | None = None,
        beam_size: int | None = None,
        front: bool = False,
    ) -> None:
        """Queue a file (or, with `span`, a re-decode of [start_s, end_s] of it) after those already
        queued, or with `front` before them."""
        with self._cond:
            if self._closed:
                raise RuntimeError("the transcriber is closed")
            job = _Job(str(job_id), str(audio_path), span, prompt, beam_size)
            if front:
                self._jobs.appendleft(job)
            else:
                self._jobs.append(job)
            self._cond.notify_all()

    def prioritize(self, job_ids: list[str]) -> list[str]:
        """Move these queued jobs, in this order, before all others: they run as soon as the job
        being transcribed now is done (it is never interrupted). Returns the ids that were queued."""
        with self._cond:
            found = {job.job_id: job for job in self._jobs if job.job_id in set(job_ids)}
            if not found:
                return []
            self._jobs = collections.deque(
                [found[j] for j in job_ids if j in found] + [job for job in self._jobs if job.job_id not in found]
            )
            if self._in_child not in set(job_ids):  # never interrupt a message that is itself wanted
                self._slip_in()
            return [j for j in job_ids if j in found]

    def queued(self) -> list[str]:
        """Ids of the jobs waiting, in the order they will run (the running one excluded)."""
        with self._cond:
            return [job.job_id for job in self._jobs]

    def results(self, timeout: float | None = None) -> Iterator[Result]:
        """Yield results as they come; stops when the service is closed (or after `timeout` s of silence)."""
        while True:
            try:
                item = self._results.get(timeout=timeout)
            except queue.Empty:
                return
            if item is _CLOSED:
                self._results.put(_CLOSED)  # let other iterators stop too
                return
            yield item  # type: ignore[misc]

    @property
    def pending(self) -> int:
        """Jobs queued or running."""
        with self._cond:
            return len(self._jobs) + max(len(self._inflight), 1 if self._current is not None else 0)

    @property
    def child_pid(self) -> int | None:
        proc = self._proc
        return proc.pid if proc is not None and proc.poll() is None else None

    @property
    def current_job(self) -> str | None:
        """The job being worked on (queued to a child that may still be loading the model)."""
        job = self._current
        return job.job_id if job is not None else None

    @property
    def running_job(self) -> str | None:
        """The job a ready child is transcribing right now."""
        return self._in_child

    def close(self) -> None:
        """Kill the child now (never waits for a running job) and stop the service thread."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
            self._jobs.clear()
            self._cond.notify_all()
        self._kill()
        self._results.put(_CLOSED)
        self._thread.join(timeout=2)

    def __enter__(self) -> TranscriberService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ internals

    def _kill(self) -> None:
        proc = self._proc
        if proc is None:
            return
        try:
            proc.kill()
        except OSError:
            pass
        for stream in (proc.stdin, proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        try:
            proc.wait(timeout=2)
        except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL does not fail
            pass

    def _emit(self, job_id: str, transcript: Transcript | None, error: str | None) -> None:
        if self._closed:
            return
        self._results.put((job_id, transcript, error))
        if self.on_result is not None:
            try:
                self.on_result(job_id, transcript, error)
            except Exception:  # noqa: BLE001 - a caller's bug must not stop the queue
                pass

    def _start_child(self) -> tuple[str | None, bool]:
        """Start a child and wait for it to load the model; returns (error reason or None, fatal)."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")  # noqa: SIM115 - handed to the child, closed below
        root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        # Both OpenBLAS copies in the child (numpy's, for the log-mel, and whisper.cpp's) read this
        # once as they load. Left unset, numpy's starts a thread per core that spins after each
        # product: 7 % of the child's CPU time, on the core the UI needs.
        env.setdefault("OPENBLAS_NUM_THREADS", str(int(self.threads) if self.threads else default_threads()))
        args = [
            self._python,
            "-m",
            "tui.transcribe.child",
            "--model",
            self.model_path,
            "--language",
            self.language,
            "--audio-ctx",
            str(self.audio_ctx),
        ]
        if self.threads:
            args += ["--threads", str(int(self.threads))]
        try:
            self._proc = subprocess.Popen(
                args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, env=env, start_new_session=True
            )
        except OSError as exc:
            return f"cannot start the transcriber: {exc.strerror or exc}", True
        finally:
            log.close()
        if self._started:
            self.restarts += 1
        self._started += 1
        msg = self._read()
        if msg is None:
            return self._death_reason("the transcriber exited while loading the model"), False
        if "fatal" in msg:
            self._kill()
            return str(msg["fatal"]), True
        self.model_name = msg.get("ready")
        return None, False

    def _read(self) -> dict[str, Any] | None:
        proc = self._proc
        if proc is None or proc.stdout is None:
            return None
        while True:
            try:
                line = proc.stdout.readline()
            except (OSError, ValueError):
                return None
            if not line:
                return None
            try:
                return json.loads(line)
            except ValueError:
                continue  # not ours

    def _death_reason(self, what: str) -> str:
        proc = self._proc
        code = None
        if proc is not None:
            try:
                code = proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                code = proc.wait()
        if code is None:
            return what
        if code < 0:
            return f"{what} ({_signal_name(code)}); see {self.log_path}"
        return f"{what} (exit status {code}); see {self.log_path}"

    def _alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def _serve(self) -> None:
        while True:
            with self._cond:
                while not self._jobs and not self._closed:
                    self._cond.wait()
                if self._closed:
                    return
                job = self._jobs.popleft()
                self._current = job
            try:
                self._run_job(job)
            finally:
                with self._cond:
                    self._current = None

    def _run_job(self, job: _Job) -> None:
        if self._fatal is not None:
            self._emit(job.job_id, None, self._fatal)
            return
        if not self._alive():
            reason = None
            for _attempt in range(2):  # a child killed while loading is not the model's fault: once more
                reason, fatal = self._start_child()
                if self._closed:
                    return
                if reason is None or fatal:
                    break
            if reason is not None:
                # The model cannot be loaded (it said so, or loading died twice): every job
                # would fail the same way, so stop starting children.
                self._fatal = reason
                self._emit(job.job_id, None, reason)
                return
        with self._cond:
            self._inflight = {job.job_id: job}
        self._write(job)
        while self._inflight:
            msg = self._read()
            if self._closed:
                return
            if msg is None:
                reason = self._death_reason("the speech engine crashed")
                self._proc = None
                self._in_child = None
                with self._cond:
                    # A job slipped in ahead (urgent) is not the crash's cause: it runs again first.
                    others = [j for j in self._inflight.values() if j is not job]
                    self._inflight = {}
                    self._jobs.extendleft(reversed(others))
                self._emit(job.job_id, None, reason)
                return
            if "started" in msg:
                self._in_child = str(msg["started"])
                if self.on_start is not None:
                    try:
                        self.on_start(self._in_child)
                    except Exception:  # noqa: BLE001 - a caller's bug must not stop the queue
                        pass
                continue
            job_id = str(msg.get("id"))
            with self._cond:
                self._inflight.pop(job_id, None)
            if msg.get("error"):
                self._emit(job_id, None, str(msg["error"]))
            else:
                self._emit(job_id, transcript_from_dict(msg["transcript"]), None)
        self._in_child = None

    def _write(self, job: _Job, *, urgent: bool = False) -> None:
        request: dict[str, Any] = {"id": job.job_id, "path": job.path}
        if job.span is not None:
            request.update(span=list(job.span), prompt=job.prompt, beam_size=job.beam_size)
        elif job.prompt:
            request["prompt"] = job.prompt
        if urgent:
            request["urgent"] = True
        proc = self._proc
        if proc is None or proc.stdin is None:
            return  # the read sees the death
        with self._wlock:
            try:
                proc.stdin.write((json.dumps(request) + "\n").encode())
                proc.stdin.flush()
            except (OSError, ValueError):
                pass  # the read sees the death

    def _slip_in(self) -> None:
        """Hand the first queued job to the engine now, to run at the next window boundary of the
        message being transcribed (called with the lock held, after `prioritize`)."""
        running = self._inflight.get(self._in_child or "")
        if running is None or running.span is not None or len(self._inflight) > 1 or not self._jobs:
            return  # nothing long running, or one already slipped in
        job = self._jobs.popleft()
        self._inflight[job.job_id] = job
        self._write(job, urgent=True)
