""""No call needed" with confidence and evidence; never found where a call is asked for."""

import json
from pathlib import Path

import pytest

from tests.extract.test_evidence import whisper_like
from tests.corpus import samples_dir
from tui.extract import extract, extract_from_text
from tui.extract.nocall import find
from tui.extract.textmap import TextMap

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("text, said", [
    ("Hi Sam, it's Elena. I will email you the details. There is no need to call me back. Bye.",
     "There is no need to call me back."),
    ("This is the dentist. Your cleaning is on Monday at nine. You don't need to call us back.",
     "You don't need to call us back."),
    ("Hi, it's Ana. Got your invoice, all good, no call back needed. Thanks!", "Got your invoice, all good, no call back needed."),
    ("No need to return this call, we have everything we need.", "No need to return this call, we have everything we need."),
])
def test_said_outright_is_high(text, said):
    found = find(TextMap.from_text(text))
    assert found is not None and found.value == said and found.confidence == "high"


@pytest.mark.parametrize("text", [
    "Hi Sam, I just wanted to confirm our meeting on Tuesday at ten. See you then.",
    "This is a courtesy call from Main Street Auto to let you know your car is ready.",
    "Hello, it's Priya. I'll email you the contract tonight. Talk soon.",
    "Just a friendly reminder that your appointment is tomorrow at 3.",
])
def test_hints_are_low_with_a_note(text):
    found = find(TextMap.from_text(text))
    assert found is not None and found.confidence == "low" and "not said outright" in found.note


@pytest.mark.parametrize("text", [
    "Hi Sam, this is Rachel. Please give me a call at 323-555-0142. Thank you.",
    "Just wanted to confirm the offer; call me back at 585-555-0100 to accept.",  # a hint beside a request
    "I'll email you the forms, but call me first at 212-555-0199.",
    "Hey, it's Jamal from Trident Staffing. Call me back at 480-555-0149.",
    "",
])
def test_no_detection_when_a_call_is_asked_for_or_nothing_is_said(text):
    assert find(TextMap.from_text(text)) is None


def test_outright_but_also_asking_for_a_call_is_low():
    found = find(TextMap.from_text("No need to call me back today. Actually, call me at 206-555-0143 tomorrow."))
    assert found.confidence == "low" and "also asks for a call" in found.note


def test_a_conditional_call_does_not_contradict():
    text = "Your prescription is ready, just letting you know. If you have any questions, please call us at 630-555-0127."
    found = find(TextMap.from_text(text))
    assert found is not None and found.value == "Your prescription is ready, just letting you know."


def test_evidence_is_the_time_span_of_the_sentence():
    tokens = [(" Hi", 0.9), (" Sam", 0.9), (".", 0.9), (" There", 0.9), (" is", 0.9), (" no", 0.9),
              (" need", 0.9), (" to", 0.9), (" call", 0.9), (" me", 0.9), (" back", 0.9), (".", 0.9), (" Bye", 0.9), (".", 0.9)]
    ex = extract(whisper_like(tokens), caller_number="+12065550100")
    assert ex.no_call.value == "There is no need to call me back."
    assert ex.no_call.evidence == (0.75, 3.0)  # " There" starts at 0.75, "." after "back" ends at 3.0
    assert ex.as_json()["no_call"] == {"said": "There is no need to call me back.", "confidence": "high",
                                       "evidence": [0.75, 3.0]}


def test_in_the_reference_transcripts_only_the_message_that_says_so_is_found():
    """Every reference transcript of the demo and the sample corpus: the one "no need to call me back"
    message (DEMO5) is found, none of the others (recruiters, a pharmacy, spam, a wrong number)."""
    found = {}
    for truth in (REPO / "assets" / "demo" / "truth.jsonl", samples_dir() / "truth.jsonl"):
        for line in truth.read_text().splitlines():
            record = json.loads(line)
            text = record.get("transcript_reference")
            if text:
                hit = extract_from_text(text, caller_number=record.get("caller_id_number")).no_call
                if hit is not None:
                    found[record["id"]] = (hit.value, hit.confidence)
    assert found == {"DEMO5": ("There is no need to call me back.", "high")}
