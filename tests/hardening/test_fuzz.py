"""Random-input fuzz of the importers, the header parser and the decoder (hypothesis, bounded for CI).

Contract under test: importers' read() never raises and returns a sane Found; probe_duration
returns a positive finite length or raises HeaderError; the decoders return samples or raise
their one-line error types. Nothing hangs (every call here is on bytes already on disk).
"""

from __future__ import annotations

import math
import re
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hardening.nasty import tone
from tui.library.header import HeaderError, probe_duration
from tui.library.importers import asterisk, google_voice, importer_for, plain

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
E164 = re.compile(r"^\+[1-9]\d{6,14}$")

# file-name text: anything a file system takes (no "/" or NUL), including markup, escapes and bidi
NAME_CHARS = st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",))
NAMES = st.text(NAME_CHARS, min_size=1, max_size=60).filter(lambda s: s not in (".", "..") and len(s.encode()) < 200)
SIDECAR_JSON = st.one_of(
    st.binary(max_size=3000),
    st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=300)),
        lambda inner: st.lists(inner, max_size=5) | st.dictionaries(
            st.sampled_from(["caller_id_number", "caller_id_name", "received_at", "x"]) | st.text(max_size=10), inner,
            max_size=5),
        max_leaves=20,
    ).map(lambda value: __import__("json").dumps(value).encode()),
)


@pytest.fixture(scope="module")
def scratch():
    folder = Path(tempfile.mkdtemp(prefix="vm-fuzz-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def real_audio(scratch):
    return {suffix: tone(scratch / f"real{suffix}", 1.5).read_bytes() for suffix in (".wav", ".mp3", ".m4a", ".ogg", ".flac")}


def _fresh(scratch: Path) -> Path:
    return Path(tempfile.mkdtemp(dir=scratch))


def _sane(found, path: Path) -> None:
    assert found.path == str(path)
    assert found.caller_number is None or E164.match(found.caller_number), found.caller_number
    assert found.caller_name is None or isinstance(found.caller_name, str)
    assert isinstance(found.received_at, datetime) and found.received_at.tzinfo is not None
    assert found.duration_s is None or (math.isfinite(found.duration_s) and found.duration_s >= 0)


@FAST
@given(name=NAMES, sidecar=SIDECAR_JSON)
def test_plain_read_never_raises(scratch, name, sidecar):
    folder = _fresh(scratch)
    path = folder / f"{name}.wav"
    path.write_bytes(b"RIFF")
    path.with_suffix(".json").write_bytes(sidecar)
    found = plain.read(path, path.stat(), region="US")
    _sane(found, path)
    assert found.caller_name is None or len(found.caller_name) <= 200


@FAST
@given(who=NAMES, html=st.one_of(st.binary(max_size=4000), st.text(max_size=2000).map(str.encode),
                                   st.lists(st.sampled_from(["<a class='tel' href='tel:", "'>", "<span class='fn'>", "</span>",
                                                             "<abbr class='published' title='", "<abbr class='duration' title='",
                                                             "PT1M7S", "2026-11-02T10:00:00.000-05:00", "</abbr>", "</a>",
                                                             "<span class='full-text'>", "+1206555010", "\x1b[2J", "[/]", "&#27;",
                                                             "&amp;", "<br>", "<!--", "<script>", "]]>"]), max_size=40)
                                   .map(lambda parts: "".join(parts).encode())))
def test_google_voice_read_never_raises(scratch, who, html):
    folder = _fresh(scratch)
    path = folder / f"{who} - Voicemail - 2026-11-02T10_00_00Z.mp3"
    if len(path.name.encode()) > 250:
        return
    path.write_bytes(b"ID3")
    path.with_suffix(".html").write_bytes(html)
    assert importer_for(path) is google_voice or not google_voice.claims(path)
    found = google_voice.read(path, path.stat(), region="US")
    _sane(found, path)


@FAST
@given(txt=st.one_of(st.binary(max_size=3000),
                     st.lists(st.sampled_from(["[message]\n", "callerid=", "\"Name\" <2065550100>", "origtime=",
                                               "1762000000", "-1", "99999999999999999999", "duration=", "nan",
                                               "msg_id=", "\n", "=", "[", "]", "\x00", "\xff", ";", "#"]), max_size=40)
                     .map(lambda parts: "".join(parts).encode("utf-8", "surrogatepass"))))
def test_asterisk_read_never_raises(scratch, txt):
    folder = _fresh(scratch) / "INBOX"
    folder.mkdir()
    path = folder / "msg0000.wav"
    path.write_bytes(b"RIFF")
    (folder / "msg0000.txt").write_bytes(txt)
    assert asterisk.claims(path)
    found = asterisk.read(path, path.stat(), region="US")
    _sane(found, path)


@FAST
@given(suffix=st.sampled_from([".wav", ".mp3", ".m4a", ".ogg", ".flac", ".aac", ".gsm", ".opus", ".mp4"]),
       data=st.binary(min_size=0, max_size=4000))
def test_header_parser_on_random_bytes(scratch, suffix, data):
    path = _fresh(scratch) / f"x{suffix}"
    path.write_bytes(data)
    try:
        length = probe_duration(path, len(data))
    except HeaderError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert math.isfinite(length) and length > 0


@FAST
@given(data=st.data())
def test_header_parser_on_damaged_real_files(scratch, real_audio, data):
    suffix = data.draw(st.sampled_from(sorted(real_audio)))
    raw = bytearray(real_audio[suffix])
    cut = data.draw(st.integers(0, len(raw)))
    flips = data.draw(st.lists(st.tuples(st.integers(0, len(raw) - 1), st.integers(0, 255)), max_size=12))
    for offset, value in flips:
        raw[offset] = value
    raw = bytes(raw[:cut])
    path = _fresh(scratch) / f"d{suffix}"
    path.write_bytes(raw)
    try:
        length = probe_duration(path, len(raw))
    except HeaderError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert math.isfinite(length) and length > 0


@pytest.mark.slow
@SLOW
@given(data=st.data())
def test_decoder_on_random_and_damaged_audio(scratch, real_audio, data):
    from tui.audio.decode import DecodeError, decode_pcm
    from tui.audio.stream import DecodeStream, StreamError

    suffix = data.draw(st.sampled_from(sorted(real_audio)))
    if data.draw(st.booleans()):
        raw = data.draw(st.binary(max_size=3000))
    else:
        raw = bytearray(real_audio[suffix])
        for offset, value in data.draw(st.lists(st.tuples(st.integers(0, len(raw) - 1), st.integers(0, 255)), max_size=30)):
            raw[offset] = value
        raw = bytes(raw[: data.draw(st.integers(0, len(raw)))])
    path = _fresh(scratch) / f"z{suffix}"
    path.write_bytes(raw)
    try:
        samples = decode_pcm(str(path))
    except DecodeError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert samples.dtype.name == "float32" and samples.size > 0
        assert float(abs(samples).max()) <= 1.0
    try:
        stream = DecodeStream(path, rate=8000)
    except StreamError as exc:
        assert "\n" not in str(exc)
        return
    with stream:
        import time

        deadline = time.monotonic() + 30  # hang guard, not a timing assertion
        total = 0
        while time.monotonic() < deadline:
            chunk = stream.read()
            if chunk is None:
                break
            total += len(chunk)
            if not chunk:
                time.sleep(0.005)
        else:
            raise AssertionError("the decoder never finished")
        assert total % stream.frame_bytes == 0
        assert stream.error is None or "\n" not in stream.error
