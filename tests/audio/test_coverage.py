"""The listened rule: coverage of source time AND reaching the end."""

import math

import pytest

from tui.audio.coverage import covered_seconds, heard_fraction, is_listened, merge


def test_merge_joins_overlapping_and_adjacent_and_sorts():
    assert merge([(5, 7), (0, 2), (1, 3), (3, 4)]) == ((0.0, 4.0), (5.0, 7.0))


def test_merge_joins_float_rounding_gaps_but_not_real_gaps():
    # Consecutive 2x blocks computed in floating point leave ulp-sized gaps.
    blocks = [(i * 0.1 * 2, (i + 1) * 0.1 * 2) for i in range(50)]
    assert len(merge(blocks)) == 1
    assert merge([(0, 1), (1.01, 2)]) == ((0.0, 1.0), (1.01, 2.0))


def test_merge_drops_empty_reversed_and_nonfinite():
    assert merge([(2, 2), (3, 1), (0, math.inf), (math.nan, 1), (4, 5)]) == ((4.0, 5.0),)


def test_covered_seconds_counts_overlap_once_and_clips_to_duration():
    assert covered_seconds([(0, 10), (5, 15)]) == pytest.approx(15)
    assert covered_seconds([(-1, 3), (8, 12)], 10) == pytest.approx(5)


def test_played_through_is_listened():
    assert is_listened([(0, 60)], 60, 0.97, True)
    assert heard_fraction([(0, 60)], 60) == pytest.approx(1.0)


def test_seek_ahead_skipped_span_is_not_heard():
    # Heard the first 10 s, jumped to 50 s, played to the end of a 60 s message.
    heard = [(0, 10), (50, 60)]
    assert heard_fraction(heard, 60) == pytest.approx(20 / 60)
    assert not is_listened(heard, 60, 0.97, True)


def test_seek_to_95_percent_then_end_is_not_listened():
    assert not is_listened([(57, 60)], 60, 0.97, True)


def test_pause_resume_pieces_add_up():
    heard = [(0, 12.5), (12.5, 30), (30, 59.99)]
    assert merge(heard) == ((0.0, 59.99),)
    assert is_listened(heard, 60, 0.97, True)


def test_speed_does_not_matter_only_source_time_does():
    # At 2x a 60 s message is covered in 30 wall seconds; intervals are source time.
    heard = [(i * 2.0, (i + 1) * 2.0) for i in range(30)]
    assert covered_seconds(heard) == pytest.approx(60)
    assert is_listened(heard, 60, 0.97, True)


def test_threshold_exactly_met_counts_and_just_below_does_not():
    assert is_listened([(0, 97)], 100, 0.97, True)
    assert is_listened([(0, 48.5), (48.5, 97)], 100, 0.97, True)
    assert not is_listened([(0, 96.99)], 100, 0.97, True)
    assert is_listened([(3, 100)], 100, 0.97, True)


def test_coverage_without_reaching_the_end_is_not_listened():
    assert not is_listened([(0, 100)], 100, 0.97, False)


def test_reaching_the_end_without_enough_coverage_is_not_listened():
    assert not is_listened([(0, 50), (99, 100)], 100, 0.97, True)


@pytest.mark.parametrize("duration", [None, 0, 0.0, -1, math.nan, math.inf])
def test_unknown_or_zero_duration_is_never_listened(duration):
    assert not is_listened([(0, 100)], duration, 0.97, True)
    assert heard_fraction([(0, 100)], duration) == 0.0


def test_intervals_past_the_end_do_not_inflate_coverage():
    # atempo may yield a few ms more than the header duration; that must not add coverage.
    assert heard_fraction([(0, 50), (90, 100.5)], 100) == pytest.approx(0.6)


def test_threshold_out_of_range_is_an_error():
    with pytest.raises(ValueError):
        is_listened([(0, 1)], 1, 1.5, True)
