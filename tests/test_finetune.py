"""`genimg train ... --init MODEL_DIR`: a run starts from a model folder's weights (fine-tuning)."""
from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from genimg_gui.cli import main
from genimg_gui.models.gan import Generator
from genimg_gui.models.vae import ConvVAE
from genimg_gui.models.weights import load_model, read_card
from genimg_gui.train import gan_recipe
from genimg_gui.train.finetune import DISCRIMINATOR_NAME, widened, without_classes
from genimg_gui.ui.model_panel import ModelPanel
from test_conditional import squares
from train_helpers import make_shapes, restore_threads, train  # noqa: F401 - restore_threads is a fixture

from conftest import TINY_GAN, TINY_VAE, make_model_folder

# a learning rate so small that a step leaves every weight as it was, to within float rounding
STILL = ["--lr", "1e-12"]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return make_shapes(tmp_path_factory.mktemp("shapes"), 24)


@pytest.fixture(scope="module")
def trained(data_dir, tmp_path_factory) -> dict[str, Path]:
    """A VAE and a GAN of two steps each: the models the tests start from."""
    root, threads = tmp_path_factory.mktemp("start"), torch.get_num_threads()
    for kind in ("vae", "gan"):
        assert train(kind, data_dir, root / kind, 2, "--seed", "5") == 0
    torch.set_num_threads(threads)  # --threads 1 set it for the whole process
    return {kind: root / kind for kind in ("vae", "gan")}


def weights(folder: Path, name: str = "model.safetensors") -> dict[str, torch.Tensor]:
    return load_file(str(folder / name))


def assert_same(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor], atol: float = 1e-6) -> None:
    assert a.keys() == b.keys()
    for key in a:
        torch.testing.assert_close(a[key].float(), b[key].float(), atol=atol, rtol=0, msg=key)


def assert_moved(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> None:
    """Some weight differs between the two states: the network trained."""
    assert max((a[key] - b[key]).abs().max() for key in a) > 0


def init_run(kind: str, data: Path, out: Path, start: Path, steps: int, *extra: str) -> int:
    """A run started from `start`, without --set or --resolution: they must come from the model folder."""
    return main(["train", kind, str(data), "-o", str(out), "--init", str(start), "--steps", str(steps),
                 "--batch-size", "8", "--holdout", "8", "--threads", "1", *extra])


@pytest.mark.parametrize("kind", ["vae", "gan"])
def test_init_starts_from_the_model_folder_and_the_card_says_so(kind, trained, data_dir, tmp_path, capsys):
    out = tmp_path / kind
    assert init_run(kind, data_dir, out, trained[kind], 1, *STILL) == 0
    assert "starting from" in capsys.readouterr().err
    assert_same(weights(out), weights(trained[kind]))
    assert load_model(out)[1]["training"]["started_from"]["steps"] == 2
    assert train(kind, data_dir, tmp_path / "scratch", 1, *STILL) == 0  # the same run without --init differs
    assert not torch.equal(next(iter(weights(tmp_path / "scratch").values())), next(iter(weights(out).values())))


def test_a_gan_folder_keeps_its_discriminator_in_half_precision_and_init_loads_it(trained, data_dir, tmp_path,
                                                                                   capsys):
    saved = weights(trained["gan"], DISCRIMINATOR_NAME)
    assert {t.dtype for t in saved.values()} == {torch.float16}
    assert init_run("gan", data_dir, tmp_path / "gan", trained["gan"], 1, *STILL) == 0
    assert "its generator and discriminator" in capsys.readouterr().err
    assert_same(weights(tmp_path / "gan", DISCRIMINATOR_NAME), saved, atol=0)


def test_without_a_discriminator_a_fresh_one_trains_alone_first(trained, data_dir, tmp_path, monkeypatch, capsys):
    start = tmp_path / "no-d"
    start.mkdir()
    for name in ("model.safetensors", "card.json"):
        (start / name).write_bytes((trained["gan"] / name).read_bytes())
    monkeypatch.setattr(gan_recipe, "D_WARMUP_STEPS", 2)
    assert init_run("gan", data_dir, tmp_path / "warm", start, 2) == 0
    assert "kept no discriminator; the discriminator trains alone for the first 2 steps" in capsys.readouterr().err
    assert_same(weights(tmp_path / "warm"), weights(start), atol=0)  # two steps, and the generator never moved
    assert init_run("gan", data_dir, tmp_path / "on", start, 3) == 0  # the third step trains it
    assert_moved(weights(tmp_path / "on"), weights(start))


def test_a_run_stopped_during_the_solo_steps_resumes_them(trained, data_dir, tmp_path, capsys):
    """Were they forgotten on --resume, the generator would follow a half-trained discriminator's noise."""
    out = tmp_path / "solo"
    assert init_run("gan", data_dir, out, trained["gan"], 2, "--set", "d_warmup=3") == 0
    assert init_run("gan", data_dir, out, trained["gan"], 3, "--resume") == 0  # step 3: still alone
    assert "resumed from step 2" in capsys.readouterr().err
    assert_same(weights(out), weights(trained["gan"]), atol=0)
    assert init_run("gan", data_dir, out, trained["gan"], 4, "--resume") == 0  # step 4: the generator joins in
    assert_moved(weights(out), weights(trained["gan"]))


def test_d_warmup_sets_the_solo_steps_also_for_a_kept_discriminator(trained, data_dir, tmp_path, capsys):
    assert init_run("gan", data_dir, tmp_path / "solo", trained["gan"], 2, "--set", "d_warmup=2") == 0
    solo = "generator and discriminator; the discriminator trains alone for the first 2 steps"
    assert solo in capsys.readouterr().err
    assert_same(weights(tmp_path / "solo"), weights(trained["gan"]), atol=0)
    before, after = weights(trained["gan"], DISCRIMINATOR_NAME), weights(tmp_path / "solo", DISCRIMINATOR_NAME)
    assert any(not torch.equal(before[k], after[k]) for k in before)  # the discriminator did train
    assert init_run("gan", data_dir, tmp_path / "bad", trained["gan"], 1, "--set", "d_warmup=-1") == 2
    assert "d_warmup=-1: a number of steps" in capsys.readouterr().err


def test_a_resumed_init_run_continues_its_checkpoint_and_keeps_its_origin(trained, data_dir, tmp_path, capsys):
    out = tmp_path / "gan"
    assert init_run("gan", data_dir, out, trained["gan"], 1) == 0
    assert init_run("gan", data_dir, out, trained["gan"], 2, "--resume") == 0
    assert "resumed from step 1" in capsys.readouterr().err
    card = load_model(out)[1]
    assert card["training"]["steps"] == 2 and card["training"]["started_from"]["steps"] == 2


@pytest.mark.parametrize("kind", ["vae", "gan"])
def test_a_run_from_init_resumes_with_a_plain_resume(kind, trained, data_dir, tmp_path, capsys):
    """--resume alone was refused, naming --set values the user never typed (the start model's, on the card)."""
    out = tmp_path / "run"
    assert init_run(kind, data_dir, out, trained[kind], 1) == 0
    capsys.readouterr()
    assert main(["train", kind, str(data_dir), "-o", str(out), "--resume", "--steps", "2", "--batch-size", "8",
                 "--holdout", "8", "--threads", "1"]) == 0  # no --init, --set or --resolution: the card's
    assert "resumed from step 1" in capsys.readouterr().err
    assert load_model(out)[1]["training"]["steps"] == 2


def test_info_names_the_vae_a_latent_gan_draws_through_and_the_models_it_started_from(qtbot, data_dir, model_dir,
                                                                                       tmp_path, capsys):
    """The card records --latent-of and --init (training.options.extra.latent_of, training.started_from); `genimg
    info` showed neither, nor did the Models tab, which now shows them in plain words, under Kind and Source."""
    vae_dir = model_dir / "tiny-vae"
    first, second, third = tmp_path / "first", tmp_path / "second", tmp_path / "third"
    assert main(["train", "gan", str(data_dir), "-o", str(first), "--latent-of", str(vae_dir), "--steps", "2",
                 "--batch-size", "8", "--holdout", "8", "--resolution", "32", "--threads", "1",
                 "--set", "channels=[16,8,8]", "--set", "z_dim=16", "--set", "w_dim=16"]) == 0
    assert init_run("gan", data_dir, second, first, 1, "--latent-of", str(vae_dir), *STILL) == 0
    assert init_run("gan", data_dir, third, second, 1, "--latent-of", str(vae_dir), *STILL) == 0
    capsys.readouterr()
    assert main(["info", str(third)]) == 0
    words = " ".join(capsys.readouterr().out.split())  # long paths wrap the rows
    assert f" latent space of the VAE {vae_dir} (--latent-of) " in words
    assert (f" started from second ({second}, --init), after 1 step on {data_dir}; which started from first, "
            f"after 2 steps on {data_dir} metrics ") in words
    panel = ModelPanel()
    qtbot.addWidget(panel)
    panel._show_details(str(third), read_card(third))
    kind, source = panel.details["Kind"], panel.details["Source"]  # in plain words: no options
    assert kind.text() == f"GAN, drawing in the latent space of the VAE {vae_dir.name}"
    assert f"The VAE's folder when it was trained: {vae_dir}" in kind.toolTip()
    assert source.text().splitlines() == ["genimg model folder", f"Started from second, after 1 step on {data_dir}; "
                                          f"which started from first, after 2 steps on {data_dir}"]
    assert source.toolTip() == f"second's folder: {second}"


def test_a_fine_tune_keeps_its_datas_licence_and_names_the_one_of_the_data_it_started_from(qtbot, data_dir,
                                                                                           tmp_path, capsys):
    """A model fine-tuned from emoji-faces-gan read "Licence unknown", and its Source "… steps on The 260 face
    emoji": on the same data the licence is the start model's; on other data the card says both."""
    start, same, other = tmp_path / "start", tmp_path / "same", tmp_path / "other"
    named = ["--data-name", "The 24 test shapes"]
    assert train("gan", data_dir, start, 1, "--licence", "CC0", *named) == 0
    assert init_run("gan", data_dir, same, start, 1, *named, *STILL) == 0
    assert init_run("gan", data_dir, other, start, 1, *STILL) == 0  # the folder's path: other data
    assert read_card(same)["training"]["licence"] == "CC0"
    assert read_card(other)["training"]["licence"] == "unknown"
    panel = ModelPanel()
    qtbot.addWidget(panel)
    panel._show_details(str(same), read_card(same))
    assert panel.details["Licence"].text() == "CC0"
    panel._show_details(str(other), read_card(other))
    assert panel.details["Licence"].text().splitlines() == [
        "unknown", "the model it started from (start) was trained on data under: CC0"]
    assert panel.details["Source"].text().endswith("Started from start, after 1 step on the 24 test shapes")
    capsys.readouterr()
    assert main(["info", str(other)]) == 0  # genimg info says it as the Models tab does
    words = " ".join(capsys.readouterr().out.split())
    assert " licence unknown the model it started from (start) was trained on data under: CC0 " in words
    assert " after 1 step on the 24 test shapes " in words and " (one vector) " in words  # a GAN's z: no grid


def test_init_of_a_latent_gan_keeps_its_latent_statistics_and_checks_its_vae(data_dir, model_dir, tmp_path, capsys):
    vae_dir = model_dir / "tiny-vae"
    start, out = tmp_path / "start", tmp_path / "out"
    assert main(["train", "gan", str(data_dir), "-o", str(start), "--latent-of", str(vae_dir), "--steps", "1",
                 "--batch-size", "8", "--holdout", "8", "--resolution", "32", "--threads", "1",
                 "--set", "channels=[16,8,8]", "--set", "z_dim=16", "--set", "w_dim=16"]) == 0
    assert init_run("gan", data_dir, out, start, 1, "--latent-of", str(vae_dir), *STILL) == 0
    assert_same(weights(out), weights(start))  # latent_mean/std too, rather than this run's first batch's
    copy = shutil.copytree(vae_dir, tmp_path / "copy-of-the-vae")  # the same VAE elsewhere: taken
    assert init_run("gan", data_dir, tmp_path / "from-copy", start, 1, "--latent-of", str(copy), *STILL) == 0
    torch.manual_seed(0)  # as tiny-vae began: a short run from one seed stays within a fine-tuned copy's distance
    twin = ConvVAE(TINY_VAE)
    with torch.no_grad():
        for p in twin.parameters():
            p.mul_(1.05)
    twin = make_model_folder(tmp_path / "twin-vae", twin, "twin-vae")
    capsys.readouterr()
    assert init_run("gan", data_dir, tmp_path / "bad", start, 1, "--latent-of", str(twin)) == 2  # it was taken
    assert (f"was trained in the latent space of {vae_dir} (its card), and --latent-of names another VAE, {twin}"
            in capsys.readouterr().err)
    torch.manual_seed(9)
    other = make_model_folder(tmp_path / "other-vae", ConvVAE(TINY_VAE), "other-vae")
    moved = shutil.copytree(start, tmp_path / "moved")  # its card names a VAE folder that is gone: weights decide
    card = json.loads((moved / "card.json").read_text())
    card["training"]["options"]["extra"]["latent_of"] = str(tmp_path / "gone")
    (moved / "card.json").write_text(json.dumps(card))
    assert init_run("gan", data_dir, tmp_path / "bad", moved, 1, "--latent-of", str(other)) == 1
    assert "another VAE's decoder" in capsys.readouterr().err
    assert init_run("gan", data_dir, tmp_path / "bad", start, 1, "--latent-of", str(tmp_path / "nowhere")) == 2
    assert f"--latent-of: {tmp_path / 'nowhere'} does not exist" in capsys.readouterr().err
    assert init_run("gan", data_dir, tmp_path / "bad", start, 1) == 2  # a typed mistake, refused before any work
    assert f"add --latent-of VAE_DIR (it was trained with {vae_dir})" in capsys.readouterr().err


@pytest.mark.parametrize("kind, start, extra, message, code", [  # 2: a mistake in what was typed, seen up front
    ("gan", "vae", [], "is a VAE; `genimg train gan` needs a GAN", 2),
    ("vae", "gan", [], "is a GAN; `genimg train vae` needs a VAE", 2),
    ("gan", "gan", ["--set", "channels=[16,16,8,8]"], "has channels (32, 16, 8, 8): a run from it may widen "
                                                     "them, not narrow them (16 < 32 at layer 1)", 2),
    ("gan", "nowhere", [], "--init: ", 2),
    ("vae", "damaged", [], "model.safetensors", 1),
    ("gan", "gan", ["--latent-of", "VAE"], "is a pixel GAN (MappedGenerator): drop --latent-of", 2),
])
def test_a_model_that_cannot_start_the_run_is_a_clear_error(kind, start, extra, message, code, trained, data_dir,
                                                            tmp_path, model_dir, capsys):
    folder = trained.get(start, tmp_path / start)
    if start == "damaged":  # a copy of a model whose weights file was cut short
        shutil.copytree(trained["vae"], folder)
        with open(folder / "model.safetensors", "r+b") as f:
            f.truncate(1000)
    extra = [str(model_dir / "tiny-vae") if e == "VAE" else e for e in extra]
    assert init_run(kind, data_dir, tmp_path / "out", folder, 1, *extra) == code
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()  # no empty folder left behind


def test_a_generator_grown_wider_draws_what_it_drew_and_its_new_channels_learn():
    torch.manual_seed(0)
    small = Generator(TINY_GAN).eval()
    wide = Generator(replace(TINY_GAN, channels=(48, 32, 8, 12))).eval()
    wide.load_state_dict(widened(small.state_dict(), wide))
    z = torch.randn(6, TINY_GAN.z_dim)
    with torch.no_grad():
        torch.testing.assert_close(wide(z), small(z), atol=1e-4, rtol=0)
        torch.testing.assert_close(wide(z, psi=0.5), small(z, psi=0.5), atol=1e-4, rtol=0)
    wide(z).square().mean().backward()
    into_new = wide.synthesis[0].conv.weight.grad[16:]  # the weights into the 16 new channels at 8px
    assert into_new.abs().max() > 0  # silent at first, yet they learn from the first step
    assert wide.synthesis[0].conv.weight[16:].abs().max() == 0


def test_a_run_grows_a_wider_generator_from_a_narrower_model(trained, data_dir, tmp_path, capsys):
    out = tmp_path / "wide"
    assert init_run("gan", data_dir, out, trained["gan"], 1, "--set", "channels=[64,32,16,8]", *STILL) == 0
    said = capsys.readouterr().err
    assert "grown from channels [32, 16, 8, 8] to [64, 32, 16, 8], drawing as it drew" in said
    assert "its discriminator starts afresh" in said  # D's widths follow the generator's
    (start, _), (grown, card) = load_model(trained["gan"]), load_model(out)
    assert card["config"]["channels"] == [64, 32, 16, 8]
    z = torch.randn(4, start.cfg.z_dim)
    with torch.no_grad():
        torch.testing.assert_close(grown(z), start(z), atol=1e-4, rtol=0)
    assert init_run("gan", data_dir, tmp_path / "narrow", trained["gan"], 1, "--set", "channels=[64,8,8,8]") == 2
    assert "may widen them, not narrow them (8 < 16 at layer 2)" in capsys.readouterr().err


def test_merging_the_classes_of_a_generator_whose_data_held_one_keeps_it_exactly():
    torch.manual_seed(0)
    conditional = Generator(replace(TINY_GAN, classes=("red", "blue"))).eval()
    conditional.class_freq.copy_(torch.tensor([0.0, 1.0]))  # all its data was blue
    conditional.w_avg.copy_(torch.randn(2, TINY_GAN.w_dim))
    plain = Generator(TINY_GAN).eval()
    plain.load_state_dict(without_classes(conditional))
    z = torch.randn(5, TINY_GAN.z_dim)
    blue = torch.ones(5, dtype=torch.long)
    with torch.no_grad():
        torch.testing.assert_close(plain.map(z), conditional.map(z, c=blue))
        torch.testing.assert_close(plain.map(z, psi=0.5), conditional.map(z, psi=0.5, c=blue))
        torch.testing.assert_close(plain(z), conditional(z, c=blue))


def test_a_conditional_gan_starts_a_run_without_labels_with_its_classes_merged(tmp_path, capsys):
    data = squares(tmp_path / "squares", per_class=8)
    start, out = tmp_path / "cgan", tmp_path / "plain"
    assert train("gan", data, start, 2, "--labels", "folders") == 0
    assert init_run("gan", data, out, start, 1) == 0
    assert "its 2 classes are merged into one" in capsys.readouterr().err
    card = load_model(out)[1]
    assert card["config"]["classes"] == [] and card["training"]["started_from"]["model"] == "cgan"
    assert "project.weight" not in weights(out, DISCRIMINATOR_NAME)  # the class projection stayed behind


def test_an_unconditional_gan_starts_a_run_with_labels_with_an_embedding_added(trained, tmp_path, capsys):
    data = squares(tmp_path / "squares", per_class=8)
    out = tmp_path / "cgan"
    assert init_run("gan", data, out, trained["gan"], 1, "--labels", "folders", *STILL) == 0
    assert "it had no classes, so an embedding of this run's 2 is added" in capsys.readouterr().err
    before, after = weights(trained["gan"]), weights(out)
    z_dim = load_model(trained["gan"])[0].cfg.z_dim
    torch.testing.assert_close(after["mapping.1.weight"][:, :z_dim], before["mapping.1.weight"], atol=1e-6, rtol=0)
    assert after["embed.weight"].shape[0] == 2 and load_model(out)[1]["config"]["classes"] == ["blue", "red"]
    assert weights(out, DISCRIMINATOR_NAME)["project.weight"].abs().max() < 1e-6  # the projection starts at zero


def test_a_run_from_a_model_keeps_its_ema_at_full_strength_from_the_first_step(trained, data_dir, tmp_path):
    """A fresh run's EMA follows the generator closely at first; from a trained model it would copy
    the raw generator's noise instead of keeping the average it starts from."""
    out = tmp_path / "gan"
    assert init_run("gan", data_dir, out, trained["gan"], 1) == 0
    start = weights(trained["gan"])["stem.weight"]
    state = torch.load(out / "checkpoint.pt", weights_only=True)["recipe"]
    raw_move = (state["G"]["stem.weight"] - start).abs().max()
    ema_move = (state["G_ema"]["stem.weight"] - start).abs().max()
    assert raw_move > 0 and ema_move < 0.01 * raw_move  # ema 0.99975 (batch 8) at step 1, float32 aside; ramped: 0.82
    assert state["ema_ramp"] is False
    assert train("gan", data_dir, tmp_path / "new", 1) == 0  # a run from scratch still ramps
    assert torch.load(tmp_path / "new" / "checkpoint.pt", weights_only=True)["recipe"]["ema_ramp"] is True
