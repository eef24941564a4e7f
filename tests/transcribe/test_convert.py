"""The CTranslate2 -> ggml converter: header, vocabulary, tensors and a real transcription."""

from __future__ import annotations

import io
import struct
import sys
import tarfile
from pathlib import Path

import numpy as np
import pytest

from tests.needs import missing
from tui.transcribe import convert
from tui.transcribe import model as models

OPENAI_WHISPER_SDIST = "openai_whisper-20250625.tar.gz"  # fetched by scripts/bootstrap.sh --test


def test_header_fields_and_vocabulary(tiny_f16, tiny_sources):
    with open(tiny_f16, "rb") as fh:
        assert struct.unpack("<I", fh.read(4))[0] == convert.GGML_MAGIC
    g = convert.read_ggml(tiny_f16)
    assert g.hparams == {
        "n_vocab": 51864,
        "n_audio_ctx": 1500,
        "n_audio_state": 384,
        "n_audio_head": 6,
        "n_audio_layer": 4,
        "n_text_ctx": 448,
        "n_text_state": 384,
        "n_text_head": 6,
        "n_text_layer": 4,
        "n_mels": 80,
        "ftype": 1,
    }
    # whisper.cpp adds the specials itself: exactly the 50256 ordinary tokens are written.
    assert len(g.tokens) == 50256
    vocab = convert.read_vocabulary(tiny_sources[1])
    assert g.tokens[vocab.index("Ġthe")] == b" the"
    assert g.tokens[vocab.index("Ċ")] == b"\n"
    # Partial UTF-8 sequences are kept as raw bytes, not mangled into text.
    partial = 0
    for tok in g.tokens:
        try:
            tok.decode("utf-8")
        except UnicodeDecodeError:
            partial += 1
    assert partial > 300
    assert g.mel_filters.shape == (80, 201)
    assert len(g.tensors) == 167 == convert.expected_tensor_count(4, 4)


def test_mel_filters_match_the_ones_whisper_was_trained_with():
    """OpenAI's own filterbank (whisper/assets/mel_filters.npz in the openai-whisper sdist, which the
    set-up downloads from PyPI for the tests: see scripts/bootstrap.sh)."""
    sdist = Path(sys.prefix) / "test-assets" / OPENAI_WHISPER_SDIST
    if not sdist.is_file():
        missing(f"the reference mel filterbank {sdist}")
    with tarfile.open(sdist) as tar:
        member = tar.extractfile(f"{OPENAI_WHISPER_SDIST.removesuffix('.tar.gz')}/whisper/assets/mel_filters.npz")
        ref = np.load(io.BytesIO(member.read()))["mel_80"]
    ours = convert.mel_filters()
    assert ours.dtype == np.float32 and ours.shape == ref.shape == (80, 201)
    np.testing.assert_allclose(ours, ref, rtol=1e-6, atol=1e-9)


def test_tensor_round_trip_f16(tiny_f16, tiny_sources):
    parts, _ = tiny_sources
    g = convert.read_ggml(tiny_f16)
    seen = set()
    types = {convert.GGML_TYPE_F32: 0, convert.GGML_TYPE_F16: 0}
    for var in convert.read_ct2(parts):
        for name, expected, kind in convert.map_variable(var.name, var.array()):
            ttype, shape, _, _ = g.tensors[name]
            assert shape == expected.shape, name
            assert ttype == (convert.GGML_TYPE_F32 if kind == "f32" else convert.GGML_TYPE_F16), name
            got = convert.load_tensor(tiny_f16, g.tensors[name])
            assert np.array_equal(got.astype(np.float32), expected.astype(np.float32)), name
            types[ttype] += 1
            seen.add(name)
    assert seen == set(g.tensors)
    assert types == {convert.GGML_TYPE_F32: 100, convert.GGML_TYPE_F16: 67}
    # The split attention: query/key/value are the three row blocks of the fused matrix.
    q = convert.load_tensor(tiny_f16, g.tensors["encoder.blocks.0.attn.query.weight"])
    assert q.shape == (384, 384)


def test_q8_0_round_trip(tiny_model, tiny_f16):
    q = convert.read_ggml(tiny_model)
    f = convert.read_ggml(tiny_f16)
    assert q.hparams["ftype"] == convert.FTYPE_Q8_0
    assert set(q.tensors) == set(f.tensors)
    for name in ("decoder.token_embedding.weight", "encoder.blocks.3.mlp.0.weight", "decoder.blocks.1.cross_attn.key.weight"):
        assert q.tensors[name][0] == convert.GGML_TYPE_Q8_0
        ref = convert.load_tensor(tiny_f16, f.tensors[name]).astype(np.float32)
        got = convert.load_tensor(tiny_model, q.tensors[name])
        blocks = ref.reshape(-1, 32)
        bound = np.abs(blocks).max(axis=1, keepdims=True) / 127 * 0.5 + 1e-7
        assert np.all(np.abs(got.reshape(-1, 32) - blocks) <= bound), name
    # Convolutions stay f16 and 1-D tensors f32 (what whisper.cpp 1.4.1 loads for ftype 7).
    assert q.tensors["encoder.conv1.weight"][0] == convert.GGML_TYPE_F16
    assert q.tensors["encoder.ln_post.bias"][0] == convert.GGML_TYPE_F32


@pytest.mark.slow
def test_base_model_converts_with_multilingual_vocabulary(tmp_path):
    parts, vocabulary = models.verified_sources(models.get_spec("base"))
    assert len(parts) == 2
    out = tmp_path / "ggml-base.bin"
    with open(out, "wb") as fh:
        result = convert.convert(parts, vocabulary, fh, ftype="f16")
    g = convert.read_ggml(out)
    assert g.hparams["n_vocab"] == 51865 and g.hparams["n_audio_layer"] == 6 and g.hparams["n_text_head"] == 8
    assert len(g.tokens) == 50257  # ids below the multilingual <|endoftext|> (50257)
    assert g.tokens[50256] == b""
    assert result.n_tensors == len(g.tensors) == convert.expected_tensor_count(6, 6)


def test_conversion_rejects_a_non_model(tmp_path, tiny_sources):
    bogus = tmp_path / "model.bin"
    bogus.write_bytes(b"\x05\x00\x00\x00" + b"\0" * 64)
    with pytest.raises(convert.ConversionError, match="version 5"):
        with open(tmp_path / "out.bin", "wb") as fh:
            convert.convert([bogus], tiny_sources[1], fh)


@pytest.mark.slow
def test_known_sentence_is_transcribed(tiny_model, spoken_number):
    from tui.audio.decode import decode_pcm
    from tui.transcribe.engine import Engine

    with Engine(tiny_model, threads=1) as engine:
        transcript = engine.transcribe(decode_pcm(str(spoken_number)))
    words = [w.text.strip(".,").lower() for w in transcript.words]
    assert {"please", "call", "me", "back"} <= set(words)
    digits = "".join(ch for ch in transcript.text if ch.isdigit())
    assert "415" in digits
    assert transcript.model == "tiny.en-q8_0"
    # Word times are ordered and inside the clip.
    starts = [w.start for w in transcript.words]
    assert starts == sorted(starts) and transcript.words[-1].end <= 10.0
