"""Preview strips of the image shown before stay, faint, until the new image's arrive (test_directions_ui); where
none will arrive (a latent that no longer fits its model's directions, previews turned off while they were on
their way) the faint ones went nowhere: the other image's thumbnails stayed under this image's sliders."""
from __future__ import annotations

from conftest import UI_TIMEOUT
from genimg_gui.ui import preview_controller


def test_faint_strips_go_when_no_strips_will_come_for_the_image_on_show(qtbot, window, image_files, monkeypatch):
    doc, sliders = window.document, window.sliders
    with qtbot.waitSignal(doc.item_added, timeout=UI_TIMEOUT):
        window.open_paths([str(image_files[0]), str(image_files[1])])
    qtbot.waitUntil(lambda: sum(item.kind == "vae" for item in doc.items.values()) == 2, timeout=UI_TIMEOUT)
    sliders.previews_box.setChecked(True)
    qtbot.waitUntil(lambda: sliders.strips and all(len(s.images) == 7 for s in sliders.strips), timeout=UI_TIMEOUT)
    other = next(item for item in doc.items.values() if item is not doc.current and item.kind == doc.current.kind)
    # the other image's latent does not fit the directions (a latent left from another model): no strips for it
    monkeypatch.setattr(preview_controller, "fits", lambda latent, directions: doc.current is not other)
    doc.select(other.id)
    assert not any(s.images for s in sliders.strips)  # known at once: none will come
    sliders.previews_box.setChecked(False)
    doc.select(next(item for item in doc.items.values() if item is not other and item.kind == "vae").id)
    assert not any(s.images for s in sliders.strips)  # turned off: none come for this one either
