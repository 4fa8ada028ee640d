"""One way to say a count, in the window, the CLI and the training log alike."""
import pytest

from genimg_gui.wording import counted, quoted_list


@pytest.mark.parametrize(("n", "noun", "plural", "said"), [
    (1, "image", None, "1 image"), (0, "row", None, "0 rows"), (2, "image", None, "2 images"),
    (1200, "step", None, "1,200 steps"), (3, "batch", "batches", "3 batches"), (1, "batch", "batches", "1 batch"),
])
def test_a_count_takes_its_noun_in_the_right_number(n, noun, plural, said):
    assert counted(n, noun, plural) == said


@pytest.mark.parametrize(("names", "most", "said"), [
    (["a"], 3, "“a”"),
    (["sad, tired", "b", "c"], 3, "“sad, tired”, “b”, “c”"),
    (["a", "b", "c", "d", "e"], 3, "“a”, “b”, “c” and 2 more"),
    ([f"n{i}" for i in range(7)], 5, "“n0”, “n1”, “n2”, “n3”, “n4” and 2 more"),
])
def test_names_are_quoted_each_and_cut_short_with_how_many_more(names, most, said):
    assert quoted_list(names, most) == said
