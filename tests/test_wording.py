"""One way to say a count, in the window, the CLI and the training log alike."""
import pytest

from genimg_gui.wording import counted


@pytest.mark.parametrize(("n", "noun", "plural", "said"), [
    (1, "image", None, "1 image"), (0, "row", None, "0 rows"), (2, "image", None, "2 images"),
    (1200, "step", None, "1,200 steps"), (3, "batch", "batches", "3 batches"), (1, "batch", "batches", "1 batch"),
])
def test_a_count_takes_its_noun_in_the_right_number(n, noun, plural, said):
    assert counted(n, noun, plural) == said
