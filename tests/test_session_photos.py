"""A photo opened from a JPEG was autosaved as a PNG of its pixels, about 7 times the JPEG (60 photos open made a
337 MB autosave): now a picture as opened from a JPEG or WebP file is kept as a copy of that file's bytes, where
genimg's reader decodes the copy to the very pixels held (a photo turned by its EXIF, a CMYK one), and as a PNG
otherwise. The copy is the autosave's own: the user's file moved or deleted, the session still restores. Sessions
saved before, their pictures PNGs, restore as they did."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from genimg_gui import session as sess
from genimg_gui import session_pixels
from genimg_gui.edit import EditState
from genimg_gui.file_stamp import stamp_json, stamp_of
from genimg_gui.history import History
from genimg_gui.imaging import open_read
from genimg_gui.session_arrays import png_bytes

from session_helpers import _rewritten
from test_masked_edits import open_images, settle
from test_session_pictures import as_now, assert_restores, same_pixels, saved

ORIENTATION = 0x0112  # EXIF's tag; 6: shown turned a quarter clockwise


def photo_pixels(height: int, width: int, seed: int) -> np.ndarray:
    """Gradients and grain, as a photo has: a JPEG of it is far smaller than a PNG."""
    y, x = np.mgrid[0:height, 0:width]
    smooth = np.stack([x * 255 / width, y * 255 / height, (x + y) * 127 / (width + height) + 60], -1)
    grain = np.random.default_rng(seed).normal(0, 6, (height, width, 3))
    return np.clip(smooth + grain, 0, 255).astype(np.uint8)


@pytest.fixture()
def photos(tmp_path):
    """Three JPEGs: one upright, one turned by its EXIF, one in CMYK (each read otherwise than a plain decode)."""
    paths = [tmp_path / name for name in ("upright.jpg", "turned.jpg", "cmyk.jpg")]
    upright, turned, cmyk = (Image.fromarray(photo_pixels(600, 800, seed)) for seed in range(3))
    upright.save(paths[0], quality=90)
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    turned.save(paths[1], quality=90, exif=exif.tobytes())
    cmyk.convert("CMYK").save(paths[2], quality=90)
    return paths


def test_a_jpeg_opened_is_autosaved_as_a_copy_of_its_file_and_restores_bit_for_bit(qtbot, window, photos):
    window.autosaver.idle_ms = window.autosaver.max_wait_ms = 3_600_000  # only save_now autosaves
    items = open_images(qtbot, window, photos)
    for item in items:
        settle(qtbot, item)
    assert items[1].source.shape == (800, 600, 3)  # turned upright, as its EXIF says
    saver = window.autosaver
    saved(saver)
    folder = session_pixels.pictures_folder(saver.path)
    for item, path in zip(items, photos):
        kept = folder / session_pixels.file_name(item.source, True)
        assert kept.suffix == ".jpg" and kept.read_bytes() == path.read_bytes()
    # the whole autosave (session file and pictures) is the JPEGs' size and a little (the tiny VAE's 32-px fits,
    # latents, histories), where the PNGs of the pictures alone that it wrote before were above twice it
    autosave = saver.path.stat().st_size + sum(p.stat().st_size for p in folder.iterdir())
    jpegs = sum(p.stat().st_size for p in photos)
    pngs = sum(png_bytes(item.source).size for item in items)
    assert jpegs < autosave < jpegs * 1.1 and 2 * autosave < pngs
    pictured = as_now(items)
    for path in photos:
        path.unlink()  # the user's files gone: the autosave holds its own copies
    assert_restores(saver.path, pictured)


def session_of(source: np.ndarray, file) -> sess.Session:
    """A session of one picture with these pixels as opened, opened from file (a FileStamp, or None)."""
    fit = np.ascontiguousarray(source[:32, :32])
    history = History(EditState(np.zeros(4, np.float32), (0.0,)))
    return sess.Session([sess.SessionItem("vae", "photo", fit, fit, history, file=file, source=source)])


def _one_pixel_changed(path):
    pixels = np.array(open_read(path).image)
    pixels[0, 0] ^= 1
    return pixels, stamp_of(path)


def _file_changed_since(path):
    pixels, stamp = np.asarray(open_read(path).image), stamp_of(path)
    Image.fromarray(pixels).save(path, quality=50)  # the same picture, saved again: no longer the file opened
    return pixels, stamp


@pytest.mark.parametrize("opened", [_one_pixel_changed, _file_changed_since])
def test_a_picture_its_file_does_not_decode_to_is_kept_as_a_png(tmp_path, photos, opened):
    source, stamp = opened(photos[0])
    path = sess.save_session(session_of(source, stamp), tmp_path / "s.safetensors")
    kept = session_pixels.pictures_folder(path) / session_pixels.file_name(source, True)
    assert kept.suffix == ".png" and kept.is_file()
    assert same_pixels(sess.load_session(path).items[0].source, source)


def test_a_session_saved_before_keeps_its_pngs_and_restores(tmp_path, photos):
    source, stamp = np.asarray(open_read(photos[0]).image), stamp_of(photos[0])
    path = sess.save_session(session_of(source, None), tmp_path / "s.safetensors")

    def as_saved_before(doc: dict) -> None:  # every picture a PNG, the file it was opened from named
        doc["version"] = 2
        doc["items"][0]["file"] = stamp_json(stamp)
    _rewritten(path, as_saved_before)
    restored = sess.load_session(path)
    assert same_pixels(restored.items[0].source, source) and restored.items[0].file == stamp
    sess.save_session(restored, path)  # saved again: its PNG is there, and named as it is
    assert {p.suffix for p in session_pixels.pictures_folder(path).iterdir()} == {".png"}
    assert same_pixels(sess.load_session(path).items[0].source, source)


def test_a_copy_another_decoder_reads_otherwise_restores_as_it_reads_it(tmp_path, photos):
    source = np.asarray(open_read(photos[0]).image)
    path = sess.save_session(session_of(source, stamp_of(photos[0])), tmp_path / "s.safetensors")
    kept = session_pixels.pictures_folder(path) / session_pixels.file_name(source, True)
    assert kept.suffix == ".jpg"
    Image.fromarray(source).save(kept, "JPEG", quality=60)  # as a decoder of another Pillow might read it
    read_now = np.asarray(open_read(kept).image)
    assert not np.array_equal(read_now, source)
    restored = sess.load_session(path)  # the photo, not the item lost
    assert same_pixels(restored.items[0].source, read_now)
    assert session_pixels.file_name(restored.items[0].source, True) != kept.name  # named by its own content
