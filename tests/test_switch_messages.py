"""What a model switch says: one message for the switch, each note once for all items (six messages in one second
left the status bar showing the last alone, and the samples that lost their class were never seen there)."""
from __future__ import annotations

from pathlib import Path

from conftest import UI_TIMEOUT
from test_conditional import conditional_dir, other_classes_dir  # noqa: F401 (fixtures)
from test_switch_values import move


def load(qtbot, doc, folder: Path) -> None:
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        doc.load_model(str(folder))
    qtbot.waitUntil(lambda: not doc.carry.pending_any() and not doc.jobs, timeout=UI_TIMEOUT)


def a_fox_edited_along(qtbot, window, row: int):
    """A new "fox" sample of the conditional GAN, edited along its direction row."""
    doc = window.document
    before = len(doc.items)
    doc.generate(before + 10, 0.7, gan_class=2, new_item=True)
    qtbot.waitUntil(lambda: len(doc.items) > before, timeout=UI_TIMEOUT)
    item = doc.current
    move(qtbot, window, item, window.sliders.labels()[row], 1.0)
    return item


def an_inversion(window, name: str):
    """An item as an inversion in the loaded GAN leaves it (its w, no seed)."""
    doc = window.document
    sample = next(iter(doc.items.values()))
    item = doc.add_item("gan", name, sample.image, sample.image, sample.history.current.base.copy())
    item.inverted_in = doc.models["gan"].identity
    return item


def test_a_gan_switch_says_everything_in_one_message_the_status_bar_shows(
        qtbot, window, conditional_dir, other_classes_dir):
    doc = window.document
    load(qtbot, doc, conditional_dir)
    a_fox_edited_along(qtbot, window, 0)
    a_fox_edited_along(qtbot, window, 1)  # another sample, another direction: both named
    for name in ("cat.png, inverted", "cat.png, inverted 2"):
        an_inversion(window, name)
    said: list[str] = []
    doc.message.connect(said.append)
    load(qtbot, doc, other_classes_dir)

    assert said[0].startswith("Loaded tiny-birds") and len(said) == 2
    shown = window.status.currentMessage()
    assert shown == said[1]
    assert shown.startswith("2 samples (fox): tiny-birds has no such class")  # the one the bar never showed
    assert "2 inversions keep their w (“cat.png, inverted" in shown and "invert the pictures again" in shown
    assert shown.count("keeps its w") == 0 and "Drawing your samples again with the new GAN (5)" in shown
    edits = shown[shown.index("Edits along"):shown.index("start again at 0")]
    assert edits.count("PC") == 2 and "PC1" in edits and "PC2" in edits  # each sample's direction
    assert said[1] in window.status.log.text()


def test_a_long_message_stays_long_enough_to_read():
    from genimg_gui.ui.status_times import MESSAGE_MS, reading_ms

    assert reading_ms("Cancelled") == MESSAGE_MS
    assert MESSAGE_MS < reading_ms("x" * 300) <= 30000


def test_each_switch_names_every_edit_it_drops_also_switching_back_and_forth(qtbot, window, tmp_path):
    """A→B named PC10's edit, B→A brought it back, A→B again named only an edit made since (another sample's
    PC2): the steps B had seen before were left out, though their edits start again at 0 in B as then."""
    import torch

    from conftest import TINY_GAN, make_model_folder
    from genimg_gui.models.gan import Generator
    from test_switch_values import double_click_model
    from ui_helpers import load_other, the_sample

    doc = window.document
    item = the_sample(window)
    first = window.sliders.labels()[9]
    move(qtbot, window, item, first, 1.14)  # in A (tiny-gan)
    torch.manual_seed(5)
    other = make_model_folder(tmp_path / "other-gan", Generator(TINY_GAN), "other-gan")
    said: list[str] = []
    doc.message.connect(said.append)
    load_other(qtbot, doc, other)
    qtbot.waitUntil(lambda: not doc.carry.pending_any(), timeout=UI_TIMEOUT)
    assert first in said[-1] and "start again at 0" in said[-1]
    double_click_model(qtbot, window, "tiny-gan")
    qtbot.waitUntil(lambda: not doc.carry.pending_any(), timeout=UI_TIMEOUT)
    assert item.history.current.values[9] == 1.14  # the edit back in A
    doc.generate(11, 0.7, new_item=True)
    qtbot.waitUntil(lambda: len(doc.items) == 2, timeout=UI_TIMEOUT)
    second = window.sliders.labels()[1]
    move(qtbot, window, doc.current, second, 0.5)  # an edit made since, in another sample
    del said[:]
    double_click_model(qtbot, window, "other-gan")
    qtbot.waitUntil(lambda: not doc.carry.pending_any(), timeout=UI_TIMEOUT)
    [note] = [s for s in said if "start again at 0" in s]
    edits = note[note.index("Edits along"):note.index("start again at 0")]
    assert first in edits and second in edits  # PC10 is dropped again, and said so
    assert not any(item.history.current.values)


def test_a_switch_message_too_long_for_the_status_bar_says_where_to_read_it_all(qtbot, window, tmp_path):
    """"Edits along PC2, PC4, … start again at 0 …" ended in "…" at the window's edge: whole in the tooltip and the
    message log, which the user did not know to look at. Cut short, it now says where its whole text is."""
    import torch
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QStatusBar

    from conftest import TINY_GAN, make_model_folder
    from genimg_gui.models.gan import Generator
    from genimg_gui.ui.message_log import MessageLogDialog
    from ui_helpers import load_other, the_sample

    doc, bar = window.document, window.status
    item = the_sample(window)
    for row in (1, 3, 5, 7, 9):
        move(qtbot, window, item, window.sliders.labels()[row], 0.5)
    torch.manual_seed(5)
    load_other(qtbot, doc, make_model_folder(tmp_path / "other-gan", Generator(TINY_GAN), "other-gan"))
    qtbot.waitUntil(lambda: not doc.carry.pending_any() and not doc.jobs, timeout=UI_TIMEOUT)
    window.resize(1000, window.height())
    QApplication.processEvents()
    whole = bar.currentMessage()
    assert whole.startswith("Edits along PC2") and bar.fontMetrics().horizontalAdvance(whole) > bar.device.x()
    on_screen = QStatusBar.currentMessage(bar)  # what Qt paints
    more = " — click Log for the whole message"
    assert on_screen.endswith("…" + more) and whole.startswith(on_screen.removesuffix("…" + more))
    assert 6 + bar.fontMetrics().horizontalAdvance(on_screen) < bar.device.x()  # all of it in view
    qtbot.mouseClick(bar.log_button, Qt.MouseButton.LeftButton)  # as it says
    [log] = window.findChildren(MessageLogDialog)
    assert log.isVisible() and log.list.item(log.list.count() - 1).text().endswith(whole)


def test_a_switch_names_the_edits_on_show_and_counts_those_of_other_steps(qtbot, window, image_files, tmp_path):
    """"Edits along PC1 (7.4%), PC2 (6.2%), PC3 … and 18 more start again at 0" though the pictures' steps on show
    used PC1, PC2, PC5 and one named direction: the rest came from undone branches and closed pictures. Those on
    show are named; the others only counted."""
    import torch

    from conftest import TINY_VAE, make_model_folder
    from genimg_gui.models.vae import ConvVAE
    from test_masked_edits import open_images

    doc = window.document
    closed, item = open_images(qtbot, window, image_files[:2])
    pc = window.sliders.labels()
    doc.select(closed.id)
    move(qtbot, window, closed, pc[3], 1.0)
    doc.close_item(closed.id)
    doc.select(item.id)
    move(qtbot, window, item, pc[2], 1.0)
    window.undo_action.trigger()  # a branch left behind: PC3's step stays in the history
    qtbot.waitUntil(lambda: not any(item.history.current.values), timeout=UI_TIMEOUT)
    move(qtbot, window, item, pc[0], 1.0)
    move(qtbot, window, item, pc[1], -0.5)
    said: list[str] = []
    doc.message.connect(said.append)
    torch.manual_seed(7)
    load(qtbot, doc, make_model_folder(tmp_path / "other-vae", ConvVAE(TINY_VAE), "other-vae"))
    [note] = [s for s in said if "start again at 0" in s]
    named = note[note.index("Edits along"):note.index(" start again at 0")]
    assert named == f"Edits along {pc[0]} and {pc[1]}", note
    assert "as do those along 2 other directions in other history steps: its directions" in note
