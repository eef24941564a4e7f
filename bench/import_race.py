"""Reproduce (or show gone) the start-up import race of issue #16.

Run:  .venv/bin/python bench/import_race.py [--fresh 100] [--rounds 300]

A folder of every supported format is made by ffmpeg (tests/library/formats.py). Two kinds of
attempt, each with one thread per compressed format released together by a barrier, every thread
calling `tui.library.header.probe_duration` on its file:

  --fresh N    N fresh interpreters (what a start-up is: nothing of mutagen imported yet)
  --rounds N   N rounds in one interpreter, mutagen's modules removed from sys.modules before each

Prints, per kind, how many attempts refused at least one good file and the reasons seen (with
object addresses removed). Exit status 1 when any good file was refused.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COMPRESSED = (".mp3", ".m4a", ".mp4", ".3gp", ".aac", ".ogg", ".oga", ".opus", ".flac")

CHILD = r"""
import json, sys, threading
from pathlib import Path
sys.path.insert(0, sys.argv[1])
files = [Path(p) for p in json.loads(sys.argv[2])]
rounds = int(sys.argv[3])
from tui.library import header
refused = []
for number in range(rounds):
    if number:
        for name in [n for n in sys.modules if n == "mutagen" or n.startswith("mutagen.")]:
            del sys.modules[name]
    barrier = threading.Barrier(len(files))
    errors = []
    def work(path):
        barrier.wait()
        try:
            header.probe_duration(path)
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
    threads = [threading.Thread(target=work, args=(p,)) for p in files]
    for t in threads: t.start()
    for t in threads: t.join()
    refused.append(errors)
print(json.dumps(refused))
"""


def _normal(reason: str) -> str:
    reason = re.sub(r" at 0x[0-9a-f]+| at \d+", "", reason)
    reason = re.sub(r"not a readable \w+ file", "not a readable <fmt> file", reason)
    return re.sub(r"\(/[^)]*\)", "", reason).strip()


def _attempts(files: list[Path], processes: int, rounds: int) -> list[list[str]]:
    out: list[list[str]] = []
    for _ in range(processes):
        result = subprocess.run([sys.executable, "-c", CHILD, str(REPO), json.dumps([str(f) for f in files]), str(rounds)],
                                capture_output=True, text=True, check=True)
        out.extend(json.loads(result.stdout))
    return out


def _show(label: str, attempts: list[list[str]]) -> int:
    bad = [a for a in attempts if a]
    reasons = Counter(_normal(r) for a in attempts for r in a)
    print(f"{label}: {len(bad)}/{len(attempts)} attempts refused a good file "
          f"({sum(reasons.values())} files in all)")
    for reason, count in reasons.most_common():
        print(f"  {count:4}  {reason}")
    return len(bad)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", type=int, default=100, help="fresh-interpreter attempts (default 100)")
    parser.add_argument("--rounds", type=int, default=300, help="in-process attempts (default 300)")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO / "tests" / "library"))
    from formats import make_format_folder

    with tempfile.TemporaryDirectory(prefix="vmtui-race-") as tmp:
        made = make_format_folder(Path(tmp))
        files = sorted(Path(p) for p in made if Path(p).suffix in COMPRESSED)
        print(f"{len(files)} threads per attempt: {', '.join(sorted({f.suffix for f in files}))}")
        bad = _show(f"fresh interpreters", _attempts(files, args.fresh, 1)) if args.fresh else 0
        bad += _show(f"one interpreter, mutagen re-imported", _attempts(files, 1, args.rounds)) if args.rounds else 0
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
