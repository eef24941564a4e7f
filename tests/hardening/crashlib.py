"""SIGKILL crash trials on the store and export code paths (shared by the CI suite and bench/stress.py).

A trial copies a template library, starts `crashlib.py child` (a separate Python process that
marks messages listened, records partial progress, edits callback fields, saves notes, marks
messages called back and exports text and JSON, in a random order) and kills it with SIGKILL
at a random moment. The child prints a line *after* each store call returns (the commit is
done) and announces the SHA-256 of every export before it writes it. After the kill:

* the library opens through `Store` (migrations run) and `PRAGMA integrity_check` says ok;
* every change the child reported as committed is there (heard intervals only grow, an edit or
  note holds the reported value or a later one that was being written when the kill came);
* every export file is byte-identical to one the child announced (old or new, never half).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
THRESHOLD = 0.97
FIELDS = ("name", "company", "request", "ask_for", "extension")
HOSTILE = "[@click=app.quit]x[/] \x1b]52;c;aGk=\x07 \x1b[2J \u202eevil "


# -- the template library -------------------------------------------------------------------------
def make_template(folder: Path, count: int = 12) -> tuple[Path, list[str]]:
    """A library with `count` real scanned messages (short WAVs made by ffmpeg). Returns (db, ids)."""
    sys.path.insert(0, str(REPO))
    from tui.library.scan import scan
    from tui.library.store import Store

    audio = folder / "audio"
    audio.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        target = audio / f"2026-11-{10 + i:02d} 09.00.00 +1206555{i:04d}.wav"
        subprocess.run(
            ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
             f"sine=frequency={300 + 40 * i}:sample_rate=8000:duration={4 + i % 5}", "-ac", "1", str(target)],
            check=True,
        )
    db = folder / "template.sqlite3"
    store = Store(db)
    report = scan(store, [audio])
    assert len(report.new) == count and not report.unreadable, report
    ids = [m.id for m in store.messages()]
    store.close()
    return db, ids


# -- the child ------------------------------------------------------------------------------------
def child(db: str, out_dir: str, seed: int) -> None:
    """Run store/export operations forever, reporting each commit on stdout (line-buffered)."""
    sys.path.insert(0, str(REPO))
    from tui import export
    from tui.library.store import Store

    rng = random.Random(seed)
    store = Store(db)
    messages = {m.id: m for m in store.messages()}
    ids = sorted(messages)
    out = Path(out_dir)
    seq = 0

    def say(*parts: object) -> None:
        sys.stdout.write(" ".join(str(p) for p in parts) + "\n")
        sys.stdout.flush()

    say("READY")
    while True:
        seq += 1
        op = rng.choice(("listen", "listen", "partial", "edit", "edit", "notes", "called", "export_text", "export_json"))
        mid = rng.choice(ids)
        duration = messages[mid].duration_s
        if op == "listen":
            say("TRY", op, mid, seq)
            message = store.record_progress(mid, heard=[(0.0, duration)], position_s=duration, reached_end=True, at_end=True,
                                            threshold=THRESHOLD, duration_s=duration)
            say("OK", op, mid, seq, int(bool(message and message.listened)))
        elif op == "partial":
            start = round(rng.uniform(0, duration * 0.8), 3)
            end = round(min(duration, start + rng.uniform(0.2, 1.5)), 3)
            say("TRY", op, mid, seq)
            store.record_progress(mid, heard=[(start, end)], position_s=end, reached_end=False, threshold=THRESHOLD)
            say("OK", op, mid, seq, start, end)
        elif op == "edit":
            name = rng.choice(FIELDS)
            say("TRY", op, mid, seq, name)
            store.edit_field(mid, name, f"v{seq} {HOSTILE}")
            say("OK", op, mid, seq, name)
        elif op == "notes":
            size = rng.choice((10, 2000, 60000))
            say("TRY", op, mid, seq)
            store.set_notes(mid, f"n{seq}\n" + HOSTILE + "x" * size)
            say("OK", op, mid, seq)
        elif op == "called":
            say("TRY", op, mid, seq)
            store.mark_called_back(mid, f"o{seq}")
            say("OK", op, mid, seq)
        else:
            kind = op.removeprefix("export_")
            text = export.to_json(store) if kind == "json" else export.to_text(store)
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
            say("TRY", op, "-", seq, digest)
            export.write_atomic(out / f"notes.{kind}", text)
            say("OK", op, "-", seq, digest)


# -- one trial ------------------------------------------------------------------------------------
@dataclass
class TrialResult:
    committed: int = 0  # commits the child reported before the kill
    exports_checked: int = 0
    problems: list[str] = field(default_factory=list)
    leftover_temp_files: int = 0


def run_trial(template: Path, work: Path, seed: int, *, max_delay_s: float = 0.6) -> TrialResult:
    work.mkdir(parents=True, exist_ok=True)
    db = work / "library.sqlite3"
    shutil.copy2(template, db)
    out = work / "exports"
    out.mkdir(exist_ok=True)
    rng = random.Random(seed)
    stdout = _kill_at_random(["child", str(db), str(out), str(seed)], work, rng, 0.0, max_delay_s, "crash child")
    return verify(db, out, stdout.splitlines())


def _kill_at_random(args: list[str], work: Path, rng: random.Random, min_delay_s: float, max_delay_s: float,
                    what: str) -> str:
    """Start this module as a child with `args`, wait for its READY line, SIGKILL it after a random
    delay and return everything it printed (the commits it reported)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with open(work / "child.err", "w+") as err:
        proc = subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE, stderr=err, text=True, env=env)
        try:
            first = proc.stdout.readline()
            if first.strip() != "READY":
                proc.kill()
                proc.wait()
                err.seek(0)
                raise RuntimeError(f"{what} did not start: {first!r} {err.read()[-3000:]}")
            time.sleep(rng.uniform(min_delay_s, max_delay_s))
            proc.send_signal(signal.SIGKILL)
            stdout = proc.stdout.read()  # the same buffered stream readline() used: no line is lost
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stdout.close()
        err.seek(0)
        stderr = err.read()
    if proc.returncode != -signal.SIGKILL:
        raise RuntimeError(f"{what} ended by itself ({proc.returncode}): {stderr[-3000:]}")
    return stdout


def _seq(text: str | None, prefix: str, sep: str) -> int | None:
    head = text.split(sep, 1)[0] if text else ""
    return int(head[1:]) if head.startswith(prefix) and head[1:].isdigit() else None


def verify(db: Path, out: Path, lines: list[str], *, typing: bool = False) -> TrialResult:
    """Check a killed child's library and exports against what it reported.

    `typing`: edits were typed key by key (the app), so a field may also hold a prefix of the
    value being typed when the kill came (each keystroke is its own committed save).
    """
    sys.path.insert(0, str(REPO))
    from tui.library.store import Store

    result = TrialResult()
    # Each line is one write() of less than PIPE_BUF bytes, so a kill never leaves half a line.
    records = [line.split(" ") for line in lines if line]

    conn = sqlite3.connect(db)
    check = conn.execute("PRAGMA integrity_check").fetchone()[0]
    conn.close()
    if check != "ok":
        result.problems.append(f"integrity_check: {check}")
        return result
    store = Store(db)  # opens, migrates, reads
    try:
        messages = {m.id: m for m in store.messages()}
        last_ok: dict[tuple, int] = {}
        attempted: dict[tuple, list[int]] = {}
        export_hashes: dict[str, set[str]] = {"text": set(), "json": set()}
        for record in records:
            if len(record) < 4 or record[0] not in ("TRY", "OK"):
                continue
            kind, op, mid, seq = record[0], record[1], record[2], int(record[3])
            if op.startswith("export_"):
                if len(record) >= 5 and len(record[4]) == 64:
                    export_hashes[op.removeprefix("export_")].add(record[4])
                continue
            key = (op, mid) if op not in ("edit",) else (op, mid, record[4] if len(record) > 4 else "")
            if op == "partial":
                key = (op, mid, seq)
            if kind == "TRY":
                attempted.setdefault(key, []).append(seq)
                continue
            result.committed += 1
            message = messages.get(mid)
            if message is None:
                result.problems.append(f"message {mid} vanished")
                continue
            if op == "listen":
                if record[4] == "1" and not message.listened:
                    result.problems.append(f"{mid}: reported listened, stored not listened")
            elif op == "partial":
                start, end = float(record[4]), float(record[5])
                if not any(s <= start + 1e-3 and e >= end - 1e-3 for s, e in message.heard):
                    result.problems.append(f"{mid}: heard {start}-{end} lost (stored {message.heard})")
            else:
                last_ok[key] = seq
        for key, seq in last_ok.items():
            op, mid = key[0], key[1]
            later = {s for s in attempted.get(key, []) if s >= seq}
            if op == "edit":
                field_ = store.callback(mid).get(key[2])
                stored = field_.value if field_ else None
                got = _seq(stored, "v", " ")
                if typing and got not in later and any(f"v{s}".startswith(stored or "") for s in later if s > seq):
                    continue  # killed while typing a later value
            elif op == "notes":
                stored = store.notes(mid)
                got = _seq(stored, "n", "\n")
            else:  # called
                message = messages[mid]
                got = int(message.outcome[1:]) if message.outcome and message.called_back_at else None
            if got not in later:
                result.problems.append(f"{op} {key[1:]}: committed #{seq}, stored #{got}")
        for kind, hashes in export_hashes.items():
            path = out / f"notes.{kind}"
            if not path.exists():
                continue
            result.exports_checked += 1
            data = path.read_bytes()
            if hashlib.sha256(data).hexdigest() not in hashes:
                result.problems.append(f"export {path.name} ({len(data)} bytes) is not any complete export")
            if kind == "json":
                try:
                    json.loads(data)
                except ValueError as exc:
                    result.problems.append(f"export {path.name} is not valid JSON: {exc}")
        if out.is_dir():
            result.leftover_temp_files = sum(1 for p in out.iterdir() if p.name.endswith(".tmp"))
    finally:
        store.close()
    return result


# -- the real app, driven by run_test in a child process ---------------------------------------------
def app_child(db: str, audio: str, export_path: str, seed: int) -> None:
    """The Textual app (run_test, null output) playing to the end at 2x, editing, noting, exporting."""
    import asyncio
    from dataclasses import replace

    sys.path.insert(0, str(REPO))
    from tui.app.app import VoicemailApp
    from tui.config import AudioConfig, Config, ExportConfig, SourcesConfig, TranscriptionConfig
    from tui.library.store import Store

    rng = random.Random(seed)
    config = replace(Config(), audio=AudioConfig(output="null"), transcription=TranscriptionConfig(enabled=False),
                     sources=SourcesConfig(folders=(audio,), watch=False), export=ExportConfig(path=export_path))
    store = Store(db)
    reader = Store(db)  # a second connection: what it sees is committed

    def say(*parts: object) -> None:
        sys.stdout.write(" ".join(str(p) for p in parts) + "\n")
        sys.stdout.flush()

    async def main() -> None:
        app = VoicemailApp(store=store, config=config, sources=[Path(audio)], scan_on_start=False)
        async with app.run_test(size=(100, 30), notifications=True) as pilot:
            while app.player is None:
                await pilot.pause(0.05)
            say("READY")
            seq = 0
            for _ in range(rng.randrange(0, 3)):
                await pilot.press("j")
            while True:
                seq += 1
                message = app.message_list.current
                if not reader.get(message.id).listened:
                    await pilot.press("enter")
                    for _ in range(3):
                        await pilot.press("right_square_bracket")
                    while not reader.get(message.id).listened:
                        await pilot.pause(0.05)
                    say("OK", "listen", message.id, seq, 1)
                    continue
                say("TRY", "edit", message.id, seq, "name")
                await pilot.press("e")
                await pilot.pause()
                value = f"v{seq}"
                await pilot.press("ctrl+a", "ctrl+k", *value)  # replace the name field
                while getattr(reader.callback(message.id).get("name"), "value", None) != value:
                    await pilot.pause(0.02)
                say("OK", "edit", message.id, seq, "name")
                await pilot.press("escape")
                await pilot.pause()
                await pilot.press("x")
                await pilot.pause()
                say("OK", "export_app", "-", seq)
                await pilot.press("j")

    asyncio.run(main())


def run_app_trial(template: Path, audio: Path, work: Path, seed: int, *, min_delay_s: float = 0.5,
                  max_delay_s: float = 8.0) -> TrialResult:
    """SIGKILL the real app (run_test in a child process) at a random moment; then check the library and export."""
    work.mkdir(parents=True, exist_ok=True)
    db = work / "library.sqlite3"
    shutil.copy2(template, db)
    export_path = work / "exports" / "notes.txt"
    rng = random.Random(seed)
    stdout = _kill_at_random(["app", str(db), str(audio), str(export_path), str(seed)], work, rng,
                             min_delay_s, max_delay_s, "app child")
    lines = stdout.splitlines()
    result = verify(db, work / "none", [line for line in lines if " export_app " not in line], typing=True)
    if export_path.exists():
        result.exports_checked += 1
        problem = text_export_problem(export_path.read_text(encoding="utf-8"))
        if problem:
            result.problems.append(f"app export: {problem}")
    elif any(" export_app " in line for line in lines):
        result.problems.append("the app reported an export but there is no export file")
    if export_path.parent.exists():
        result.leftover_temp_files = sum(1 for p in export_path.parent.iterdir() if p.name.endswith(".tmp"))
    return result


def text_export_problem(text: str) -> str | None:
    """A structural check of a text export: its header counts match its body (a cut file fails)."""
    import re

    lines = text.splitlines()
    if len(lines) < 2 or not lines[0].startswith("Callback notes"):
        return "no header"
    match = re.match(r"(\d+) to call back, (\d+) called back, (\d+) not yet listened", lines[1])
    if not match or not text.endswith("\n"):
        return "header counts missing or file cut"
    blocks = sum(1 for line in lines if line.startswith("== ") and line.endswith(" =="))
    unheard = sum(1 for line in lines if line.startswith("  - "))
    calls = sum(1 for line in lines if line.startswith("Received:   "))
    to_call, called, not_yet = map(int, match.groups())
    if blocks != to_call + called or calls != blocks or unheard != not_yet:
        return f"cut: {blocks} blocks / {unheard} unheard for header {match.group(0)!r}"
    return None


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif len(sys.argv) == 6 and sys.argv[1] == "app":
        app_child(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
