"""`genimg train`'s data folder: files that are no images are skipped and named, a folder with none usable is
refused, model folders inside it are no training data, --mirror adds each training image's mirror, and fewer images
than --batch-size make a smaller batch, which the images/s, the card, `genimg info` and a GAN's EMA count."""
from __future__ import annotations

import pytest
import torch
from PIL import Image

from genimg_gui.catalog import read_entry
from genimg_gui.earlier_run import CHECKPOINT_FILE
from genimg_gui.cli import main
from genimg_gui.models.tensors import as_pixels
from genimg_gui.train import TrainError, loop
from genimg_gui.train.data import FolderData, batch_used, load_folder, recorded_split, with_mirrors
from genimg_gui.train.distributed import World
from genimg_gui.train.gan_recipe import default_ema
from genimg_gui.train.vae_recipe import VAERecipe
from genimg_gui.wording import listed

from train_helpers import TINY, make_shapes, strict_json, train
from train_helpers import data_dir, restore_threads  # noqa: F401 - fixtures, found by name


def test_skipped_files_are_named_on_stderr_the_first_ten_of_each_reason(tmp_path, capsys):
    data = make_shapes(tmp_path / "data", 12)
    for i in range(12):
        (data / f"bad {i:02}.png").write_bytes(b"")
    Image.new("RGB", (4, 4), "red").save(data / "more" / "tiny.png")
    assert train("vae", data, tmp_path / "out", 1) == 0
    err = capsys.readouterr().err
    assert f"data: 12 images from {data.resolve()}, 13 files skipped; device: " in err
    named = ", ".join(f"bad {i:02}.png" for i in range(10))
    assert f"\nskipped, not an image (the file is empty: 0 bytes): {named} and 2 more\n" in err
    assert "\nskipped, smaller than 16px: more/tiny.png\n" in err
    assert read_entry(tmp_path / "out").card["training"]["skipped"] == {
        "file is not an image (the file is empty: 0 bytes)": 12, "smaller than 16px": 1}


def test_skipped_files_are_said_in_encode_s_words_and_listed_as_encode_reads_a_folder(model_dir, tmp_path, capsys):
    """The log said "skipped, not an image: fake.jpg, zero.png" of a text file and an empty one, which encode tells
    apart, and listed cut1, cut10, cut11, cut2 where encode reads cut1, cut2, cut10, cut11."""
    data = make_shapes(tmp_path / "data", 12)
    (data / "zero.png").write_bytes(b"")
    (data / "fake.jpg").write_text("not a picture\n")
    whole = (data / "shape (2).png").read_bytes()
    for n in (11, 10, 2, 1):
        (data / f"cut{n}.png").write_bytes(whole[:len(whole) // 2])
    assert main(["encode", str(data), "--vae", str(model_dir / "tiny-vae"), "-o", str(tmp_path / "encoded")]) == 1
    said = [line.removeprefix(f"genimg: error: {data}/").split(" is ", 1)
            for line in capsys.readouterr().err.splitlines() if line.startswith("genimg: error: ")]
    assert [name for name, _ in said] == ["cut1.png", "cut2.png", "cut10.png", "cut11.png", "fake.jpg", "zero.png"]
    by_reason: dict[str, list[str]] = {}
    for name, reason in said:
        by_reason.setdefault(reason, []).append(name)
    assert train("vae", data, tmp_path / "out", 1) == 0
    err = capsys.readouterr().err
    for reason, names in by_reason.items():  # each reason in encode's words, its files in encode's order
        assert f"\nskipped, {reason}: {listed(names)}\n" in err
    assert "\nskipped, damaged or cut short (its end is missing): cut1.png, cut2.png, cut10.png and cut11.png\n" in err
    assert "\nskipped, not an image (it holds text): fake.jpg\n" in err


def test_a_folder_without_a_usable_image_names_the_files_skipped(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    (data / "bad.png").write_bytes(b"")
    assert train("vae", data, tmp_path / "out", 1) == 1
    assert (f"no usable images in {data.resolve()}, 1 file skipped:\nskipped, not an image (the file is empty: "
            "0 bytes): bad.png"
            in capsys.readouterr().err)


def test_links_named_as_images_that_lead_nowhere_are_counted_and_named_as_skipped(tmp_path, capsys):
    """broken.png -> /nonexistent and evil.png -> evil.png were passed over by the folder's walk unsaid: "12
    images, no file skipped", as if they were not there."""
    data = make_shapes(tmp_path / "data", 12)
    (data / "broken.png").symlink_to(tmp_path / "nonexistent")
    (data / "more" / "evil.png").symlink_to("evil.png")
    (data / "notes.txt").symlink_to(tmp_path / "nonexistent")  # no image by its name: no training data missed
    assert train("vae", data, tmp_path / "out", 1) == 0
    err = capsys.readouterr().err
    assert f"data: 12 images from {data.resolve()}, 2 files skipped; device: " in err
    assert "\nskipped, a link to a file that does not exist: broken.png\n" in err
    assert "\nskipped, a link that loops: more/evil.png\n" in err
    assert read_entry(tmp_path / "out").card["training"]["skipped"] == {
        "a link to a file that does not exist": 1, "a link that loops": 1}

    links = tmp_path / "links"  # nothing but links: said as a folder with no usable image, naming them
    links.mkdir()
    (links / "broken.png").symlink_to(tmp_path / "nonexistent")
    assert train("vae", links, tmp_path / "out2", 1) == 1
    assert (f"no usable images in {links.resolve()}, 1 file skipped:\nskipped, a link to a file that does not "
            "exist: broken.png" in capsys.readouterr().err)


@pytest.mark.parametrize("make, args, message, code", [  # code 1: the data failed; 2: a mistake in what was typed
    (lambda d: d.mkdir(), [], "holds no image files", 1),
    (lambda d: (d.mkdir(), (d / "bad.png").write_bytes(b"")), [], "no usable images", 1),
    (lambda d: make_shapes(d, 2), ["--set", "chanels=[8]"], "chanels is not a setting; `genimg train vae` takes", 2),
    (lambda d: make_shapes(d, 2), ["--set", "kl_weight=abc"], "is not JSON", 2),
    (lambda d: make_shapes(d, 2), ["--set", "kl_weight=[1]"], "kl_weight=[1]: a weight", 2),
    (lambda d: make_shapes(d, 2), ["--labels", "folders"], "--labels is for `genimg train gan`", 2),
    (lambda d: make_shapes(d, 2), ["--latent-of", "emoji-vae"], "--latent-of is for `genimg train gan`", 2),
    # a 1x1 latent grid: GroupNorm raised a ValueError, a traceback
    (lambda d: make_shapes(d, 2), ["--set", "channels=[8,8,8,8,8,8]"], "halve 32px too often", 2),
])
def test_unusable_input_is_a_clear_error(make, args, message, code, tmp_path, capsys):
    data = tmp_path / "data"
    make(data)
    assert train("vae", data, tmp_path / "out", 1, *args) == code
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize("make, message", [
    (lambda d: None, "{d} is not there: give a folder of images"),
    (lambda d: d.write_text("x"), "{d} is a file: give a folder of images"),
])
def test_a_data_folder_that_is_not_there_is_a_mistake_in_what_was_typed(make, message, tmp_path, capsys):
    data = tmp_path / "data"
    make(data)
    assert train("vae", data, tmp_path / "out", 1) == 2
    assert message.format(d=data) in capsys.readouterr().err


def test_model_folders_inside_the_data_folder_are_no_training_data(tmp_path, capsys):
    """`-o D/m2` trained on D/m1's samples.png, and a --resume of m1 on m2's: 16 images where D holds 15."""
    data = make_shapes(tmp_path / "data", 15)

    def run(out: str, *extra: str) -> int:
        return main(["train", "vae", str(data), "-o", str(data / out), "--steps", "1", "--batch-size", "8",
                     "--resolution", "32", "--threads", "1", *TINY["vae"], *extra])

    assert run("m1") == 0 and run("m2") == 0
    assert f"data: 15 images from {data.resolve()}, 1 model folder skipped (m1);" in capsys.readouterr().err
    assert run("m1", "--steps", "2", "--resume") == 0
    assert f"data: 15 images from {data.resolve()}, 1 model folder skipped (m2);" in capsys.readouterr().err
    (data / "runs" / "stopped").mkdir(parents=True)  # a run killed before it wrote its model: a checkpoint alone
    (data / "runs" / "stopped" / CHECKPOINT_FILE).write_bytes((data / "m2" / CHECKPOINT_FILE).read_bytes())
    Image.new("RGB", (32, 32), "red").save(data / "runs" / "stopped" / "samples.png")
    assert run("m3") == 0
    err = capsys.readouterr().err
    assert f"data: 15 images from {data.resolve()}, 3 model folders skipped (m1, m2 and runs/stopped);" in err
    assert strict_json(data / "m3" / "card.json")["training"]["images"] == 15


@pytest.mark.parametrize("out", [".", ".."], ids=["the data folder", "a folder holding it"])
def test_writing_the_model_into_the_data_folder_itself_is_refused(out, tmp_path, capsys):
    """-o D gave "D holds no image files" for a folder of 15: the run leaves its output folder out of the data."""
    data = make_shapes(tmp_path / "data", 15)
    assert main(["train", "vae", str(data), "-o", str(data / out), "--steps", "1"]) == 2
    err = capsys.readouterr().err
    assert "write the model to another folder, or to a sub-folder of the data" in err and "no image files" not in err
    assert not list(data.rglob("*.json")) and not list(data.rglob("*.pt"))  # refused before any work


def test_mirror_trains_an_epoch_on_each_training_image_and_its_mirror_and_never_on_held_out_ones(
        data_dir, tmp_path, monkeypatch, capsys):
    seen = []
    real_step = VAERecipe.step
    monkeypatch.setattr(VAERecipe, "step", lambda self, batch, step, labels=None: seen.append(batch.clone())
                        or real_step(self, batch, step, labels))
    assert train("vae", data_dir, tmp_path / "v", 9, "--mirror") == 0  # 36 training images, mirrored: 72, 9 batches
    assert "mirror: 36 training images and their left-right mirrors, 72 in all" in capsys.readouterr().err
    card = strict_json(tmp_path / "v" / "card.json")
    assert card["training"]["images"] == 40 and card["training"]["options"]["mirror"] is True
    data = load_folder(data_dir, 32)
    train_idx, held_idx = recorded_split(data, card)  # the folder's own split: mirroring leaves it as it was
    pixels = as_pixels(data.images.permute(0, 3, 1, 2))
    wanted = torch.cat([pixels[train_idx], pixels[train_idx].flip(3)])
    drawn = torch.cat(seen)
    assert len(drawn) == len(wanted) == 72
    key = lambda images: sorted(im.numpy().tobytes() for im in images)  # noqa: E731 - multiset of images
    assert key(drawn) == key(wanted)
    assert not set(key(drawn)) & set(key(pixels[held_idx]))


def test_mirror_keeps_each_label_with_its_image():
    images = torch.randint(0, 256, (4, 8, 8, 3), dtype=torch.uint8)
    data = FolderData(images, [f"{i}.png" for i in range(4)], labels=torch.tensor([0, 1, 2, 1]),
                      classes=("a", "b", "c"))
    pixels, labels, idx = with_mirrors(data, torch.tensor([2, 0, 3]))  # image 1 held out
    assert idx.tolist() == [2, 0, 3, 4, 5, 6]
    assert torch.equal(pixels[:4], images) and torch.equal(pixels[4:], images[[2, 0, 3]].flip(2))
    assert labels.tolist() == [0, 1, 2, 1, 2, 0, 1]


def test_fewer_images_than_the_batch_size_are_counted_as_the_batch_each_step_trains_on(tmp_path, monkeypatch,
                                                                                         capsys):
    """6 images at --batch-size 32: each step trained on the 6, and the log's images/s counted 32 a step (103 img/s
    where 19 were trained), the card recorded "batch_size": 32 and `genimg info` said "of 32 images"."""
    data, out = make_shapes(tmp_path / "six", 6), tmp_path / "vsix"
    trained, counted = [], []
    real_step, real_mark = VAERecipe.step, loop.Pace.mark
    monkeypatch.setattr(VAERecipe, "step", lambda self, batch, step, labels=None: trained.append(len(batch))
                        or real_step(self, batch, step, labels))
    # the images the progress line's images/s counts at each of its marks, beside those the steps trained on by then
    monkeypatch.setattr(loop.Pace, "mark", lambda self, images: counted.append((images, sum(trained)))
                        or real_mark(self, images))
    assert main(["train", "vae", str(data), "-o", str(out), "--steps", "3", "--batch-size", "32", "--holdout", "0",
                 "--resolution", "32", "--threads", "1", *TINY["vae"]]) == 0
    err = capsys.readouterr().err
    assert trained == [6, 6, 6]
    assert len(counted) > 1 and all(said == done for said, done in counted)  # (0, 0), then the first step's (6, 6)
    assert err.count("\nbatch: 6 images a step, all there are to train on (--batch-size 32 is more)\n") == 1
    training = strict_json(out / "card.json")["training"]
    assert (training["batch_size"], training["options"]["batch_size"]) == (6, 32)  # a --resume compares the 32
    assert main(["info", str(out)]) == 0
    assert "3 steps of 6 images (--batch-size 32 was more than the training images), " in capsys.readouterr().out


@pytest.mark.parametrize("images, mirror", [(6, []), (3, ["--mirror"])])
def test_a_gan_s_ema_decays_by_the_images_a_step_trains_on(images, mirror, tmp_path):
    """6 images (or 3 and their mirrors) at --batch-size 32: the generator EMA decayed 0.999 a step, as at 32 images
    a step, so it averaged over ~5 times fewer images than default_ema promises."""
    data, out = make_shapes(tmp_path / "few", images), tmp_path / "gsix"
    assert main(["train", "gan", str(data), "-o", str(out), "--steps", "1", "--batch-size", "32", "--holdout", "0",
                 "--resolution", "32", "--threads", "1", *mirror, *TINY["gan"]]) == 0
    card = strict_json(out / "card.json")
    assert card["training"]["batch_size"] == 6
    assert card["objective"]["ema"] == pytest.approx(default_ema(6)) == pytest.approx(0.999 ** (6 / 32))


def test_a_batch_the_images_cap_gives_every_process_an_equal_share():
    """Under torchrun each process trains on its share of the step's images: 5 images over 2 processes are 4 a
    step, 2 each, not 3 and 2; fewer images than processes leave one without any, which is refused."""
    assert batch_used(40, 32) == batch_used(40, 32, 2) == 32
    assert batch_used(6, 32) == 6
    assert batch_used(5, 8, 2) == 4
    assert [len(World(rank, 2).shard(torch.arange(batch_used(5, 8, 2)))) for rank in (0, 1)] == [2, 2]
    with pytest.raises(TrainError, match="1 training image cannot be shared by 2 processes"):
        batch_used(1, 8, 2)


def test_one_image_and_one_thread_are_said_in_the_singular(tmp_path, capsys):
    """"data: 1 images from …" in the log, and "cpu (x86_64, 1 threads)" in the card and `genimg info`."""
    data, out = make_shapes(tmp_path / "one", 1), tmp_path / "vone"
    assert main(["train", "vae", str(data), "-o", str(out), "--steps", "1", "--holdout", "0", "--resolution", "32",
                 "--threads", "1", *TINY["vae"]]) == 0
    assert f"data: 1 image from {data.resolve()}; device: cpu" in capsys.readouterr().err
    hardware = strict_json(out / "card.json")["training"]["hardware"]
    assert hardware.startswith("cpu (") and hardware.endswith(", 1 thread)")
    assert main(["info", str(out)]) == 0
    assert ", 1 thread)" in " ".join(capsys.readouterr().out.split())  # info wraps its long rows
