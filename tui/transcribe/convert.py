"""CTranslate2 Whisper model (binary version 6) -> whisper.cpp 1.4.1 ggml model, numpy only.

The CTranslate2 file is read as a stream, one variable at a time, and each tensor is written
out as soon as it is read, so a model is never held in memory twice (the largest single
tensor, the token embedding, is the peak). A model split across several files (the base model
ships as ``model.bin.part1`` + ``model.bin.part2``) is read as their concatenation without
joining them on disk.

Layouts (little-endian):

* CTranslate2: u32 version (6); string spec name; u32 revision; u32 variable count; per
  variable: string name, u8 rank, rank x u32 dims, u8 dtype, u32 byte count, raw bytes;
  then u32 alias count and (alias, target) string pairs. A string is u16 length (including a
  trailing NUL) followed by the bytes.
* ggml (whisper.cpp 1.4.1): u32 magic; 11 x i32 hyper-parameters; i32 n_mel, i32 n_fft bins,
  float32 mel filters; i32 token count and per token i32 length + bytes; then tensors: i32
  n_dims, i32 name length, i32 type, dims (reversed numpy order), name, data.
"""

from __future__ import annotations

import io
import re
import struct
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np

GGML_MAGIC = 0x67676D6C
CT2_VERSION = 6

# ggml tensor types and file types of whisper.cpp 1.4.1.
GGML_TYPE_F32 = 0
GGML_TYPE_F16 = 1
GGML_TYPE_Q8_0 = 8
FTYPE_F16 = 1
FTYPE_Q8_0 = 7
FTYPES = {"f16": FTYPE_F16, "q8_0": FTYPE_Q8_0}
QK8_0 = 32  # q8_0 block: float32 scale + 32 int8 (this ggml version predates the f16 scale)
_Q8_BLOCK = np.dtype([("d", "<f4"), ("qs", "i1", (QK8_0,))])

# CTranslate2 dtypes.
_CT2_DTYPES = {0: np.dtype("<f4"), 1: np.dtype("i1"), 2: np.dtype("<i2"), 3: np.dtype("<i4"), 4: np.dtype("<f2")}
_CT2_BF16 = 5

HPARAM_NAMES = (
    "n_vocab",
    "n_audio_ctx",
    "n_audio_state",
    "n_audio_head",
    "n_audio_layer",
    "n_text_ctx",
    "n_text_state",
    "n_text_head",
    "n_text_layer",
    "n_mels",
    "ftype",
)

SAMPLE_RATE = 16000
N_FFT = 400


class ConversionError(Exception):
    """The input is not a CTranslate2 Whisper model this converter understands."""


# --------------------------------------------------------------------------- mel filters


def _hz_to_mel(freq: np.ndarray) -> np.ndarray:
    """Slaney mel scale (librosa's default, htk=False)."""
    freq = np.asanyarray(freq, dtype=np.float64)
    f_sp = 200.0 / 3
    mels = freq / f_sp
    min_log_hz = 1000.0
    min_log_mel = min_log_hz / f_sp
    logstep = np.log(6.4) / 27.0
    log_t = freq >= min_log_hz
    mels = np.where(log_t, min_log_mel + np.log(np.maximum(freq, min_log_hz) / min_log_hz) / logstep, mels)
    return mels


def _mel_to_hz(mels: np.ndarray) -> np.ndarray:
    mels = np.asanyarray(mels, dtype=np.float64)
    f_sp = 200.0 / 3
    freqs = f_sp * mels
    min_log_hz = 1000.0
    min_log_mel = min_log_hz / f_sp
    logstep = np.log(6.4) / 27.0
    log_t = mels >= min_log_mel
    return np.where(log_t, min_log_hz * np.exp(logstep * (mels - min_log_mel)), freqs)


def mel_filters(sr: int = SAMPLE_RATE, n_fft: int = N_FFT, n_mels: int = 80) -> np.ndarray:
    """The Slaney-normalised mel filterbank Whisper was trained with, [n_mels, 1 + n_fft // 2] float32.

    Same arithmetic as ``librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels)`` (float64,
    cast to float32 at the end), which is what OpenAI's ``mel_filters.npz`` holds.
    """
    fftfreqs = np.fft.rfftfreq(n=n_fft, d=1.0 / sr)
    mel_lo, mel_hi = _hz_to_mel(np.array(0.0)), _hz_to_mel(np.array(sr / 2.0))
    mel_f = _mel_to_hz(np.linspace(mel_lo, mel_hi, n_mels + 2))
    fdiff = np.diff(mel_f)
    ramps = np.subtract.outer(mel_f, fftfreqs)
    weights = np.zeros((n_mels, len(fftfreqs)), dtype=np.float64)
    for i in range(n_mels):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        weights[i] = np.maximum(0, np.minimum(lower, upper))
    enorm = 2.0 / (mel_f[2 : n_mels + 2] - mel_f[:n_mels])
    weights *= enorm[:, np.newaxis]
    return weights.astype(np.float32)


# --------------------------------------------------------------------------- vocabulary


def _bytes_to_unicode() -> dict[int, str]:
    """GPT-2's reversible byte -> printable character table."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs)))


_UNICODE_TO_BYTE = {c: b for b, c in _bytes_to_unicode().items()}


def read_vocabulary(path: Path) -> list[str]:
    """CTranslate2's vocabulary.txt: one token per line, GPT-2 byte-level unicode."""
    text = Path(path).read_text(encoding="utf-8")
    tokens = text.split("\n")
    if tokens and tokens[-1] == "":
        tokens.pop()
    return tokens


def token_bytes(token: str) -> bytes:
    """Map a byte-level token ("Ġthe") back to its raw bytes (b" the"); may be partial UTF-8."""
    try:
        return bytes(_UNICODE_TO_BYTE[c] for c in token)
    except KeyError:
        raise ConversionError(f"vocabulary token {token!r} is not GPT-2 byte-level text") from None


def ggml_tokens(tokens: Sequence[str]) -> list[bytes]:
    """The tokens whisper.cpp reads from the file: ids below <|endoftext|> (it adds the specials)."""
    try:
        eot = tokens.index("<|endoftext|>")
    except ValueError:
        raise ConversionError("vocabulary has no <|endoftext|> token") from None
    return [token_bytes(t) for t in tokens[:eot]]


# --------------------------------------------------------------------------- CTranslate2 reader


class _ConcatReader:
    """Read several files as one stream (a model split across packages)."""

    def __init__(self, paths: Sequence[Path]):
        self._paths = [Path(p) for p in paths]
        self._index = 0
        self._fh: BinaryIO | None = None
        self._open_next()

    def _open_next(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        if self._index < len(self._paths):
            self._fh = open(self._paths[self._index], "rb")  # noqa: SIM115 - closed in close()/_open_next
            self._index += 1

    def read(self, n: int) -> bytes:
        parts: list[bytes] = []
        while n > 0 and self._fh is not None:
            chunk = self._fh.read(n)
            if not chunk:
                self._open_next()
                continue
            parts.append(chunk)
            n -= len(chunk)
        return b"".join(parts)

    def readinto_exact(self, n: int) -> bytearray:
        buf = bytearray(n)
        view = memoryview(buf)
        pos = 0
        while pos < n and self._fh is not None:
            got = self._fh.readinto(view[pos:])
            if not got:
                self._open_next()
                continue
            pos += got
        if pos != n:
            raise ConversionError("model file is truncated")
        return buf

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


@dataclass
class Ct2Variable:
    name: str
    shape: tuple[int, ...]
    dtype: int
    data: bytearray

    def array(self) -> np.ndarray:
        if self.dtype == _CT2_BF16:
            raw = np.frombuffer(self.data, dtype="<u2").astype(np.uint32) << 16
            return raw.view(np.float32).reshape(self.shape)
        try:
            dt = _CT2_DTYPES[self.dtype]
        except KeyError:
            raise ConversionError(f"variable {self.name} has unsupported dtype {self.dtype}") from None
        return np.frombuffer(self.data, dtype=dt).reshape(self.shape)

    def scalar(self) -> int | float:
        return self.array().reshape(-1)[0].item()


def read_ct2(paths: Sequence[Path], on_count: Callable[[int], None] | None = None) -> Iterator[Ct2Variable]:
    """Yield the variables of a CTranslate2 model.bin (given as one or more consecutive parts).

    `on_count(n)` is told the number of variables once the header is read.
    """
    reader = _ConcatReader(paths)
    try:

        def u(fmt: str) -> tuple:
            size = struct.calcsize("<" + fmt)
            data = reader.read(size)
            if len(data) != size:
                raise ConversionError("model file is truncated")
            return struct.unpack("<" + fmt, data)

        def string() -> str:
            (n,) = u("H")
            raw = reader.read(n)
            if len(raw) != n:
                raise ConversionError("model file is truncated")
            return raw.rstrip(b"\0").decode("utf-8")

        (version,) = u("I")
        if version != CT2_VERSION:
            raise ConversionError(f"CTranslate2 binary version {version} is not supported (expected {CT2_VERSION})")
        spec = string()
        if spec != "WhisperSpec":
            raise ConversionError(f"not a Whisper model (spec {spec!r})")
        u("I")  # spec revision
        (count,) = u("I")
        if on_count is not None:
            on_count(count)
        for _ in range(count):
            name = string()
            (rank,) = u("B")
            dims = u("I" * rank) if rank else ()
            (dtype,) = u("B")
            (nbytes,) = u("I")
            data = reader.readinto_exact(nbytes)
            yield Ct2Variable(name, tuple(dims), dtype, data)
    finally:
        reader.close()


# --------------------------------------------------------------------------- mapping

_LAYER = re.compile(r"^(encoder|decoder)/layer_(\d+)/(.+)$")

# Within a layer: CT2 sub-path -> whisper.cpp suffix.
_LAYER_NORMS = {
    "self_attention/layer_norm": "attn_ln",
    "attention/layer_norm": "cross_attn_ln",
    "ffn/layer_norm": "mlp_ln",
}
_LAYER_LINEARS = {
    "self_attention/linear_1": "attn.out",
    "attention/linear_0": "cross_attn.query",
    "attention/linear_2": "cross_attn.out",
    "ffn/linear_0": "mlp.0",
    "ffn/linear_1": "mlp.2",
}
_NORM_PARAM = {"gamma": "weight", "beta": "bias"}

# Output kinds: "f32" (1-D, conv biases, positional embeddings), "conv" (always f16 in a
# quantised model, as whisper.cpp loads it), "w" (matrices: f16 or q8_0).
Tensor = tuple[str, np.ndarray, str]


def map_variable(name: str, arr: np.ndarray) -> list[Tensor]:
    """The whisper.cpp tensors for one CTranslate2 variable (empty for scalars and unused ones)."""
    if arr.ndim == 0:
        return []
    m = _LAYER.match(name)
    if m:
        side, idx, rest = m.group(1), int(m.group(2)), m.group(3)
        prefix = f"{side}.blocks.{idx}."
        sub, _, param = rest.rpartition("/")
        if sub in _LAYER_NORMS and param in _NORM_PARAM:
            return [(prefix + _LAYER_NORMS[sub] + "." + _NORM_PARAM[param], arr, "f32")]
        if sub in _LAYER_LINEARS and param in ("weight", "bias"):
            return [(prefix + _LAYER_LINEARS[sub] + "." + param, arr, "w" if param == "weight" else "f32")]
        if sub == "self_attention/linear_0" and param in ("weight", "bias"):
            q, k, v = np.split(arr, 3, axis=0)
            base = prefix + "attn."
            if param == "weight":
                return [(base + "query.weight", q, "w"), (base + "key.weight", k, "w"), (base + "value.weight", v, "w")]
            # The key bias shifts every score of a query by the same amount; softmax cancels it.
            return [(base + "query.bias", q, "f32"), (base + "value.bias", v, "f32")]
        if side == "decoder" and sub == "attention/linear_1" and param in ("weight", "bias"):
            k, v = np.split(arr, 2, axis=0)
            base = prefix + "cross_attn."
            if param == "weight":
                return [(base + "key.weight", k, "w"), (base + "value.weight", v, "w")]
            return [(base + "value.bias", v, "f32")]
        raise ConversionError(f"unexpected variable {name}")
    if name in ("encoder/conv1/weight", "encoder/conv2/weight"):
        return [(name.replace("/", "."), arr, "conv")]
    if name in ("encoder/conv1/bias", "encoder/conv2/bias"):
        return [(name.replace("/", "."), arr.reshape(-1, 1), "f32")]
    if name == "encoder/position_encodings/encodings":
        return [("encoder.positional_embedding", arr, "f32")]
    if name == "decoder/position_encodings/encodings":
        return [("decoder.positional_embedding", arr, "f32")]
    if name == "decoder/embeddings/weight":
        return [("decoder.token_embedding.weight", arr, "w")]
    if name.startswith(("encoder/layer_norm/", "decoder/layer_norm/")):
        side, _, param = name.split("/")
        if param in _NORM_PARAM:
            ln = "ln_post" if side == "encoder" else "ln"
            return [(f"{side}.{ln}.{_NORM_PARAM[param]}", arr, "f32")]
    raise ConversionError(f"unexpected variable {name}")


def quantize_q8_0(arr: np.ndarray) -> bytes:
    """ggml's reference q8_0 quantisation (float32 scale per 32 values, round half away from zero)."""
    flat = np.ascontiguousarray(arr, dtype=np.float32).reshape(-1)
    if flat.size % QK8_0:
        raise ConversionError("q8_0 needs a multiple of 32 values per tensor")
    out = io.BytesIO()
    step = QK8_0 * 65536
    for start in range(0, flat.size, step):
        blocks = flat[start : start + step].reshape(-1, QK8_0)
        amax = np.abs(blocks).max(axis=1)
        d = (amax / np.float32(127.0)).astype(np.float32)
        with np.errstate(divide="ignore"):
            inv = np.where(d != 0, np.float32(1.0) / d, np.float32(0.0)).astype(np.float32)
        v = blocks * inv[:, None]
        q = np.sign(v) * np.floor(np.abs(v) + np.float32(0.5))
        rec = np.empty(len(blocks), dtype=_Q8_BLOCK)
        rec["d"] = d
        rec["qs"] = q.astype(np.int8)
        out.write(rec.tobytes())
    return out.getvalue()


def dequantize_q8_0(raw: bytes, shape: tuple[int, ...]) -> np.ndarray:
    rec = np.frombuffer(raw, dtype=_Q8_BLOCK)
    return (rec["qs"].astype(np.float32) * rec["d"][:, None]).reshape(shape)


# --------------------------------------------------------------------------- writer


@dataclass
class ConvertResult:
    hparams: dict[str, int]
    n_tokens: int
    n_tensors: int
    bytes_written: int
    tensor_names: list[str] = field(default_factory=list)


def _write_tensor(out: BinaryIO, name: str, arr: np.ndarray, ttype: int) -> int:
    dims = tuple(reversed(arr.shape))
    encoded = name.encode("utf-8")
    header = struct.pack("<iii", len(dims), len(encoded), ttype) + struct.pack(f"<{len(dims)}i", *dims) + encoded
    out.write(header)
    if ttype == GGML_TYPE_F32:
        data = np.ascontiguousarray(arr, dtype="<f4")
        out.write(memoryview(data).cast("B"))
        return len(header) + data.nbytes
    if ttype == GGML_TYPE_F16:
        data = np.ascontiguousarray(arr, dtype="<f2")
        out.write(memoryview(data).cast("B"))
        return len(header) + data.nbytes
    blob = quantize_q8_0(arr)
    out.write(blob)
    return len(header) + len(blob)


def convert(
    model_parts: Sequence[Path],
    vocabulary: Path,
    out: BinaryIO,
    *,
    ftype: str = "f16",
    progress: Callable[[int, int], None] | None = None,
) -> ConvertResult:
    """Convert a CTranslate2 Whisper model to a whisper.cpp ggml model written to `out`.

    `model_parts` are the consecutive pieces of model.bin (one path for an unsplit model).
    `out` must be seekable: the hyper-parameters are patched in once every tensor was seen
    (CTranslate2 stores the head counts after the layers). `progress(done, total)` is called
    per variable.
    """
    if ftype not in FTYPES:
        raise ConversionError(f"unknown output type {ftype!r} (use f16 or q8_0)")
    wtype = GGML_TYPE_F16 if ftype == "f16" else GGML_TYPE_Q8_0
    tokens = ggml_tokens(read_vocabulary(vocabulary))
    n_vocab_file = len(read_vocabulary(vocabulary))

    start = out.tell()
    out.write(struct.pack("<I", GGML_MAGIC))
    out.write(struct.pack("<11i", *([0] * 11)))  # patched below
    filters = mel_filters(n_mels=80)
    out.write(struct.pack("<ii", *filters.shape))
    out.write(filters.astype("<f4").tobytes())
    out.write(struct.pack("<i", len(tokens)))
    for tok in tokens:
        out.write(struct.pack("<i", len(tok)))
        out.write(tok)

    hp: dict[str, int] = {}
    layers = {"encoder": -1, "decoder": -1}
    names: list[str] = []
    written = 0
    total = [0]
    for i, var in enumerate(read_ct2(model_parts, on_count=lambda n: total.__setitem__(0, n))):
        arr = var.array()
        if var.name in ("encoder/num_heads", "decoder/num_heads"):
            hp["n_audio_head" if var.name.startswith("encoder") else "n_text_head"] = int(var.scalar())
        m = _LAYER.match(var.name)
        if m:
            layers[m.group(1)] = max(layers[m.group(1)], int(m.group(2)))
        if var.name == "decoder/embeddings/weight":
            hp["n_vocab"], hp["n_text_state"] = arr.shape
        elif var.name == "decoder/position_encodings/encodings":
            hp["n_text_ctx"] = arr.shape[0]
        elif var.name == "encoder/position_encodings/encodings":
            hp["n_audio_ctx"], hp["n_audio_state"] = arr.shape
        elif var.name == "encoder/conv1/weight":
            hp["n_mels"] = arr.shape[1]
        for name, tensor, kind in map_variable(var.name, arr):
            ttype = GGML_TYPE_F32 if kind == "f32" else GGML_TYPE_F16 if kind == "conv" else wtype
            written += _write_tensor(out, name, tensor, ttype)
            names.append(name)
        del arr, var
        if progress is not None:
            progress(i + 1, total[0])

    hp["n_audio_layer"] = layers["encoder"] + 1
    hp["n_text_layer"] = layers["decoder"] + 1
    hp["ftype"] = FTYPES[ftype]
    missing = [k for k in HPARAM_NAMES if k not in hp]
    if missing:
        raise ConversionError(f"model lacks {', '.join(missing)}")
    if hp["n_mels"] != filters.shape[0]:
        raise ConversionError(f"model expects {hp['n_mels']} mel bands, only 80 are supported")
    if hp["n_vocab"] != n_vocab_file:
        raise ConversionError(f"vocabulary has {n_vocab_file} tokens but the model has {hp['n_vocab']}")
    expected = expected_tensor_count(hp["n_audio_layer"], hp["n_text_layer"])
    if len(set(names)) != expected or len(names) != expected:
        raise ConversionError(f"model has {len(set(names))} usable tensors, whisper.cpp needs {expected}")
    end = out.tell()
    out.seek(start + 4)
    out.write(struct.pack("<11i", *(hp[k] for k in HPARAM_NAMES)))
    out.seek(end)
    return ConvertResult(hparams=hp, n_tokens=len(tokens), n_tensors=len(names), bytes_written=end - start, tensor_names=names)


def expected_tensor_count(n_audio_layer: int, n_text_layer: int) -> int:
    """How many tensors whisper.cpp 1.4.1 loads for a model of this depth."""
    encoder = 2 + 2 + 1 + 2 + n_audio_layer * 15  # conv1, conv2, positional, ln_post, blocks
    decoder = 1 + 1 + 2 + n_text_layer * 24  # positional, token embedding, ln, blocks
    return encoder + decoder


# --------------------------------------------------------------------------- reader (tests, status)


@dataclass
class GgmlModel:
    hparams: dict[str, int]
    mel_filters: np.ndarray
    tokens: list[bytes]
    tensors: dict[str, tuple[int, tuple[int, ...], int, int]]  # name -> (type, numpy shape, offset, nbytes)


def read_ggml_header(path: Path) -> dict[str, int]:
    """The hyper-parameters of a ggml whisper model; raises ConversionError if it is not one."""
    with open(path, "rb") as fh:
        head = fh.read(4 + 11 * 4)
    if len(head) < 48 or struct.unpack("<I", head[:4])[0] != GGML_MAGIC:
        raise ConversionError(f"{path} is not a ggml whisper model")
    return dict(zip(HPARAM_NAMES, struct.unpack("<11i", head[4:48])))


def read_ggml(path: Path, *, with_tensors: bool = True) -> GgmlModel:
    """Parse a whisper.cpp ggml file (tensor data is located, not loaded)."""
    hp = read_ggml_header(path)
    with open(path, "rb") as fh:
        fh.seek(48)
        n_mel, n_fft = struct.unpack("<ii", fh.read(8))
        filters = np.frombuffer(fh.read(n_mel * n_fft * 4), dtype="<f4").reshape(n_mel, n_fft)
        (n_tok,) = struct.unpack("<i", fh.read(4))
        tokens = []
        for _ in range(n_tok):
            (ln,) = struct.unpack("<i", fh.read(4))
            tokens.append(fh.read(ln))
        tensors: dict[str, tuple[int, tuple[int, ...], int, int]] = {}
        while with_tensors:
            head = fh.read(12)
            if len(head) < 12:
                break
            n_dims, name_len, ttype = struct.unpack("<iii", head)
            dims = struct.unpack(f"<{n_dims}i", fh.read(4 * n_dims))
            name = fh.read(name_len).decode("utf-8")
            shape = tuple(reversed(dims))
            n = int(np.prod(shape))
            nbytes = n * 4 if ttype == GGML_TYPE_F32 else n * 2 if ttype == GGML_TYPE_F16 else n // QK8_0 * _Q8_BLOCK.itemsize
            tensors[name] = (ttype, shape, fh.tell(), nbytes)
            fh.seek(nbytes, io.SEEK_CUR)
    return GgmlModel(hp, filters, tokens, tensors)


def load_tensor(path: Path, entry: tuple[int, tuple[int, ...], int, int]) -> np.ndarray:
    ttype, shape, offset, nbytes = entry
    with open(path, "rb") as fh:
        fh.seek(offset)
        raw = fh.read(nbytes)
    if ttype == GGML_TYPE_F32:
        return np.frombuffer(raw, dtype="<f4").reshape(shape)
    if ttype == GGML_TYPE_F16:
        return np.frombuffer(raw, dtype="<f2").reshape(shape)
    return dequantize_q8_0(raw, shape)
