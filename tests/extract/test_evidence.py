"""Evidence spans from word times, token probabilities, the re-decode hook, the JSON shape."""

from tui.extract import P_NUMBER, extract
from tui.library.models import Segment, Transcript, Word


def whisper_like(pieces):
    """A transcript as whisper.cpp gives it: sub-word tokens with times and probabilities."""
    words, t = [], 0.0
    for text, p in pieces:
        words.append(Word(round(t, 2), round(t + 0.25, 2), text, p))
        t += 0.25
    text = "".join(w.text for w in words).strip()
    return Transcript(text, (Segment(0.0, t, text),), tuple(words), "test")


TOKENS = [
    (" Hi", 0.9), (" Sam", 0.9), (",", 0.9), (" this", 0.9), (" is", 0.9), (" Rachel", 0.95),
    (" Dun", 0.8), ("more", 0.8), (" from", 0.9), (" Elm", 0.7), ("stead", 0.7), (" Recruiting", 0.9),
    (".", 0.9), (" Call", 0.9), (" me", 0.9), (" at", 0.9),
    (" 323", 0.95), ("-", 0.95), ("555", 0.95), ("-", 0.95), ("01", 0.95), ("42", 0.95),  # 4.0 .. 5.5
    (",", 0.9), (" extension", 0.9), (" 214", 0.97), (".", 0.9),
]


def test_evidence_is_the_time_span_of_the_tokens_it_came_from():
    ex = extract(whisper_like(TOKENS), caller_number="+13235550100")
    f = ex.fields["number"]
    assert f.value == "+13235550142"
    assert f.evidence == (4.0, 5.5)
    assert ex.fields["name"].evidence == (1.25, 2.0)  # " Rachel" " Dun" "more"
    assert ex.fields["company"].evidence == (2.25, 3.0)
    assert ex.fields["extension"].evidence == (6.0, 6.25)


def test_clear_tokens_make_a_single_clean_reading_high_and_unsure_ones_keep_it_low():
    ex = extract(whisper_like(TOKENS), caller_number="+13235550100")
    assert ex.fields["number"].confidence == "high"
    assert ex.fields["extension"].confidence == "high"
    unsure = [(t, 0.3) if t == "01" else (t, p) for t, p in TOKENS]
    assert P_NUMBER > 0.3
    ex = extract(whisper_like(unsure), caller_number="+13235550100")
    assert ex.fields["number"].confidence == "low"
    assert "unsure" in ex.fields["number"].note


def test_names_are_not_trusted_on_token_probability_alone():
    ex = extract(whisper_like(TOKENS), caller_number="+13235550100")
    assert ex.fields["name"].confidence == "low"


def test_words_without_leading_spaces_are_joined_with_spaces():
    words = tuple(Word(i * 0.5, i * 0.5 + 0.5, w, 1.0) for i, w in
                  enumerate("Call me at 206-555-0143 please".split()))
    ex = extract(Transcript("", (), words, "test"), caller_number="+12065550100")
    assert ex.fields["number"].value == "+12065550143"
    assert ex.fields["number"].evidence == (1.5, 2.0)


def test_segments_only_give_segment_evidence():
    tr = Transcript("x", (Segment(0.0, 3.0, "Hi, this is Rachel."), Segment(3.0, 7.5, "Call me at 206-555-0143.")),
                    (), "test")
    ex = extract(tr, caller_number="+12065550100")
    assert ex.fields["number"].evidence == (3.0, 7.5)
    assert ex.fields["name"].evidence == (0.0, 3.0)


def test_redecode_is_asked_for_an_invalid_number_span_and_its_reading_used():
    pieces = [(" Call", 0.9), (" me", 0.9), (" at", 0.9), (" 585", 0.9), ("-", 0.9), ("550", 0.9),
              ("100", 0.9), (".", 0.9)]
    calls = []

    def redecode(start, end):
        calls.append((start, end))
        return "585-555-0100"

    ex = extract(whisper_like(pieces), caller_number="+15855550135", redecode=redecode)
    assert calls == [(0.75, 1.75)]
    f = ex.fields["number"]
    assert f.value == "+15855550100"
    assert f.confidence == "high"  # re-read agrees with the likeliest repair of the first reading


def test_redecode_that_disagrees_or_fails_leaves_it_low():
    pieces = [(" Call", 0.9), (" me", 0.9), (" at", 0.9), (" 585", 0.9), ("-", 0.9), ("550", 0.9),
              ("100", 0.9), (".", 0.9)]
    for answer in (None, "", "five eight", "585-555-0199"):
        ex = extract(whisper_like(pieces), caller_number="+15855550135", redecode=lambda s, e, a=answer: a)
        assert ex.fields["number"].confidence == "low"


def test_redecode_can_confirm_a_valid_number_heard_once_without_probabilities():
    words = tuple(Word(i * 0.5, i * 0.5 + 0.5, " " + w) for i, w in
                  enumerate("Call me at 206-555-0143 please".split()))
    tr = Transcript("", (), words, "test")
    ex = extract(tr, caller_number="+12065550100", redecode=lambda s, e: "206 555 0143")
    assert ex.fields["number"].confidence == "high"
    ex = extract(tr, caller_number="+12065550100", redecode=lambda s, e: "206 555 0148")
    assert ex.fields["number"].confidence == "low"
    assert "+12065550148" in ex.alt_numbers


def test_google_transcript_stands_in_when_there_is_no_whisper_transcript():
    ex = extract(None, caller_number="+12065550100",
                 sidecar_transcript="Hi this is Rachel Dunmore, call me at 206-555-0143.")
    assert ex.fields["number"].value == "+12065550143"
    assert ex.fields["number"].evidence is None
    assert ex.fields["number"].confidence == "low"


def test_as_json_has_confidence_and_evidence_per_field():
    ex = extract(whisper_like(TOKENS), caller_number="+13235550100")
    js = ex.as_json()
    assert js["number"] == "+13235550142" and js["extension"] == "214"
    assert js["number_differs_from_caller_id"] is True
    assert js["confidence"]["number"] == "high"
    assert js["evidence"]["number"] == [4.0, 5.5]
    assert set(js["confidence"]) == {"name", "company", "request", "number", "extension", "ask_for"}
