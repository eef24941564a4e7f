from tui.app.widgets.transcript import reveal
from tui.library.models import Segment, Transcript, Word

T = Transcript(
    text="Hi Sam, call me at 415 555 0132.",
    segments=(Segment(0.0, 4.0, "Hi Sam, call me at 415 555 0132."),),
    words=(Word(0.0, 0.4, "Hi"), Word(0.4, 0.9, "Sam,"), Word(1.0, 1.3, "call"), Word(1.3, 1.5, "me"),
           Word(1.5, 1.7, "at"), Word(1.8, 2.4, "415"), Word(2.5, 3.1, "555"), Word(3.2, 4.0, "0132.")),
    model="tiny.en",
)


def test_nothing_is_revealed_before_playing():
    assert "Sam" not in reveal(T, None, listened=False).plain
    assert "Sam" not in reveal(T, -1.0, listened=False).plain


def test_words_up_to_the_playhead_only():
    shown = reveal(T, 1.35, listened=False)
    assert shown.plain == "Hi Sam, call me …"
    assert "415" not in shown.plain
    # the word being played is highlighted
    spans = [(shown.plain[s.start:s.end], str(s.style)) for s in shown.spans if "reverse" in str(s.style)]
    assert spans == [("me", "bold reverse")]


def test_everything_once_listened():
    assert reveal(T, None, listened=True).plain == "Hi Sam, call me at 415 555 0132."


def test_control_characters_in_transcripts_are_made_visible():
    hostile = Transcript(text="x", segments=(), words=(Word(0, 1, "\x1b[2J[/]"),), model="m")
    assert reveal(hostile, 5.0, listened=False).plain == "\\x1b[2J[/]"


async def test_a_message_without_speech_says_so_before_listening():
    from textual.app import App

    from tui.app.widgets.transcript import NO_SPEECH, TranscriptPane

    class One(App):
        def compose(self):
            yield TranscriptPane(id="t")

    app = One()
    async with app.run_test(size=(60, 10)) as pilot:
        pane = app.query_one(TranscriptPane)
        silent = Transcript(text="", segments=(), words=(), model="tiny.en", speech=False)
        pane.show(silent, status="done", listened=False, position=None)
        await pilot.pause()
        assert str(pane.query_one("Static").render()) == NO_SPEECH
        pane.show(T, status="done", listened=False, position=None)
        await pilot.pause()
        assert "No speech" not in str(pane.query_one("Static").render())
