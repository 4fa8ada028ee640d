"""A sample asked for while another GAN loads is drawn by that GAN, which the worker serves first (jobs before
pictures): the request names its class, and the GAN that draws it finds the class by that name. It carried the old
GAN's class index, so a cat was drawn as whatever the new GAN counts first (a bird), and a fox, where the new GAN
has fewer classes, failed."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from genimg_gui.engine.runtime import Runtime

from conftest import UI_TIMEOUT
from test_conditional import conditional_dir, other_classes_dir  # noqa: F401 (fixtures)


def load(qtbot, doc, folder: Path) -> None:
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        doc.load_model(str(folder))
    qtbot.waitUntil(lambda: not doc.carry.pending_any() and not doc.jobs, timeout=UI_TIMEOUT)


def class_of(item) -> str | None:
    """The class the item's sample was asked in, by name."""
    return item.drawn[item.sample_node()].class_name


@pytest.mark.parametrize("asked, drawn_in", [("cat", 1), ("fox", None)])  # tiny-birds: bird, cat; no fox
def test_a_seed_stepped_while_another_gan_loads_is_drawn_in_the_class_of_its_name(
        asked, drawn_in, qtbot, window, conditional_dir, other_classes_dir):
    doc, panel = window.document, window.gan_panel
    said: list[str] = []
    doc.message.connect(said.append)
    load(qtbot, doc, conditional_dir)  # cat, dog, fox
    item = doc.current
    panel.gan_class.setCurrentText(asked)
    qtbot.waitUntil(lambda: class_of(item) == asked, timeout=UI_TIMEOUT)
    seed = item.seed
    doc.load_model(str(other_classes_dir))
    panel.seed.stepBy(1)  # asked of the cat-dog-fox GAN, drawn by tiny-birds, which loads first
    qtbot.waitUntil(lambda: item.seed == seed + 1 and not doc.carry.pending_any() and not doc.jobs
                    and not doc.samples.pending, timeout=UI_TIMEOUT)

    rt = Runtime("cpu")
    rt.load(str(other_classes_dir), lambda *_: None)
    np.testing.assert_allclose(item.history.current.base, rt.map_seed(seed + 1, item.psi, drawn_in, item.draw),
                               atol=1e-5)
    assert item.gan_class == drawn_in and class_of(item) == asked  # a lost class kept by name
    lost = f"seed {seed + 1} (fox): tiny-birds has no class fox; drawn in its own class — switch back to bring it back"
    assert (lost in said) == (drawn_in is None)
