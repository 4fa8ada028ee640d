"""Local edits and history in the real window: paint a mask, branch the history, go back, A/B."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolBar, QTreeWidgetItemIterator

from conftest import UI_TIMEOUT, quit_questions_cancelled
from genimg_gui.edit import EditState, edited_latent
from genimg_gui.ui.canvas import CompareMode
from genimg_gui.ui.qimage import from_qimage
from genimg_gui.ui.about import menu_keys
from genimg_gui.ui.slider_tab import mask_note_text


def open_image(qtbot, window, path):
    with qtbot.waitSignal(window.document.item_added, timeout=UI_TIMEOUT):
        window.open_paths([str(path)])
    return window.document.current


def settle(qtbot, window, item):
    """Wait until the image shown is the decode of the item's current state."""
    qtbot.waitUntil(lambda: item.shown_seq >= item.requested_seq, timeout=UI_TIMEOUT)


def decode(reference, window, state: EditState) -> np.ndarray:
    return reference.decode("vae", edited_latent(state, window.document.directions("vae")))


def history_tab(window):
    window.tabs.setCurrentWidget(window.history_panel)
    return window.history_panel


def click_step(panel, node_id: int, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    rect = panel.tree.visualItemRect(panel.item_for(node_id))
    QTest.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def rows(panel) -> list[tuple[int, str]]:
    """(top, label) of every row, as the tree draws them."""
    return sorted((panel.tree.visualItemRect(panel.item_for(i)).top(), panel.item_for(i).text(0))
                  for i in panel.node_ids())


def seen(panel) -> list[tuple[str, int]]:
    """Every row as a person reads the tree, top to bottom: its text and how far right it starts."""
    items, it = [], QTreeWidgetItemIterator(panel.tree)
    while it.value():
        items.append(it.value())
        it += 1
    return [(text, left) for _top, left, text in sorted(
        (panel.tree.visualItemRect(item).top(), panel.tree.visualItemRect(item).left(), item.text(0))
        for item in items)]


def marked(panel) -> tuple[list[int], int]:
    """The selected steps and the one with the keyboard focus."""
    return ([item.data(0, Qt.ItemDataRole.UserRole) for item in panel.tree.selectedItems()],
            panel.tree.currentItem().data(0, Qt.ItemDataRole.UserRole))


def test_a_painted_mask_confines_the_edit_and_undo_removes_it(qtbot, window, reference, image_files):
    item = open_image(qtbot, window, image_files[0])
    window.sliders.sliders[0].setValue(250)  # a strong whole-image edit
    settle(qtbot, window, item)
    whole = item.image.copy()
    unedited = decode(reference, window, item.history.current.with_values((0.0,) * len(item.history.current.values)))

    canvas = window.canvas
    assert not canvas.mask_visible  # no tint while the brush is off, from the start (a restored mask showed one)
    window.mask_tool.brush.setChecked(True)
    assert canvas.mask_visible
    rect = canvas.edited_rect()
    y = int(rect.top() + rect.height() * 0.5)
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(int(rect.left() + rect.width() * 0.2), y))
    QTest.mouseMove(canvas, QPoint(int(rect.left() + rect.width() * 0.45), y))
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       QPoint(int(rect.left() + rect.width() * 0.45), y))
    mask = item.history.current.mask
    assert mask is not None and len(item.history) == 3
    assert mask[mask.shape[0] // 2, int(mask.shape[1] * 0.3)] == 1.0  # painted along the stroke
    settle(qtbot, window, item)
    outside, inside = mask == 0, mask == 1
    assert outside.mean() > 0.5 and inside.any()
    assert np.array_equal(item.image[outside], unedited[outside])  # untouched where not painted
    assert np.array_equal(item.image[inside], whole[inside])        # fully edited where painted

    panel = history_tab(window)  # A/B of the whole edit and the masked one shows each as it was
    click_step(panel, 1, Qt.KeyboardModifier.ControlModifier)
    window.compare.setCurrentText(CompareMode.EDITED.value)
    with qtbot.waitSignal(window.document.frames_ready, timeout=UI_TIMEOUT) as got:
        panel.compare_button.click()
    assert np.array_equal(got.args[0].images[0], whole) and np.array_equal(got.args[0].images[1], item.image)
    assert window.canvas.mode == CompareMode.SIDE_BY_SIDE  # "Edited only" would show B alone
    panel.stop_button.click()

    window.document.undo()
    settle(qtbot, window, item)
    assert item.history.current.mask is None
    assert np.array_equal(item.image, whole)


def drag_across(canvas, pane: str, y: float, x0: float, x1: float) -> None:
    """A left drag along a row of a pane, at fractions of its width and height."""
    rect = dict(canvas.panes())[pane]

    def at(fx: float) -> QPoint:
        return QPoint(int(rect.left() + rect.width() * fx), int(rect.top() + rect.height() * y))
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at(x0))
    QTest.mouseMove(canvas, at(x1))
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at(x1))


def test_a_mask_in_force_with_the_brush_off_is_outlined_and_named_in_the_sliders_tab(qtbot, window, image_files):
    """A stroke, the brush put down (B), then a slider: only the strip changed, and nothing on screen said a mask was
    there. The canvas outlines it faintly now, and the Sliders tab says edits apply inside it, until Clear mask."""
    item = open_image(qtbot, window, image_files[0])
    settle(qtbot, window, item)
    canvas, note = window.canvas, window.slider_tab.mask_note
    window.tabs.setCurrentWidget(window.slider_tab)
    assert not note.isVisible()
    window.mask_tool.brush.trigger()
    drag_across(canvas, "edited", 0.5, 0.3, 0.7)
    window.mask_tool.brush.trigger()  # the brush off, the mask in force
    assert not canvas.brush_mode and item.history.current.mask is not None
    settle(qtbot, window, item)  # no slider moved: the picture is the same with or without the mask
    mask_rows, mask_cols = np.nonzero(item.history.current.mask >= 0.5)
    h, w = item.history.current.mask.shape
    outlined = from_qimage(canvas.grab().toImage()).astype(int)
    assert note.isVisible() and "Clear mask" in note.text() and "B" in note.text() and "inside" in note.text()
    window.mask_tool.clear.trigger()
    settle(qtbot, window, item)
    plain = from_qimage(canvas.grab().toImage()).astype(int)
    assert not note.isVisible()
    for name, rect in canvas.panes():  # a line round the strip on each pane, the rest as it was
        changed = np.abs(outlined - plain).sum(axis=2) > 30
        inside = changed[int(rect.top()):int(rect.bottom()), int(rect.left()):int(rect.right())]
        rows, cols = np.nonzero(inside)
        assert rows.size and inside.mean() < 0.1, name  # a line, not a tint
        # along the strip's edge: within a pixel of the image (a line's width) of where the mask is on
        assert abs(cols.min() / rect.width() - mask_cols.min() / w) < 1.5 / w, name
        assert abs((cols.max() + 1) / rect.width() - (mask_cols.max() + 1) / w) < 1.5 / w, name
        assert abs(rows.min() / rect.height() - mask_rows.min() / h) < 1.5 / h, name
        assert abs((rows.max() + 1) / rect.height() - (mask_rows.max() + 1) / h) < 1.5 / h, name
    window.document.undo()  # the mask back: the note too
    assert note.isVisible()


def test_a_mask_made_by_erasing_is_named_as_edits_outside_the_erased_part(qtbot, window, image_files):
    """Erase (E) on a picture with no mask, a strip, E again: the mask is everywhere but the strip and PC1 changes
    all but the strip, yet the note said edits apply inside the painted mask (the outline is round the strip).
    And the note's showing moved Typicality and every slider down, under the user's mouse."""
    item = open_image(qtbot, window, image_files[0])
    settle(qtbot, window, item)
    note = window.slider_tab.mask_note
    window.tabs.setCurrentWidget(window.slider_tab)
    panel = window.sliders

    def places() -> list[QPoint]:
        QApplication.processEvents()  # the layout after the note showed or hid
        return [w.mapTo(window, QPoint(0, 0)) for w in (panel.meter, panel.sliders[0])]
    before = places()
    window.mask_tool.erase.trigger()
    drag_across(window.canvas, "edited", 0.5, 0.3, 0.7)
    window.mask_tool.erase.trigger()  # the eraser off, the mask in force
    mask = item.history.current.mask
    assert not window.canvas.brush_mode and mask is not None and mask.mean() > 0.5  # the edit everywhere but a strip
    assert note.isVisible() and note.text() == mask_note_text(menu_keys(window.menuBar()), outside=True)
    assert places() == before  # nothing above the sliders moved
    window.mask_tool.clear.trigger()
    assert not note.isVisible() and places() == before
    window.mask_tool.brush.trigger()  # a stroke painted on a plain picture: inside it, as before
    drag_across(window.canvas, "edited", 0.5, 0.3, 0.7)
    assert note.isVisible() and note.text() == mask_note_text(menu_keys(window.menuBar()), outside=False)


def test_a_stroke_on_the_original_pane_paints_the_mask_as_on_the_edited_one(qtbot, window, image_files):
    """Side by side, the same stroke on the Original pane was ignored without a word."""
    item = open_image(qtbot, window, image_files[0])
    window.sliders.sliders[0].setValue(250)
    assert window.canvas.mode == CompareMode.SIDE_BY_SIDE and "original" in dict(window.canvas.panes())
    window.mask_tool.brush.setChecked(True)
    steps = len(item.history)
    drag_across(window.canvas, "original", 0.5, 0.2, 0.45)
    on_original = item.history.current.mask
    assert len(item.history) == steps + 1 and on_original is not None  # one undoable stroke
    assert on_original[on_original.shape[0] // 2, int(on_original.shape[1] * 0.3)] == 1.0
    window.document.undo()
    assert item.history.current.mask is None
    drag_across(window.canvas, "edited", 0.5, 0.2, 0.45)
    on_edited = item.history.current.mask  # the same image points, but for the panes' fractions of a pixel
    assert np.abs(on_edited - on_original).max() < 0.25 and ((on_edited > 0.5) == (on_original > 0.5)).mean() > 0.98


def tool_button(window, action):
    return window.findChild(QToolBar, "mask_tools").widgetForAction(action)


def test_mask_brush_and_erase_are_pressed_one_at_a_time(qtbot, window, image_files):
    """Both looked pressed at once. Erase alone brushes too (it once stayed pressed while a drag panned), and
    clicking the pressed one puts the brush down."""
    tool, canvas = window.mask_tool, window.canvas
    brush, erase = tool_button(window, tool.brush), tool_button(window, tool.erase)

    def pressed() -> tuple[bool, bool]:
        return brush.isChecked(), erase.isChecked()
    qtbot.mouseClick(erase, Qt.MouseButton.LeftButton)
    assert pressed() == (False, True) and canvas.brush_mode and canvas.erase
    qtbot.mouseClick(brush, Qt.MouseButton.LeftButton)
    assert pressed() == (True, False) and canvas.brush_mode and not canvas.erase
    qtbot.mouseClick(erase, Qt.MouseButton.LeftButton)
    assert pressed() == (False, True) and canvas.brush_mode and canvas.erase
    qtbot.mouseClick(erase, Qt.MouseButton.LeftButton)  # the pressed one again: no brushing
    assert pressed() == (False, False) and not canvas.brush_mode and not canvas.mask_visible
    qtbot.mouseClick(brush, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(brush, Qt.MouseButton.LeftButton)
    assert pressed() == (False, False) and not canvas.brush_mode


def test_an_erase_stroke_on_a_picture_without_a_mask_is_outlined_on_a_light_tint(qtbot, window, image_files):
    """Erasing where there is no mask makes one everywhere but the stroke: it tinted both panes pink at full
    strength, the erased strip the one place left untinted. The tint is light now and the strip outlined."""
    item = open_image(qtbot, window, image_files[0])
    window.sliders.sliders[0].setValue(250)
    settle(qtbot, window, item)
    canvas = window.canvas
    window.mask_tool.erase.trigger()
    plain = from_qimage(canvas.grab().toImage()).astype(int)
    drag_across(canvas, "edited", 0.5, 0.3, 0.7)
    settle(qtbot, window, item)
    shot = from_qimage(canvas.grab().toImage()).astype(int)
    mask = item.history.current.mask
    assert mask.min() == 0.0 and (mask == 1.0).mean() > 0.6  # the edit everywhere but the strip
    rect = dict(canvas.panes())["original"]  # its picture is the same before and after
    rows, columns = slice(int(rect.top()) + 5, int(rect.top() + rect.height() * 0.2)), slice(int(rect.left()) + 5,
                                                                                          int(rect.right()) - 5)
    top, before = shot[rows, columns], plain[rows, columns]
    far = np.abs(before[..., 1] - 40) > 60  # pixels the tint's green (40) visibly darkens
    opacity = np.median((before[..., 1] - top[..., 1])[far] / (before[..., 1] - 40)[far])
    assert 0.1 < opacity < 0.3  # tinted lightly away from the stroke (it was 110 / 255)
    h, w = mask.shape
    lines = [polygon.boundingRect() for polygon in canvas.overlay_for("edited").edge.toSubpathPolygons()]
    inside = [r for r in lines if r.left() > 0 and r.top() > 0 and r.right() < w and r.bottom() < h]
    assert len(inside) == 1  # one line in sight, in image pixels round the strip (the other one is past the border)
    edge = inside[0]
    assert 0.1 * w < edge.left() < 0.3 * w and 0.7 * w < edge.right() < 0.9 * w
    assert 0.25 * h < edge.top() < 0.5 * h < edge.bottom() < 0.75 * h


def test_during_a_comparison_each_pane_shows_its_own_steps_mask(qtbot, window, image_files):
    """With the brush on, Compare A/B drew the current step's mask on both panes, over a step without one."""
    item = open_image(qtbot, window, image_files[0])
    window.sliders.sliders[0].setValue(250)  # step 1: no mask
    settle(qtbot, window, item)
    window.mask_tool.brush.trigger()
    drag_across(window.canvas, "edited", 0.5, 0.2, 0.8)  # step 2, the current one: a mask
    settle(qtbot, window, item)
    panel = history_tab(window)
    click_step(panel, 1, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(window.document.frames_ready, timeout=UI_TIMEOUT):
        panel.compare_button.click()
    canvas = window.canvas
    shot = from_qimage(canvas.grab().toImage())
    canvas.show_mask(False)
    bare = from_qimage(canvas.grab().toImage())
    canvas.show_mask(True)
    original, edited = (dict(canvas.panes())[pane].toRect() for pane in ("original", "edited"))
    assert np.array_equal(shot[original.top():original.bottom(), original.left():original.right()],
                          bare[original.top():original.bottom(), original.left():original.right()])  # A: none
    assert not np.array_equal(shot[edited.top():edited.bottom(), edited.left():edited.right()],
                              bare[edited.top():edited.bottom(), edited.left():edited.right()])  # B: its own
    assert canvas.overlay_for("original") is None and canvas.overlay_for("edited") is not None
    window.mask_tool.brush.trigger()  # the brush off and on again keeps each pane's own
    window.mask_tool.brush.trigger()
    assert np.array_equal(from_qimage(canvas.grab().toImage()), shot)
    panel.stop_button.click()
    assert canvas.overlay_for("original") is canvas.overlay_for("edited") is not None  # the current step's mask


def test_erasing_a_picture_without_a_mask_takes_the_edit_from_the_spot_only(qtbot, window, reference, image_files):
    """No mask is the edit everywhere; one Erase click made an all-zero mask and the whole edit vanished."""
    item = open_image(qtbot, window, image_files[0])
    window.sliders.sliders[0].setValue(250)
    settle(qtbot, window, item)
    window.mask_tool.erase.trigger()
    rect = window.canvas.edited_rect()
    spot = QPoint(int(rect.left() + rect.width() * 0.5), int(rect.top() + rect.height() * 0.5))
    QTest.mousePress(window.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, spot)
    QTest.mouseRelease(window.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, spot)
    mask = item.history.current.mask
    assert mask is not None and mask.min() == 0.0  # erased where clicked
    assert (mask == 1.0).mean() > 0.8  # the edit stays everywhere else (a 6 px brush on 32 px)
    assert window.history._step_names(item)[item.history.current_id] == "mask: erase"


def test_a_sample_sent_to_the_vae_says_where_it_came_from_also_after_a_restart(qtbot, window, tmp_path):
    """A sample sent to the VAE ("seed 42 (to VAE)") read "Opened" in its History and "Original" in Compare, as if
    opened from a file: its first step names the sample it was sent from, and its Compare pane the GAN sample."""
    from genimg_gui.session import load_session, save_session
    from genimg_gui.ui.document_session import restore_session, session_of
    [sample] = window.document.items.values()
    window.filmstrip.setCurrentRow(0)
    with qtbot.waitSignal(window.document.item_added, timeout=UI_TIMEOUT):
        window.gan_panel.send_button.click()
    sent, panel, canvas = window.document.current, history_tab(window), window.canvas
    assert sent.kind == "vae" and sent.name == f"seed {sample.seed} (to VAE)"
    assert panel.item_for(0).text(0) == f"Sent from seed {sample.seed} to the VAE"
    canvas.set_mode(CompareMode.SIDE_BY_SIDE)
    assert (canvas.pane_label("original"), canvas.pane_label("edited")) == ("GAN sample", "Edited (decoded)")
    window.sliders.sliders[0].setValue(150)
    settle(qtbot, window, sent)
    assert panel.item_for(0).text(0) == f"Sent from seed {sample.seed} to the VAE"  # the first step still

    path = save_session(session_of(window.document), tmp_path / "session.safetensors")
    window.document.close_item(sent.id)
    restore_session(window.document, load_session(path))
    back = next(i for i in window.document.items.values() if i.kind == "vae")
    window.document.select(back.id)
    assert panel.item_for(0).text(0) == f"Sent from seed {sample.seed} to the VAE"
    assert canvas.pane_label("original") == "GAN sample"


def test_a_generated_sample_reads_generated_and_an_opened_picture_opened(qtbot, window, image_files, monkeypatch):
    """A GAN sample's first step read "Opened", Compare captioned it "Original" and the quit question called it an
    "edited image", though nothing was opened: each now says it was generated, and an opened file keeps its words."""
    [sample] = window.document.items.values()
    window.filmstrip.setCurrentRow(0)
    panel, canvas = history_tab(window), window.canvas
    assert panel.item_for(0).text(0) == f"Generated by tiny-gan, seed {sample.seed}"
    assert (canvas.pane_label("original"), canvas.pane_label("edited")) == ("Generated", "Edited")
    canvas.set_mode(CompareMode.SPLIT)
    assert canvas.pane_label("edited") == "Split: generated | edited"

    picture = open_image(qtbot, window, image_files[1])
    assert panel.item_for(0).text(0) == "Opened" and canvas.pane_label("edited") == "Split: original | edited"
    canvas.set_mode(CompareMode.SIDE_BY_SIDE)
    assert (canvas.pane_label("original"), canvas.pane_label("edited")) == ("Original", "Edited (decoded)")
    window.filmstrip.setCurrentRow(0)
    assert window.document.current is sample and canvas.pane_label("original") == "Generated"

    window.sliders.sliders[0].setValue(150)
    asked = quit_questions_cancelled(monkeypatch)
    assert not window.close()
    assert asked == [f"The edited sample “{sample.name}” has not been exported."]
    window.document.select(picture.id)
    window.sliders.sliders[0].setValue(150)
    assert not window.close()
    assert asked[1] == (f"1 edited sample and 1 edited image have not been exported: “{sample.name}”, "
                        f"“{picture.name}”.")


def test_history_panel_keeps_branches_goes_back_and_compares(qtbot, window, reference, image_files):
    item = open_image(qtbot, window, image_files[1])
    sliders = window.sliders.sliders
    sliders[0].setValue(100)
    sliders[1].setValue(-100)
    window.document.undo()
    sliders[2].setValue(150)  # a new branch from the first edit
    settle(qtbot, window, item)
    panel = history_tab(window)
    assert sorted(panel.node_ids()) == [0, 1, 2, 3]
    assert item.history.children(1) == [2, 3]
    labels = window.document.directions("vae").labels
    # top to bottom in the order made on each line: the branch made after the undo follows the first edit's line
    texts, lefts = zip(*seen(panel))
    assert texts == ("Opened", f"{labels[0]} +1.00σ", f"{labels[1]} -1.00σ",
                     f"↳ Branch 2 from “{labels[0]} +1.00σ”", f"{labels[2]} +1.50σ")
    assert len(set(lefts[:4])) == 1 and lefts[4] > lefts[3]  # the branch's step indents under its caption

    old_branch = panel.item_for(2)
    rect = panel.tree.visualItemRect(old_branch)
    QTest.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     rect.center())
    assert item.history.current_id == 2
    settle(qtbot, window, item)
    assert np.array_equal(item.image, decode(reference, window, item.history.current))
    assert window.sliders.values()[:3] == (1.0, -1.0, 0.0)

    click_step(panel, 3, Qt.KeyboardModifier.ControlModifier)  # the other branch, to compare with this one
    with qtbot.waitSignal(window.document.frames_ready, timeout=UI_TIMEOUT) as got:
        panel.compare_button.click()
    states = {n.id: n.state for n in item.history.nodes()}
    assert np.array_equal(got.args[0].images[0], decode(reference, window, states[2]))
    assert np.array_equal(got.args[0].images[1], decode(reference, window, states[3]))
    # the panes are captioned as the tree names the steps
    assert window.canvas.labels == (f"A: {labels[1]} -1.00σ", f"B: {labels[2]} +1.50σ")
    assert window.canvas.labels == tuple(f"{ab}: {panel.item_for(i).text(0)}" for ab, i in (("A", 2), ("B", 3)))
    panel.stop_button.click()
    assert window.canvas.labels == (None, None)
    with qtbot.waitSignal(window.document.frames_ready, timeout=UI_TIMEOUT):
        panel.compare_button.click()
    window.document.undo()  # a step away ends the comparison: the panes show the item again, not under A/B
    assert window.canvas.labels == (None, None) and not panel.stop_button.isEnabled()


def test_history_tab_marks_only_the_current_step_through_undo_and_redo_and_its_rows_stay_put(
        qtbot, window, image_files):
    item = open_image(qtbot, window, image_files[0])
    sliders = window.sliders.sliders
    for i in range(3):
        sliders[i].setValue(100)  # 1, 2, 3: one step per slider
    window.document.undo()
    sliders[3].setValue(100)      # 4: a second branch from 2
    settle(qtbot, window, item)
    panel = history_tab(window)
    assert item.history.children(2) == [3, 4]
    layout = rows(panel)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)

    click_step(panel, 1)
    assert item.history.current_id == 1 and marked(panel) == ([1], 1) and rows(panel) == layout
    ctrl = Qt.KeyboardModifier.ControlModifier
    qtbot.keyClick(panel.tree, Qt.Key.Key_Z, ctrl | Qt.KeyboardModifier.ShiftModifier)  # redo, either way
    assert item.history.current_id == 2 and marked(panel) == ([2], 2)
    qtbot.keyClick(panel.tree, Qt.Key.Key_Y, ctrl)
    assert item.history.current_id == 4 and marked(panel) == ([4], 4) and rows(panel) == layout
    qtbot.keyClick(panel.tree, Qt.Key.Key_Z, ctrl)
    assert item.history.current_id == 2 and marked(panel) == ([2], 2) and rows(panel) == layout

    spot = panel.tree.visualItemRect(panel.item_for(3)).center()  # the same spot picks the same step every time
    for _ in range(2):
        QTest.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, spot)
        assert item.history.current_id == 3 and marked(panel) == ([3], 3) and rows(panel) == layout
        qtbot.keyClick(panel.tree, Qt.Key.Key_Z, ctrl)
        assert item.history.current_id == 2

    other = open_image(qtbot, window, image_files[1])
    sliders[0].setValue(100)
    window.document.select(item.id)
    click_step(panel, 0, ctrl)
    assert panel.partner_id == 0 and panel.compare_button.isEnabled()
    window.document.select(other.id)  # another image's tree: its first step is no partner of the current one
    assert other.history.current_id == 1 and panel.partner_id is None and not panel.compare_button.isEnabled()


def test_reset_randomise_and_a_recipe_are_named_by_what_was_done_also_after_a_restart(qtbot, window, image_files,
                                                                                       tmp_path):
    """They read "PC1 +0.00σ, PC2 +0.00σ …" (a reset), a list of values cut after two, in History, the Edit menu
    and branch captions: each is named by its gesture, its values whole in its row's tooltip."""
    from genimg_gui.session import load_session, save_session
    from genimg_gui.ui.document_session import restore_session, session_of
    item, panel, doc = open_image(qtbot, window, image_files[0]), history_tab(window), window.document
    window.sliders.sliders[0].setValue(150)
    window.sliders.sliders[1].setValue(-80)
    recipe = window.recipes.save(str(tmp_path / "photo1.recipe.json"))
    window.sliders.reset_all_button.click()
    reset = item.history.current_id
    assert panel.item_for(reset).text(0) == "Reset all"
    assert "+0.00σ" in panel.item_for(reset).toolTip(0) and panel.item_for(reset).toolTip(0).startswith("Reset all:")
    assert window.undo_action.text() == "&Undo Reset all"
    window.sliders.randomise_button.click()
    assert panel.item_for(item.history.current_id).text(0) == "Randomise"
    doc.undo()
    assert window.recipes.apply(str(recipe)) == 1
    applied = item.history.current_id
    assert panel.item_for(applied).text(0) == "Recipe photo1.recipe.json"
    assert any(text == "↳ Branch 2 from “Reset all”" for _id, _point, text in panel.rows())
    window.sliders.sliders[2].setValue(50)  # a plain slider step is still named by its value
    assert panel.item_for(item.history.current_id).text(0).endswith("+0.50σ")

    path = save_session(session_of(doc), tmp_path / "session.safetensors")
    doc.close_item(item.id)
    restore_session(doc, load_session(path))
    back = next(i for i in doc.items.values() if i.kind == "vae")
    doc.select(back.id)
    assert [panel.item_for(n).text(0) for n in (reset, applied)] == ["Reset all", "Recipe photo1.recipe.json"]


def test_clicking_a_step_in_sight_leaves_the_history_list_where_it_was_scrolled(qtbot, window, image_files):
    """With the list scrolled to a branch at its end, a click on a row near the top scrolled the list by 3-4 rows,
    and the row clicked moved away from the cursor."""
    item = open_image(qtbot, window, image_files[0])
    sliders = window.sliders.sliders
    for i in range(12):
        sliders[i % len(sliders)].setValue(100 + 10 * i)  # 1..12 on one line
    for _ in range(3):
        window.document.undo()
    sliders[0].setValue(-200)
    sliders[1].setValue(-200)  # 13, 14: a branch from 9
    settle(qtbot, window, item)
    panel = history_tab(window)
    panel.tree.setFixedHeight(11 * 52)  # some eleven rows in sight: the list scrolls
    bar = panel.tree.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum())

    def in_sight() -> list[int]:
        view = panel.tree.viewport().rect()
        return [i for i in panel.node_ids() if view.contains(panel.tree.visualItemRect(panel.item_for(i)))]

    for step in (in_sight()[0], in_sight()[-1], in_sight()[1], in_sight()[-2]):
        place, top = bar.value(), panel.tree.visualItemRect(panel.item_for(step)).top()
        click_step(panel, step)
        qtbot.wait(20)  # the reveal once the rebuilt rows are laid out
        assert item.history.current_id == step
        assert bar.value() == place and panel.tree.visualItemRect(panel.item_for(step)).top() == top


def test_edited_only_chosen_during_a_comparison_ends_it_and_shows_the_current_step(qtbot, window, image_files):
    """Ctrl+3 during an A/B comparison showed pane B alone, captioned "B: …", of the step picked to compare with,
    while the tree, the sliders and Undo spoke of the current step, and the comparison went on."""
    item = open_image(qtbot, window, image_files[0])
    sliders = window.sliders.sliders
    sliders[0].setValue(100)
    sliders[1].setValue(100)
    settle(qtbot, window, item)
    panel = history_tab(window)
    click_step(panel, 1)  # the current step
    settle(qtbot, window, item)
    click_step(panel, 2, Qt.KeyboardModifier.ControlModifier)  # a later one, B
    with qtbot.waitSignal(window.document.frames_ready, timeout=UI_TIMEOUT):
        panel.compare_button.click()
    assert window.canvas.labels[1].startswith("B: ") and window.canvas.mode == CompareMode.SIDE_BY_SIDE
    with qtbot.waitSignal(window.document.message, check_params_cb=lambda text: text == "A/B comparison ended"):
        window.compare_actions.actions()[2].trigger()  # Edited only, as Ctrl+3
    assert window.canvas.mode == CompareMode.EDITED and window.compare_actions.mode() == CompareMode.EDITED
    assert window.history.comparing is None and not panel.stop_button.isEnabled()
    assert window.canvas.labels == (None, None)
    assert np.array_equal(from_qimage(window.canvas.edited), item.image) and item.history.current_id == 1
    window.compare_actions.actions()[0].trigger()  # side by side again: nothing more to end
    assert window.canvas.mode == CompareMode.SIDE_BY_SIDE and window.canvas.labels == (None, None)


def test_a_sent_inversion_is_named_in_quotes_in_its_first_step():
    """'Sent from photo.png, inverted to the VAE' read as a photo inverted to the VAE."""
    from genimg_gui.ui.history_controller import describe_sent

    assert describe_sent("photo.png, inverted") == "Sent from “photo.png, inverted” to the VAE"
    assert describe_sent("seed 42") == "Sent from seed 42 to the VAE"
