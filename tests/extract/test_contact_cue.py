"""The caller's contact as a strong cue for the heard name and company (issue #13)."""

from __future__ import annotations

from tui.extract import extract_from_text
from tui.extract.contact_cue import respell

TEXT = ("Hi, this is Dana Whitfeld from Akme Plumbing, please call me back at "
        "two zero six, five five five, zero one four three.")


def test_a_name_heard_close_to_the_contact_takes_its_spelling_and_is_confirmed():
    plain = extract_from_text(TEXT, caller_number="+12065550143")
    assert plain.fields["name"].value == "Dana Whitfeld" and plain.fields["name"].confidence == "low"
    cued = extract_from_text(TEXT, caller_number="+12065550143", contact=("Dana Whitfield", "Acme Plumbing"))
    name, company = cued.fields["name"], cued.fields["company"]
    assert (name.value, name.confidence) == ("Dana Whitfield", "high")
    assert name.note == "heard as Dana Whitfeld, spelled as in your contact"
    assert (company.value, company.confidence) == ("Acme Plumbing", "high")
    assert name.evidence == plain.fields["name"].evidence  # still where it was said


def test_someone_else_calling_from_a_contacts_number_is_left_as_heard():
    cued = extract_from_text(TEXT, caller_number="+12065550143", contact=("Morgan Reyes", "Northside Clinic"))
    assert cued.fields["name"].value == "Dana Whitfeld" and cued.fields["name"].confidence == "low"
    assert cued.fields["company"].value == "Akme Plumbing"


def test_nothing_is_filled_in_from_the_contact_alone():
    cued = extract_from_text("Call me back when you can, thanks.", contact=("Dana Whitfield", "Acme Plumbing"))
    assert cued.fields["name"].value is None and cued.fields["company"].value is None


def test_respell_needs_one_close_word_and_every_other_word_alike():
    assert respell("Dana Whitfeld", "Dana Whitfield") == "Dana Whitfield"
    assert respell("Dana", "Dana Whitfield") == "Dana Whitfield"  # the first name alone names the contact
    assert respell("Hugo Prenman", "Hugo Brennan") == "Hugo Brennan"  # a misheard initial, the rest alike
    assert respell("Dana Smith", "Dana Whitfield") is None  # someone else with the same first name
    assert respell("Ivan Costello", "Yvonne Castellanos") is None  # nothing close enough to anchor it
    assert respell("Dana Whitfield Jones", "Dana Whitfield") is None  # more words than the contact
