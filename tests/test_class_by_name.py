"""A sample asked for while another GAN loads is drawn by that GAN, which the worker serves first (jobs before
pictures): the request names its class, and the GAN that draws it finds the class by that name. It carried the old
GAN's class index, so a cat was drawn as whatever the new GAN counts first (a bird), and a fox, where the new GAN
has fewer classes, failed."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from genimg_gui.engine import requests as rq
from genimg_gui.engine.runtime import Runtime
from genimg_gui.ui.gan_panel import ANY_CLASS

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
    lost = (f"seed {seed + 1} (fox): tiny-birds has no class fox; drawn in its own class — "
            "switch back to bring it back")
    assert (lost in said) == (drawn_in is None)


def chosen_then_switched(qtbot, doc, panel, asked, conditional_dir, other_classes_dir, while_loaded) -> tuple:
    """A sample of the cat-dog-fox GAN asked in class `asked`, then tiny-birds loaded; while_loaded(item) runs as it
    arrives, before the switch draws the item again. Returns the item, its seed before and the MapSeeds sent."""
    load(qtbot, doc, conditional_dir)  # cat, dog, fox
    item = doc.current
    panel.gan_class.setCurrentText(asked)
    qtbot.waitUntil(lambda: class_of(item) == asked, timeout=UI_TIMEOUT)
    seed, sent, send = item.seed, [], doc.engine.submit

    def submit(r: rq.Request) -> int:
        if isinstance(r, rq.MapSeed):
            sent.append((r.seed, r.class_name))
        return send(r)
    doc.engine.submit = submit
    doc.model_loaded.connect(lambda info: while_loaded(item) if info.kind == "gan" else None)
    return item, seed, sent


@pytest.mark.parametrize("asked, shown", [("cat", "cat"), ("fox", ANY_CLASS)])  # tiny-birds: bird, cat; no fox
@pytest.mark.parametrize("shown_again", [False, True])
def test_a_class_asked_before_a_switch_is_the_class_shown_and_asked_after_it(
        asked, shown, shown_again, qtbot, window, conditional_dir, other_classes_dir):
    """A seed stepped, then the GAN switched while its sample was on its way, then stepped again: the Class box
    went to Any as the GAN loaded, so the second step asked for no class (the cat was lost), and where the item was
    shown again (a click on its thumbnail) the box read the asked class's index in the new GAN (0, bird), so the
    second step asked for a bird. The box keeps the class by name where the new GAN has it, else shows Any, the
    class the switch draws the sample in, and the second step keeps the class by name for a GAN that has it."""
    doc, panel = window.document, window.gan_panel
    boxes: list[str] = []

    def step_again(item) -> None:  # after the new GAN is in, before the first step's sample is back
        if not boxes:
            if shown_again:
                doc.current_changed.emit(item)
            boxes.append(panel.gan_class.currentText())
            panel.seed.stepBy(1)

    item, seed, sent = chosen_then_switched(qtbot, doc, panel, asked, conditional_dir, other_classes_dir,
                                            step_again)
    doc.load_model(str(other_classes_dir))
    panel.seed.stepBy(1)
    qtbot.waitUntil(lambda: item.seed == seed + 2 and not doc.carry.pending_any() and not doc.jobs
                    and not doc.samples.pending, timeout=UI_TIMEOUT)
    assert boxes == [shown] and sent[:2] == [(seed + 1, asked), (seed + 2, asked)]
    assert class_of(item) == asked and panel.gan_class.currentText() == shown


def test_a_sample_shown_while_a_switch_draws_it_again_shows_its_class_by_name(
        qtbot, window, conditional_dir, other_classes_dir):
    """An item shown as a GAN loads, before the switch has drawn it again, showed its class index (cat: 0) in the
    new GAN's classes: bird."""
    doc, panel = window.document, window.gan_panel
    boxes: list[str] = []

    def show(item) -> None:
        doc.current_changed.emit(item)
        boxes.append(panel.gan_class.currentText())

    item, _, _ = chosen_then_switched(qtbot, doc, panel, "cat", conditional_dir, other_classes_dir, show)
    load(qtbot, doc, other_classes_dir)
    assert boxes == ["cat"] and item.gan_class == 1 and panel.gan_class.currentText() == "cat"
