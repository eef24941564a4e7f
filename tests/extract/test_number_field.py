"""The callback number and extension: values, confidence rules, notes, alternatives."""

import pytest

from tui.extract import extract, extract_from_text
from tui.library.models import Provenance, Transcript, Word

CID = "+12065550100"


def num(text, **kw):
    kw.setdefault("caller_number", CID)
    ex = extract_from_text(text, **kw)
    return ex, ex.fields["number"]


@pytest.mark.parametrize(
    "text, e164",
    [
        ("Please call me at 206-555-0143.", "+12065550143"),
        ("Call me back at four one five, five five five, oh one three two.", "+14155550132"),
        ("Reach me at one, four one five, double five five, oh one three two.", "+14155550132"),
        ("My direct line is five eight five, triple five, oh one hundred.", "+15855550100"),
        ("Three one two, five five five, zero one seven seven, that's my number, this is Ana.", "+13125550177"),
    ],
)
def test_spoken_number_becomes_e164(text, e164):
    ex, f = num(text)
    assert f.value == e164
    assert f.provenance is Provenance.EXTRACTED
    assert ex.number_differs_from_caller_id is True


def test_said_once_in_plain_text_is_low_confidence_with_a_reason():
    _, f = num("Call me at 206-555-0143.")
    assert f.confidence == "low"
    assert f.note


def test_said_twice_and_agreeing_is_high():
    ex, f = num("Call me at 206-555-0143. Again, that's two oh six, five five five, oh one four three.")
    assert (f.value, f.confidence) == ("+12065550143", "high")
    assert ex.alt_numbers == []


def test_said_twice_and_disagreeing_is_low_and_shows_both():
    ex, f = num("Call me at 206-555-0143. Again, that's 206-555-0134.")
    assert f.confidence == "low"
    assert f.value in ("+12065550143", "+12065550134")
    other = ({"+12065550143", "+12065550134"} - {f.value}).pop()
    assert other in ex.alt_numbers
    assert "206-555-0143" in f.note and "206-555-0134" in f.note


@pytest.mark.parametrize(
    "text",
    [
        "Call me at 206-555-0143, not my old number 206-555-0199.",
        "My old number was 206-555-0199, but please use 206-555-0143 instead.",
        "Reach me on 206-555-0199. Sorry, I mean 206-555-0143.",
    ],
)
def test_a_retracted_number_goes_to_the_alternatives(text):
    ex, f = num(text)
    assert f.value == "+12065550143"
    assert ex.alt_numbers == ["+12065550199"]


def test_invalid_nanp_number_is_never_high():
    # area code 123 and exchange 055 are not NANP-valid; said twice so only validity can stop it
    ex, f = num("Call me at 123-055-0143. Again 123-055-0143.")
    assert f.confidence != "high"


def test_wrong_digit_count_is_low_with_a_best_guess_and_the_reading_in_the_note():
    _, f = num("Call me at 585-550100.", caller_number="+15855550135")
    assert f.confidence == "low"
    assert f.value == "+15855550100"  # the collapsed "555" restored, same exchange as the caller ID
    assert "585-550100" in f.note


def test_one_digit_off_the_caller_id_is_the_caller_id_with_a_note():
    # "oh" heard as "five": whisper's usual slip, inside an otherwise exact caller ID
    ex, f = num("Call me back at 206-555-5143.", caller_number="+12065550143")
    assert f.value == "+12065550143"
    assert "one digit off" in f.note and "206-555-5143" in f.note
    assert f.confidence == "high"
    assert ex.number_differs_from_caller_id is False
    # the same slip with Google's transcript having another number: a doubt
    ex, f = num("Call me back at 206-555-5143.", caller_number="+12065550143",
                sidecar_transcript="call me back at 206-555-0147")
    assert f.confidence == "low"


def _heard(text, p):
    """A transcript whose every word whisper heard with probability p."""
    words = tuple(Word(i * 0.3, i * 0.3 + 0.3, " " + w, p) for i, w in enumerate(text.split()))
    return Transcript(text, (), words, "test")


def test_beside_a_main_line_caller_id_is_the_direct_line_they_gave():
    # measured on natural voices: "five four one, five five five, oh one oh eight" from the
    # office's main line 541-555-0100 was heard right every time; the caller ID would be wrong
    text = "Our number is 541-555-0108."
    ex = extract(_heard(text, 0.7), caller_number="+15415550100")
    f = ex.fields["number"]
    assert (f.value, f.confidence) == ("+15415550108", "high")
    assert ex.alt_numbers == ["+15415550100"]
    assert ex.number_note == "Caller ID is +1 541-555-0100 — they asked you to call +1 541-555-0108"
    # whisper unsure of the digits: flagged, the main line kept as the alternative
    ex = extract(_heard(text, 0.1), caller_number="+15415550100")
    assert ex.fields["number"].confidence == "low" and ex.alt_numbers == ["+15415550100"]


def test_beside_a_caller_id_that_is_no_main_line_is_a_doubt():
    # 541-555-0143 and 541-555-0147: a colleague's line, or the caller ID misheard
    ex = extract(_heard("Our number is 541-555-0147.", 0.99), caller_number="+15415550143")
    f = ex.fields["number"]
    assert f.value == "+15415550147"
    assert f.confidence == "low" and "another line of the same office" in f.note
    assert ex.alt_numbers == ["+15415550143"]


def test_a_lost_oh_in_a_three_digit_line_is_the_best_guess():
    # "oh one eight eight" written "188" after a whole area code and exchange
    for text, want in [("My direct number is 713-555-188.", "+17135550188"),
                       ("Call me at 858-555-153.", "+18585550153"),
                       # but "550" may be "555" collapsed: the exchange lost the digit
                       ("Call me at 585-550-100.", "+15855550100")]:
        _, f = num(text, caller_number=None)
        assert f.value == want and f.confidence == "low"
        assert "(9 digits)" in f.note


def test_call_me_back_at_this_number_is_the_caller_id_with_high_confidence():
    ex, f = num("Hi, it's Dana from Acme Staffing. Call me back at this number, thanks.")
    assert (f.value, f.confidence) == (CID, "high")
    assert ex.number_differs_from_caller_id is False
    assert ex.number_note is None


def test_same_as_caller_id_is_high():
    _, f = num("Call me at two oh six, five five five, oh one double oh.")
    assert (f.value, f.confidence) == (CID, "high")


def test_differs_from_caller_id_says_so_plainly():
    ex, _ = num("Call me at 206-555-0143.")
    assert ex.number_note == "Caller ID is +1 206-555-0100 — they asked you to call +1 206-555-0143"


def test_no_number_and_no_cue_leaves_it_empty():
    ex, f = num("Hi, sorry, wrong number.")
    assert f.value is None and f.confidence is None
    assert ex.number_differs_from_caller_id is None


@pytest.mark.parametrize("garble", ["585-550100", "725-555-01-8", "781-55-5-0-1-double-6", "7255-51.08"])
def test_whisper_garbles_never_come_out_high(garble):
    text = f"Call me at {garble}. Thanks."
    _, f = num(text, caller_number="+17255550100")
    assert f.confidence != "high"
    # even with whisper sure of every token
    words = tuple(Word(i * 0.3, i * 0.3 + 0.3, " " + w, 0.99) for i, w in enumerate(text.split()))
    ex = extract(Transcript(text, (), words, "test"), caller_number="+17255550100")
    assert ex.fields["number"].confidence != "high"


def test_a_garble_confirmed_by_a_clean_second_reading_is_high():
    _, f = num("Call me at 781-55-5-0-1-double-6. Again 781-555-0166.")
    assert (f.value, f.confidence) == ("+17815550166", "high")


def test_a_garble_confirmed_by_googles_transcript_is_high():
    _, f = num("Call me at 585-550100.", caller_number="+15855550135",
               sidecar_transcript="Call me at 585-555-0100.")
    assert (f.value, f.confidence) == ("+15855550100", "high")


def test_google_disagreeing_makes_it_low():
    ex, f = num("Call me at 206-555-0143. Again 206-555-0143.",
                sidecar_transcript="call me at 206-555-0183")
    assert f.value == "+12065550143" and f.confidence == "low"
    assert "+12065550183" in ex.alt_numbers


@pytest.mark.parametrize(
    "text, ext",
    [
        ("Call 206-555-0143, extension two fourteen.", "214"),
        ("Call 206-555-0143 ext. 214.", "214"),
        ("Call 206-555-0143 x214.", "214"),
        ("Call 206-555-0143x214.", "214"),
        ("Call 206-555-0143, extension three one seven.", "317"),
        ("Call 206-555-0143, extension 42.", "42"),
    ],
)
def test_extensions(text, ext):
    ex, f = num(text)
    assert ex.fields["extension"].value == ext
    assert f.value == "+12065550143"  # the extension never leaks into the number


def test_extension_said_twice_is_high_and_disagreeing_is_low():
    ex, _ = num("Call 206-555-0143, extension 317. That's extension three seventeen.")
    assert (ex.fields["extension"].value, ex.fields["extension"].confidence) == ("317", "high")
    ex, _ = num("Call 206-555-0143, extension 317. That's extension 371.")
    assert ex.fields["extension"].confidence == "low"


def test_caller_number_in_any_format_and_none():
    for cid in ("+12065550100", "12065550100", "2065550100"):
        _, f = num("Call me back at this number.", caller_number=cid)
        assert f.value == CID
    ex, f = num("Call me back at this number.", caller_number=None)
    assert f.value is None and ex.number_differs_from_caller_id is None


@pytest.mark.parametrize("text", ["Call 971-555-0158-extension18.", "Call 971-555-0158-extension-1-8.",
                                  "Call 971-555-0158-Xt.18."])
def test_extension_glued_to_the_number_by_whisper(text):
    ex, f = num(text)
    assert (f.value, ex.fields["extension"].value) == ("+19715550158", "18")


def test_the_same_odd_mishearing_twice_is_not_a_confirmation():
    # the same model hears the same voice the same wrong way: "647-5550-153" twice
    _, f = num("My direct line is 647-5550-153. Again, that's 647-5550-153.")
    assert f.value == "+16475550153" and f.confidence == "low"
    assert "oddly grouped" in f.note


def test_said_twice_with_whisper_unsure_both_times_is_low():
    text = "Call me at 206-555-0143. Again, 206-555-0143."
    for p, want in ((0.2, "low"), (0.9, "high")):
        words = tuple(Word(i * 0.3, i * 0.3 + 0.3, " " + w, p) for i, w in enumerate(text.split()))
        ex = extract(Transcript(text, (), words, "test"), caller_number=CID)
        assert ex.fields["number"].confidence == want


def test_a_sidecar_transcript_that_disagrees_with_itself_confirms_nothing():
    from tui.extract import extract_from_text

    heard = ("please call my colleague Martin at 7-8-1-5-5-5-0-1-6. Again, 7-8-1-5-5-5-0-1-6, and ask for Martin.")
    google = ("please call my colleague Martin Lowe at 781-555-0169. Again, 781-555-0166, and ask for Martin.")
    ex = extract_from_text(heard, caller_number="+17815550100", sidecar_transcript=google, region="US")
    number = ex.fields["number"]
    assert number.confidence == "low", number
    assert "Google's transcript has" in (number.note or "")
