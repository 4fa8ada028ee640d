"""Reading user images: every mode to upright 8-bit RGB, and every bad file to an ImageLoadError."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from genimg_gui.data_folder import DataFolderWalk, count_images
from genimg_gui.file_damage import holds_text
from genimg_gui.image_files import list_images
from genimg_gui.imaging import (Fit, ImageLoadError, fit_square, image_grid, load_fitted, open_image, open_noted,
                                save_png)


def rgb(im: Image.Image) -> np.ndarray:
    assert im.mode == "RGB"
    return np.asarray(im)


def test_rgba_is_composited_on_white(tmp_path):
    arr = np.zeros((10, 12, 4), np.uint8)
    arr[..., 0] = 255                 # red everywhere
    arr[:, :6, 3] = 255               # left half opaque, right half fully transparent
    arr[:, 6:, 3] = 0
    Image.fromarray(arr, "RGBA").save(tmp_path / "a.png")
    out = rgb(open_image(tmp_path / "a.png"))
    assert out.shape == (10, 12, 3)
    assert (out[:, :6] == (255, 0, 0)).all() and (out[:, 6:] == 255).all()


def test_palette_transparency_is_composited_on_white(tmp_path):
    im = Image.new("P", (8, 8), 1)
    im.putpalette([0, 0, 255] + [0, 255, 0] + [0, 0, 0] * 254)
    im.paste(0, (0, 0, 4, 8))          # left half: index 0 (blue), made transparent below
    im.save(tmp_path / "p.png", transparency=0)
    out = rgb(open_image(tmp_path / "p.png"))
    assert (out[:, :4] == 255).all() and (out[:, 4:] == (0, 255, 0)).all()


def test_16_bit_grey_is_scaled_to_8_bit(tmp_path):
    arr = np.array([[0, 32768, 65535]], np.uint16).repeat(3, axis=0)
    Image.fromarray(arr).save(tmp_path / "deep.png")
    with Image.open(tmp_path / "deep.png") as im:
        assert im.mode.startswith("I")  # really read back as 16-bit
    out = rgb(open_image(tmp_path / "deep.png"))
    assert out.shape == (3, 3, 3)
    np.testing.assert_array_equal(out[0, :, 0], [0, 128, 255])


def test_grey_becomes_equal_channels(tmp_path):
    arr = np.arange(0, 250, 10, np.uint8).reshape(5, 5)
    Image.fromarray(arr, "L").save(tmp_path / "g.png")
    out = rgb(open_image(tmp_path / "g.png"))
    assert (out == arr[..., None]).all()


def test_cmyk(tmp_path):
    im = Image.new("CMYK", (9, 7), (0, 0, 0, 0))        # no ink: white
    im.paste((0, 255, 255, 0), (0, 0, 4, 7))            # magenta + yellow: red
    im.save(tmp_path / "c.tif")
    out = rgb(open_image(tmp_path / "c.tif"))
    assert out.shape == (7, 9, 3)
    assert (out[:, 5:] == 255).all() and (out[:, :4] == (255, 0, 0)).all()


def test_gif_first_frame(tmp_path):
    frames = [Image.new("RGB", (6, 5), c) for c in ((255, 0, 0), (0, 0, 255), (0, 255, 0))]
    frames[0].save(tmp_path / "anim.gif", save_all=True, append_images=frames[1:], duration=50, loop=0)
    with Image.open(tmp_path / "anim.gif") as im:
        assert im.n_frames == 3
    out = rgb(open_image(tmp_path / "anim.gif"))
    assert out.shape == (5, 6, 3) and (out == (255, 0, 0)).all()


@pytest.mark.parametrize("fmt, name, note", [
    ("GIF", "anim.gif", "anim.gif is an animation of 3 frames: its first frame was opened"),
    ("WEBP", "anim.webp", "anim.webp is an animation of 3 frames: its first frame was opened"),
    ("PNG", "anim.png", "anim.png is an animation of 3 frames: its first frame was opened"),  # APNG
    ("TIFF", "pages.tif", ""),  # pages, not frames
    ("MPO", "phone.jpg", ""),   # a phone's multi-picture JPEG: its first picture is the photo
])
def test_an_animation_is_noted_when_its_first_frame_is_opened(tmp_path, fmt, name, note):
    frames = [Image.new("RGB", (6, 5), c) for c in ((255, 0, 0), (0, 0, 255), (0, 255, 0))]
    frames[0].save(tmp_path / name, fmt, save_all=True, append_images=frames[1:])
    image, said = open_noted(tmp_path / name)
    assert said == note and np.abs(rgb(image).astype(int) - (255, 0, 0)).max() <= 2
    frames[0].save(tmp_path / f"still-{name}", fmt)
    assert open_noted(tmp_path / f"still-{name}")[1] == ""


def test_exif_orientation_is_honoured(tmp_path):
    arr = np.zeros((20, 40, 3), np.uint8)
    arr[:, :20] = (255, 0, 0)   # stored: left half red,
    arr[:, 20:] = (0, 0, 255)   # right half blue
    exif = Image.Exif()
    exif[0x0112] = 6             # "rotate 90° clockwise to display"
    Image.fromarray(arr).save(tmp_path / "phone.jpg", exif=exif, quality=95)
    out = rgb(open_image(tmp_path / "phone.jpg")).astype(int)
    assert out.shape == (40, 20, 3)                  # upright: portrait
    top, bottom = out[:15].mean((0, 1)), out[25:].mean((0, 1))
    assert top[0] > 200 and top[2] < 60              # the stored left edge is now the top
    assert bottom[2] > 200 and bottom[0] < 60


def test_fit_square_crop_and_letterbox():
    im = Image.new("RGB", (40, 20), (0, 0, 0))
    crop = rgb(fit_square(im, 16, Fit.CROP))
    box = rgb(fit_square(im, 16, Fit.LETTERBOX))
    assert crop.shape == box.shape == (16, 16, 3)
    assert (crop == 0).all()                              # crop keeps the centre: all black
    assert (box[:3] == 255).all() and (box[-3:] == 255).all()  # letterbox pads top and bottom with white
    assert (box[6:10] == 0).all()
    tall = rgb(fit_square(Image.new("RGB", (10, 30), (0, 0, 0)), 12, Fit.LETTERBOX))
    assert (tall[:, :3] == 255).all() and (tall[:, 5:7] == 0).all()  # pads left and right


def test_load_fitted(tmp_path):
    Image.new("RGBA", (30, 50), (10, 20, 30, 255)).save(tmp_path / "x.png")
    out = load_fitted(tmp_path / "x.png", 32, Fit.LETTERBOX)
    assert out.shape == (32, 32, 3) and out.dtype == np.uint8
    assert (out[16, 16] == (10, 20, 30)).all() and (out[16, 0] == 255).all()


def _truncated_png(path):
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (64, 64, 3), np.uint8)).save(path)
    path.write_bytes(path.read_bytes()[:400])


def _truncated_jpeg(path):
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (64, 64, 3), np.uint8)).save(path)
    path.write_bytes(path.read_bytes()[:800])


@pytest.mark.parametrize("make, expected", [
    (lambda p: p.write_bytes(np.random.default_rng(1).bytes(300)), "is not an image in a format genimg reads"),
    (lambda p: p.write_bytes(b""), r"is not an image \(the file is empty"),
    (lambda p: p.write_text("this is just some text, not a picture\n"), r"is not an image \(it holds text\)"),
    (_truncated_png, r"is damaged or cut short \(its end is missing\)"),
    (_truncated_jpeg, r"is damaged or cut short \(its end is missing\)"),
    (lambda p: p.mkdir(), "is a folder, not an image"),
    (lambda p: None, "does not exist"),
], ids=["corrupt", "zero-bytes", "text-as-png", "truncated-png", "truncated-jpeg", "folder", "missing"])
def test_bad_files_raise_image_load_error(tmp_path, make, expected):
    path = tmp_path / "bad.png"
    make(path)
    with pytest.raises(ImageLoadError, match=expected) as err:
        open_image(path)
    assert "bad.png" in str(err.value)   # the message names the file


def test_over_the_pixel_cap(tmp_path):
    Image.new("RGB", (30, 20)).save(tmp_path / "big.png")
    assert open_image(tmp_path / "big.png", max_pixels=600).size == (30, 20)
    with pytest.raises(ImageLoadError, match="big.png is 30x20"):
        open_image(tmp_path / "big.png", max_pixels=599)


def test_save_png_scale_grid_and_listing(tmp_path):
    a = np.zeros((4, 4, 3), np.uint8)
    (tmp_path / "sub").mkdir()
    save_png(a, tmp_path / "sub" / "x.png", scale=3)
    with Image.open(tmp_path / "sub" / "x.png") as im:
        assert im.size == (12, 12)
    (tmp_path / "sub" / "notes.txt").write_text("x")
    assert list_images(tmp_path) == [tmp_path / "sub" / "x.png"]
    grid = image_grid([a, a, a], columns=2)
    assert grid.shape == (8, 8, 3) and (grid[4:, 4:] == 255).all() and (grid[:4] == 0).all()


def test_count_images_counts_as_list_images_does_up_to_enough_and_gives_up_on_a_big_tree(tmp_path):
    """The Train… dialog counts on the UI thread: a folder like ~ must not keep it waiting."""
    (tmp_path / "sub").mkdir()
    for i in range(5):
        Image.new("RGB", (4, 4)).save(tmp_path / ("sub" if i % 2 else ".") / f"{i}.png")
    (tmp_path / "notes.txt").write_text("not an image")
    assert count_images(tmp_path, enough=10) == len(list_images(tmp_path)) == 5
    assert count_images(tmp_path, enough=3) == 3
    assert count_images(tmp_path, enough=10, look_at=2) is None


def test_one_walk_finds_the_images_and_the_model_folders_a_run_leaves_out(tmp_path):
    """Nested model folders and the run's own output folder, as the three walks train/data.py made found them."""
    def holding(folder, *names):
        folder.mkdir(parents=True, exist_ok=True)
        for name in names:
            (folder / name).write_text("x")
    holding(tmp_path, "a.png", "card.json", "model.safetensors")  # the data folder itself is never a model folder
    holding(tmp_path / "sub", "b.JPG", ".png", "notes.txt")
    holding(tmp_path / "m1", "card.json", "model.safetensors", "samples.png")
    holding(tmp_path / "m1" / "inner", "checkpoint.pt", "samples.png")
    holding(tmp_path / "card_only", "card.json", "c.png")  # no weights, no checkpoint: data
    holding(tmp_path / "out", "checkpoint.pt", "samples.png")
    (tmp_path / "sub" / "link.png").symlink_to(tmp_path / "out" / "samples.png")
    walk = DataFolderWalk(tmp_path, exclude=tmp_path / "out")
    assert sorted(walk.images()) == [tmp_path / "a.png", tmp_path / "card_only" / "c.png", tmp_path / "sub" / "b.JPG"]
    assert sorted(walk.model_folders) == [tmp_path / "m1", tmp_path / "m1" / "inner"]
    assert count_images(tmp_path, enough=10) == 4  # with out/ and the link into it, which only a run leaves out


@pytest.mark.parametrize("cut_at", [511, 4095])
def test_a_long_text_file_is_text_wherever_the_look_stops_in_a_character(tmp_path, cut_at):
    """A text of accented words whose 'é' straddles byte 512 (where the image check stopped looking) or 4,096 (the
    model-file check) was "not an image in a format genimg reads" and not text to the model check: each had its own
    rule. Now both ask file_damage.is_text."""
    path = tmp_path / "notes.png"
    path.write_bytes(b"a" * cut_at + "é café\n".encode() * 50)
    with pytest.raises(ImageLoadError, match=r"is not an image \(it holds text\)"):
        open_image(path)
    assert holds_text(path)
