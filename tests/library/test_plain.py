from datetime import datetime

import pytest

from tui.library.importers import plain


@pytest.fixture
def new_york(machine_zone):
    """The samples' phone was in New York: file-name times are its wall-clock time."""
    machine_zone("America/New_York")


def _truth_for(truth, name):
    return next(t for t in truth if t["path"].endswith(name))


def test_plain_samples_match_truth(samples, truth, new_york):
    for path in sorted((samples / "plain").iterdir()):
        if path.suffix == ".json":
            continue
        found = plain.read(path, path.stat(), region="US")
        expected = _truth_for(truth, path.name)
        assert found.caller_number == expected["caller_id_number"], path.name
        assert found.caller_name == expected["caller_id_name"], path.name
        if "mtime" not in expected["received_at_source"]:
            assert found.received_at == datetime.fromisoformat(expected["received_at"]), path.name


def test_file_name_pattern_without_sidecar(tmp_path):
    path = tmp_path / "2026-11-07 09.12.58 +13145550133.m4a"
    path.write_bytes(b"x")
    found = plain.read(path, path.stat())
    assert found.caller_number == "+13145550133"
    assert found.received_at_source == "file name"
    local = found.received_at.replace(tzinfo=None)
    assert local == datetime(2026, 11, 7, 9, 12, 58)


def test_no_metadata_uses_mtime(tmp_path):
    path = tmp_path / "Voicemail 3.wav"
    path.write_bytes(b"x")
    found = plain.read(path, path.stat())
    assert found.caller_number is None and found.received_at_source == "mtime"
    assert abs(found.received_at.timestamp() - path.stat().st_mtime) < 1


def test_bad_sidecars_never_raise(tmp_path):
    audio = tmp_path / "2026-11-03 15.27.39 +12015550100.m4a"
    audio.write_bytes(b"x")
    sidecar = audio.with_suffix(".json")
    for content in (b"{not json", b"[1, 2]", b"\xff\xfe\x00garbage", b'{"caller_id_number": 5}', b"{" + b" " * 70000 + b"}"):
        sidecar.write_bytes(content)
        found = plain.read(audio, audio.stat())
        assert found.caller_number == "+12015550100"  # the file name still counts
        assert found.error is None


def test_markup_in_sidecar_is_kept_verbatim(tmp_path):
    audio = tmp_path / "a.mp3"
    audio.write_bytes(b"x")
    audio.with_suffix(".json").write_text('{"caller_id_name": "[@click=app.quit]x[/]"}')
    assert plain.read(audio, audio.stat()).caller_name == "[@click=app.quit]x[/]"
