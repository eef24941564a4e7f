"""Spoken-number normalisation: every way the issue lists of saying a phone number."""

import pytest

from tui.extract.numbers import runs, tokenize, words_to_digits


@pytest.mark.parametrize(
    "said, digits",
    [
        ("415-555-0132", "4155550132"),
        ("(415) 555-0132", "4155550132"),
        ("415.555.0132", "4155550132"),
        ("415 555 0132", "4155550132"),
        ("four one five, five five five, zero one three two", "4155550132"),
        ("four one five five five five oh one three two", "4155550132"),  # "oh" for zero
        ("four one five, double five five, oh one three two", "4155550132"),
        ("four one five, triple five, oh one three two", "4155550132"),
        ("five eight five, five five five, oh one hundred", "5855550100"),  # "oh one hundred" = 0100
        ("one, eight hundred, five five five, one two one two", "18005551212"),  # a leading one
        ("one eight oh oh five five five oh one one two", "18005550112"),
        ("Four-one-five, 555, oh-one-three-two", "4155550132"),
        ("415 five five five 0132", "4155550132"),  # digits and words mixed
        ("six one seven, five five five, oh double one five", "6175550115"),
        ("two fourteen", "214"),
        ("three seventeen", "317"),
        ("twenty-one", "21"),
        ("two hundred and five", "205"),
        ("forty five hundred", "4500"),
    ],
)
def test_spoken_forms_give_the_digits(said, digits):
    assert words_to_digits(said) == digits


def test_a_sentence_end_breaks_a_run_so_a_following_one_is_not_a_digit():
    rs = runs(tokenize("Call me at 415-555-0132. One more thing, thanks."))
    assert [r.digits for r in rs] == ["4155550132", "1"]


def test_oh_and_one_in_ordinary_words_stay_short_runs():
    rs = runs(tokenize("Oh, hi, this is the one I mentioned."))
    assert all(len(r.digits) == 1 for r in rs)


def test_digits_remember_the_word_they_came_from():
    toks = tokenize("call me at four one five, double five five, oh one three two please")
    (run,) = [r for r in runs(toks) if len(r.digits) == 10]
    assert toks[run.first].core == "four" and toks[run.last].core == "two"
    # "double five" gives two digits owned by the word "five" after "double"
    assert toks[run.owner[3]].core == "five" and toks[run.owner[4]].core == "five"


def test_groups_follow_the_pauses_and_the_written_dashes():
    (run,) = runs(tokenize("585-550100"))
    assert run.groups == ("585", "550100")
    (run,) = runs(tokenize("four one five, five five five, oh one three two"))
    assert run.groups == ("415", "555", "0132")


def test_glued_extension_marks_its_own_run():
    rs = runs(tokenize("555-0100x214"))
    assert [(r.digits, r.glued_ext) for r in rs] == [("5550100", False), ("214", True)]
