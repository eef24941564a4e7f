"""The real speech model in the app: transcripts arrive in the background, keys keep working,
and the callback pane fills from the extraction once the message is listened."""

import shutil
from dataclasses import replace

import pytest

from tests.app.conftest import wait_for
from tui.app.widgets.callback_pane import CallbackPane
from tui.config import TranscriptionConfig

pytestmark = [pytest.mark.model, pytest.mark.slow]


@pytest.fixture
def model_installed():
    from tui.errors import UserError
    from tui.transcribe.model import resolve

    try:
        return resolve("auto")
    except UserError as exc:
        pytest.fail(f"the speech model is not installed (scripts/bootstrap.sh installs it): {exc}")


async def test_transcribes_in_the_background_and_fills_the_pane(model_installed, make_app, store, null_config,
                                                              samples, tmp_path):
    folder = tmp_path / "v"
    folder.mkdir()
    source = samples / "asterisk" / "default" / "1001" / "INBOX"
    for name in ("msg0000.wav", "msg0000.txt"):
        shutil.copy2(source / name, folder / name)
    config = replace(null_config, transcription=TranscriptionConfig(enabled=True, threads=1))
    app = make_app([folder], config=config)
    async with app.run_test(size=(80, 24)) as pilot:
        message = app.message_list.current
        await wait_for(pilot, lambda: app.enricher is not None, timeout=30, what="transcriber")
        await wait_for(pilot, lambda: store.get(message.id).transcript_status == "pending", what="queued")
        # the UI answers while the model works in its own process
        await pilot.press("v")
        assert app.inbox.view == "all"
        await pilot.press("v", "v", "v")  # all -> called back -> archived -> to call
        assert app.inbox.view == "to_call"
        await wait_for(pilot, lambda: store.transcript(message.id) is not None, timeout=90, what="transcript")
        transcript = store.transcript(message.id)
        assert "Rachel" in transcript.text
        assert transcript.words and transcript.words[-1].end > 10
        # not listened yet: the extracted details stay locked
        assert app.query_one(CallbackPane).has_class("locked")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.player is not None and app.player.snapshot().state == "playing")
        app.player.set_speed(2.0)
        await wait_for(pilot, lambda: store.get(message.id).listened, timeout=40, what="listened")
        await pilot.pause(0.2)
        fields = store.callback(message.id)
        assert fields["name"].value == "Rachel Dunmore" and fields["name"].provenance.value == "extracted"
        pane_text = str(app.query_one(CallbackPane).query_one("Static").render())
        assert "Rachel Dunmore" in pane_text
        await pilot.press("q")
    assert app.enricher is None  # closed on quit


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    from tui.transcribe import model as models

    return models.install("tiny.en", tmp_path_factory.mktemp("models"))


async def test_the_message_you_play_is_transcribed_next(tiny, make_app, store, null_config, samples, tmp_path):
    folder = tmp_path / "v"
    folder.mkdir()
    clips = ["asterisk/default/1001/INBOX/msg0000.wav", "asterisk/default/1001/INBOX/msg0001.wav",
             "asterisk/default/1001/Old/msg0000.wav", "plain/Voicemail 3.wav", "asterisk/default/1001/INBOX/msg0002.wav"]
    for day, rel in enumerate(clips, start=1):  # the last is the newest
        shutil.copy2(samples / rel, folder / f"2026-11-{day:02d} 09.00.00 +1206555010{day}.wav")
    config = replace(null_config, transcription=TranscriptionConfig(enabled=True, threads=1, model=str(tiny)))
    app = make_app([folder], config=config)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.player is not None, what="audio output")
        await wait_for(pilot, lambda: any(m.transcript_status == "transcribing" for m in store.messages()),
                       timeout=60, what="the first job")
        oldest = store.messages()[-1]  # queued last
        for _ in range(len(clips) - 1):
            await pilot.press("j")
        assert app.message_list.current.id == oldest.id
        await pilot.press("enter")
        await wait_for(pilot, lambda: store.transcript(oldest.id) is not None, timeout=120, what="its transcript")
        others = [m for m in store.messages() if m.id != oldest.id]
        # at most the job running when Enter was pressed (and one the cursor rested on) came first
        assert sum(store.transcript(m.id) is not None for m in others) <= 2
        assert "Rachel" in store.transcript(oldest.id).text
        # the rows tell the truth: never more than one transcribing
        assert sum(m.transcript_status == "transcribing" for m in store.messages()) <= 1
        await pilot.press("q")
