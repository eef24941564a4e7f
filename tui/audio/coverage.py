"""Heard intervals (source time, seconds) and the listened rule.

This is the one place where "listened" is decided. Intervals are `(start_s, end_s)` pairs in the
audio's own time line (speed does not matter: at 2x, one wall second covers two source seconds).
Only audio an output reported as played out ever becomes an interval; decoded, queued or skipped
audio never does.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

Interval = tuple[float, float]

DEFAULT_THRESHOLD = 0.97

# Intervals closer than this are one interval: consecutive output blocks computed in floating
# point can leave gaps of a few ulps, far below one sample at 8 kHz (125 us).
JOIN_TOLERANCE_S = 1e-4


def merge(intervals: Iterable[Iterable[float]], *, tolerance: float = JOIN_TOLERANCE_S) -> tuple[Interval, ...]:
    """Sorted, non-overlapping intervals; overlapping or adjacent ones are joined, empty or invalid ones dropped."""
    cleaned: list[Interval] = []
    for item in intervals:
        start, end = (float(v) for v in item)
        if not (math.isfinite(start) and math.isfinite(end)) or end <= start:
            continue
        cleaned.append((start, end))
    cleaned.sort()
    merged: list[list[float]] = []
    for start, end in cleaned:
        if merged and start <= merged[-1][1] + tolerance:
            if end > merged[-1][1]:
                merged[-1][1] = end
        else:
            merged.append([start, end])
    return tuple((s, e) for s, e in merged)


def _known(duration_s: float | None) -> bool:
    return duration_s is not None and math.isfinite(duration_s) and duration_s > 0


def covered_seconds(heard: Iterable[Iterable[float]], duration_s: float | None = None) -> float:
    """Total length of the union of `heard`; clipped to [0, duration_s] when the duration is known."""
    total = 0.0
    for start, end in merge(heard):
        if _known(duration_s):
            start, end = max(start, 0.0), min(end, float(duration_s))  # type: ignore[arg-type]
        else:
            start = max(start, 0.0)
        if end > start:
            total += end - start
    return total


def heard_fraction(heard: Iterable[Iterable[float]], duration_s: float | None) -> float:
    """Covered share of the audio in [0, 1]; 0.0 when the duration is unknown or zero."""
    if not _known(duration_s):
        return 0.0
    return min(1.0, covered_seconds(heard, duration_s) / float(duration_s))  # type: ignore[arg-type]


def is_listened(
    heard: Iterable[Iterable[float]],
    duration_s: float | None,
    threshold: float = DEFAULT_THRESHOLD,
    reached_end: bool = False,
) -> bool:
    """True when the heard intervals cover at least `threshold` of the audio AND the end was played out.

    An unknown, zero or non-finite duration is never listened: there is nothing to measure coverage by.
    """
    if not reached_end or not _known(duration_s):
        return False
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"listened threshold must be between 0 and 1, not {threshold}")
    needed = threshold * float(duration_s)  # type: ignore[arg-type]
    # 1e-9 relative slack so that exactly-at-threshold coverage is not lost to rounding.
    return covered_seconds(heard, duration_s) >= needed - 1e-9 * float(duration_s)  # type: ignore[arg-type]
