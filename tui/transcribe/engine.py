"""whisper.cpp through whisper-cpp-python's low-level ctypes module: one context, greedy decoding.

Run this in a worker process (see worker.py), never in the UI process: whisper.cpp prints to
fd 2 and aborts its process on an assert. One `Engine` owns one context; it is not thread-safe
(two threads in one context abort the process).
"""

from __future__ import annotations

import ctypes
import importlib.util
import math
import os
import sys
import threading
from collections.abc import Generator
from pathlib import Path
from types import ModuleType

import numpy as np

from tui.errors import UserError
from tui.library.models import Segment, Transcript, Word
from tui.transcribe import default_threads
from tui.transcribe.guard import (
    NO_SPEECH_PROB,
    Scored,
    Stretches,
    cut_loops,
    drop_tail_repeats,
    looks_degenerate,
    unlikely,
)
from tui.transcribe.vad import speech_regions

SAMPLE_RATE = 16000
# whisper.cpp's encoder window: 30 s of audio = 3000 mel frames = 1500 encoder positions.
_FRAMES_PER_SECOND = 50  # encoder positions per second of audio
_FULL_AUDIO_CTX = 1500

WHISPER_SAMPLING_GREEDY = 0
WHISPER_SAMPLING_BEAM_SEARCH = 1

_LIB: ModuleType | None = None
_LIB_LOCK = threading.Lock()


class EngineError(UserError):
    """The speech engine or model cannot be used; the message says why."""


def _load_bindings(threads: int | None = None) -> ModuleType:
    """Import whisper_cpp_python.whisper_cpp without the package __init__.

    The package's __init__ imports its high-level class, which imports librosa (seconds and
    ~225 MB); the ctypes module alone needs none of that. When whisper.cpp was built with
    OpenBLAS (scripts/bootstrap.sh does), OpenBLAS reads its thread count once, as the library
    loads: it gets the engine's, so it neither competes with the UI nor spins extra cores.
    """
    global _LIB
    with _LIB_LOCK:
        if _LIB is not None:
            return _LIB
        os.environ.setdefault("OPENBLAS_NUM_THREADS", str(threads or default_threads()))
        spec = importlib.util.find_spec("whisper_cpp_python")
        if spec is None or not spec.submodule_search_locations:
            raise EngineError(
                "The speech engine is not installed. Run: CMAKE_POLICY_VERSION_MINIMUM=3.5 pip install whisper-cpp-python==0.2.0"
            )
        module_path = Path(list(spec.submodule_search_locations)[0]) / "whisper_cpp.py"
        sub = importlib.util.spec_from_file_location("_voicemail_whisper_cpp", module_path)
        assert sub is not None and sub.loader is not None
        module = importlib.util.module_from_spec(sub)
        try:
            sub.loader.exec_module(module)
        except (OSError, RuntimeError) as exc:
            raise EngineError(f"The speech engine library cannot be loaded: {exc}") from None
        sys.modules.setdefault("_voicemail_whisper_cpp", module)
        _LIB = module
        return module


def build_info() -> str:
    """How the installed whisper.cpp was built, e.g. "whisper.cpp, AVX2, FMA, F16C, OpenBLAS"."""
    try:
        info = _load_bindings().whisper_print_system_info().decode("ascii", "replace")
    except EngineError as exc:
        return str(exc)
    flags = dict(part.strip().split(" = ", 1) for part in info.split("|") if " = " in part)
    simd = [name for name in ("AVX512", "AVX2", "FMA", "F16C", "NEON") if flags.get(name) == "1"]
    blas = "OpenBLAS" if flags.get("BLAS") == "1" else "no BLAS (slower: see scripts/bootstrap.sh)"
    return ", ".join(["whisper.cpp", *simd, blas])


_HOP = 160
_N_FFT = 400
_CHUNK_FRAMES = 3000  # 30 s of mel frames


def log_mel(samples: np.ndarray, filters: np.ndarray) -> np.ndarray:
    """Whisper's log-mel spectrogram in numpy, laid out as whisper.cpp expects ([80, n_len], padded).

    OpenAI's recipe (centred STFT, periodic Hann, |X|^2, Slaney mel, log10, clamp to max - 8,
    (x + 4) / 4) with whisper.cpp's padding: the frame count is rounded up to a multiple of
    1500 and then 1500 more frames of silence follow, so every window the decoder may slide
    to is backed by real (silent) mel frames. whisper.cpp 1.4.1's own mel uses a naive
    recursive DFT and costs more than the whole encode of a short clip.
    """
    n_frames = samples.size // _HOP
    pad = _CHUNK_FRAMES // 2
    n_len = (n_frames // pad + (1 if n_frames % pad else 0)) * pad + pad
    audio = np.zeros(n_len * _HOP, dtype=np.float32)
    audio[: samples.size] = samples[: audio.size]
    padded = np.pad(audio, (_N_FFT // 2, _N_FFT // 2), mode="reflect")
    frames = np.lib.stride_tricks.sliding_window_view(padded, _N_FFT)[::_HOP][:n_len]
    window = (0.5 * (1 - np.cos(2 * np.pi * np.arange(_N_FFT) / _N_FFT))).astype(np.float32)
    spec = np.fft.rfft(frames * window, axis=1)
    power = (spec.real**2 + spec.imag**2).astype(np.float32)
    mel = power @ filters.T  # [n_len, 80]
    logm = np.log10(np.maximum(mel, 1e-10))
    logm = np.maximum(logm, logm.max() - 8.0)
    logm = (logm + 4.0) / 4.0
    return np.ascontiguousarray(logm.T, dtype=np.float32)


def audio_ctx_for(n_samples: int, *, margin_s: float = 1.0, multiple: int = 64) -> int:
    """Encoder positions to cover `n_samples` of 16 kHz audio (plus a margin), at most 1500.

    whisper.cpp otherwise encodes a full 30 s window however short the clip. Rounded up to a
    `multiple` so that a few sizes recur.
    """
    seconds = n_samples / SAMPLE_RATE + margin_s
    ctx = int(math.ceil(seconds * _FRAMES_PER_SECOND / multiple) * multiple)
    return max(multiple, min(_FULL_AUDIO_CTX, ctx))


def model_name_for(path: Path) -> str:
    """A short, stable model name for a ggml file: ggml-tiny.en-q8_0.bin -> tiny.en-q8_0."""
    stem = Path(path).name
    if stem.endswith(".bin"):
        stem = stem[:-4]
    if stem.startswith("ggml-"):
        stem = stem[5:]
    return stem or Path(path).name


def _check_header(path: Path) -> None:
    """Refuse files whisper.cpp would abort on (it asserts instead of failing on bad headers)."""
    from tui.transcribe.convert import ConversionError, read_ggml_header

    try:
        hp = read_ggml_header(path)
    except (ConversionError, OSError):
        raise EngineError(f"Speech model {path} cannot be loaded (not a whisper.cpp ggml model)") from None
    sane = (
        hp["n_vocab"] >= 51864
        and hp["n_mels"] == 80
        and hp["n_audio_layer"] > 0
        and hp["n_text_layer"] > 0
        and hp["n_audio_state"] > 0
        and hp["n_text_state"] > 0
        and hp["n_audio_head"] > 0
        and hp["n_text_head"] > 0
        and hp["ftype"] in (0, 1, 2, 3, 7, 8, 9)
    )
    if not sane:
        raise EngineError(f"Speech model {path} cannot be loaded (unsupported or damaged ggml header)")


class Engine:
    """One whisper.cpp context. `transcribe()` and `redecode()` are greedy at temperature 0 unless told."""

    def __init__(
        self,
        model_path: str | os.PathLike[str],
        *,
        threads: int | None = None,
        language: str | None = "en",
        audio_ctx: str | int = "auto",
        model_name: str | None = None,
        numpy_mel: bool = True,
        vad: bool = True,
    ):
        self.model_path = Path(model_path)
        if not self.model_path.is_file():
            raise EngineError(f"Speech model {self.model_path} does not exist. Run: voicemail-tui model install")
        self.threads = int(threads) if threads else default_threads()
        self.language = language or None
        self.audio_ctx = audio_ctx
        self.model_name = model_name or model_name_for(self.model_path)
        self.vad = vad  # False: the whole clip goes to Whisper (benchmarks, the "before" figures)
        self.last_scores: list[tuple[float | None, list[tuple[str, float]]]] = []  # per window: for benchmarks
        _check_header(self.model_path)
        self._w = _load_bindings(self.threads)
        ctx = self._w.whisper_init_from_file(str(self.model_path).encode())
        if not ctx:
            raise EngineError(f"Speech model {self.model_path} cannot be loaded (not a whisper.cpp ggml model?)")
        self._ctx = ctx
        self.multilingual = bool(self._w.whisper_is_multilingual(ctx))
        if self.language and self.language != "auto":
            if not self.multilingual and self.language != "en":
                self.language = "en"
            elif self._w.whisper_lang_id(self.language.encode()) < 0:
                self.close()
                raise EngineError(f"Unknown transcription language {self.language!r}")
        self._eot = self._w.whisper_token_eot(ctx)
        self._split_on_timestamps = False
        self._timed_tokens = False
        self.numpy_mel = numpy_mel
        self._filters: np.ndarray | None = None
        if numpy_mel:
            from tui.transcribe.convert import mel_filters

            self._filters = mel_filters(n_mels=80)

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        ctx, self._ctx = getattr(self, "_ctx", None), None
        if ctx:
            self._w.whisper_free(ctx)

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ decoding

    def _params(self, n_samples: int, *, prompt: str | None, beam_size: int | None, audio_ctx: str | int | None):
        w = self._w
        strategy = WHISPER_SAMPLING_BEAM_SEARCH if beam_size and beam_size > 1 else WHISPER_SAMPLING_GREEDY
        params = w.whisper_full_default_params(strategy)
        params.n_threads = self.threads
        params.translate = False
        params.no_context = True
        params.print_special = False
        params.print_progress = False
        params.print_realtime = False
        params.print_timestamps = False
        params.token_timestamps = True
        params.temperature = 0.0
        params.temperature_inc = 0.0  # no sampling fallback: deterministic
        params.suppress_blank = True
        params.suppress_non_speech_tokens = True
        if strategy == WHISPER_SAMPLING_GREEDY:
            params.greedy.best_of = 1
        else:
            params.beam_search.beam_size = int(beam_size or 5)
        lang = self.language
        if lang == "auto" and self.multilingual:
            params.language = b"auto"
            params.detect_language = False
        else:
            params.language = (lang or "en").encode()
        if prompt:
            self._prompt_ref = prompt.encode("utf-8")  # keep the bytes alive for the call
            params.initial_prompt = self._prompt_ref
        # A clip that fits one 30 s window is decoded in one pass: whisper.cpp 1.4.1 would
        # otherwise move its window to the last timestamp and encode the remainder again
        # (a second full encode that mostly repeats or hallucinates the last words).
        self._split_on_timestamps = n_samples <= (30.0 - 0.5) * SAMPLE_RATE
        params.single_segment = self._split_on_timestamps
        choice = self.audio_ctx if audio_ctx is None else audio_ctx
        if choice == "auto":
            params.audio_ctx = audio_ctx_for(n_samples)
        elif choice in (0, "full", None):
            params.audio_ctx = 0
        else:
            params.audio_ctx = int(choice)
        return params

    def _run(self, samples: np.ndarray, params) -> None:
        if self._ctx is None:
            raise EngineError("The speech engine is closed")
        pcm = np.ascontiguousarray(samples, dtype=np.float32)
        w = self._w
        if self._filters is not None and params.language != b"auto":
            # Hand whisper.cpp an empty signal (its own mel costs seconds) and put our
            # spectrogram in place right before the first encode; duration_ms bounds the work.
            mel = log_mel(pcm, self._filters)
            n_len = mel.shape[1]
            done = [False]

            def begin(ctx, state, _user):  # called by whisper.cpp before each window's encode
                if not done[0]:
                    w.whisper_set_mel_with_state(ctx, state, mel.ctypes.data_as(ctypes.POINTER(ctypes.c_float)), n_len, 80)
                    done[0] = True
                return True

            callback = w.whisper_encoder_begin_callback(begin)
            params.encoder_begin_callback = callback
            params.duration_ms = max(1, int(pcm.shape[0] * 1000 // SAMPLE_RATE))
            params.token_timestamps = False  # whisper.cpp's need the signal; words are timed below
            dummy = np.zeros(1, dtype=np.float32)
            rc = w.whisper_full(self._ctx, params, dummy.ctypes.data_as(ctypes.POINTER(ctypes.c_float)), 0)
            self._timed_tokens = False
        else:
            ptr = pcm.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
            rc = w.whisper_full(self._ctx, params, ptr, int(pcm.shape[0]))
            self._timed_tokens = bool(params.token_timestamps)
        if rc != 0:
            raise EngineError(f"whisper.cpp failed to transcribe (code {rc})")

    def _collect(self, offset_s: float = 0.0, clip_end_s: float | None = None) -> tuple[list[Segment], list[Word]]:
        scored = self._collect_scored(offset_s, clip_end_s)
        return [s for s, _, _ in scored], [w_ for _, ws, _ in scored for w_ in ws]

    def _collect_scored(self, offset_s: float = 0.0, clip_end_s: float | None = None) -> list[Scored]:
        """The decoded segments with their words and average token log-probability."""
        w, ctx = self._w, self._ctx
        beg = w.whisper_token_beg(ctx)
        pairs: list[Scored] = []
        for i in range(w.whisper_full_n_segments(ctx)):
            seg_t0 = w.whisper_full_get_segment_t0(ctx, i) / 100.0 + offset_s
            seg_t1 = w.whisper_full_get_segment_t1(ctx, i) / 100.0 + offset_s
            # One whisper.cpp segment per window in single-segment mode: split it again at the
            # timestamp tokens the model emitted (window start 0: single-segment is used for
            # clips that fit one window).
            pieces: list[tuple[float, float, list[tuple[bytes, float, float, float, float]]]] = []
            cur: list[tuple[bytes, float, float, float, float]] = []
            start = seg_t0
            for j in range(w.whisper_full_n_tokens(ctx, i)):
                data = w.whisper_full_get_token_data(ctx, i, j)
                if data.id > beg and self._split_on_timestamps:
                    ts = (data.id - beg) * 0.02 + offset_s
                    if cur:
                        pieces.append((start, max(ts, start), cur))
                        cur = []
                    start = ts
                    continue
                if data.id >= self._eot:
                    continue  # other special tokens
                raw = w.whisper_full_get_token_text(ctx, i, j) or b""
                if not raw:
                    continue
                if self._timed_tokens and data.t0 >= 0:
                    t0 = data.t0 / 100.0 + offset_s
                    t1 = max(t0, data.t1 / 100.0 + offset_s)
                else:
                    t0 = t1 = -1.0
                cur.append((raw, float(data.p), t0, t1, float(data.plog)))
            if cur:
                pieces.append((start, max(seg_t1, start), cur))
            for p0, p1, toks in pieces:
                if clip_end_s is not None:
                    p0, p1 = min(p0, clip_end_s), min(p1, clip_end_s)
                # Token bytes may split a UTF-8 character: join bytes first, then decode.
                text = b"".join(t[0] for t in toks).decode("utf-8", errors="replace").strip()
                if not text:
                    continue
                seg = Segment(start=round(p0, 2), end=round(max(p0, p1), 2), text=text)
                avg_logprob = sum(t[4] for t in toks) / len(toks)
                pairs.append((seg, self._words(toks, p0, max(p0, p1)), avg_logprob))
        return drop_tail_repeats(pairs, clip_end_s)

    def no_speech_prob(self) -> float | None:
        """Whisper's own no-speech probability for the window just encoded (OpenAI's recipe).

        whisper.cpp 1.4.1 does not report it; it is the probability of the <|nospeech|> token
        right after <|startoftranscript|>, read from one decoder step on the stored encoding.
        """
        w, ctx = self._w, self._ctx
        nosp = w.whisper_token_not(ctx) - 1  # <|nospeech|> sits just before <|notimestamps|>
        tokens = (ctypes.c_int * 1)(w.whisper_token_sot(ctx))
        if w.whisper_decode(ctx, tokens, 1, 0, self.threads) != 0:
            return None
        logits = np.ctypeslib.as_array(w.whisper_get_logits(ctx), shape=(w.whisper_n_vocab(ctx),)).astype(np.float64)
        if not np.isfinite(logits).all():
            return None  # an inert signal must never pass silence as speech: the caller treats None as unknown
        logits -= logits.max()
        probs = np.exp(logits)
        return float(probs[nosp] / probs.sum())

    def _words(self, toks: list[tuple[bytes, float, float, float, float]], seg_t0: float, seg_t1: float) -> list[Word]:
        """Group tokens into words (a token starting with a space starts a word).

        Word times come from whisper.cpp's token timestamps when it computed them, otherwise
        the segment's span is shared out in proportion to the words' lengths (whisper's
        segment boundaries are the reliable part; within a segment speech is close to even).
        """
        groups: list[tuple[bytearray, list[float], float, float]] = []
        for raw, p, t0, t1, _ in toks:
            # A token without a leading space continues the word ("back" + "." / "4" + "15").
            if not groups or raw.startswith(b" "):
                groups.append((bytearray(raw), [p], t0, t1))
            else:
                buf, ps, g0, g1 = groups[-1]
                buf.extend(raw)
                ps.append(p)
                groups[-1] = (buf, ps, g0, max(g1, t1))
        words = [(bytes(buf).decode("utf-8", errors="replace").strip(), ps, t0, t1) for buf, ps, t0, t1 in groups]
        words = [x for x in words if x[0]]
        out: list[Word] = []
        if not words:
            return out
        if not self._timed_tokens or any(t0 < 0 for _, _, t0, _ in words):
            weights = [len(text) + 1 for text, _, _, _ in words]
            total = float(sum(weights))
            span = max(0.0, seg_t1 - seg_t0)
            acc = 0.0
            for (text, ps, _, _), wgt in zip(words, weights):
                start = seg_t0 + span * acc / total
                acc += wgt
                end = seg_t0 + span * acc / total
                out.append(Word(start=round(start, 2), end=round(end, 2), text=text, p=round(min(ps), 4)))
            return out
        for text, ps, t0, t1 in words:
            start = min(max(seg_t0, t0), seg_t1)
            end = min(max(start, t1), seg_t1)
            out.append(Word(start=round(start, 2), end=round(end, 2), text=text, p=round(min(ps), 4)))
        return out

    def transcribe(
        self,
        samples: np.ndarray,
        *,
        prompt: str | None = None,
        beam_size: int | None = None,
        audio_ctx: str | int | None = None,
    ) -> Transcript:
        """Transcribe 16 kHz mono float32 samples. Greedy, temperature 0, token timestamps.

        Only the stretches the voice-activity check finds speech in reach Whisper (joined, their
        times mapped back); a clip without any gives an empty transcript with `speech` False.
        """
        pieces = self.transcribe_pieces(samples, prompt=prompt, beam_size=beam_size, audio_ctx=audio_ctx)
        while True:
            try:
                next(pieces)
            except StopIteration as done:
                return done.value

    def transcribe_pieces(
        self,
        samples: np.ndarray,
        *,
        prompt: str | None = None,
        beam_size: int | None = None,
        audio_ctx: str | int | None = None,
    ) -> Generator[None, None, Transcript]:
        """`transcribe()` as a generator that yields after each window Whisper decodes and returns the
        Transcript: between windows the context is free for another job (the worker runs the
        message in front of the person there; this one then goes on where it was)."""
        samples = np.asarray(samples, dtype=np.float32).reshape(-1)
        self.last_scores = []
        regions = speech_regions(samples) if self.vad else [(0, samples.size)]
        if samples.size < SAMPLE_RATE // 10 or not regions:
            return Transcript(text="", segments=(), words=(), model=self.model_name, language=self._language_out(),
                              speech=False)
        stretches = Stretches(regions, SAMPLE_RATE)
        audio = stretches.join(samples)
        segments: list[Segment] = []
        words: list[Word] = []
        heard_nothing = True  # every window Whisper itself judged to hold no speech
        # A message longer than one window is cut at pauses into pieces that each fit one:
        # whisper.cpp 1.4.1 would instead slide a full 30 s window to its last timestamp, which
        # costs about twice the encodes (7 instead of 3 for a 67 s message) and repeats words.
        for a, b in chunk_bounds(audio):
            while b - a >= SAMPLE_RATE:
                segs, ws, silent = self._transcribe_piece(audio, a, b, prompt=prompt, beam_size=beam_size,
                                                          audio_ctx=audio_ctx)
                heard_nothing &= silent
                segments += segs
                words += ws
                yield
                # Whisper sometimes stops before the end of its window (a lone closing
                # timestamp, or an early end of text): "Again, that's 617 555 0135. Thanks, bye."
                # went missing that way. What is left is decoded again when someone speaks in it.
                heard_to = int(segs[-1].end * SAMPLE_RATE) if segs else b
                if heard_to <= a + SAMPLE_RATE or not speech_left(audio[a:b], heard_to - a):
                    break
                a = heard_to
        segments = [stretches.segment(s) for s in segments]
        words = [stretches.word(w_) for w_ in words]
        text = " ".join(s.text for s in segments).strip()
        return Transcript(
            text=text, segments=tuple(segments), words=tuple(words), model=self.model_name,
            language=self._language_out(), speech=bool(text) or not heard_nothing,
        )

    def _transcribe_piece(self, samples, a, b, *, prompt, beam_size, audio_ctx) -> tuple[list[Segment], list[Word], bool]:
        """Decode samples[a:b]; drop what Whisper scores as unlikely and its loops. The flag: Whisper
        judged the window to hold no speech (its no-speech probability above the threshold)."""
        piece = samples[a:b]
        params = self._params(piece.size, prompt=prompt, beam_size=beam_size, audio_ctx=audio_ctx)
        self._run(piece, params)
        scored = self._collect_scored(offset_s=a / SAMPLE_RATE, clip_end_s=b / SAMPLE_RATE)
        if params.audio_ctx and looks_degenerate([s for s, _, _ in scored]):
            # A shortened encoder window occasionally sends the decoder into a loop; the full
            # window is what the model was trained on.
            params = self._params(piece.size, prompt=prompt, beam_size=beam_size, audio_ctx="full")
            self._run(piece, params)
            scored = self._collect_scored(offset_s=a / SAMPLE_RATE, clip_end_s=b / SAMPLE_RATE)
        nsp = self.no_speech_prob()
        self.last_scores.append((nsp, [(s.text, lp) for s, _, lp in scored]))
        kept = cut_loops([item for item in scored if not unlikely(item[0].text, item[2], nsp)])
        return [s for s, _, _ in kept], [w_ for _, ws, _ in kept for w_ in ws], nsp is not None and nsp > NO_SPEECH_PROB

    def redecode(
        self,
        samples: np.ndarray,
        start_s: float,
        end_s: float,
        *,
        prompt: str | None = None,
        beam_size: int | None = 5,
        pad_s: float = 0.3,
    ) -> Transcript:
        """Decode only [start_s, end_s] of `samples` again (e.g. to re-read a phone number).

        Beam search (beam_size > 1) and a prompt ("The number is") can steer the reading. Times
        in the result are in the original clip's time.
        """
        samples = np.asarray(samples, dtype=np.float32).reshape(-1)
        a = max(0, int((start_s - pad_s) * SAMPLE_RATE))
        b = min(samples.size, int(math.ceil((end_s + pad_s) * SAMPLE_RATE)))
        if b <= a:
            raise EngineError(f"empty span {start_s:.2f}-{end_s:.2f} s")
        clip = samples[a:b]
        params = self._params(clip.size, prompt=prompt, beam_size=beam_size, audio_ctx=None)
        self._run(clip, params)
        segments, words = self._collect(offset_s=a / SAMPLE_RATE, clip_end_s=b / SAMPLE_RATE)
        text = " ".join(s.text for s in segments).strip()
        return Transcript(
            text=text, segments=tuple(segments), words=tuple(words), model=self.model_name, language=self._language_out()
        )

    def _language_out(self) -> str | None:
        if self._ctx is not None and self.language == "auto" and self.multilingual:
            lang_id = self._w.whisper_full_lang_id(self._ctx)
            if lang_id >= 0:
                value = self._w.whisper_lang_str(lang_id)
                return value.decode() if value else None
        return self.language if self.language != "auto" else None


MAX_CHUNK_S = 28.0  # a piece and the encoder's margin fit one 30 s window
_FRAME = SAMPLE_RATE // 50  # 20 ms


def _frame_power(x: np.ndarray) -> np.ndarray:
    """Mean square of each whole 20 ms frame."""
    n = x.size // _FRAME
    return np.square(x[: n * _FRAME].astype(np.float64)).reshape(n, _FRAME).mean(axis=1)


def chunk_bounds(samples: np.ndarray, *, max_s: float = MAX_CHUNK_S, search_s: float = 10.0) -> list[tuple[int, int]]:
    """Sample ranges that cover `samples`, each at most `max_s` long, cut at the quietest
    moment (energy over 200 ms) of the last `search_s` seconds before each limit."""
    n = int(samples.size)
    limit = int(max_s * SAMPLE_RATE)
    if n <= limit:
        return [(0, n)]
    smooth = np.convolve(_frame_power(samples), np.ones(10) / 10, mode="same")  # 200 ms: a pause, not a plosive
    bounds: list[tuple[int, int]] = []
    start = 0
    while n - start > limit:
        lo = (start + limit - int(search_s * SAMPLE_RATE)) // _FRAME
        hi = min(start + limit, n - 2 * SAMPLE_RATE) // _FRAME  # whisper.cpp skips pieces under 1 s
        cut = (lo + int(np.argmin(smooth[lo:hi]))) * _FRAME + _FRAME // 2
        bounds.append((start, cut))
        start = cut
    bounds.append((start, n))
    return bounds


def speech_left(piece: np.ndarray, heard_to: int, *, min_gap_s: float = 1.0, min_speech_s: float = 0.5) -> bool:
    """Is there speech in `piece` after sample `heard_to`? At least `min_speech_s` of 20 ms frames
    louder than a tenth of the piece's loud frames (90th percentile), in a gap of `min_gap_s`."""
    rest = piece[heard_to:]
    if rest.size < min_gap_s * SAMPLE_RATE:
        return False
    loud = np.percentile(np.sqrt(_frame_power(piece)), 90)
    if loud <= 0:
        return False
    return int((np.sqrt(_frame_power(rest)) > 0.1 * loud).sum()) * _FRAME >= min_speech_s * SAMPLE_RATE
