"""`genimg train`'s options as a user types them: bundled models by name for --init and --latent-of (from any
folder), and the refusals of a mistake in what was typed said in its own terms, before the images load where they
can be (exit 2): a --set of the other kind, a network the --init model cannot start, a GAN given as --latent-of,
a --resume with another --holdout than the run's default; and --labels of one class counting the images it leaves
out."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from genimg_gui.catalog import BUNDLED_DIR, bundled_models
from genimg_gui.cli import main
from genimg_gui.holdout import HOLDOUT
from genimg_gui.train.settings import GAN_SETTINGS, VAE_SETTINGS
from test_conditional import squares
from train_helpers import TINY, make_shapes, restore_threads, train  # noqa: F401 - restore_threads is a fixture

ROOT = Path(__file__).resolve().parent.parent
# the README and the reference moved from it into docs/, read as one
README = "\n".join(doc.read_text(encoding="utf-8")
                   for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])
# a latent GAN small enough to train a step in seconds in emoji-vae's 4×16×16 latent space
TINY_LATENT_GAN = ["--set", "channels=[16,8,8]", "--set", "z_dim=16", "--set", "w_dim=16"]


def gan_run(data: Path, out: Path, *extra: str) -> int:
    return main(["train", "gan", str(data), "-o", str(out), "--steps", "1", "--batch-size", "8", "--threads", "1",
                 *extra])


@pytest.fixture
def elsewhere(tmp_path, monkeypatch) -> Path:
    """A working folder other than the repository's, as an installed genimg runs in: weights/ names nothing there."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_init_and_latent_of_take_the_bundled_models_by_name_from_any_folder(elsewhere, capsys):
    """`--init weights/emoji-gan --latent-of weights/emoji-vae` worked only from the repository's root, and the
    names were refused ("--init: emoji-gan does not exist"), where --vae and --gan take them."""
    data = make_shapes(elsewhere / "shapes", 12)
    assert gan_run(data, elsewhere / "g", "--latent-of", "emoji-vae", *TINY_LATENT_GAN) == 0
    card = json.loads((elsewhere / "g" / "card.json").read_text())
    assert card["training"]["options"]["extra"]["latent_of"] == str(BUNDLED_DIR / "emoji-vae")
    capsys.readouterr()
    # the README's fine-tune, as typed there, up to the model's card: a narrower network is refused (exit 2)
    example = "--init emoji-gan --latent-of emoji-vae"
    assert f"`{example}`" in README
    assert gan_run(data, elsewhere / "ft", *example.split(), "--set", "channels=[128,128,64]") == 2
    err = capsys.readouterr().err
    assert f"--init {BUNDLED_DIR / 'emoji-gan'} has channels (256, 128, 64): a run from it may widen them" in err
    names = ", ".join(e.name for e in bundled_models())
    for option, typo in (("--init", "emoji-gn"), ("--latent-of", "emoji-vea")):
        assert gan_run(data, elsewhere / "ft", option, typo) == 2
        assert (f"argument {option}: {typo} does not exist, and is not a bundled model's name ({names})"
                in capsys.readouterr().err)
    assert not (elsewhere / "ft").exists()


@pytest.mark.parametrize("kind, setting, said", [
    ("vae", "ema=2", f"ema is a GAN setting; `genimg train vae` takes {', '.join(VAE_SETTINGS)}"),
    ("vae", "r1_gamma=0.05", f"r1_gamma is a GAN setting; `genimg train vae` takes {', '.join(VAE_SETTINGS)}"),
    ("gan", "kl_weight=0.01", f"kl_weight is a VAE setting; `genimg train gan` takes {', '.join(GAN_SETTINGS)}"),
    ("vae", "chanels=[8]", f"chanels is not a setting; `genimg train vae` takes {', '.join(VAE_SETTINGS)}"),
])
def test_a_setting_of_the_other_kind_is_named_as_one(kind, setting, said, tmp_path, capsys):
    """"expected KEY=JSON with KEY one of …" to whoever typed KEY=JSON."""
    data = make_shapes(tmp_path / "shapes", 2)
    assert train(kind, data, tmp_path / "out", 1, "--set", setting) == 2
    err = capsys.readouterr().err
    assert f"genimg train: error: --set {setting!r}: {said}\n" in err and "expected KEY=JSON" not in err


@pytest.fixture(scope="module")
def small_gan(tmp_path_factory) -> tuple[Path, Path]:
    """(a data folder, a pixel GAN of channels (32, 16, 8, 8) trained a step on it)."""
    root = tmp_path_factory.mktemp("start")
    data = make_shapes(root / "shapes", 12)
    assert train("gan", data, root / "gan", 1) == 0
    return data, root / "gan"


@pytest.mark.parametrize("typed, said", [
    (["--set", "channels=[16,16,8,8]"], "has channels (32, 16, 8, 8): a run from it may widen them, not narrow them "
                                        "(16 < 32 at layer 1)"),
    (["--set", "channels=[64,32,16,4]"], "has channels (32, 16, 8, 8): a run from it may widen them, not narrow "
                                         "them (4 < 8 at layer 4)"),
    (["--set", "channels=[64,32,16]"], "has channels (32, 16, 8, 8): a run from it may widen them, keeping their 4 "
                                       "layers (this run has 3: (64, 32, 16))"),
    (["--set", "z_dim=32"], "has z_dim 16: a run from it keeps it (this run: 32); drop --set z_dim"),
], ids=["first", "last", "layers", "z_dim"])
def test_a_network_the_init_model_cannot_start_is_refused_before_the_images_load(typed, said, small_gan, tmp_path,
                                                                                capsys):
    """Growing narrower was refused once the images had loaded (exit 1), as "does not fit this run (channels: model
    (…), this run (…)); classes come from --labels, latent spaces from --latent-of", the rule unsaid."""
    data, start = small_gan
    assert main(["train", "gan", str(data), "-o", str(tmp_path / "out"), "--init", str(start), "--steps", "1",
                 "--threads", "1", *typed]) == 2
    err = capsys.readouterr().err
    assert f"genimg train: error: --init {start} {said}\n" in err
    assert "data: " not in err and "--labels" not in err and not (tmp_path / "out").exists()


def test_a_gan_given_as_latent_of_is_said_in_plain_words_with_its_vae(elsewhere, capsys):
    """"--latent-of my-gan holds a LatentGenerator": the network's class name."""
    data = make_shapes(elsewhere / "shapes", 12)
    assert gan_run(data, elsewhere / "my-gan", "--latent-of", "emoji-vae", *TINY_LATENT_GAN) == 0
    capsys.readouterr()
    vae = BUNDLED_DIR / "emoji-vae"
    assert gan_run(data, elsewhere / "out", "--latent-of", "my-gan") == 2
    err = capsys.readouterr().err
    assert ("--latent-of my-gan is a GAN (it draws in the latent space of the VAE emoji-vae): it must name a VAE "
            f"trained with `genimg train vae`, such as the one it draws in: --latent-of {vae}\n") in err
    # the bundled GAN's card records weights/emoji-vae, which names nothing here: the bundled VAE's name does
    assert gan_run(data, elsewhere / "out", "--latent-of", "emoji-gan") == 2
    err = capsys.readouterr().err
    assert "such as the one it draws in: --latent-of emoji-vae\n" in err
    assert "LatentGenerator" not in err and "holds a" not in err
    assert gan_run(data, elsewhere / "out", "--init", "emoji-gan") == 2
    assert "add --latent-of VAE_DIR (it was trained with emoji-vae)" in capsys.readouterr().err


def test_a_resume_with_another_holdout_than_the_default_says_it_was_the_default(tmp_path, capsys):
    """"the run was started with --holdout 512 (now: --holdout 5)" of a run whose log said "held out: 2 images",
    started without --holdout."""
    data, out = make_shapes(tmp_path / "shapes", 20), tmp_path / "vae"
    plain = ["train", "vae", str(data), "-o", str(out), "--batch-size", "8", "--resolution", "32", "--threads", "1",
             *TINY["vae"]]
    assert main([*plain, "--steps", "1"]) == 0
    assert "held out: 2 images for the figures" in capsys.readouterr().err
    assert main([*plain, "--steps", "2", "--resume", "--holdout", "5"]) == 2
    err = capsys.readouterr().err
    assert (f"the run was started with the default --holdout (at most {HOLDOUT}), which held out 2 images (now: "
            "--holdout 5); resume with the settings it was started with") in err
    assert f"--holdout {HOLDOUT}" not in err and "data: " not in err


def test_labels_of_one_class_count_the_images_they_leave_out(tmp_path, capsys):
    """"give 1 class for the images found" did not say that the images without a label are left out."""
    data = squares(tmp_path / "squares", per_class=4)
    images = sum(1 for f in data.rglob("*.png"))
    (tmp_path / "one.csv").write_text("file,kind\nred/square 1.png,red\n")
    assert main(["train", "gan", str(data), "-o", str(tmp_path / "g"), "--labels", str(tmp_path / "one.csv"),
                 "--label-column", "kind", "--steps", "1", "--resolution", "32", "--threads", "1"]) == 1
    assert (f"the labels (column 'kind' of {tmp_path / 'one.csv'}) give 1 class, 'red', to 1 of the {images} images "
            f"found (the other {images - 1}, without a label, would be left out); a conditional GAN needs at least 2 "
            "(or drop --labels)") in capsys.readouterr().err


def test_the_help_and_the_readme_name_the_folder_and_the_label_column_alike(capsys):
    """The README called the folder DIR and `train --help` data; the README refused "a --labels file without the
    --label-column", which defaults to label."""
    assert main(["train", "--help"]) == 0
    usage = " ".join(capsys.readouterr().out.split())
    assert "{vae,gan} DIR " in usage and " DIR folder of images" in usage and "{vae,gan} data" not in usage
    assert "genimg train vae|gan DIR -o" in README
    assert "a `--labels` file without the `--label-column`" not in README
    assert "a `--labels` file without its label column (the `--label-column`, `label` unless given)" in README


def test_the_train_dialog_names_its_start_from_field_for_a_model_folder_gone_before_start(qtbot, tmp_path):
    """--init refuses a folder that is not there with the command line ("argument --init: …" since it takes bundled
    names): the dialog still says it of its Start from field, not of the command line's option."""
    from genimg_gui.catalog import ModelEntry
    from genimg_gui.ui.train_dialog import TrainDialog
    from test_train_dialog import fill

    gone = tmp_path / "gone-vae"
    dialog = TrainDialog(models=[ModelEntry(str(gone), "gone-vae", "vae", {"architecture": "ConvVAE",
                                                                          "resolution": 32}, False)])
    qtbot.addWidget(dialog)
    fill(dialog, make_shapes(tmp_path / "shapes", 12), tmp_path / "vae", minutes=0.1)
    dialog.start_from.setCurrentIndex(dialog.start_from.findData(str(gone)))
    assert dialog.start_from.currentData() == str(gone)
    with qtbot.waitSignal(dialog.process.finished, timeout=60_000):
        dialog.start()
    assert f"argument --init: {gone} does not exist" in dialog.watch.log.toPlainText()
    assert dialog.watch.failure.text() == f"⚠ The run failed: Start from: {gone} does not exist"
