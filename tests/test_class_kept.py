"""A class kept by name across GAN switches: a sample asked as Any names no class, so a switch's note names only the
class of the sample on screen, and a seed stepped on a GAN without the item's class keeps it for a GAN that has it."""
from __future__ import annotations

import numpy as np

from genimg_gui.engine.runtime import Runtime
from genimg_gui.ui.gan_panel import ANY_CLASS

from conftest import UI_TIMEOUT
from test_class_by_name import class_of, load
from test_conditional import conditional_dir, other_classes_dir  # noqa: F401 (fixtures)


def settled(qtbot, doc) -> None:
    qtbot.waitUntil(lambda: not doc.samples.pending and not doc.carry.pending_any() and not doc.jobs,
                    timeout=UI_TIMEOUT)


def test_a_switch_names_no_class_the_sample_on_screen_was_not_asked_in(qtbot, window, conditional_dir, model_dir):
    """A fox chosen, a seed stepped, then Any chosen: loading a GAN without classes said "seed 1 (fox): tiny-gan has
    no classes; drawn without one — switch back to bring it back" of a sample drawn as Any (an earlier step's fox),
    and switching back brought no fox back, as it should not."""
    doc, panel = window.document, window.gan_panel
    said: list[str] = []
    doc.message.connect(said.append)
    load(qtbot, doc, conditional_dir)  # cat, dog, fox
    item = doc.current
    panel.gan_class.setCurrentText("fox")
    settled(qtbot, doc)
    panel.seed.stepBy(1)
    settled(qtbot, doc)
    panel.gan_class.setCurrentText(ANY_CLASS)
    settled(qtbot, doc)
    assert class_of(item) is None and item.gan_class is None
    load(qtbot, doc, model_dir / "tiny-gan")
    assert not any("fox" in m or "switch back" in m for m in said)
    load(qtbot, doc, conditional_dir)
    assert panel.gan_class.currentText() == ANY_CLASS and class_of(item) is None


def test_a_seed_stepped_on_a_gan_without_the_items_class_keeps_it(qtbot, window, conditional_dir, other_classes_dir):
    """fox chosen, tiny-birds (bird, cat) loaded, the seed stepped once, the cat-dog-fox GAN loaded again: the Class
    box read Any and History "seed N, class: Any (the seed's own)", the fox lost though the class was never touched.
    The step draws the seed's own class there, as the switch's note says, and keeps the fox for a switch back."""
    doc, panel = window.document, window.gan_panel
    said: list[str] = []
    doc.message.connect(said.append)
    load(qtbot, doc, conditional_dir)
    item = doc.current
    panel.gan_class.setCurrentText("fox")
    settled(qtbot, doc)
    seed = item.seed
    load(qtbot, doc, other_classes_dir)
    assert panel.gan_class.currentText() == ANY_CLASS  # the class it is drawn in here
    said.clear()
    panel.seed.stepBy(1)
    qtbot.waitUntil(lambda: item.seed == seed + 1, timeout=UI_TIMEOUT)
    settled(qtbot, doc)
    assert class_of(item) == "fox" and item.gan_class is None
    assert not any("switch back" in m for m in said)  # said once, at the switch
    assert window.history_panel.item_for(item.history.current_id).text(0) == f"seed {seed + 1}"
    load(qtbot, doc, conditional_dir)
    settled(qtbot, doc)
    assert panel.gan_class.currentText() == "fox" and item.gan_class == 2
    assert window.history_panel.item_for(item.history.current_id).text(0) == f"seed {seed + 1}"
    rt = Runtime("cpu")
    rt.load(str(conditional_dir), lambda *_: None)
    np.testing.assert_allclose(item.history.current.base, rt.map_seed(seed + 1, item.psi, 2, item.draw), atol=1e-5)
