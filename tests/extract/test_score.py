"""Field scores (tui/extract/score.py) and the natural-voice failure kinds of issue #12.

Texts are whisper base / Google transcripts of the natural-voice dev set (bench/natural).
"""

import pytest

from tests.extract.test_evidence import whisper_like
from tui.extract import extract, extract_from_text, score


# --- the score -------------------------------------------------------------------------------

def test_prior_follows_the_token_probability_and_is_neutral_without_one():
    assert score.prior(None) == score.PRIOR_TEXT
    assert score.prior(1.0) > score.prior(0.8) > score.prior(0.3)
    assert score.prior(2.0) == score.prior(1.0)  # clamped


def test_agreeing_readings_raise_the_score_and_count_once_each():
    alone = score.combine(0.5, [], [])
    twice = score.combine(0.5, ["said twice, both readings agree"], [])
    both = score.combine(0.5, ["said twice, both readings agree", "matches the caller ID"], [])
    assert alone < twice < both <= 1.0
    # the same signal written twice is still one signal
    assert score.combine(0.5, ["said twice", "said twice, both readings agree"], []) == twice


@pytest.mark.parametrize("field", list(score.THRESHOLD))
def test_any_doubt_keeps_a_field_below_its_threshold(field):
    s = score.combine(1.0, ["matches the caller ID", "said twice", "Google's transcript agrees"],
                      ["said twice but the readings differ"])
    assert s <= score.DOUBT_CAP
    assert score.confidence(field, s) == "low"


def test_support_notes_of_the_extractor_map_to_their_signals():
    assert score.kind_of("matches the caller ID") == "caller_id"
    assert score.kind_of("matches the caller ID name") == "cnam"
    assert score.kind_of("they asked to be called back at this number (the caller ID)") == "this_number"
    assert score.kind_of("a re-read of the audio agrees") == "reread"
    assert score.kind_of("Google's transcript agrees") == "sidecar"
    assert score.kind_of("spelled out the same") == "spelled"
    assert score.kind_of("clearly heard (p >= 0.80)") == "clear"


def test_extracted_fields_carry_their_score_and_the_confidence_it_leads_to():
    tokens = [(" Call", 0.9), (" me", 0.9), (" at", 0.9), (" 323", 0.97), ("-", 0.97), ("555", 0.97),
              ("-", 0.97), ("01", 0.97), ("42", 0.97), (".", 0.9)]
    f = extract(whisper_like(tokens), caller_number="+13235550100").fields["number"]
    assert f.value == "+13235550142"
    # heard clearly, and in the caller ID's own area code
    assert f.score == pytest.approx(1 - (1 - score.prior(0.97)) * (1 - score.STRENGTH["area"]), abs=0.01)
    assert f.confidence == "high"
    other_area = extract(whisper_like(tokens), caller_number="+12065550100").fields["number"]
    assert other_area.score == pytest.approx(score.prior(0.97), abs=0.01)
    unsure = [(t, 0.55) if t == "42" else (t, p) for t, p in tokens]
    f = extract(whisper_like(unsure), caller_number="+12065550100").fields["number"]
    assert f.score < score.THRESHOLD["number"] and f.confidence == "low"
    assert "unsure" in f.note
    # the caller's area code makes a number heard fairly well plausible, not one barely heard
    f = extract(whisper_like(unsure), caller_number="+13235550100").fields["number"]
    assert f.confidence == "high" and f.note is None  # a sure number is shown plainly
    barely = [(t, 0.2) if t == "42" else (t, p) for t, p in tokens]
    assert extract(whisper_like(barely), caller_number="+13235550100").fields["number"].confidence == "low"


# --- natural-voice failure kinds ---------------------------------------------------------------

def test_a_terse_introduction_gives_name_company_and_ask_for():
    ex = extract_from_text("Sam, Kofi Mensah, Ashgrove Labs. Quick one about the supplier contract. "
                           "Call me on 415-555-0127. Thanks.", caller_number="+14155550100")
    assert ex.fields["name"].value == "Kofi Mensah"
    assert ex.fields["company"].value == "Ashgrove Labs"
    assert ex.fields["ask_for"].value == "Kofi Mensah"


def test_a_terse_introduction_with_a_spelled_name_as_whisper_wrote_it():
    ex = extract_from_text("Hi, Caspar Voigt, V-O-I-G-T, Quillfeather Press, about the manuscript. "
                           "Call me at 202-555-0123.", caller_number="+12025550100")
    assert ex.fields["name"].value == "Caspar Voigt"
    assert ex.fields["number"].value == "+12025550123"


def test_no_terse_name_from_a_plain_sign_off():
    ex = extract_from_text("Hi Sam, Thanks, Bye.")
    assert ex.fields["name"].value is None


def test_the_person_to_ask_for_after_a_role_is_not_the_caller():
    text = ("Hi, this is Maureen Ochoa from Linden Park Elementary. Your son's field trip form is missing "
            "a signature. Please call the front office at 718-555-0142 and ask for our school nurse, "
            "Bridget Gallagher. Thank you.")
    ex = extract_from_text(text, caller_number="+17185550100")
    assert ex.fields["name"].value == "Maureen Ochoa"
    assert ex.fields["ask_for"].value == "Bridget Gallagher"
    ex = extract_from_text("Hello, this is Graham Whitaker at Fernhill Recruiting. Please call my "
                           "colleague, Nadia Sorensen, at 971-555-0112.")
    assert ex.fields["ask_for"].value == "Nadia Sorensen"


def test_the_number_said_to_be_best_wins_over_the_office_line():
    google = ("Hey Sam it's Darius Whitfield with Crestmoor properties about the lease renewal. The "
              "office is 617-555-0100 but my cell is best 617-555-0183. Again 617-555-0183.")
    ex = extract_from_text(google, caller_number="+16175550100")
    assert ex.fields["number"].value == "+16175550183"
    assert ex.fields["number"].confidence == "high"  # said twice alike
    assert ex.alt_numbers == ["+16175550100"]


def test_a_better_mobile_said_once_is_chosen_but_flagged():
    google = ("Hi Sam Yusuf Demir anchor point logistics. You can call my desk at 612-555-0134 but my "
              "mobile is better 612-555-0195.")
    ex = extract_from_text(google, caller_number="+16125550134")
    assert ex.fields["number"].value == "+16125550195"
    assert ex.fields["number"].confidence == "low"
    assert "+16125550134" in ex.alt_numbers


def test_a_repaired_reading_after_a_preference_cue_does_not_beat_the_number_heard_whole():
    # whisper base on a robotic voice: the first reading lost a digit, the repeat is whole
    text = ("My direct line is 617-555-153. Again that's 617-555-01-58. Thank you.")
    f = extract_from_text(text, caller_number="+16175550100").fields["number"]
    assert f.value == "+16175550158"
    assert f.confidence == "low"


def test_a_lost_digit_whose_likeliest_repair_is_the_whole_repeat_is_said_twice():
    # the first reading lost its "oh" (617-555-153): its likeliest repair is the repeat heard whole
    text = ("My direct line is 617-555-153. Again that's 617-555-01-53. Thank you.")
    ex = extract_from_text(text, caller_number="+16175550100")
    f = ex.fields["number"]
    assert (f.value, f.confidence) == ("+16175550153", "high")
    assert ex.alt_numbers == []


def test_only_a_taken_back_number_heard_is_never_sure():
    # whisper tiny.en on a robotic voice: the number to use came out as noise
    text = ("Call me at 512. The BLE5-5-0 103, not my old number one. 512. 555-0 168. If I'm out, "
            "ask for my colleague. Talk soon.")
    f = extract_from_text(text, caller_number="+15125550100").fields["number"]
    assert f.confidence != "high"


def test_a_best_guess_one_of_the_last_two_digits_off_the_caller_id_is_flagged():
    # tiny.en heard "541-55-0108" (the direct line) from the main line 541-555-0100
    f = extract_from_text("Our number is 541-55-0108.", caller_number="+15415550100").fields["number"]
    assert f.confidence == "low"
