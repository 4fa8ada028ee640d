"""One way to say a count, in the window, the CLI and the training log alike."""
import pytest

from genimg_gui.wording import counted, duration, in_sigmas, quoted_list


@pytest.mark.parametrize(("n", "noun", "plural", "said"), [
    (1, "image", None, "1 image"), (0, "row", None, "0 rows"), (2, "image", None, "2 images"),
    (1200, "step", None, "1,200 steps"), (3, "batch", "batches", "3 batches"), (1, "batch", "batches", "1 batch"),
])
def test_a_count_takes_its_noun_in_the_right_number(n, noun, plural, said):
    assert counted(n, noun, plural) == said


@pytest.mark.parametrize(("names", "most", "said"), [
    (["a"], 3, "“a”"),
    (["sad, tired", "b", "c"], 3, "“sad, tired”, “b” and “c”"),
    (["a", "b", "c", "d", "e"], 3, "“a”, “b”, “c” and 2 more"),
    ([f"n{i}" for i in range(7)], 5, "“n0”, “n1”, “n2”, “n3”, “n4” and 2 more"),
])
def test_names_are_quoted_each_and_cut_short_with_how_many_more(names, most, said):
    assert quoted_list(names, most) == said


@pytest.mark.parametrize(("seconds", "said"), [
    (0.0, "0 ms"), (0.0817, "82 ms"), (0.9994, "999 ms"), (0.9996, "1.0 s"), (1.46, "1.5 s"), (9.94, "9.9 s"),
    (9.96, "10 s"), (31.7605, "32 s"), (59.4, "59 s"), (59.6, "1.0 min"), (84, "1.4 min"), (2858.8 * 60, "47.6 h"),
])
def test_a_time_is_said_in_the_unit_that_fits_it_never_rounded_up_to_the_next(seconds, said):
    """The window said "300 ms" and the log "0.3 s" of one time (two helpers); one says it now, the same
    everywhere: ms below a second, tenths below 10 s, whole seconds below a minute, then minutes and hours."""
    assert duration(seconds) == said


@pytest.mark.parametrize(("value", "digits", "signed", "said"), [
    (-2e-9, 1, False, "0.0σ"), (-0.04, 1, False, "0.0σ"), (-0.06, 1, False, "-0.1σ"), (2.44, 1, False, "2.4σ"),
    (-0.001, 2, True, "+0.00σ"), (-0.3, 2, True, "-0.30σ"), (0.3, 2, True, "+0.30σ"),
])
def test_a_sigma_figure_that_rounds_to_zero_has_no_minus(value, digits, signed, said):
    assert in_sigmas(value, digits, signed) == said
