"""Crash-safety stress run: SIGKILL at random moments, >= 200 trials (outside CI).

Run:  .venv/bin/python bench/stress.py [--trials 200] [--app-trials 10] [--seed 1]

Each store trial starts a child that marks messages listened, records partial progress, edits
callback fields, saves notes (up to 60 kB), marks called back and exports text and JSON through
the same store/export code the app uses; the child is SIGKILLed after a random delay. Each app
trial does the same with the real Textual app (run_test in a child process, null output,
playing to the end at 2x, typing an edit, exporting with x). After every kill the checks in
tests/hardening/crashlib.py run: library opens and passes integrity_check, nothing reported as
committed is lost, every export file is a complete one. Exit status 1 if any trial lost anything.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.hardening import crashlib  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=200, help="store/export trials (default 200)")
    parser.add_argument("--app-trials", type=int, default=10, help="trials with the real app (default 10)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-delay", type=float, default=0.8, help="kill within this many seconds (store trials)")
    args = parser.parse_args()

    started = time.perf_counter()
    failures: list[str] = []
    committed = exports = temps = 0
    with tempfile.TemporaryDirectory(prefix="vmtui-stress-") as tmp:
        folder = Path(tmp)
        db, ids = crashlib.make_template(folder / "template", count=12)
        for trial in range(args.trials):
            result = crashlib.run_trial(db, folder / f"t{trial}", seed=args.seed * 100_000 + trial,
                                        max_delay_s=args.max_delay)
            committed += result.committed
            exports += result.exports_checked
            temps += result.leftover_temp_files
            if result.problems:
                failures.append(f"store trial {trial}: {result.problems}")
            if (trial + 1) % 25 == 0:
                print(f"  {trial + 1} store trials, {committed} commits checked, {len(failures)} failed", flush=True)
        app_committed = app_exports = 0
        for trial in range(args.app_trials):
            result = crashlib.run_app_trial(db, folder / "template" / "audio", folder / f"a{trial}",
                                            seed=args.seed * 100_000 + trial, min_delay_s=0.5, max_delay_s=14.0)
            app_committed += result.committed
            app_exports += result.exports_checked
            temps += result.leftover_temp_files
            if result.problems:
                failures.append(f"app trial {trial}: {result.problems}")
        print(f"  {args.app_trials} app trials, {app_committed} commits checked", flush=True)
    elapsed = time.perf_counter() - started
    total = args.trials + args.app_trials
    print(f"SIGKILL trials: {total} ({args.trials} store/export, {args.app_trials} real app), "
          f"kills injected: {total}")
    print(f"commits reported before a kill and verified: {committed + app_committed}; "
          f"export files verified complete: {exports + app_exports}")
    print(f"stale hidden temp files left by killed exports: {temps} (never the export itself)")
    print(f"trials that lost or corrupted anything: {len(failures)}")
    for failure in failures[:20]:
        print("  " + failure)
    print(f"({elapsed:.0f} s)")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
