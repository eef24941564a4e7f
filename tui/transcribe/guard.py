"""What may leave the engine: only stretches with speech go in, only words Whisper is sure of come out.

Whisper invents text on noise and silence and loops on repeats. The engine guards three ways:
stretches the voice-activity check (vad.py) finds no speech in are cut out before Whisper runs
(`Stretches` joins the rest and maps times back); segments Whisper itself scores as unlikely
(OpenAI's rule: no-speech probability above 0.6 with average log-probability below -1, or a
log-probability so low that nothing was recognised) are dropped; and repetition loops are cut.
"""

from __future__ import annotations

import re
import zlib
from bisect import bisect_right

import numpy as np

from tui.library.models import Segment, Word

Scored = tuple[Segment, list[Word], float]  # a segment, its words, its average token log-probability

NO_SPEECH_PROB = 0.6  # OpenAI's no_speech_threshold
LOGPROB = -1.0  # OpenAI's logprob_threshold
HOPELESS_LOGPROB = -2.0  # below this nothing was recognised, whatever the no-speech probability

_SILENCE_HALLUCINATIONS = {"you"}


class Stretches:
    """The speech stretches of a clip joined end to end, with the way back to the clip's time."""

    def __init__(self, regions: list[tuple[int, int]], rate: int) -> None:
        self.regions = regions
        self.rate = rate
        self.starts: list[int] = []  # where each region starts in the joined signal
        at = 0
        for a, b in regions:
            self.starts.append(at)
            at += b - a
        self.length = at

    def join(self, samples: np.ndarray) -> np.ndarray:
        if len(self.regions) == 1 and self.regions[0] == (0, samples.size):
            return samples
        return np.concatenate([samples[a:b] for a, b in self.regions]) if self.regions else samples[:0]

    def to_source(self, t: float, *, end: bool = False) -> float:
        """A time in the joined signal as a time in the clip (an end on a seam stays in its stretch)."""
        x = t * self.rate
        i = bisect_right(self.starts, x - (1e-6 if end else 0.0)) - 1
        i = max(0, min(i, len(self.regions) - 1))
        a, b = self.regions[i]
        return round(min(b, a + max(0.0, x - self.starts[i])) / self.rate, 2)

    def segment(self, seg: Segment) -> Segment:
        start = self.to_source(seg.start)
        return Segment(start=start, end=max(start, self.to_source(seg.end, end=True)), text=seg.text)

    def word(self, w: Word) -> Word:
        start = self.to_source(w.start)
        return Word(start=start, end=max(start, self.to_source(w.end, end=True)), text=w.text, p=w.p)


def unlikely(text: str, avg_logprob: float, no_speech_prob: float | None) -> bool:
    """Whisper's own verdict that a segment is not speech it recognised (or not words at all:
    "♪", "...", which it writes for music and noise)."""
    if not any(ch.isalnum() for ch in text) or avg_logprob < HOPELESS_LOGPROB:
        return True
    return no_speech_prob is not None and no_speech_prob > NO_SPEECH_PROB and avg_logprob < LOGPROB


def cut_loops(scored: list[Scored], *, max_repeats: int = 2) -> list[Scored]:
    """Drop a segment that repeats one of the two before it word for word, and cut a phrase of
    2-8 words said more than `max_repeats` times in a row (or one word more than 4 times) down
    to its first saying: Whisper's decoding loops ("I'm going to go to the ... I'm going to go to")."""
    out: list[Scored] = []
    for seg, words, lp in scored:
        key = _norm(seg.text)
        if key and len(key.split()) >= 3 and any(_norm(prev.text) == key for prev, _, _ in out[-2:]):
            continue
        keep = _loop_free(words)
        if keep != words:
            text = " ".join(w.text for w in keep)
            seg = Segment(start=seg.start, end=keep[-1].end if keep else seg.start, text=text)
            words = keep
        if seg.text.strip():
            out.append((seg, words, lp))
    return out


_RUN = re.compile(r"(.{1,6}?)\1{5,}")  # a unit of up to 6 characters said 6+ times in a row


def _loop_free(words: list[Word]) -> list[Word]:
    words = [Word(w.start, w.end, _RUN.sub(r"\1", w.text), w.p) if _RUN.search(w.text) else w for w in words]
    keys = [_norm(w.text) for w in words]
    n = len(keys)
    for i in range(n):
        for size in range(1, 9):
            limit = 4 if size == 1 else 2
            gram = keys[i : i + size]
            if len(gram) < size or not all(gram):
                break
            reps = 1
            while keys[i + reps * size : i + (reps + 1) * size] == gram:
                reps += 1
            if reps > limit:
                return words[: i + size]
    return words


def looks_degenerate(segments: list[Segment], *, max_ratio: float = 2.4) -> bool:
    """OpenAI's repetition test: text that gzip compresses more than 2.4x is a decoding loop."""
    text = " ".join(s.text for s in segments).encode("utf-8")
    if len(text) < 40:
        return False
    return len(text) / len(zlib.compress(text)) > max_ratio


def _norm(text: str) -> str:
    return " ".join("".join(ch.lower() if ch.isalnum() or ch.isspace() else " " for ch in text).split())


def drop_tail_repeats(pairs: list, clip_end_s: float | None, *, tail_s: float = 3.0) -> list:
    """Drop the echo whisper.cpp 1.4.1 decodes from the last second or two of a clip.

    whisper.cpp moves its window to the last timestamp it decoded; when that is a second or
    more before the end, it decodes the remainder again and often repeats the end of the
    previous segment ("... a few minutes." + "minutes.") or hallucinates on silence ("you",
    "."). Only trailing segments that start in the clip's last `tail_s` seconds are dropped,
    and only when they are punctuation, a repeat of the previous segment's ending, or a
    known silence hallucination. Items are tuples whose first element is the Segment.
    """
    out = list(pairs)
    while len(out) >= 2:
        seg = out[-1][0]
        if clip_end_s is not None and seg.start < clip_end_s - tail_s:
            break
        cur = _norm(seg.text)
        prev = _norm(out[-2][0].text)
        if not cur or (prev.endswith(cur) and len(cur.split()) <= 4) or cur in _SILENCE_HALLUCINATIONS:
            out.pop()
            continue
        break
    return out
