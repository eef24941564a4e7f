"""Messages longer than one 30 s window are cut at pauses into pieces that each fit one."""

from __future__ import annotations

import numpy as np

from tui.transcribe.engine import MAX_CHUNK_S, SAMPLE_RATE, chunk_bounds, speech_left


def _speech_like(seconds: float, pauses: list[tuple[float, float]], seed: int = 1) -> np.ndarray:
    """Noise bursts (speech stand-in) with silent gaps at `pauses` (start, end in s)."""
    rng = np.random.default_rng(seed)
    x = (0.3 * rng.standard_normal(int(seconds * SAMPLE_RATE))).astype(np.float32)
    for a, b in pauses:
        x[int(a * SAMPLE_RATE): int(b * SAMPLE_RATE)] *= 0.001
    return x


def test_a_message_that_fits_one_window_is_one_piece():
    x = _speech_like(MAX_CHUNK_S - 0.5, [])
    assert chunk_bounds(x) == [(0, x.size)]


def test_long_message_is_cut_in_its_pauses_and_covered_without_gaps():
    pauses = [(21.0, 21.4), (44.0, 44.5), (69.2, 69.6)]
    x = _speech_like(80.0, pauses)
    bounds = chunk_bounds(x)
    assert bounds[0][0] == 0 and bounds[-1][1] == x.size
    assert all(b0[1] == b1[0] for b0, b1 in zip(bounds, bounds[1:]))  # contiguous
    assert all((b - a) / SAMPLE_RATE <= MAX_CHUNK_S for a, b in bounds)
    cuts = [b / SAMPLE_RATE for _, b in bounds[:-1]]
    assert len(cuts) == 3
    for cut, (a, b) in zip(cuts, pauses):
        assert a <= cut <= b, (cut, a, b)


def test_no_piece_is_too_short_for_whisper():
    # The quietest moment is in the last second: cutting there would leave a piece whisper.cpp
    # skips (under 1 s), so the cut moves earlier.
    x = _speech_like(MAX_CHUNK_S + 1.0, [(MAX_CHUNK_S + 0.3, MAX_CHUNK_S + 0.8)])
    bounds = chunk_bounds(x)
    assert len(bounds) == 2
    assert (bounds[-1][1] - bounds[-1][0]) / SAMPLE_RATE >= 2.0


def test_speech_left_after_what_whisper_heard():
    # speech to 10 s, then silence: nothing left to decode after 10 s
    x = _speech_like(14.0, [(10.0, 14.0)])
    assert not speech_left(x, 10 * SAMPLE_RATE)
    # speech to 14 s: 4 s left
    assert speech_left(_speech_like(14.0, []), 10 * SAMPLE_RATE)
    # a short tail is not worth a window, and a click is not speech
    assert not speech_left(_speech_like(14.0, []), int(13.5 * SAMPLE_RATE))
    clicky = _speech_like(14.0, [(10.0, 11.0), (11.2, 14.0)])
    assert not speech_left(clicky, 10 * SAMPLE_RATE)


def test_a_long_sample_is_transcribed_in_order_to_its_end(tiny_model, samples, truth):
    from tui.audio.decode import decode_pcm
    from tui.transcribe.engine import Engine

    row = max((r for r in truth if r.get("duration_s")), key=lambda r: r["duration_s"])
    assert row["duration_s"] > 2 * MAX_CHUNK_S  # the corpus's long message
    pcm = decode_pcm(str(samples / row["path"]))
    with Engine(tiny_model, threads=1) as engine:
        transcript = engine.transcribe(pcm)
    duration = pcm.size / SAMPLE_RATE
    starts = [w.start for w in transcript.words]
    assert starts == sorted(starts)
    assert transcript.words[-1].end <= duration + 0.01
    assert transcript.words[-1].end > duration - 8.0  # the last piece was heard too
    # Each piece's words land in that piece: nothing piles up at a cut.
    assert len(transcript.segments) >= len(chunk_bounds(pcm))
    # Nothing is skipped: the message is spoken without long pauses, so no gap between words
    # is longer than 2 s (whisper ending a piece early once lost a 3.6 s phrase before a cut).
    ws = transcript.words
    gap, after = max((b.start - a.end, a.end) for a, b in zip(ws, ws[1:]))
    assert gap < 2.0, f"{gap:.1f} s without words after {after:.1f} s"
    reference = set(row["transcript_reference"].lower().replace(",", " ").replace(".", " ").split())
    heard = {w.text.strip(".,!?").lower() for w in transcript.words}
    assert len(reference & heard) >= 0.6 * len(reference)


def test_words_after_an_early_stop_are_decoded_too(tiny_model, samples, truth):
    """On D06 (27.9 s) whisper's window stopped after the first reading of the number, losing
    "Again, 781 555 0166, and ask for Martin. Thanks." The rest is decoded when speech is left."""
    from tui.audio.decode import decode_pcm
    from tui.transcribe.engine import Engine

    row = next(r for r in truth if r["id"] == "D06")
    pcm = decode_pcm(str(samples / row["path"]))
    with Engine(tiny_model, threads=1) as engine:
        transcript = engine.transcribe(pcm)
    duration = pcm.size / SAMPLE_RATE
    assert transcript.words[-1].end > duration - 1.5, transcript.text
    assert "thanks" in transcript.text.lower()
    assert transcript.text.lower().count("again") == 1
