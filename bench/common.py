"""Shared pieces of the benchmarks: results, medians, percentiles, peak memory, the table.

A `Result` is one measured figure (the median of its runs) with the anchor it is compared
against, measured in the same run on the same machine, and an optional target. The ratio
figure / anchor is what stays comparable between a fast and a busy machine.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@dataclass
class Result:
    measure: str
    value: float  # in `unit`
    unit: str  # "s", "ms", "MB", "files/s"
    anchor: str = ""  # what it is compared against
    anchor_value: float | None = None  # same unit
    target: str = ""  # e.g. "<= 0.5 s, <= 1.3x floor"
    ok: bool | None = None  # None: no target, or not decidable
    runs: int = 1
    note: str = ""
    samples: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        if self.anchor_value in (None, 0):
            return None
        return self.value / self.anchor_value


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-p * len(ordered) // 100))))
    return ordered[rank - 1]


def vm_hwm_mb(pid: int | str = "self") -> float | None:
    """Peak resident set size (VmHWM) of a process, in MB (10^6 bytes), from /proc."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / 1e6
    except OSError:
        return None
    return None


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine_line() -> str:
    load = ""
    try:
        load = " · load %.2f %.2f %.2f" % os.getloadavg()
    except OSError:
        pass
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return f"{now} · {cores()} cores ({cpu_model()}) · Python {platform.python_version()} · {platform.system()} {platform.release()}{load}"


def fmt(value: float | None, unit: str) -> str:
    if value is None or value != value:  # None or NaN
        return "-"
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit == "files/s":
        return f"{value:,.0f} files/s"
    return f"{value:.3g} {unit}"


def fmt_ratio(ratio: float | None) -> str:
    if ratio is None:
        return "-"
    if ratio < 0.01:
        return f"1/{1 / ratio:,.0f}"
    return f"{ratio:.2f}x"


def table(results: list[Result], *, markdown: bool = False) -> str:
    head = ["measure", "median", "anchor (same run)", "anchor median", "ratio", "target", "ok"]
    rows = []
    for r in results:
        ratio = r.ratio
        rows.append([
            r.measure,
            fmt(r.value, r.unit),
            r.anchor or "-",
            fmt(r.anchor_value, r.unit) if r.anchor_value is not None else "-",
            fmt_ratio(ratio),
            r.target or "-",
            {True: "yes", False: "NO", None: "-"}[r.ok],
        ])
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
        lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(h), *(len(row[i]) for row in rows)) if rows else len(h) for i, h in enumerate(head)]
    out = ["  ".join(h.ljust(w) for h, w in zip(head, widths)), "  ".join("-" * w for w in widths)]
    out += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)) for row in rows]
    return "\n".join(out)


def notes(results: list[Result]) -> str:
    return "\n".join(f"- {r.measure}: {r.note}" for r in results if r.note)


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)
