"""Large photos open: a 108-megapixel phone JPEG is decoded at 1/4 scale, an 81-megapixel PNG reduced as soon as
read, each no smaller than the app keeps a picture (2048 px a side). Both were refused as over 64 megapixels. The
window's engine, the command line and training read them through the one reader (imaging.open_read); the cap on
pixels decoded still refuses what is too large, and a bomb is refused from its header (here for JPEGs, which are
read reduced, and test_bad_input.py)."""
from __future__ import annotations

import shutil
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PIL.JpegImagePlugin import JpegImageFile

import foreign_builders as fb
from genimg_gui import imaging
from genimg_gui.cli import main
from genimg_gui.engine import requests as rq
from genimg_gui.imaging import ImageLoadError, open_read
from genimg_gui.recipe import RecipeError, _read_mask
from genimg_gui.train.data import load_folder

TIMEOUT = 30_000  # ms


def gradients(width: int, height: int) -> Image.Image:
    """Red grows from left to right, green from top to bottom; blue is flat. Made at full size in well under a second
    (no numpy array of the whole picture)."""
    down = Image.linear_gradient("L")  # 256 x 256, black at the top
    return Image.merge("RGB", (down.rotate(90).resize((width, height)), down.resize((width, height)),
                               Image.new("L", (width, height), 90)))


def assert_gradients(image: Image.Image) -> None:
    """The picture is the one gradients() drew, upright, whatever size it was read at."""
    a = np.asarray(image, np.float32)
    assert a[:, :8, 0].mean() < 30 and a[:, -8:, 0].mean() > 225  # red: dark at the left, bright at the right
    assert a[:8, :, 1].mean() < 30 and a[-8:, :, 1].mean() > 225  # green: dark at the top, bright at the bottom


@pytest.fixture(scope="module")
def phone_jpeg(tmp_path_factory) -> Path:
    """A 12000 x 9000 JPEG: 108 megapixels, as a phone's large mode writes."""
    path = tmp_path_factory.mktemp("photos") / "phone.jpg"
    gradients(12000, 9000).save(path, quality=80)
    return path


def test_a_108_megapixel_jpeg_opens_decoded_at_a_quarter_of_its_size(phone_jpeg):
    read = open_read(phone_jpeg)
    assert read.size == (12000, 9000) and read.note == ""
    assert read.image.size == (3000, 2250) and read.image.mode == "RGB"  # 1/4: the least that keeps 2048 px a side
    assert_gradients(read.image)


def test_a_larger_max_side_reads_a_jpeg_larger(phone_jpeg, monkeypatch):
    """GENIMG_MAX_SIDE above 2048 edits photos larger: they are read at least that large (1/2 here)."""
    monkeypatch.setenv("GENIMG_MAX_SIDE", "4000")
    assert open_read(phone_jpeg).image.size == (6000, 4500)


def test_the_cap_counts_the_pixels_decoded(phone_jpeg):
    """The 3000 x 2250 decoded are 6.75 megapixels: a cap above them opens the photo, one below refuses it, saying
    both sizes."""
    assert open_read(phone_jpeg, max_pixels=7_000_000).image.size == (3000, 2250)
    with pytest.raises(ImageLoadError) as refused:
        open_read(phone_jpeg, max_pixels=6_000_000)
    assert str(refused.value) == ("phone.jpg is 12000x9000, read at 3000x2250 = 6.75 megapixels, above the limit of "
                                  "6 megapixels; scale it down first, or raise the limit with GENIMG_MAX_PIXELS")


def test_an_81_megapixel_png_opens_reduced_as_soon_as_read(tmp_path):
    """The tester's 9000 x 9000 PNG ("81 megapixels, above the limit of 64 megapixels"); a PNG has no reduced
    decoding, so it is read whole (the cap's memory) and reduced by 4 at once: the copies after are small."""
    path = tmp_path / "huge.png"
    square = Image.new("L", (9000, 9000), 40)
    square.paste(230, (6000, 0, 9000, 3000))  # a bright top-right corner
    square.save(path, compress_level=1)
    read = open_read(path)
    assert read.size == (9000, 9000) and read.image.size == (2250, 2250)
    a = np.asarray(read.image)
    assert a[:700, -700:].min() == a[:700, -700:].max() == 230 and a[-700:, :700].max() == 40


def test_a_photo_turned_by_its_exif_is_read_reduced_and_upright(tmp_path):
    """A phone held upright writes its photo on its side, with an EXIF quarter turn: the size in the file is said
    upright, as the picture is shown."""
    path = tmp_path / "upright.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: turn a quarter clockwise to show it
    gradients(3000, 4800).transpose(Image.Transpose.ROTATE_90).save(path, quality=80, exif=exif)  # 4800 x 3000
    read = open_read(path)
    assert read.size == (3000, 4800) and read.image.size == (1500, 2400)
    assert_gradients(read.image)


def test_training_reads_a_large_photo_instead_of_skipping_it(phone_jpeg, tmp_path):
    shutil.copy(phone_jpeg, tmp_path / "phone.jpg")
    data = load_folder(tmp_path, 32)
    assert data.files == ["phone.jpg"] and data.skipped_files == {}


def test_the_command_line_encodes_a_large_photo_and_names_its_size(phone_jpeg, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GENIMG_MAX_SIDE", "64")
    taesd = fb.taesd_diffusers_file(tmp_path / "taesd.safetensors")
    assert main(["encode", str(phone_jpeg), "--vae", str(taesd), "-o", str(tmp_path / "out")]) == 0
    assert (f"genimg: note: {phone_jpeg} is 12000×9000: edited at 64×48 (at most 64 px a side, GENIMG_MAX_SIDE)"
            in capsys.readouterr().err)


def test_the_window_engine_encodes_a_large_photo(qtbot, vae_engine, phone_jpeg):
    got: list = []
    vae_engine.result.connect(got.append)
    vae_engine.failed.connect(got.append)
    vae_engine.submit(rq.EncodeFiles((str(phone_jpeg),)))
    qtbot.waitUntil(lambda: any(isinstance(r, (rq.Encoded, rq.Failed)) for r in got), timeout=TIMEOUT)
    [encoded] = [r for r in got if isinstance(r, rq.Encoded)]
    assert encoded.name == "phone.jpg" and encoded.original.shape == (32, 32, 3)
    assert encoded.source.shape == (1536, 2048, 3)  # kept at most 2048 px a side, for a switch to another VAE


def test_a_recipe_mask_over_the_cap_is_refused_before_it_is_decoded(tmp_path, monkeypatch):
    """Pillow's own guard now lets headers through up to 64 times the cap (a JPEG read at 1/8): a mask, which is
    read whole, is checked against the cap itself."""
    Image.new("L", (40, 30)).save(tmp_path / "edit.mask.png")
    monkeypatch.setattr(imaging, "MAX_PIXELS", 1000)
    with pytest.raises(RecipeError, match="edit.mask.png is 40x30 = 1,200 pixels, above the limit of 1,000 pixels"):
        _read_mask("edit.mask.png", tmp_path, "edit.json")


def jpeg_claiming(path: Path, size: tuple[int, int], progressive: bool = False, first_scan: int | None = None) -> Path:
    """A small real JPEG whose header claims size (width, height); first_scan: how many of its colours its first scan
    holds, where fewer than all (a JPEG stored in several scans). Nothing past the header is ever decoded from it."""
    gradients(512, 512).save(path, quality=80, progressive=progressive)
    data = bytearray(path.read_bytes())
    frame = data.index(b"\xff\xc2" if progressive else b"\xff\xc0")
    data[frame + 5:frame + 9] = size[1].to_bytes(2, "big") + size[0].to_bytes(2, "big")  # height, then width
    if first_scan is not None:
        data[data.index(b"\xff\xda") + 4] = first_scan
    path.write_bytes(bytes(data))
    return path


@pytest.fixture
def no_jpeg_decoded(monkeypatch):
    """A JPEG that is decoded fails the test at once: these are refused from their header (decoded, the 65500x65500
    progressive one would take 8.6 GB or more)."""
    def decoded(self):
        pytest.fail(f"{self.filename} was decoded")
    monkeypatch.setattr(JpegImageFile, "load", decoded)


@pytest.mark.parametrize("progressive, first_scan, kind", [
    (True, None, "a progressive JPEG, which is decoded whole"),
    (False, 1, "a JPEG stored in several scans, which is decoded whole")])
def test_a_jpeg_bomb_decoded_whole_is_refused_from_its_header(tmp_path, no_jpeg_decoded, progressive, first_scan,
                                                              kind):
    """libjpeg holds every coefficient of a progressive JPEG (or one whose first scan holds one colour) whatever the
    scale it is read at: its pixels in the file count against the cap, not those read at 1/8 (8188x8188 = 67
    megapixels here)."""
    bomb = jpeg_claiming(tmp_path / "bomb.jpg", (65500, 65500), progressive, first_scan)
    with pytest.raises(ImageLoadError) as refused:
        open_read(bomb)
    assert str(refused.value) == (f"bomb.jpg is 65500x65500 = 4,290 megapixels, above the limit of 150 megapixels "
                                  f"for {kind}; scale it down first, or raise the limit with GENIMG_MAX_PIXELS")


def test_a_jpeg_read_reduced_may_pass_the_cap_sixteen_times_in_its_file(tmp_path, no_jpeg_decoded):
    """A 200-megapixel phone photo opens (test_a_108_megapixel_jpeg_opens…); the largest header a JPEG can have does
    not, though it would be read at 1/8 within the cap."""
    with pytest.raises(ImageLoadError) as refused:
        open_read(jpeg_claiming(tmp_path / "huge.jpg", (65500, 65500)))
    assert str(refused.value) == ("huge.jpg is 65500x65500 = 4,290 megapixels, above the limit of 2,400 megapixels "
                                  "for a JPEG read reduced; scale it down first, or raise the limit with "
                                  "GENIMG_MAX_PIXELS")


@pytest.mark.parametrize("mode, values, grey", [("I", 30000, 117), ("F", 0.5, 1)])
def test_32_bit_and_float_pictures_are_reduced_before_they_are_scaled(tmp_path, mode, values, grey):
    """32-bit integer and float pictures were scaled whole in float64 copies (an 8000x8000 one peaked at 2.2 GB):
    now their range is read from the whole picture, then they are reduced, then scaled. The float one's one pixel of
    2.0, averaged away by the reduction, still sets its range to 0..255."""
    path = tmp_path / f"wide-{mode}.tif"
    picture = Image.new(mode, (4096, 1024), values)
    picture.putpixel((0, 0), 2.0 if mode == "F" else values)
    picture.save(path)
    tracemalloc.start()
    try:
        read = open_read(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert read.size == (4096, 1024) and read.image.size == (2048, 512)
    assert np.asarray(read.image).min() == np.asarray(read.image).max() == grey
    assert peak < 12_000_000  # numpy's copies: a 2048x512 float32 one is 4 MB; the whole picture's in float64, 32 MB
