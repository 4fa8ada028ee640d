"""A sample's step that comes while another image is current (chosen while the step was drawn, or current in a
restored session) is a step of its own sample only: it showed that sample's seed and ψ in the Generate tab and
selected it in the filmstrip while the canvas and the document stayed on the current image, so the next seed key
or slider move edited the current image with the other sample's numbers."""
from __future__ import annotations

from conftest import UI_TIMEOUT, slowed
from genimg_gui.catalog import read_entry
from genimg_gui.engine.engine import Engine
from genimg_gui.engine.runtime import Runtime
from genimg_gui.ui.filmstrip import ID_ROLE
from genimg_gui.ui.main_window import MainWindow
from session_helpers import offered
from test_seed_steps import settled, the_sample

BIG_GAN_DRAW_SECONDS = 0.5  # the other image is chosen before the step is back


def two_samples(qtbot, window):
    """The start-up's sample and a new one (psi 0.5, so the Generate tab tells them apart), the first current."""
    doc = window.document
    first = the_sample(window)
    doc.generate(7, 0.5, new_item=True)
    qtbot.waitUntil(lambda: len(doc.items) == 2 and settled(window, doc.current), timeout=UI_TIMEOUT)
    second = doc.current
    window.filmstrip.setCurrentRow(0)
    assert doc.current is first
    return first, second


def shows(window, item) -> bool:
    """The filmstrip selects item and the Generate tab shows its seed and ψ, as the document's current image."""
    panel = window.gan_panel
    return (window.document.current is item and window.filmstrip.currentItem().data(ID_ROLE) == item.id
            and (panel.seed.value(), panel.psi.value()) == (item.seed, round(item.psi * 100)))


def caption(window, item) -> str:
    return [window.filmstrip.item(r) for r in range(window.filmstrip.count())
            if window.filmstrip.item(r).data(ID_ROLE) == item.id][0].toolTip()


def test_a_step_that_comes_after_another_image_was_chosen_leaves_that_image_shown(qtbot, window, monkeypatch):
    first, second = two_samples(qtbot, window)
    start = first.seed
    slowed(monkeypatch, Runtime, "map_seed", BIG_GAN_DRAW_SECONDS)
    window.gan_panel.seed.setValue(start + 1)  # a step of the first sample, still being drawn as...
    window.filmstrip.setCurrentRow(1)  # ...the second is chosen
    assert window.document.samples.pending and shows(window, second)
    qtbot.waitUntil(lambda: settled(window, first), timeout=UI_TIMEOUT)
    assert shows(window, second) and (second.seed, len(second.history)) == (7, 1)
    assert first.seed == start + 1 and len(first.history) == 2 and caption(window, first) == f"seed {start + 1}"
    window.filmstrip.setCurrentRow(0)
    assert shows(window, first)


def test_a_restored_step_of_an_image_not_current_leaves_the_current_one_shown(qtbot, window, model_dir, monkeypatch):
    first, second = two_samples(qtbot, window)
    start = first.seed
    slowed(monkeypatch, Runtime, "map_seed", BIG_GAN_DRAW_SECONDS)
    window.gan_panel.seed.setValue(start + 1)
    window.filmstrip.setCurrentRow(1)
    assert window.close()  # as the first sample's step is still being drawn: the session keeps it asked
    again = MainWindow(Engine("cpu"), [read_entry(model_dir / "tiny-vae"), read_entry(model_dir / "tiny-gan")])
    qtbot.addWidget(again)
    again.show()
    for name in ("tiny-vae", "tiny-gan"):
        again.document.load_model(str(model_dir / name))
    assert offered(qtbot, again) == 2
    doc = again.document
    qtbot.waitUntil(lambda: len(doc.items) == 2 and not doc.samples.pending, timeout=UI_TIMEOUT)
    back_first, back_second = doc.items.values()
    assert back_second.seed == 7 and shows(again, back_second)
    assert back_first.seed == start + 1 and caption(again, back_first) == f"seed {start + 1}"
    again.close()
