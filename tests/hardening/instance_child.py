"""One of two processes working on one library at once (tests/hardening/test_two_instances.py).

Usage: instance_child.py DB ROLE OTHER_ROLE ROUNDS BARRIER_DIR

Waits at a file barrier so both start together, then for ROUNDS rounds records a heard interval
on every message (ROLE's own slice of the audio), edits ROLE's field and writes notes on ROLE's
own messages, polling `changed()` as the app does. Then it waits for the other to finish and
prints a JSON report of what it saw of the other's work.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tui.library.store import Store  # noqa: E402

FIELD = {"A": "name", "B": "company"}


def main(db: str, role: str, other: str, rounds: int, barrier: str) -> None:
    store = Store(db)
    ids = sorted(m.id for m in store.messages())
    mine = ids[0::2] if role == "A" else ids[1::2]
    store.changed()
    gate = Path(barrier)
    (gate / f"ready.{role}").touch()
    while not (gate / f"ready.{other}").exists():
        time.sleep(0.005)
    saw_change = 0
    for r in range(rounds):
        for mid in ids:
            offset = 0.0 if role == "A" else 0.05
            start = r * 0.1 + offset
            store.record_progress(mid, heard=[(start, start + 0.04)], position_s=start + 0.04, reached_end=False,
                                  threshold=0.97)
            store.edit_field(mid, FIELD[role], f"{role}{r}")
            if store.changed():
                saw_change += 1
        for mid in mine:
            store.set_notes(mid, f"{role} notes round {r}")
    (gate / f"done.{role}").touch()
    while not (gate / f"done.{other}").exists():
        time.sleep(0.01)
    seen = {mid: getattr(store.callback(mid).get(FIELD[other]), "value", None) for mid in ids}
    print(json.dumps({"saw_change_while_writing": saw_change, "other_field": seen}))
    store.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
