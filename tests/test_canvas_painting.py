"""The canvas on its own (no engine): captions drawn whole, the mask brush on either pane, panning, zoom side by
side, and how a mask shows (tint, outline, each compared step's own)."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QApplication

from genimg_gui.ui.canvas import Canvas, CompareMode
from genimg_gui.ui.qimage import from_qimage, to_qimage

from widget_helpers import LEFT, MIDDLE, shown, solid


@pytest.fixture()
def canvas(qtbot) -> Canvas:
    c = shown(qtbot, Canvas())
    c.resize(500, 300)
    c.set_images(to_qimage(solid(40, 32)), to_qimage(solid(200, 32)))
    qtbot.waitUntil(lambda: c.width() == 500)
    return c


CAPTIONS = ["Generated", "Edited", "Original", "GAN sample", "Edited (decoded)", "A: Opened",
            "Split: original | edited"]


@pytest.mark.parametrize("pixels", [10, 13, 14, 16, 20])
def test_a_caption_with_room_is_drawn_whole_whatever_the_font(pixels, qtbot, window, monkeypatch):
    """A GAN sample's right-hand caption read "E…d": its band, the text's width in whole pixels rounded down,
    was narrower than the width in fractions that eliding measures."""
    from PySide6.QtGui import QFont, QFontDatabase

    canvas = window.canvas
    canvas.set_mode(CompareMode.SIDE_BY_SIDE)
    assert window.document.current.generated and canvas.pane_label("edited") == "Edited"  # the tester's sample
    drawn = []
    label_text = Canvas.label_text
    monkeypatch.setattr(Canvas, "label_text", lambda self, box, text: drawn.append(label_text(self, box, text))
                        or drawn[-1])
    for family in QFontDatabase.families():
        font = QFont(family)
        font.setPixelSize(pixels)
        canvas.setFont(font)
        drawn.clear()
        canvas.grab()  # paints both panes' captions
        assert drawn == ["Generated", "Edited"], family
        for text in CAPTIONS:  # and the other captions, where the canvas leaves them room
            box = canvas.label_box(dict(canvas.panes())["edited"], text, canvas.rect().toRectF())
            assert label_text(canvas, box, text) == text, (family, text)


def at(rect, fx: float, fy: float) -> QPoint:
    return QPoint(round(rect.left() + rect.width() * fx), round(rect.top() + rect.height() * fy))


def brush_drag(qtbot, canvas, radius: int, *path: tuple[float, float], pane: str = "edited") -> np.ndarray:
    """Press at path[0], move through the rest (each one jump), release: the stroke centres (2, N)."""
    canvas.set_brush_mode(True)
    canvas.set_brush_radius(radius)
    rect = dict(canvas.panes())[pane]
    points: list[tuple[float, float]] = []
    canvas.stroke.connect(lambda x, y: points.append((x, y)))
    with qtbot.waitSignal(canvas.stroke_finished):
        qtbot.mousePress(canvas, LEFT, pos=at(rect, *path[0]))
        for xy in path[1:]:
            qtbot.mouseMove(canvas, at(rect, *xy))
        qtbot.mouseRelease(canvas, LEFT, pos=at(rect, *path[-1]))
    return np.array(points).T


def test_brush_drag_strokes_the_edited_pane(qtbot, canvas):
    xs, ys = brush_drag(qtbot, canvas, 2, (0.2, 0.5), (0.8, 0.5), (0.8, 0.9))  # one fast jump, then down
    assert abs(xs[0] - 0.2) < 0.01 and abs(ys[0] - 0.5) < 0.01
    assert abs(xs[-1] - 0.8) < 0.01 and abs(ys[-1] - 0.9) < 0.01
    assert np.allclose(ys[xs < 0.79], 0.5, atol=0.01)
    gaps = np.hypot(np.diff(xs), np.diff(ys))
    assert gaps.max() <= 1 / 32 + 1e-6 and len(xs) > 20  # no gaps wider than half the radius
    assert canvas.offset == QPointF(0, 0)  # painting does not pan


def test_a_wide_photo_keeps_its_aspect_and_is_brushed_in_even_pixel_steps(qtbot, canvas):
    wide = np.full((60, 200, 3), 90, np.uint8)  # a photo under a spatial VAE: 200 x 60
    canvas.set_images(to_qimage(wide), to_qimage(wide))
    for name, rect in canvas.panes():
        assert rect.width() / rect.height() == pytest.approx(200 / 60, rel=0.02), name
    xs, ys = brush_drag(qtbot, canvas, 4, (0.1, 0.1), (0.9, 0.9))  # one diagonal jump
    gaps = np.hypot(np.diff(xs) * 200, np.diff(ys) * 60)  # in image pixels
    assert gaps.max() <= 2 + 1e-6 and abs(xs[-1] - 0.9) < 0.01 and abs(ys[-1] - 0.9) < 0.02


def test_the_brush_paints_the_same_image_points_on_either_pane(qtbot, canvas):
    """Strokes on the Original pane of Side by side were dropped without a word; the mask is the image's, one for
    both panes."""
    path = ((0.2, 0.3), (0.7, 0.3), (0.7, 0.8))
    on_original = brush_drag(qtbot, canvas, 3, *path, pane="original")
    assert len(on_original[0]) > 10 and np.allclose(on_original, brush_drag(qtbot, canvas, 3, *path), atol=0.01)
    assert canvas.offset == QPointF(0, 0)  # painting does not pan
    # a stroke from the original pane onto the edited one goes on along the original's points, off its edge
    original, edited = dict(canvas.panes())["original"], canvas.edited_rect()
    strokes: list = []
    canvas.stroke.connect(lambda x, y: strokes.append((x, y)))
    qtbot.mousePress(canvas, LEFT, pos=at(original, 0.9, 0.5))
    qtbot.mouseMove(canvas, at(edited, 0.5, 0.5))
    qtbot.mouseRelease(canvas, LEFT, pos=at(edited, 0.5, 0.5))
    assert strokes and max(x for x, _ in strokes) < 1 + 3 / 32 + 1e-6


def test_brush_elsewhere_pans_or_does_nothing(qtbot, canvas):
    canvas.set_brush_mode(True)
    strokes: list = []
    canvas.stroke.connect(lambda x, y: strokes.append((x, y)))
    original, rect = dict(canvas.panes())["original"], canvas.edited_rect()
    between = QPoint(round((original.right() + rect.left()) / 2), round(rect.center().y()))
    qtbot.mousePress(canvas, LEFT, pos=between)  # between the panes: nothing to paint, and no pan
    qtbot.mouseMove(canvas, between + QPoint(0, 20))
    qtbot.mouseRelease(canvas, LEFT, pos=between + QPoint(0, 20))
    assert strokes == [] and canvas.offset == QPointF(0, 0)
    qtbot.mousePress(canvas, MIDDLE, pos=at(rect, 0.5, 0.5))  # the middle button pans
    qtbot.mouseMove(canvas, at(rect, 0.5, 0.5) + QPoint(30, 0))
    qtbot.mouseRelease(canvas, MIDDLE, pos=at(rect, 0.5, 0.5) + QPoint(30, 0))
    assert strokes == [] and canvas.offset.x() == pytest.approx(30)
    canvas.setFocus()
    qtbot.keyPress(canvas, Qt.Key.Key_Space)  # Space + left drag pans too
    rect = canvas.edited_rect()
    qtbot.mousePress(canvas, LEFT, pos=at(rect, 0.5, 0.5))
    qtbot.mouseMove(canvas, at(rect, 0.5, 0.5) + QPoint(0, 20))
    qtbot.mouseRelease(canvas, LEFT, pos=at(rect, 0.5, 0.5) + QPoint(0, 20))
    qtbot.keyRelease(canvas, Qt.Key.Key_Space)
    assert strokes == [] and canvas.offset == QPointF(30, 20)
    canvas.set_brush_mode(False)  # off: a left drag on the edited pane pans as before
    rect = canvas.edited_rect()
    qtbot.mousePress(canvas, LEFT, pos=at(rect, 0.5, 0.5))
    qtbot.mouseMove(canvas, at(rect, 0.5, 0.5) + QPoint(-30, -20))
    qtbot.mouseRelease(canvas, LEFT, pos=at(rect, 0.5, 0.5) + QPoint(-30, -20))
    assert strokes == [] and canvas.offset == QPointF(0, 0)


def test_side_by_side_zoom_keeps_each_picture_in_its_half_and_both_on_the_same_detail(qtbot, canvas):
    """Zoomed side by side, the edited picture grew over the original (drawn last, it covered it): only one pane
    showed, and its caption was cut off. Each stays in its half now, and both zoom about the same image point."""
    from PySide6.QtGui import QWheelEvent

    cursor = canvas.edited_rect().center() + QPointF(10, 5)
    def image_point(pane: str, pos: QPointF) -> tuple[float, float]:
        rect = dict(canvas.panes())[pane]
        return (pos.x() - rect.left()) / rect.width(), (pos.y() - rect.top()) / rect.height()
    before = image_point("edited", cursor)
    for _ in range(8):  # 1.15 ** 8: about three times the fitted size, far wider than half the canvas
        QApplication.sendEvent(canvas, QWheelEvent(cursor, canvas.mapToGlobal(cursor), QPoint(), QPoint(0, 120),
                                                   Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                                                   Qt.ScrollPhase.NoScrollPhase, False))
    assert canvas.zoom > 3
    assert image_point("edited", cursor) == pytest.approx(before)  # the detail under the cursor stays put
    half = canvas.width() / 2
    assert image_point("original", cursor - QPointF(half, 0)) == pytest.approx(before, abs=0.05)  # the same detail
    shot = from_qimage(canvas.grab().toImage())
    left, right = QPoint(round(half) - 3, canvas.height() // 2), QPoint(round(half) + 3, canvas.height() // 2)
    assert shot[left.y(), left.x(), 0] == 40 and shot[right.y(), right.x(), 0] == 200  # each in its own half
    assert canvas.pane_at(QPointF(left)) == "original" and canvas.pane_at(QPointF(right)) == "edited"
    slots = dict(canvas.slots())
    for name, rect in canvas.panes():  # captions start inside their own half
        assert slots[name].contains(canvas.label_box(rect, canvas.pane_label(name), slots[name]).topLeft())


def test_mask_overlay_tints_both_panes_and_labels(canvas):
    rect = canvas.edited_rect()
    inside, outside = at(rect, 0.25, 0.5), at(rect, 0.75, 0.5)
    plain = from_qimage(canvas.grab().toImage())
    mask = np.zeros((32, 32), np.float32)
    mask[:, :16] = 1.0
    canvas.set_mask_overlay(mask)
    faint = from_qimage(canvas.grab().toImage())  # the brush is off: no tint, only a faint line along the edge
    for fx in (0.25, 0.75):
        point = at(rect, fx, 0.5)
        assert np.array_equal(faint[point.y(), point.x()], plain[point.y(), point.x()])
    assert not np.array_equal(faint, plain)
    canvas.show_mask(True)
    tinted = from_qimage(canvas.grab().toImage())
    r, g, _ = tinted[inside.y(), inside.x()].astype(int)
    assert r - g > 20 and g < plain[inside.y(), inside.x(), 1] - 10  # redder (on light grey, mostly less green)
    assert np.array_equal(tinted[outside.y(), outside.x()], plain[outside.y(), outside.x()])
    original = dict(canvas.panes())["original"]  # tinted too: the brush paints there as well
    inside, outside = at(original, 0.25, 0.5), at(original, 0.75, 0.5)
    assert tinted[inside.y(), inside.x(), 0] > plain[inside.y(), inside.x(), 0] + 10
    assert np.array_equal(tinted[outside.y(), outside.x()], plain[outside.y(), outside.x()])
    canvas.show_mask(False)
    assert np.array_equal(from_qimage(canvas.grab().toImage()), faint)
    canvas.set_mask_overlay(None)
    assert np.array_equal(from_qimage(canvas.grab().toImage()), plain)
    canvas.set_labels("State 2", "State 5")
    assert (canvas.pane_label("original"), canvas.pane_label("edited")) == ("State 2", "State 5")
    canvas.set_mode(CompareMode.SPLIT)
    assert canvas.pane_label("edited") == "Split: State 2 | State 5"
    canvas.set_labels(None, None)
    assert canvas.pane_label("edited") == "Split: original | edited"
    for mode in (CompareMode.SPLIT, CompareMode.EDITED):  # the picture fills the height: captions stay in view
        canvas.set_mode(mode)
        for name, rect in canvas.panes():
            assert canvas.rect().contains(canvas.label_box(rect, canvas.pane_label(name)).toRect())
    canvas.set_mode(CompareMode.SIDE_BY_SIDE)
    assert canvas.pane_label("edited") == "Edited (decoded)"
    canvas.set_brush_mode(True)
    canvas.set_erase(True)
    assert not canvas.grab().isNull()  # the outline paints (dashed while erasing)


def test_a_mask_everywhere_but_a_strip_tints_lightly_and_outlines_the_strip(canvas):
    """An erase stroke on a picture without a mask makes a mask everywhere but the strip: tinted at full strength,
    both panes turned pink for one small stroke, the strip only the place left plain. The tint is light now, and
    a line marks the strip's edge."""
    rect = canvas.edited_rect()
    plain = from_qimage(canvas.grab().toImage())
    mask = np.ones((32, 32), np.float32)
    mask[12:20, 4:28] = 0.0  # erased
    canvas.set_mask_overlay(mask)
    canvas.show_mask(True)
    shot = from_qimage(canvas.grab().toImage()).astype(int)
    far = at(rect, 0.5, 0.1)
    g_plain, g_tinted = int(plain[far.y(), far.x(), 1]), shot[far.y(), far.x(), 1]
    opacity = (g_plain - g_tinted) / (g_plain - 40)  # the tint's green is 40
    assert 0.1 < opacity < 0.3  # tinted, but lightly (110 / 255 turned a picture pink)
    middle = at(rect, 0.5, 0.5)
    assert np.array_equal(shot[middle.y(), middle.x()], plain[middle.y(), middle.x()])  # the strip keeps its colours
    edge_y = rect.top() + rect.height() * 12 / 32
    column = shot[round(edge_y) - 3:round(edge_y) + 4, middle.x()]
    assert (column[:, 0] - column[:, 1] > 120).any() and (column.min(axis=1) > 225).any()  # red on white
    away = shot[at(rect, 0.5, 0.25).y(), middle.x()]
    assert away[0] - away[1] < 60  # the line is at the edge only


def test_with_the_brush_off_a_mask_shows_as_a_faint_outline_on_both_panes(canvas):
    """Once the brush was off nothing showed that a mask was there, and a slider then changed a strip only. A faint
    dashed line now marks its edge: lighter than the brush's line, and no tint."""
    plain = from_qimage(canvas.grab().toImage()).astype(int)
    mask = np.zeros((32, 32), np.float32)
    mask[:, :16] = 1.0  # its edge down the middle of each pane
    canvas.set_mask_overlay(mask)
    faint = from_qimage(canvas.grab().toImage()).astype(int)
    canvas.show_mask(True)
    brushing = from_qimage(canvas.grab().toImage()).astype(int)
    for name, rect in canvas.panes():
        middle, left = at(rect, 0.5, 0.5), at(rect, 0.25, 0.5)
        band = (slice(middle.y() - 20, middle.y() + 20), slice(middle.x() - 4, middle.x() + 5))

        def change(shot):
            return np.abs(shot[band] - plain[band]).sum(axis=2)
        assert change(faint).max() > 60, name  # the line is there, to be seen
        assert change(faint).sum() < change(brushing).sum() / 2, name  # ...and fainter than the brush's
        assert np.array_equal(faint[left.y(), left.x()], plain[left.y(), left.x()])  # no tint inside


def test_each_pane_shows_its_own_steps_mask_during_a_comparison(canvas):
    """During Compare A/B the current step's mask went on both panes, over a step without one too."""
    mask = np.zeros((32, 32), np.float32)
    mask[:, :16] = 1.0
    canvas.show_mask(True)
    canvas.set_mask_overlay(mask)
    on_both = from_qimage(canvas.grab().toImage())
    canvas.set_compared_masks((None, mask))
    shot = from_qimage(canvas.grab().toImage())
    original, edited = dict(canvas.panes())["original"], canvas.edited_rect()
    a, b = at(original, 0.25, 0.5), at(edited, 0.25, 0.5)
    assert canvas.overlay_for("original") is None and shot[a.y(), a.x(), 0] == 40  # A has no mask: untinted
    assert np.array_equal(shot[b.y(), b.x()], on_both[b.y(), b.x()])  # B has the mask
    canvas.set_compared_masks(None)
    assert np.array_equal(from_qimage(canvas.grab().toImage()), on_both)


@pytest.mark.parametrize("mode, grey", [(CompareMode.SPLIT, 40), (CompareMode.EDITED, 200)])
def test_a_fitted_pictures_caption_sits_above_it_not_over_its_top_edge(canvas, mode, grey):
    """In Split the caption ("Split: generated | edited") lay on a dark band over the picture's top edge: a picture
    fitted to the canvas's height leaves room above it for its caption."""
    canvas.set_mode(mode)
    [(name, rect)] = canvas.panes()
    box = canvas.label_box(rect, canvas.pane_label(name), dict(canvas.slots())[name])
    assert canvas.rect().contains(box.toRect()) and box.bottom() <= rect.top()
    shot = from_qimage(canvas.grab().toImage())
    right = min(box.right(), rect.left() + rect.width() * canvas.split - 2)  # Split: the left picture's part
    top_row = shot[int(np.ceil(rect.top())), int(box.left()) + 1:int(right)]
    assert (top_row == grey).all()  # the picture's own top edge under where the caption is, not a band
