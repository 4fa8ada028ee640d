"""Preview strips of the image shown before stay, faint, until the new image's arrive: clearing them moved every
row up by a strip, then back down as the new strips came. Where none will arrive (a latent that no longer fits its
model's directions, previews turned off) the faint ones went nowhere: the other image's thumbnails stayed under this
image's sliders."""
from __future__ import annotations

from conftest import UI_TIMEOUT
from genimg_gui.ui import preview_controller


def two_pictures_with_strips(qtbot, window, image_files):
    """Two pictures open, the current one's preview strips shown; returns the other picture's item."""
    doc, sliders = window.document, window.sliders
    with qtbot.waitSignal(doc.item_added, timeout=UI_TIMEOUT):
        window.open_paths([str(image_files[0]), str(image_files[1])])
    qtbot.waitUntil(lambda: sum(item.kind == "vae" for item in doc.items.values()) == 2, timeout=UI_TIMEOUT)
    sliders.previews_box.setChecked(True)
    qtbot.waitUntil(lambda: sliders.strips and all(len(s.images) == 7 for s in sliders.strips), timeout=UI_TIMEOUT)
    return next(item for item in doc.items.values() if item is not doc.current and item.kind == doc.current.kind)


def test_preview_strips_keep_their_place_faint_while_another_images_strips_come(qtbot, window, image_files):
    doc, sliders = window.document, window.sliders
    other = two_pictures_with_strips(qtbot, window, image_files)
    tops = [slider.y() for slider in sliders.sliders]
    doc.select(other.id)
    assert all(s.isVisible() and s.images and s.stale for s in sliders.strips)  # kept, faint
    sliders.scroll.widget().layout().activate()
    assert [slider.y() for slider in sliders.sliders] == tops  # no row moved
    qtbot.waitUntil(lambda: not any(s.stale for s in sliders.strips), timeout=UI_TIMEOUT)
    assert all(len(s.images) == 7 and s.isVisible() for s in sliders.strips)


def test_faint_strips_go_when_no_strips_will_come_for_the_image_on_show(qtbot, window, image_files, monkeypatch):
    doc, sliders = window.document, window.sliders
    other = two_pictures_with_strips(qtbot, window, image_files)
    # the other image's latent does not fit the directions (a latent left from another model): no strips for it
    monkeypatch.setattr(preview_controller, "fits", lambda latent, directions: doc.current is not other)
    doc.select(other.id)
    assert not any(s.images for s in sliders.strips)  # known at once: none will come
    sliders.previews_box.setChecked(False)
    doc.select(next(item for item in doc.items.values() if item is not other and item.kind == "vae").id)
    assert not any(s.images for s in sliders.strips)  # turned off: none come for this one either
