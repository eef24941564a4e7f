"""No invented words: no-speech audio through the real voice-activity check and the real engine.

The no-speech clips are made by bench/noiseclips.py (numpy, then the real ffmpeg as 8 kHz
mu-law WAV, the way a phone system stores them); the speech is festival's.
"""

from __future__ import annotations

import subprocess

import numpy as np
import pytest

from bench import noiseclips
from tui.audio.decode import decode_pcm
from tui.library.models import Segment, Word
from tui.transcribe.engine import SAMPLE_RATE, Engine
from tui.transcribe.guard import Stretches, cut_loops, unlikely
from tui.transcribe.vad import speech_regions


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    return noiseclips.write_all(tmp_path_factory.mktemp("noise"))


@pytest.fixture(scope="module")
def engine(tiny_model):
    with Engine(tiny_model, threads=1) as e:
        yield e


@pytest.mark.model
@pytest.mark.parametrize("name", sorted(noiseclips.CLIPS))
def test_no_speech_clip_gives_no_words(engine, clips, name):
    tr = engine.transcribe(decode_pcm(str(clips[name])))
    assert tr.text == "" and tr.segments == () and tr.words == ()
    assert tr.speech is False


@pytest.mark.model
def test_the_sample_hang_up_gives_no_words(engine, samples):
    tr = engine.transcribe(decode_pcm(str(samples / "asterisk/default/1001/INBOX/msg0002.wav")))
    assert (tr.text, tr.speech) == ("", False)


@pytest.mark.model
@pytest.mark.parametrize("name", ["line_noise", "hang_up", "breathing", "hum"])
def test_whispers_own_scores_drop_what_it_invents_on_noise(tiny_model, clips, name):
    """The second guard alone (no voice-activity check): Whisper's words on noise are dropped."""
    with Engine(tiny_model, threads=1, vad=False) as e:
        tr = e.transcribe(decode_pcm(str(clips[name])))
        assert tr.text == "", tr.text
        assert e.last_scores and e.last_scores[0][0] is not None  # the no-speech score is live, not inert


@pytest.mark.model
def test_a_spoken_message_keeps_its_words(engine, samples):
    tr = engine.transcribe(decode_pcm(str(samples / "asterisk/default/1001/INBOX/msg0000.wav")))
    assert tr.speech is True
    assert "Rachel" in tr.text and len(tr.words) > 25


@pytest.fixture(scope="module")
def speech_noise_speech(tmp_path_factory, spoken_number, clips):
    """Festival speech, 6 s of open line, festival speech again (8 kHz phone audio via ffmpeg)."""
    out = tmp_path_factory.mktemp("mixed") / "mixed.wav"
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(spoken_number), "-i", str(clips["line_noise"]),
         "-i", str(spoken_number), "-filter_complex",
         "[0]aresample=8000[a];[1]aresample=8000[b];[2]aresample=8000[c];[a][b][c]concat=n=3:v=0:a=1",
         "-ar", "8000", "-ac", "1", str(out)],
        check=True, capture_output=True,
    )
    return out


@pytest.mark.model
def test_a_stretch_without_speech_inside_a_message_is_not_transcribed(engine, speech_noise_speech, spoken_number):
    pcm = decode_pcm(str(speech_noise_speech))
    first = decode_pcm(str(spoken_number)).size / SAMPLE_RATE
    noise = (first, first + 6.0)
    regions = [(a / SAMPLE_RATE, b / SAMPLE_RATE) for a, b in speech_regions(pcm)]
    assert len(regions) == 2, regions
    # what reaches Whisper leaves out all but the padding around the speech
    assert regions[0][1] < noise[0] + 1.5 and regions[1][0] > noise[1] - 1.0
    tr = engine.transcribe(pcm)
    assert tr.text.lower().count("sarah") == 2
    assert not [w for w in tr.words if noise[0] + 1.5 < w.start < noise[1] - 1.0]
    # times are the message's own: the second saying starts after the noise
    second = [w for w in tr.words if "sarah" in w.text.lower()][1]
    assert second.start > noise[1] - 1.0


def test_stretches_map_joined_time_back_to_the_message():
    st = Stretches([(0, 32000), (96000, 128000)], 16000)  # 0-2 s and 6-8 s
    assert st.length == 64000
    assert st.to_source(1.0) == 1.0
    assert st.to_source(2.5) == 6.5
    assert st.to_source(2.0, end=True) == 2.0  # an end on the seam stays in the first stretch
    assert st.to_source(2.0) == 6.0
    x = np.arange(160000, dtype=np.float32)
    joined = st.join(x)
    assert joined.size == 64000 and joined[32000] == 96000.0
    seg = st.segment(Segment(1.5, 3.0, "x"))
    assert (seg.start, seg.end) == (1.5, 7.0)


def test_unlikely_segments():
    assert unlikely("♪♪", -0.2, 0.1)  # not words
    assert unlikely("Thank you.", -1.3, 0.8)  # OpenAI's rule
    assert not unlikely("Thank you.", -1.3, 0.3)  # a doubtful reading of real speech stays
    assert unlikely("I'm going to go to the next station.", -2.3, 0.2)  # nothing recognised
    assert not unlikely("Call me at 415 555 0132.", -0.4, 0.9)


def _scored(*texts):
    out = []
    for i, text in enumerate(texts):
        words = [Word(i + k * 0.1, i + k * 0.1 + 0.1, t) for k, t in enumerate(text.split())]
        out.append((Segment(float(i), i + 1.0, text), words, -0.3))
    return out


def test_loops_are_cut_and_real_repeats_kept():
    kept = cut_loops(_scored("I'm going to go to the station.", "I'm going to go to the station."))
    assert [s.text for s, _, _ in kept] == ["I'm going to go to the station."]
    (seg, words, _), = cut_loops(_scored("thank you thank you thank you thank you"))
    assert seg.text == "thank you" and len(words) == 2
    (seg, _, _), = cut_loops(_scored("Call 1-8-7-7-6-6-6-6-6-6-6-6-6-6-6-6 now"))
    assert seg.text == "Call 1-8-7-7-6 now"
    said = "five five five, zero one four two. Again, five five five"
    (seg, _, _), = cut_loops(_scored(said))
    assert seg.text == said  # a number's repeated digits are what was said


def _with_line_noise(x: np.ndarray, snr_db: float, seed: int = 3) -> np.ndarray:
    """`x` plus phone-band (300-3400 Hz) noise, `snr_db` below the speech's active level."""
    rng = np.random.default_rng(seed)
    spec = np.fft.rfft(rng.standard_normal(x.size))
    f = np.fft.rfftfreq(x.size, 1 / SAMPLE_RATE)
    spec[(f < 300) | (f > 3400)] = 0
    noise = np.fft.irfft(spec, x.size)
    noise /= np.sqrt(np.mean(noise**2))
    level = np.mean(x[np.abs(x) > 0.01] ** 2)
    return (x + noise * np.sqrt(level / 10 ** (snr_db / 10))).astype(np.float32)


@pytest.mark.model
def test_speech_in_a_noisy_street_is_not_taken_for_silence(engine, samples):
    x = decode_pcm(str(samples / "asterisk/default/1001/INBOX/msg0000.wav"))
    noisy = _with_line_noise(x, 5.0)
    regions = speech_regions(noisy)
    assert regions == [(0, noisy.size)]  # the whole message goes to Whisper, as it did before
    tr = engine.transcribe(noisy)
    assert tr.speech and len(tr.text.split()) > 15


@pytest.mark.parametrize("background", ["hold_music", "music_on_hold", "hum", "dial_tone"])
def test_speech_over_music_or_a_tone_is_kept(samples, clips, background):
    """A caller with hold music, hum or a tone behind them, 5 dB below the voice: all of it is speech."""
    x = decode_pcm(str(samples / "plain/Voicemail 3.wav"))
    bg = np.resize(decode_pcm(str(clips[background])), x.size)
    level = np.mean(x[np.abs(x) > 0.01] ** 2)
    mixed = (x + bg * np.sqrt(level / np.mean(bg**2) / 10 ** 0.5)).astype(np.float32)
    assert speech_regions(mixed) == [(0, mixed.size)]
