"""The inbox at N messages: start-up, key to screen update, peak memory, each beside a bare-Textual floor.

Every figure comes from a fresh child process (`python -m bench.inbox child ...`), headless at
120x40, so that interpreter start, imports, reading the library and the first paint all count:

* inbox ready: from just before the child is spawned to the first screen update whose text
  contains message rows (the update is turned into the terminal byte string, as a real terminal
  would receive it). The app runs as the `voicemail-tui` command builds it: the library is read,
  then the start-up scan of the (unchanged) source folder and the folder watcher run as usual.
* floor: the same child shape for a bare Textual app whose only widget is a DataTable (or an
  OptionList) holding N rows of the same callers.
* key to screen update: key events handed to the driver (`driver.process_message(events.Key)`,
  the path real input takes; not `pilot.press`, which has a ~63 ms floor), timed until the
  screen update that shows the moved cursor. Idle, and while CPU-bound processes (one per
  transcription thread, as the transcriber would use) keep the other cores busy.
* peak RSS: VmHWM of the child after its key run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

from bench.common import REPO, Result, cores, log, median, percentile, vm_hwm_mb

SIZE = (120, 40)
KINDS = ("app", "datatable", "optionlist")
TARGET_READY_S = 0.5
TARGET_READY_RATIO = 1.3
TARGET_KEY_P95_MS = 50.0
TARGET_RSS_MB = 150.0
KEY_GAP_S = 0.02


# ---------------------------------------------------------------------------------------- child
class Probe:
    """Wraps `app._display`: notes the first update that shows rows, and cursor moves."""

    def __init__(self, app, markers: list[str], cursor) -> None:
        import asyncio

        from textual._compositor import CompositorUpdate

        self.app = app
        self.markers = markers
        self.cursor = cursor
        self.rows_at: float | None = None
        self.rows_event = asyncio.Event()
        self.expect: tuple[int, object] | None = None
        self.updates = 0
        original = app._display

        def display(screen, renderable) -> None:
            original(screen, renderable)
            if renderable is None:
                return
            # What a terminal would receive: headless Textual skips this step, a real one does not.
            text = renderable.render_segments(app.console) if isinstance(renderable, CompositorUpdate) else str(renderable)
            now = time.perf_counter()
            self.updates += 1
            if self.rows_at is None and any(m in text for m in self.markers):
                self.rows_at = time.monotonic()
                self.rows_event.set()
            if self.expect is not None:
                wanted, future = self.expect
                if self.cursor() == wanted and not future.done():
                    future.set_result(now)
                    self.expect = None

        app._display = display


def _floor_rows(n: int, markers: list[str]) -> list[tuple[str, str, str, str, str]]:
    rows = []
    for i in range(n):
        name = markers[i % len(markers)] if markers else f"Caller {i}"
        rows.append(("●", name, f"2025-{1 + i % 12:02d}-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}", f"0:{i % 60:02d}", "new"))
    return rows


def _imports(kind: str) -> None:
    if kind == "app":
        import tui.app.app  # noqa: F401
        import tui.library.store  # noqa: F401
    else:
        import textual.app  # noqa: F401
        import textual.widgets  # noqa: F401


def _build(kind: str, args, markers: list[str]):
    """(app, cursor getter, settled() predicate) for one kind of child."""
    if kind == "app":
        from tui.app.app import VoicemailApp
        from tui.config import AudioConfig, Config, SourcesConfig
        from tui.library.store import Store

        config = Config()
        config = replace(
            config,
            audio=AudioConfig(output="null"),  # no sound device on a bench machine
            transcription=replace(config.transcription, enabled=not args.no_transcription),
            sources=SourcesConfig(folders=tuple(args.source), watch=not args.no_watch),
        )
        store = Store(Path(args.db))
        app = VoicemailApp(store=store, config=config, sources=[Path(s) for s in args.source],
                           scan_on_start=bool(args.source))
        app._bench_store = store
        return app, (lambda: app.message_list.cursor), (lambda: not app.scanning and app.player is not None)

    from textual.app import App
    from textual.widgets import DataTable, OptionList

    rows = _floor_rows(args.rows, markers)
    if kind == "datatable":
        class Floor(App):
            def compose(self):
                yield DataTable(cursor_type="row", id="rows")

            def on_mount(self) -> None:
                table = self.query_one(DataTable)
                table.add_columns("", "caller", "when", "length", "status")
                table.add_rows(rows)
                table.focus()

        app = Floor()
        return app, (lambda: app.query_one(DataTable).cursor_row), (lambda: True)

    class FloorOptions(App):
        def compose(self):
            yield OptionList(*[f"{r[0]} {r[1]:40} {r[2]} {r[3]:>5} {r[4]}" for r in rows], markup=False, id="rows")

        def on_mount(self) -> None:
            self.query_one(OptionList).highlighted = 0
            self.query_one(OptionList).focus()

    app = FloorOptions()
    return app, (lambda: app.query_one(OptionList).highlighted), (lambda: True)


def child(argv: list[str]) -> int:
    t_main = time.monotonic()
    ap = argparse.ArgumentParser(prog="python -m bench.inbox child")
    ap.add_argument("kind", choices=KINDS)
    ap.add_argument("--out", required=True)
    ap.add_argument("--markers", required=True, help="JSON file: strings any row on screen shows")
    ap.add_argument("--db")
    ap.add_argument("--source", action="append", default=[])
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--keys", type=int, default=0, help="key presses to time after start-up (0: exit at once)")
    ap.add_argument("--gap", type=float, default=KEY_GAP_S, help="seconds between key presses")
    ap.add_argument("--no-watch", action="store_true")
    ap.add_argument("--no-transcription", action="store_true")
    args = ap.parse_args(argv)
    markers = json.loads(Path(args.markers).read_text())

    import asyncio

    from textual import events

    _imports(args.kind)
    t_imported = time.monotonic()
    app, cursor, settled = _build(args.kind, args, markers)
    t_built = time.monotonic()
    result: dict = {"t_main": t_main, "t_imported": t_imported, "t_built": t_built}

    async def pilot(_pilot) -> None:
        probe = result["probe"]
        try:
            await asyncio.wait_for(probe.rows_event.wait(), 60)
        except asyncio.TimeoutError:
            result["error"] = "no rows on screen within 60 s"
            app.exit()
            return
        result["rows_at"] = probe.rows_at
        result["updates_to_rows"] = probe.updates
        if args.keys:
            deadline = time.monotonic() + 15
            while not settled() and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.3)
            loop = asyncio.get_running_loop()
            driver = app._driver
            half = args.keys // 2
            keys = ["down"] * (args.keys - half) + ["up"] * half
            latencies = []
            for key in keys:
                before = cursor()
                wanted = before + 1 if key == "down" else max(0, before - 1)
                if wanted == before:
                    continue
                future = loop.create_future()
                probe.expect = (wanted, future)
                t0 = time.perf_counter()
                driver.process_message(events.Key(key, None))
                try:
                    t1 = await asyncio.wait_for(future, 5)
                except asyncio.TimeoutError:
                    result["error"] = f"no screen update for key {key!r} within 5 s (cursor {cursor()}, wanted {wanted})"
                    break
                latencies.append((t1 - t0) * 1000)
                await asyncio.sleep(args.gap)
            result["key_ms"] = latencies
        app.exit()

    result["probe"] = Probe(app, markers, cursor)
    try:
        app.run(headless=True, size=SIZE, auto_pilot=pilot)
    finally:
        if args.kind == "app":
            app.shutdown()
            app._bench_store.close()
    result.pop("probe")
    result["rss_mb"] = vm_hwm_mb()
    if app.return_code not in (0, None) and "error" not in result:
        result["error"] = f"app exited with {app.return_code}"
    Path(args.out).write_text(json.dumps(result))
    return 0


# --------------------------------------------------------------------------------------- parent
def run_child(kind: str, *, tmp: Path, markers: Path, rows: int, db: Path | None = None,
              source: Path | None = None, keys: int = 0, timeout: float = 180) -> dict:
    """Spawn one child; returns its result with `ready_s` = spawn to first rows."""
    out = tmp / f"child-{kind}-{time.monotonic_ns()}.json"
    cmd = [sys.executable, "-m", "bench.inbox", "child", kind, "--out", str(out), "--markers", str(markers),
           "--rows", str(rows), "--keys", str(keys)]
    if db is not None:
        cmd += ["--db", str(db)]
    if source is not None:
        cmd += ["--source", str(source)]
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.setdefault("XDG_STATE_HOME", str(tmp / "state"))  # the app's log goes here, not to the user's
    env.setdefault("XDG_CONFIG_HOME", str(tmp / "config"))
    env.setdefault("XDG_DATA_HOME", str(tmp / "data"))
    t0 = time.monotonic()
    proc = subprocess.run(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    wall = time.monotonic() - t0
    if proc.returncode != 0 or not out.is_file():
        tail = (proc.stderr or b"").decode(errors="replace").strip().splitlines()[-5:]
        raise RuntimeError(f"bench child {kind} failed (exit {proc.returncode}): " + " | ".join(tail))
    data = json.loads(out.read_text())
    out.unlink()
    if data.get("error"):
        raise RuntimeError(f"bench child {kind}: {data['error']}")
    data["ready_s"] = data["rows_at"] - t0
    data["imports_s"] = data["t_imported"] - t0
    data["built_s"] = data["t_built"] - t0
    data["wall_s"] = wall
    return data


def import_only() -> float:
    """Spawn to exit of `python -c "import textual.app"`: what any Textual start-up pays first."""
    t0 = time.monotonic()
    subprocess.run([sys.executable, "-c", "import textual.app"], cwd=REPO, check=True)
    return time.monotonic() - t0


class Busy:
    """CPU-bound processes standing in for the transcriber (one per transcription thread)."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.procs: list[subprocess.Popen] = []

    def __enter__(self) -> Busy:
        for _ in range(self.count):
            self.procs.append(subprocess.Popen([sys.executable, "-c", "while True: pass"]))
        time.sleep(0.2)
        return self

    def __exit__(self, *exc) -> None:
        for proc in self.procs:
            proc.kill()
        for proc in self.procs:
            proc.wait()


class RealTranscription:
    """The real transcriber (tui.transcribe.worker) kept busy on sample voicemails; notes its peak RSS."""

    def __init__(self, model: Path, audio: list[Path], tmp: Path) -> None:
        self.model = model
        self.audio = audio
        self.tmp = tmp
        self.peak_mb = 0.0
        self.done = 0
        self.errors: list[str] = []
        self._stop = threading.Event()

    def __enter__(self) -> RealTranscription:
        from tui.transcribe.worker import TranscriberService

        self.service = TranscriberService(self.model, on_result=self._result, log_path=self.tmp / "transcriber.log")
        for i in range(2):
            self.service.submit(f"bench-{i}", self.audio[i % len(self.audio)])
        self._watch = threading.Thread(target=self._poll, daemon=True)
        self._watch.start()
        deadline = time.monotonic() + 60  # wait for the model to load and the first job to run
        while self.service.running_job is None and time.monotonic() < deadline:
            time.sleep(0.05)
        return self

    def _result(self, job_id: str, transcript, error) -> None:
        self.done += 1
        if error:
            self.errors.append(error)
        if not self._stop.is_set():
            self.service.submit(f"bench-{self.done + 1}", self.audio[self.done % len(self.audio)])

    def _poll(self) -> None:
        while not self._stop.is_set():
            pid = self.service.child_pid
            if pid is not None:
                self.peak_mb = max(self.peak_mb, vm_hwm_mb(pid) or 0.0)
            time.sleep(0.1)

    def __exit__(self, *exc) -> None:
        self._stop.set()
        pid = self.service.child_pid
        if pid is not None:
            self.peak_mb = max(self.peak_mb, vm_hwm_mb(pid) or 0.0)
        self.service.close()


def find_model(path: str | None) -> Path | None:
    """The speech model for the real-transcription runs: the given path, or the installed one, or None."""
    if path:
        return Path(path)
    try:
        from tui.transcribe.model import resolve

        return resolve("auto")
    except Exception:
        return None


def sample_audio() -> list[Path]:
    """Real voicemails to transcribe under load: the shared sample corpus next to the repository."""
    samples = REPO.parent / "shared" / "voicemail-samples"
    return sorted(p for p in samples.rglob("*") if p.suffix.lower() in (".wav", ".mp3", ".m4a", ".ogg", ".opus", ".flac"))[:8] \
        if samples.is_dir() else []


def transcription_threads() -> int:
    """What the transcriber uses by default: cores - 1, at least 1."""
    return max(1, cores() - 1)


def measure(*, db: Path, source: Path, markers: list[str], rows: int, repeat: int, tmp: Path,
            keys: int = 240, busy: bool = True, kinds: tuple[str, ...] = KINDS, warm_up: bool = True,
            model: Path | None = None) -> list[Result]:
    tmp.mkdir(parents=True, exist_ok=True)
    marker_file = tmp / "markers.json"
    marker_file.write_text(json.dumps(markers))
    # A library of its own: the app's start-up scan and WAL files never touch the cached data.
    library = tmp / "library.sqlite3"
    shutil.copyfile(db, library)

    def one(kind: str, n_keys: int) -> dict:
        return run_child(kind, tmp=tmp, markers=marker_file, rows=rows, keys=n_keys,
                         db=library if kind == "app" else None, source=source if kind == "app" else None)

    if warm_up:  # page cache and .pyc files, so the first timed run is not the odd one out
        log(f"inbox: warm-up ({', '.join(kinds)})")
        for kind in kinds:
            one(kind, 0)
    ready: dict[str, list[dict]] = {k: [] for k in kinds}
    bare_import: list[float] = []
    for i in range(repeat):
        log(f"inbox: start-up run {i + 1}/{repeat}")
        for kind in kinds:  # interleaved, so drift on a shared machine hits all alike
            ready[kind].append(one(kind, 0))
        bare_import.append(import_only())
    idle: dict[str, list[dict]] = {k: [] for k in kinds}
    loaded: dict[str, list[dict]] = {k: [] for k in kinds}
    key_runs = max(1, min(repeat, 2))
    for i in range(key_runs):
        log(f"inbox: keys idle, run {i + 1}/{key_runs} ({keys} keys each)")
        for kind in kinds:
            idle[kind].append(one(kind, keys))
    threads = transcription_threads()
    if busy:
        for i in range(key_runs):
            log(f"inbox: keys with {threads} busy process(es), run {i + 1}/{key_runs}")
            with Busy(threads):
                for kind in kinds:
                    loaded[kind].append(one(kind, keys))
    transcribing: dict[str, list[dict]] = {k: [] for k in kinds}
    worker_peaks: list[float] = []
    audio = sample_audio()
    if model is not None and audio:
        for i in range(key_runs):
            log(f"inbox: keys while the real transcriber runs ({model.name}), run {i + 1}/{key_runs}")
            with RealTranscription(model, audio, tmp) as real:
                for kind in kinds:
                    transcribing[kind].append(one(kind, keys))
            if real.errors:
                raise RuntimeError(f"the transcriber failed: {real.errors[0]}")
            worker_peaks.append(real.peak_mb)

    results: list[Result] = []
    app_ready = [r["ready_s"] for r in ready["app"]]
    breakdown = ready["app"][len(ready["app"]) // 2]
    for floor in [k for k in kinds if k != "app"]:
        floor_ready = [r["ready_s"] for r in ready[floor]]
        ratio = median(app_ready) / median(floor_ready)
        results.append(Result(
            f"inbox ready, {rows} messages (spawn to first rows)", median(app_ready), "s",
            f"bare Textual {'DataTable' if floor == 'datatable' else 'OptionList'}, {rows} rows", median(floor_ready),
            target=f"<= {TARGET_READY_S} s, <= {TARGET_READY_RATIO}x",
            ok=median(app_ready) <= TARGET_READY_S and ratio <= TARGET_READY_RATIO,
            runs=len(app_ready), samples=app_ready,
        ))
    results.append(Result(
        f"inbox ready, {rows} messages (spawn to first rows)", median(app_ready), "s",
        "interpreter + `import textual.app`, nothing shown", median(bare_import),
        target=f"<= {TARGET_READY_S} s", ok=median(app_ready) <= TARGET_READY_S, runs=len(app_ready), samples=app_ready,
    ))
    if results:
        results[0].note = (
            f"one app run: interpreter + imports {breakdown['imports_s']:.3f} s, library read + app built "
            f"{breakdown['built_s'] - breakdown['imports_s']:.3f} s, to first rows {breakdown['ready_s'] - breakdown['built_s']:.3f} s; "
            f"bare `python -c pass` not subtracted"
        )

    def keyrow(label: str, runs: dict[str, list[dict]], p: float, target: bool) -> None:
        app_p = [percentile(r["key_ms"], p) for r in runs["app"]]
        floor_kind = "datatable" if "datatable" in runs else next(k for k in runs if k != "app")
        floor_p = [percentile(r["key_ms"], p) for r in runs[floor_kind]]
        value = median(app_p)
        results.append(Result(
            f"key to screen, {label}, p{p:g}", value, "ms",
            f"bare {'DataTable' if floor_kind == 'datatable' else 'OptionList'}, {rows} rows", median(floor_p),
            target=f"p95 <= {TARGET_KEY_P95_MS:g} ms" if target else "",
            ok=(value <= TARGET_KEY_P95_MS) if target else None,
            runs=len(app_p), samples=app_p,
            note=f"{sum(len(r['key_ms']) for r in runs['app'])} keys in {len(app_p)} run(s): down then up through the list "
                 f"(most keys scroll it), {KEY_GAP_S * 1000:.0f} ms apart, sent to the driver" if p == 95 else "",
        ))

    keyrow("idle", idle, 50, False)
    keyrow("idle", idle, 95, True)
    if busy:
        keyrow(f"{threads} busy core(s)", loaded, 50, False)
        keyrow(f"{threads} busy core(s)", loaded, 95, True)
    if worker_peaks:
        keyrow("transcribing", transcribing, 50, False)
        keyrow("transcribing", transcribing, 95, True)

    app_rss = [r["rss_mb"] for r in idle["app"] if r.get("rss_mb")]
    floor_kind = "datatable" if "datatable" in kinds else kinds[-1]
    floor_rss = [r["rss_mb"] for r in idle[floor_kind] if r.get("rss_mb")]
    if app_rss:
        value = median(app_rss)
        results.append(Result(
            f"peak RSS of the UI, {rows} messages", value, "MB",
            f"bare {'DataTable' if floor_kind == 'datatable' else 'OptionList'}, {rows} rows", median(floor_rss) if floor_rss else None,
            target=f"<= {TARGET_RSS_MB:g} MB", ok=value <= TARGET_RSS_MB, runs=len(app_rss), samples=app_rss,
            note="VmHWM of the child after start-up and its key run",
        ))
    if worker_peaks:
        results.append(Result(
            f"peak RSS of the model worker ({model.name})", median(worker_peaks), "MB",
            "model file size", model.stat().st_size / 1e6, runs=len(worker_peaks), samples=worker_peaks,
            note="VmHWM of tui.transcribe.worker's child while it transcribed the sample voicemails",
        ))
    return results


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "child":
        return child(argv[1:])
    print("usage: python -m bench (this module holds the inbox measures and their child process)", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
