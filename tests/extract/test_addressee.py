"""Your name as callers greet you ("Hi Sam,"), learned from the messages: never the caller's name."""

from __future__ import annotations

from tests.mail.mailkit import build, wav_bytes, write_maildir
from tui.extract import extract_from_text
from tui.extract.names import greeted, learn_addressee
from tui.library.models import Segment, Transcript
from tui.library.scan import scan

TERSE = "Sam Kofi-Minsa, Ashgrove Labs. Quick one about the supplier contract. Call me on 415-555-0127."


def test_the_greeted_name_is_learned_from_several_messages():
    texts = ["Hi Sam, this is Rachel.", "Hey Sam. Marcus here.", "Good morning, Sam! It's Ana.",
             "Hi there, this is the pharmacy.", "Hello Dana, wrong number maybe.", "Call me back."]
    assert greeted(texts[0]) == {"sam"} and greeted(texts[3]) == set()
    assert learn_addressee(texts) == frozenset({"sam"})
    # one greeting is no pattern; nor is a name greeted in few of the greeting messages
    assert learn_addressee(texts[:1]) == frozenset()
    assert learn_addressee(["Hi Sam, a.", "Hi Sam, b."] + [f"Hi {n}, c." for n in
                                                         ("Ann", "Bo", "Cy", "Di", "Ed", "Flo", "Gus")]) == frozenset()


def test_the_addressee_is_not_the_first_word_of_a_terse_introduction():
    without = extract_from_text(TERSE).fields
    assert without["name"].value == "Sam Kofi-Minsa"  # whisper lost the comma after "Sam"
    fields = extract_from_text(TERSE, addressee=frozenset({"sam"})).fields
    assert fields["name"].value == "Kofi-Minsa"
    assert fields["company"].value == "Ashgrove Labs"
    assert fields["ask_for"].value == "Kofi-Minsa"


def test_a_caller_who_says_this_is_keeps_their_whole_name():
    fields = extract_from_text("Hi, this is Sam Reyes from Cedar Ridge. Call me back.",
                               addressee=frozenset({"sam"})).fields
    assert fields["name"].value == "Sam Reyes"


def _transcript(text: str) -> Transcript:
    return Transcript(text=text, segments=(Segment(0.0, 3.0, text),), words=(), model="test")


def test_the_library_learns_the_addressee_as_transcripts_arrive(tmp_path, store):
    from tui.enrich import enrich

    box = tmp_path / "Maildir"
    write_maildir(box, [build("Voicemail", f'\tFrom:\t"Caller" <20655501{n:02d}>\n', audio=wav_bytes(0.3 + n / 10, 400 + n),
                              message_id=f"<m{n}@pbx.example.com>") for n in range(3)])
    scan(store, [box])
    first, second, third = sorted(store.messages(), key=lambda m: m.caller_number)
    assert enrich(store, first.id, _transcript(TERSE), region="US").fields["name"].value == "Sam Kofi-Minsa"
    enrich(store, second.id, _transcript("Hi Sam, this is Rachel Dunmore. Call me back."), region="US")
    enrich(store, third.id, _transcript("Hey Sam. Marcus Lee here, call me."), region="US")
    assert enrich(store, first.id, _transcript(TERSE), region="US").fields["name"].value == "Kofi-Minsa"
    assert store.callback(first.id)["name"].value == "Kofi-Minsa"


def test_a_name_after_your_greeted_name_is_the_callers():
    text = "Hey Sam Mike, give me a shout when you get this."
    fields = extract_from_text(text, addressee=frozenset({"sam"})).fields
    assert (fields["name"].value, fields["ask_for"].value) == ("Mike", "Mike")
    # not knowing whom the messages greet, "Sam Mike" may be the one greeted: no name
    assert extract_from_text(text).fields["name"].value is None
    # someone who says who they are wins over the words after the greeting
    fields = extract_from_text("Hi Sam Reyes, this is Dana Moss from Acme Staffing. Call me.",
                               addressee=frozenset({"sam"})).fields
    assert fields["name"].value == "Dana Moss"


def test_the_library_reads_only_the_opening_of_each_transcript(tmp_path, store):
    box = tmp_path / "Maildir"
    write_maildir(box, [build("Voicemail", '\tFrom:\t"Caller" <2065550100>\n', audio=wav_bytes(0.3, 400),
                              message_id="<m@pbx.example.com>")])
    scan(store, [box])
    (message,) = store.messages()
    store.save_transcript(message.id, Transcript(text="Hi Ann, " + "x" * 500, segments=(), words=(), model="base"))
    store.save_transcript(message.id, Transcript(text="Hi Sam, " + "y" * 500, segments=(), words=(), model="base"))
    assert store.transcript_count() == 1  # transcribed again: the new text replaces the old
    assert store.transcript_openings() == ["Hi Sam, " + "y" * 152]
