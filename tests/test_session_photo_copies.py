"""Nearly every camera photo is larger than the app keeps a picture (imaging.kept_side: read reduced, then scaled to
2048 px), and such a photo was still autosaved as a PNG of its pixels (a 1.56 MB 4032 × 3024 JPEG made a 4.3 MB
PNG), as was a picture opened from a PNG file (encoded again: larger than its file, and 0.7 s for a 2048-px one).
Now each is kept as a copy of its file where reading the copy the way the window read the file, at the side the
picture was held at, gives the very pixels held; that side is in the copy's name, so a restart with another
GENIMG_MAX_SIDE restores the picture at the size it had."""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw
from PIL.PngImagePlugin import PngInfo

from genimg_gui import session as sess
from genimg_gui import session_pixels
from genimg_gui.engine.spatial import kept_source
from genimg_gui.file_stamp import stamp_of
from genimg_gui.imaging import open_read

from test_masked_edits import open_images, settle
from test_session_photos import photo_pixels, session_of
from test_session_pictures import as_now, assert_restores, same_pixels, saved


def camera_photo(height: int, width: int, seed: int) -> Image.Image:
    """Gradients and grain, and a few shapes with sharp edges, as a photo has."""
    im = Image.fromarray(photo_pixels(height, width, seed))
    draw = ImageDraw.Draw(im)
    rng = np.random.default_rng(seed)
    for _ in range(12):
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        r = int(rng.integers(20, max(21, min(width, height) // 5)))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)((x - r, y - r, x + r, y + r), fill=colour)
    return im


def kept_file(saver, item):
    return session_pixels.pictures_folder(saver.path) / session_pixels.file_name(item.source, True)


def test_a_photo_larger_than_kept_is_autosaved_as_a_copy_and_restores_at_its_size(qtbot, window, tmp_path,
                                                                                  monkeypatch):
    path = tmp_path / "camera.jpg"
    camera_photo(1950, 2600, 0).save(path, quality=90)
    window.autosaver.idle_ms = window.autosaver.max_wait_ms = 3_600_000  # only save_now autosaves
    item, = open_images(qtbot, window, [path])
    settle(qtbot, item)
    assert item.source.shape == (1536, 2048, 3)  # read reduced: held at 2048 px
    saver = window.autosaver
    saved(saver)
    kept = kept_file(saver, item)
    assert kept.name.endswith(".2048.jpg") and kept.read_bytes() == path.read_bytes()
    pictured = as_now([item])
    path.unlink()
    assert_restores(saver.path, pictured)
    monkeypatch.setenv("GENIMG_MAX_SIDE", "4096")  # a restart that would read the file whole: held as it was
    assert_restores(saver.path, pictured)


def test_a_photo_held_whole_restores_whole_after_a_restart_that_keeps_less(tmp_path, monkeypatch):
    path = tmp_path / "camera.jpg"
    camera_photo(3072, 4096, 1).save(path, quality=90)
    monkeypatch.setenv("GENIMG_MAX_SIDE", "4096")
    source = np.asarray(open_read(path).image)
    assert source.shape == (3072, 4096, 3)
    saved_at = sess.save_session(session_of(source, stamp_of(path)), tmp_path / "s.safetensors")
    assert (session_pixels.pictures_folder(saved_at) / session_pixels.file_name(source, True)).suffix == ".jpg"
    monkeypatch.delenv("GENIMG_MAX_SIDE")  # a file read now at half its size: the copy still comes back whole
    assert same_pixels(sess.load_session(saved_at).items[0].source, source)


def test_a_picture_opened_from_a_png_is_autosaved_as_a_copy_of_its_file(qtbot, window, tmp_path):
    rgb, rgba = tmp_path / "scan.png", tmp_path / "cut-out.png"
    info = PngInfo()
    info.add_text("Software", "another app")  # a file of another app's own, not genimg's encoding
    camera_photo(700, 900, 2).save(rgb, compress_level=9, pnginfo=info)
    alpha = Image.linear_gradient("L").resize((500, 400))
    cut_out = camera_photo(400, 500, 3).convert("RGBA")
    cut_out.putalpha(alpha)
    cut_out.save(rgba)  # read composited on white: the copy reads back alike
    window.autosaver.idle_ms = window.autosaver.max_wait_ms = 3_600_000
    items = open_images(qtbot, window, [rgb, rgba])
    for item in items:
        settle(qtbot, item)
    saver = window.autosaver
    saved(saver)
    for item, path in zip(items, (rgb, rgba)):
        kept = kept_file(saver, item)
        assert kept.suffix == ".png" and kept.read_bytes() == path.read_bytes()
    pictured = as_now(items)
    rgb.unlink()
    rgba.unlink()
    assert_restores(saver.path, pictured)


def test_a_phone_photo_with_a_second_picture_in_it_is_kept_as_a_copy(tmp_path):
    path = tmp_path / "phone.jpg"  # an MPO, as many phones write: the photo, then a small second picture
    camera_photo(1500, 2600, 4).save(path, "MPO", save_all=True, append_images=[camera_photo(150, 260, 5)])
    source = kept_source(np.asarray(open_read(path).image), 512)  # as the window holds it
    saved_at = sess.save_session(session_of(source, stamp_of(path)), tmp_path / "s.safetensors")
    kept = session_pixels.pictures_folder(saved_at) / session_pixels.file_name(source, True)
    assert kept.name.endswith(".2048.jpg") and kept.read_bytes() == path.read_bytes()
    assert same_pixels(sess.load_session(saved_at).items[0].source, source)
