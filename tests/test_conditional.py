"""A GAN trained with labels (`genimg train gan DIR --labels ...`): the labels file, the conditional
networks, training that learns the classes, and picking a class in the CLI and the window."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw

from genimg_gui.cli import main
from genimg_gui.engine.runtime import Runtime
from genimg_gui.models.directions import load_directions
from genimg_gui.models.gan import Discriminator, Generator, sample_w, seed_class
from genimg_gui.models.mixtures import DRAWS, seed_stream
from genimg_gui.models.weights import load_model
from genimg_gui.seed_draws import SKIP_MIXTURES
from genimg_gui.train import TrainError
from genimg_gui.train.data import load_folder
from genimg_gui.train.labels import with_labels

from conftest import TINY_GAN, UI_TIMEOUT, make_model_folder, write_directions

COLOURS = {"red": (230, 30, 30), "blue": (30, 30, 230)}
TINY = ["--set", "channels=[32,16,8,8]", "--set", "z_dim=16", "--set", "w_dim=16"]


def squares(folder: Path, per_class: int = 24) -> Path:
    """Red and blue squares in sub-folders named by colour, and one picture at the top (no class)."""
    rng = np.random.default_rng(0)
    for name, colour in COLOURS.items():
        (folder / name).mkdir(parents=True)
        for i in range(per_class):
            im = Image.new("RGB", (32, 32), "white")
            x, y = (int(v) for v in rng.integers(0, 14, 2))
            ImageDraw.Draw(im).rectangle([x, y, x + 16, y + 16], fill=colour)
            im.save(folder / name / f"square {i}.png")
    Image.new("RGB", (32, 32), "green").save(folder / "loose.png")
    return folder


def train(data: Path, out: Path, steps: int, *extra: str) -> int:
    return main(["train", "gan", str(data), "-o", str(out), "--steps", str(steps), "--batch-size", "8",
                 "--resolution", "32", "--threads", "1", "--sample-every", "1000", *TINY, *extra])


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    return squares(tmp_path_factory.mktemp("squares"))


@pytest.fixture(scope="module")
def trained(data, tmp_path_factory) -> Path:
    """A tiny conditional GAN trained long enough to learn which class is which colour (about 10 s)."""
    out = tmp_path_factory.mktemp("cgan") / "gan"
    threads = torch.get_num_threads()
    assert train(data, out, 400, "--labels", "folders", "--lr", "0.001", "--holdout", "0") == 0
    torch.set_num_threads(threads)
    return out


def test_labels_from_sub_folders_leave_out_loose_images(data):
    labelled, unmatched = with_labels(load_folder(data, 32), "folders")
    assert labelled.classes == ("blue", "red") and len(labelled) == 48 and unmatched == 0
    assert labelled.skipped == {"without a label": 1}
    assert labelled.skipped_files == {"without a label": ["loose.png"]}  # named in the log
    assert all(f.split("/")[0] == labelled.classes[int(c)] for f, c in zip(labelled.files, labelled.labels))


def test_labels_from_a_csv_match_files_and_count_rows_that_match_none(data, tmp_path):
    rows = ["file,colour,other"] + [f"{c}/square {i}.png,{c.upper()},x" for c in COLOURS for i in range(10)]
    rows += ["gone.png,RED,x", "loose.png,,x"]  # a row for no image; a row without a label
    csv = tmp_path / "labels.csv"
    csv.write_text("\n".join(rows) + "\n")
    labelled, unmatched = with_labels(load_folder(data, 32), str(csv), "colour")
    assert labelled.classes == ("BLUE", "RED") and len(labelled) == 20
    assert labelled.skipped == {"without a label": 29} and unmatched == 1
    image_of = dict(zip(labelled.files, labelled.images))
    assert image_of["red/square 0.png"].float().mean((0, 1))[0] > 200  # the red square is labelled RED
    assert labelled.classes[int(labelled.labels[labelled.files.index("red/square 0.png")])] == "RED"


def test_rows_giving_a_file_different_labels_are_named_once_and_the_last_row_is_used(data, tmp_path, capsys):
    """A second row for a file with another label silently replaced the first."""
    rows = ["file,colour"] + [f"{c}/square {i}.png,{c}" for c in COLOURS for i in range(10)]
    rows += ["red/square 0.png,blue", "./red/square 1.png,blue", "red/square 2.png,red"]  # the last repeats its label
    csv = tmp_path / "labels.csv"
    csv.write_text("\n".join(rows) + "\n")
    assert train(data, tmp_path / "g", 1, "--labels", str(csv), "--label-column", "colour") == 0
    err = capsys.readouterr().err
    said = (f"{csv}: 2 files have more than one row with different labels; the last row is used: "
            "red/square 0.png (red, blue) and red/square 1.png (red, blue)\n")
    assert err.count(said) == 1 and err.count("more than one row") == 1
    warned = []
    rows += [f"blue/square {i}.png,red" for i in range(3)] + ["blue/square 3.png,"]
    csv.write_text("\n".join(rows) + "\n")
    labelled, _ = with_labels(load_folder(data, 32), str(csv), "colour", warn=warned.append)
    assert warned == [f"{csv}: 6 files have more than one row with different labels; the last row is used: "
                      "red/square 0.png (red, blue), red/square 1.png (red, blue), blue/square 0.png (blue, red) "
                      "and 3 more"]
    assert labelled.classes[int(labelled.labels[labelled.files.index("red/square 0.png")])] == "blue"


@pytest.mark.parametrize("written", [lambda data, f: f"./{f}", lambda data, f: str(data / f),
                                     lambda data, f: f.replace("/", "\\")], ids=["dot", "absolute", "backslash"])
def test_csv_rows_name_a_file_inside_the_folder_as_written_in_any_usual_way(written, data, tmp_path):
    rows = ["file,colour"] + [f"{written(data, f'{c}/square {i}.png')},{c}" for c in COLOURS for i in range(3)]
    (tmp_path / "labels.csv").write_text("\n".join(rows) + "\n")
    labelled, unmatched = with_labels(load_folder(data, 32), str(tmp_path / "labels.csv"), "colour")
    assert labelled.classes == ("blue", "red") and len(labelled) == 6 and unmatched == 0


def test_rows_that_name_no_image_are_counted_with_an_example_of_each_side(data, tmp_path):
    (tmp_path / "labels.csv").write_text("file,colour\nred/square 0.png,red\nsquares/blue 0.png,blue\n")
    with pytest.raises(TrainError) as refused:
        with_labels(load_folder(data, 32), str(tmp_path / "labels.csv"), "colour")
    assert (f"give 1 class, 'red', to 1 of the 49 images found (the other 48, without a label, would be left out): 1 "
            f"of its 2 rows name no image found in {data} (such as "
            f"'squares/blue 0.png', where the images are named like 'blue/square 0.png': paths relative to {data})"
            in str(refused.value))


def test_folders_without_sub_folders_say_where_the_images_must_sit(tmp_path):
    for i in range(3):
        Image.new("RGB", (32, 32), "red").save(tmp_path / f"{i}.png")
    with pytest.raises(TrainError, match="takes each image's class from its sub-folder of .*, but all 3 images "
                                         "found sit at its top level, none in a sub-folder: put the images of each "
                                         "class in a sub-folder of their own"):
        with_labels(load_folder(tmp_path, 32), "folders")


def test_folders_of_one_class_name_it_and_the_images_left_without_one(tmp_path, capsys):
    """It said only "the labels (sub-folders) give 1 class for the images found; a conditional GAN needs at least 2"."""
    for where in ("faces/happy", "faces/sad", "."):
        (tmp_path / "data" / where).mkdir(parents=True, exist_ok=True)
        for i in range(2):
            Image.new("RGB", (32, 32), "red").save(tmp_path / "data" / where / f"{i}.png")
    data = tmp_path / "data"
    assert train(data, tmp_path / "g", 1, "--labels", "folders") == 1
    assert (f"genimg train: error: --labels folders found 1 class, 'faces' (4 images: folders inside it, such as "
            f"'faces/happy', are part of its class), and 2 images at the top level of {data}, without a class; a "
            "conditional GAN needs at least 2: put the images of each class in a sub-folder of their own (cats/a.png, "
            "dogs/b.png), or drop --labels") in capsys.readouterr().err
    squares(tmp_path / "one", per_class=2)
    for image in (tmp_path / "one" / "blue").iterdir():
        image.unlink()
    (tmp_path / "one" / "loose.png").unlink()  # one class left, with no folder inside it, nothing at the top
    with pytest.raises(TrainError) as refused:
        with_labels(load_folder(tmp_path / "one", 32), "folders")
    assert str(refused.value).startswith("--labels folders found 1 class, 'red' (2 images); a conditional GAN needs")


@pytest.mark.parametrize("content, column, message", [
    ("file,colour\nred/square 0.png,red\n", "kind",
     "needs a column 'kind' (--label-column); its columns are: file, colour"),
    ("path,label\nred/square 0.png,red\n", "label", "needs a 'file' column"),
    ("file,label\nred/square 0.png,red\nred/square 1.png,red\n", "label",
     "give 1 class, 'red', to 2 of the 49 images found (the other 47, without a label, would be left out)"),
    ("file,label\nred/square 0.png,\n", "label", "give none of the 49 images found a class"),
    (b"\xff\xfe\x00bad", "label", "labels.csv is not a CSV text file: byte 0 is not UTF-8 text"),
])
def test_a_labels_file_that_cannot_serve_is_a_clear_error(content, column, message, data, tmp_path):
    csv = tmp_path / "labels.csv"
    (csv.write_bytes if isinstance(content, bytes) else csv.write_text)(content)
    with pytest.raises(TrainError, match=message.replace("(", r"\(").replace(")", r"\)")):
        with_labels(load_folder(data, 32), str(csv), column)


def test_the_command_refuses_labels_for_a_vae_and_reports_bad_ones(data, tmp_path, capsys):
    assert main(["train", "vae", str(data), "-o", str(tmp_path / "v"), "--labels", "folders"]) == 2
    assert "--labels is for `genimg train gan`" in capsys.readouterr().err
    assert train(data, tmp_path / "g", 1, "--labels", str(tmp_path / "missing.csv")) == 2  # before any work
    assert "missing.csv: no such file" in capsys.readouterr().err


def test_a_conditional_gan_learns_its_classes(trained):
    gan, card = load_model(trained)
    assert gan.cfg.classes == ("blue", "red") and card["config"]["classes"] == ["blue", "red"]
    assert card["training"]["skipped"] == {"without a label": 1}
    assert card["training"]["options"]["extra"]["class_counts"] == [24, 24]
    with torch.no_grad():
        red_minus_blue = [gan(torch.randn(64, 16), c=torch.full((64,), k)).mean((0, 2, 3)) for k in range(2)]
    redness = [float(m[0] - m[2]) for m in red_minus_blue]  # red channel minus blue channel, per class
    assert redness[1] - redness[0] > 0.3, redness  # the red class draws redder than the blue one


def test_truncation_pulls_towards_each_class_own_mean(trained):
    gan, _ = load_model(trained)
    z = torch.randn(4, 16)
    with torch.no_grad():
        for k in range(2):
            c = torch.full((4,), k)
            torch.testing.assert_close(gan.map(z, 0.0, c), gan.w_avg[k].expand(4, -1))
            torch.testing.assert_close(gan.w_avg[k], gan.map(torch.randn(4000, 16), 1.0, torch.full((4000,), k))
                                       .mean(0), atol=0.05, rtol=0.05)
    assert not torch.allclose(gan.w_avg[0], gan.w_avg[1])


def test_the_directions_are_centred_where_the_samples_are(trained):
    """The inversion prior and the typicality meter measure from the directions' mean: it must be the
    mean w of the samples (all classes), not of one class or zero."""
    gan, _ = load_model(trained)
    d = load_directions(trained, 16)
    share = gan.class_freq / gan.class_freq.sum()
    np.testing.assert_allclose(d.mean, (share[:, None] * gan.w_avg).sum(0).numpy(), atol=0.05)
    assert np.abs(d.mean).max() > 0.1


def test_a_conditional_run_resumes(data, tmp_path, capsys):
    out = tmp_path / "gan"
    assert train(data, out, 2, "--labels", "folders") == 0
    assert train(data, out, 3, "--labels", "folders", "--resume") == 0
    assert "resumed from step 2" in capsys.readouterr().err
    assert load_model(out)[1]["training"]["steps"] == 3


def test_the_log_counts_each_class_as_the_card_does_in_the_training_images(data, tmp_path, capsys):
    """The log counted the held-out images too ("blue 24, red 24"), the card's class_counts only training ones. The
    4 held out typed: given no --holdout, a pixel GAN trains on as few as these (holdout.spared_by_default)."""
    assert train(data, tmp_path / "gan", 1, "--labels", "folders", "--holdout", "4") == 0
    counts = load_model(tmp_path / "gan")[1]["training"]["options"]["extra"]["class_counts"]
    assert sum(counts) == 44  # 48 labelled images, 4 held out
    assert f"classes: blue {counts[0]}, red {counts[1]} (training images; 4 more held out)" in capsys.readouterr().err


def test_an_unconditional_run_goes_on_with_classes(data, tmp_path, capsys):
    """scripts/add_classes.py: an unconditional checkpoint becomes a conditional one that --resume continues."""
    import subprocess
    import sys

    assert train(data, tmp_path / "plain", 2) == 0
    script = Path(__file__).parents[1] / "scripts" / "add_classes.py"
    done = subprocess.run([sys.executable, str(script), str(tmp_path / "plain"), str(data), "--labels", "folders",
                           "-o", str(tmp_path / "classes")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "classes: blue 24, red 24" in done.stdout
    before, after = (torch.load(tmp_path / run / "checkpoint.pt", weights_only=True)["recipe"]
                     for run in ("plain", "classes"))
    for net in ("G", "G_ema", "D"):  # every trained weight carries over; the mapping's first layer grows
        for key, value in before[net].items():
            widened = after[net][key][:, :value.shape[1]] if key == "mapping.1.weight" else after[net][key]
            assert torch.equal(widened, value if key != "w_avg" else value.expand_as(widened)), (net, key)
    assert after["D"]["project.weight"].abs().max() == 0
    assert train(data, tmp_path / "classes", 3, "--labels", "folders", "--resume") == 0
    assert "resumed from step 2" in capsys.readouterr().err
    gan, card = load_model(tmp_path / "classes")
    assert gan.cfg.classes == ("blue", "red") and card["training"]["steps"] == 3


def test_seeds_draw_classes_as_often_as_the_data_holds_them():
    cfg = replace(TINY_GAN, classes=("a", "b", "c"))
    gen = Generator(cfg)
    gen.class_freq.copy_(torch.tensor([0.0, 3.0, 1.0]))
    drawn = torch.cat([seed_class(gen, s) for s in range(400)])
    assert seed_class(gen, 7) == seed_class(gen, 7) and 0 not in drawn
    assert 0.65 < float((drawn == 1).float().mean()) < 0.85
    assert seed_class(Generator(TINY_GAN), 7) is None


def test_the_projection_discriminator_starts_unconditional():
    cfg = replace(TINY_GAN, classes=("a", "b"))
    d, x = Discriminator(cfg), torch.randn(4, 3, 32, 32)
    torch.testing.assert_close(d(x, torch.tensor([0, 1, 0, 1])), d(x))
    with torch.no_grad():
        d.project.weight.normal_()
    assert not torch.allclose(d(x, torch.zeros(4, dtype=torch.long)), d(x, torch.ones(4, dtype=torch.long)))


@pytest.fixture(scope="module")
def conditional_dir(tmp_path_factory) -> Path:
    """A random-weight tiny GAN with three classes, saved as a model folder."""
    cfg = replace(TINY_GAN, classes=("cat", "dog", "fox"))
    torch.manual_seed(2)
    gen = Generator(cfg)
    with torch.no_grad():
        gen.w_avg.normal_()
    return write_directions(make_model_folder(tmp_path_factory.mktemp("models") / "tiny-cgan", gen, "tiny-cgan"))


def test_sampled_w_repeat_with_their_seed_classes_included(conditional_dir):
    """Directions estimated on load and the inversion's starting points draw w with sample_w: a conditional
    GAN's classes must come from the same seeded generator as z, not from torch's global state."""
    from genimg_gui.engine.loaded_model import estimate_directions

    gen, _ = load_model(conditional_dir)
    torch.manual_seed(1)
    a = sample_w(gen, 64, torch.Generator().manual_seed(4))
    torch.manual_seed(2)
    b = sample_w(gen, 64, torch.Generator().manual_seed(4))
    assert torch.equal(a, b)
    torch.manual_seed(3)
    first = estimate_directions(gen, "gan", lambda *_: None).basis
    torch.manual_seed(4)
    np.testing.assert_array_equal(first, estimate_directions(gen, "gan", lambda *_: None).basis)


def test_map_seed_takes_a_class_or_draws_the_seeds_own(conditional_dir, model_dir):
    rt = Runtime("cpu")
    rt.load(str(conditional_dir), lambda *_: None)
    ws = [rt.map_seed(5, 0.7, k) for k in range(3)]
    assert not np.allclose(ws[0], ws[1]) and not np.allclose(ws[1], ws[2])
    own = int(seed_class(rt.model("gan").net, 5))
    np.testing.assert_array_equal(rt.map_seed(5, 0.7), ws[own])
    with pytest.raises(ValueError, match="not one of this GAN's 3 classes"):
        rt.map_seed(5, 0.7, 3)
    # skipping mixtures keeps the class: the kept w is one of that class's draws from the seed's stream
    gen = rt.model("gan").net
    for k in (None, 0, 2):
        cls = own if k is None else k
        draws = gen.map(seed_stream(5, gen.cfg.z_dim), 0.7, torch.full((DRAWS,), cls)).numpy()
        w = rt.map_seed(5, 0.7, k, SKIP_MIXTURES)
        assert any(np.allclose(w, d, atol=1e-6) for d in draws)
    rt.load(str(model_dir / "tiny-gan"), lambda *_: None)
    with pytest.raises(ValueError, match="has no classes"):
        rt.map_seed(5, 0.7, 0)


def test_cli_generate_and_info_name_the_classes(conditional_dir, model_dir, tmp_path, capsys):
    for cls in ("dog", "FOX", "0"):
        assert main(["generate", "--gan", str(conditional_dir), "--seeds", "3", "--class", cls,
                     "-o", str(tmp_path / cls)]) == 0
    images = [np.asarray(Image.open(tmp_path / c / "seed0003.png")) for c in ("dog", "FOX", "0")]
    assert not np.array_equal(images[0], images[1]) and not np.array_equal(images[1], images[2])
    assert main(["info", str(conditional_dir)]) == 0
    assert "3, --class takes a name or an index: cat, dog and fox" in capsys.readouterr().out
    assert main(["generate", "--gan", str(conditional_dir), "--class", "owl", "-o", str(tmp_path / "x")]) == 2
    assert "has no class 'owl'; its classes are: cat, dog and fox; or give an index (0 … 2)" in capsys.readouterr().err
    assert main(["generate", "--gan", str(conditional_dir), "--class", "3", "-o", str(tmp_path / "x")]) == 2
    assert "has no class '3'; its classes are: cat, dog and fox; or give an index (0 … 2)" in capsys.readouterr().err
    assert main(["interpolate", "--gan", str(model_dir / "tiny-gan"), "--seeds", "1", "2", "--class", "cat",
                 "-o", str(tmp_path / "m.gif")]) == 2
    assert "was trained without --labels" in capsys.readouterr().err
    assert main(["interpolate", "--gan", str(conditional_dir), "--seeds", "1", "2", "--class", "fox",
                 "--frames", "3", "-o", str(tmp_path / "m.gif")]) == 0


def test_cli_class_a_number_naming_one_class_and_indexing_another_picks_the_name_and_says_so(tmp_path, capsys):
    """--class 1 picked the class named "1" (index 0) without a word, where index 1 was meant as often."""
    torch.manual_seed(2)
    numbered = Generator(replace(TINY_GAN, classes=("1", "2", "3")))
    gan = write_directions(make_model_folder(tmp_path / "numbered", numbered, "numbered"))
    assert main(["generate", "--gan", str(gan), "--seeds", "3", "--class", "1", "-o", str(tmp_path / "a")]) == 0
    assert "genimg: note: --class 1: the class named '1' (index 0), not index 1 ('2')" in capsys.readouterr().err
    assert main(["generate", "--gan", str(gan), "--seeds", "3", "--class", "0", "-o", str(tmp_path / "b")]) == 0
    assert "note" not in capsys.readouterr().err  # an index only: nothing to choose between


def test_the_generate_tab_offers_the_classes_of_a_conditional_gan(window, conditional_dir, qtbot, tmp_path):
    from genimg_gui.session import load_session, save_session

    panel, doc = window.gan_panel, window.document
    assert panel.form.isRowVisible(panel.gan_class) is False  # the tiny GAN has no classes
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        doc.load_model(str(conditional_dir))
    qtbot.waitUntil(lambda: doc.current is not None and doc.current.kind == "gan" and not doc.jobs, timeout=UI_TIMEOUT)
    assert panel.form.isRowVisible(panel.gan_class)
    assert [panel.gan_class.itemText(i) for i in range(4)] == ["Any (the seed's own)", "cat", "dog", "fox"]
    item = doc.current
    before = item.image.copy()
    panel.gan_class.setCurrentIndex(3)  # fox
    qtbot.waitUntil(lambda: item.gan_class == 2 and not np.array_equal(item.image, before), timeout=UI_TIMEOUT)
    path = save_session(doc.to_session(), tmp_path / "session.safetensors")
    assert [i.gan_class for i in load_session(path).items if i.kind == "gan"] == [2]


@pytest.fixture(scope="module")
def other_classes_dir(tmp_path_factory) -> Path:
    """A tiny GAN with other classes (cat, but no fox), saved as a model folder."""
    torch.manual_seed(3)
    gen = Generator(replace(TINY_GAN, classes=("bird", "cat")))
    return write_directions(make_model_folder(tmp_path_factory.mktemp("models") / "tiny-birds", gen, "tiny-birds"))


def test_a_switch_to_a_gan_without_a_samples_class_says_so_once(window, conditional_dir, other_classes_dir, qtbot):
    """A "fox" sample redrawn by a GAN with no fox was drawn in the seed's own class, and the status bar only said
    "Drawing your samples again with the new GAN (1)"; switching back brings the fox back, as the note says."""
    doc, panel = window.document, window.gan_panel
    messages: list[str] = []
    doc.message.connect(messages.append)

    def load(folder: Path) -> None:
        with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
            doc.load_model(str(folder))
        qtbot.waitUntil(lambda: not doc.carry.pending_any() and not doc.jobs, timeout=UI_TIMEOUT)

    load(conditional_dir)
    item = doc.current
    panel.gan_class.setCurrentIndex(3)  # fox
    qtbot.waitUntil(lambda: item.gan_class == 2, timeout=UI_TIMEOUT)
    messages.clear()
    load(other_classes_dir)
    note = f"{item.name} (fox): tiny-birds has no class fox; drawn in its own class — switch back to bring it back"
    assert sum(note in m for m in messages) == 1 and item.gan_class is None
    assert note in window.status.log.text()
    messages.clear()
    load(conditional_dir)
    assert item.gan_class == 2 and not any("switch back" in m for m in messages)


def test_many_samples_without_their_class_are_counted():
    from genimg_gui.ui.switch_notes import classes_lost_note

    lost = [("seed 1", ["fox"]), ("seed 2", ["owl", "fox"]), ("seed 3", ["eel", "yak"])]
    assert classes_lost_note(lost, "tiny-birds", ("bird", "cat")) == (
        "3 samples (fox, owl, eel and yak): tiny-birds has no such class; each drawn in its own — switch back to "
        "bring them back")
    assert classes_lost_note(lost[:1], "tiny-gan", ()) == (
        "seed 1 (fox): tiny-gan has no classes; drawn without one — switch back to bring it back")
    assert classes_lost_note([], "tiny-gan", ()) is None
