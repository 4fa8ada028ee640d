"""`genimg train gan`: a latent GAN trains in its VAE's latent space (--latent-of), and a GAN's augmentation
goes with its chance, adaptive or fixed."""
from __future__ import annotations

import pytest
import torch

from genimg_gui.cli import main
from genimg_gui.models.tensors import as_pixels
from genimg_gui.models.weights import load_model
from genimg_gui.train.augment import ADA_IMAGES, ADA_INTERVAL, AugmentChance, latent_augment, translation
from genimg_gui.train.data import load_folder
from genimg_gui.train.latent_gan_recipe import MIN_HELD_OUT

from train_helpers import latent_gan, strict_json, train
from train_helpers import data_dir, measured_dir, restore_threads  # noqa: F401 - fixtures, found by name


def test_a_latent_gan_without_a_resolution_typed_trains_at_its_vae_resolution(data_dir, model_dir, tmp_path,
                                                                              capsys):
    out = tmp_path / "gan"
    assert latent_gan(data_dir, out, 1, "--latent-of", str(model_dir / "tiny-vae"), "--set", "channels=[16,8,8]") == 0
    assert "resolution: 32px, that of the --latent-of VAE" in capsys.readouterr().err
    assert load_model(out)[1]["resolution"] == 32


def test_latent_gan_trains_in_a_vae_latent_space_and_paints_through_its_decoder(measured_dir, model_dir, tmp_path):
    out = tmp_path / "latent-gan"
    vae_dir = model_dir / "tiny-vae"  # 32px, latent 2 x 16 x 16
    assert main(["train", "gan", str(measured_dir), "-o", str(out), "--latent-of", str(vae_dir), "--steps", "2",
                 "--batch-size", "8", "--holdout", str(MIN_HELD_OUT), "--resolution", "32", "--threads", "1",
                 "--sample-every", "1", "--set", "channels=[16,8,8]", "--set", "z_dim=16", "--set", "w_dim=16"]) == 0
    gan, card = load_model(out)
    vae, _ = load_model(vae_dir)
    assert card["architecture"] == "LatentGenerator" and card["kind"] == "gan"
    for a, b in zip(gan.decoder.state_dict().values(), vae.decoder.state_dict().values()):
        assert torch.equal(a, b)  # the VAE's decoder, frozen, travels in the GAN's weight file
    with torch.no_grad():
        images = gan(torch.randn(2, 16))
    assert images.shape == (2, 3, 32, 32) and torch.isfinite(images).all()
    assert float(gan.latent_std.min()) > 0 and not torch.allclose(gan.latent_std, torch.ones_like(gan.latent_std))
    assert "translation,cutout" in card["objective"]["augment"]
    history = strict_json(out / "metrics.json")["history"]  # --sample-every 1: a figure after each step
    assert [h["step"] for h in history] == [1, 2]
    assert all(0 <= h[k] <= 1 for h in history for k in ("held_out_precision_k3", "held_out_recall_k3"))


def test_a_latent_gan_encodes_its_images_once_to_what_each_batch_would_encode_to(data_dir, model_dir, tmp_path):
    from genimg_gui.train.latent_gan_recipe import LatentGANRecipe
    from genimg_gui.train.loop import TrainOptions
    opts = TrainOptions(data_dir, tmp_path / "x", resolution=32, extra={"latent_of": str(model_dir / "tiny-vae"),
                        "channels": [16, 8, 8], "z_dim": 16, "w_dim": 16})
    images = load_folder(data_dir, 32).images.permute(0, 3, 1, 2).contiguous()
    per_batch, once = (LatentGANRecipe(opts, torch.device("cpu")) for _ in range(2))
    cached = once.cached_inputs(images)
    assert cached.shape == (len(images), 2, 16, 16)
    pick = torch.tensor([5, 0, 17, 3])
    pixels = as_pixels(images[pick])
    torch.testing.assert_close(once.real_input(cached[pick]), per_batch.real_input(pixels), atol=1e-5, rtol=0)
    encodes = []
    once._encode = lambda batch: encodes.append(len(batch)) or LatentGANRecipe._encode(once, batch)
    once.step(cached[pick], 1)
    assert encodes == []  # a training step encodes nothing: its real latents came from the cache


def test_a_latent_gan_run_encodes_each_training_image_once_over_several_epochs(data_dir, model_dir, tmp_path,
                                                                              monkeypatch):
    from genimg_gui.train.latent_gan_recipe import LatentGANRecipe
    encoded = []
    real = LatentGANRecipe.cached_inputs
    monkeypatch.setattr(LatentGANRecipe, "cached_inputs", lambda self, images: encoded.append(len(images))
                        or real(self, images))
    assert main(["train", "gan", str(data_dir), "-o", str(tmp_path / "g"), "--latent-of", str(model_dir / "tiny-vae"),
                 "--steps", "9", "--batch-size", "8", "--holdout", "8", "--resolution", "32", "--threads", "1",
                 "--set", "channels=[16,8,8]", "--set", "z_dim=16", "--set", "w_dim=16"]) == 0
    n_train = 40 - strict_json(tmp_path / "g" / "card.json")["training"]["held_out"]  # 36: 9 steps draw 72 images
    assert n_train <= sum(encoded) <= n_train + 1  # + 1: the first image, encoded up front to size the cache


def test_latent_of_must_name_a_vae_of_the_same_resolution(data_dir, model_dir, tmp_path, capsys):
    code = main(["train", "gan", str(data_dir), "-o", str(tmp_path / "x"), "--latent-of",
                 str(model_dir / "tiny-gan"), "--steps", "1", "--resolution", "32", "--threads", "1"])
    assert code != 0 and "VAE" in capsys.readouterr().err


def test_a_latent_gans_default_channels_follow_its_vaes_latent_grid(data_dir, tmp_path, capsys):
    """A VAE whose latent grid was not 16x16 (32 px, 128 px, or other channels) crashed a latent GAN with an
    AssertionError: its default channels were always those that reach 16."""
    from genimg_gui.train.latent_gan_recipe import default_channels
    assert [default_channels(side) for side in (4, 8, 16, 32)] == [
        (256,), (256, 128), (256, 128, 64), (256, 128, 64, 32)]
    vae = tmp_path / "vae8"  # 32 px halved twice: an 8x8 latent grid
    assert main(["train", "vae", str(data_dir), "-o", str(vae), "--steps", "1", "--batch-size", "8", "--resolution",
                 "32", "--threads", "1", "--set", "channels=[8,16,16]", "--set", "latent_channels=2"]) == 0
    out = tmp_path / "gan"
    assert latent_gan(data_dir, out, 1, "--latent-of", str(vae), "--set", "z_dim=16", "--set", "w_dim=16") == 0
    assert load_model(out)[1]["config"]["channels"] == [256, 128]
    capsys.readouterr()
    assert latent_gan(data_dir, tmp_path / "gan2", 1, "--latent-of", str(vae), "--set", "channels=[16,8,8]") == 2
    err = capsys.readouterr().err
    assert ("--set channels=[16,8,8]: a latent GAN needs one entry per scale from 4px up to the VAE's 8x8 latent "
            "grid (2), e.g. --set channels=[256,128]") in err
    assert "data: " not in err and not (tmp_path / "gan2").exists()  # refused before the images load


def test_latent_augmentation_shifts_grids_with_their_own_edges_and_passes_gradients():
    torch.manual_seed(0)
    grid = torch.zeros(64, 2, 8, 8)
    grid[:, :, 2:6, 2:6] = 1.0  # a square away from the edges
    grid[:, 0] += 5.0           # channel 0's background is 5, not 0 (or the pixel white 1.0)
    shifted = translation(grid, ratio=0.125, fill=None)  # up to 1 cell
    assert shifted.shape == grid.shape
    assert torch.equal(shifted[:, 0, 0, 0], torch.full((64,), 5.0))  # the corner is edge, never padding
    assert len({tuple(torch.nonzero(s[1]).min(0).values.tolist()) for s in shifted}) > 3  # moved about
    assert torch.equal(shifted.sum(dim=(2, 3)), grid.sum(dim=(2, 3)))  # nothing cut off: the square stays inside
    x = torch.randn(4, 3, 8, 8, requires_grad=True)
    latent_augment(x).sum().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0 and (x.grad == 0).any()  # cutout blocks some cells


def test_augment_chance_augments_each_image_with_its_chance():
    x = torch.zeros(2000, 1, 2, 2)
    mark = lambda t: t + 1.0  # noqa: E731
    assert torch.equal(AugmentChance(0.0).apply(x, mark), x)
    assert torch.equal(AugmentChance(1.0).apply(x, mark), x + 1.0)
    torch.manual_seed(0)
    marked = AugmentChance(0.25).apply(x, mark)[:, 0, 0, 0]
    assert set(marked.tolist()) == {0.0, 1.0} and 0.2 < marked.mean().item() < 0.3  # whole images, a quarter


def test_adaptive_augmentation_rises_while_the_discriminator_calls_reals_real_and_falls_after():
    ada = AugmentChance("auto")
    assert ada.p == 0.0  # starts unaugmented: the discriminator sees the data as it is
    confident, unsure = torch.full((32,), 3.0), torch.tensor([1.0, -1.0] * 16)  # E[sign] 1 and 0
    for _ in range(ADA_INTERVAL * 10):
        ada.observe(confident)
    assert ada.p == pytest.approx(10 * ADA_INTERVAL * 32 / ADA_IMAGES)  # one move per interval
    for _ in range(ADA_INTERVAL * 3):
        ada.observe(unsure)
    assert ada.p == pytest.approx(7 * ADA_INTERVAL * 32 / ADA_IMAGES)
    for _ in range(ADA_INTERVAL * 20):
        ada.observe(unsure)
    assert ada.p == 0.0  # never below 0
    fixed = AugmentChance(0.3)
    fixed.observe(confident)
    assert fixed.p == 0.3 and fixed.describe() == "p = 0.3"


def test_augment_p_auto_is_recorded_and_a_resumed_run_keeps_its_chance(data_dir, model_dir, tmp_path, capsys):
    out = tmp_path / "gan"
    assert train("gan", data_dir, out, 1, "--set", "augment_p=auto") == 0
    assert "aug_p=0.0000" in capsys.readouterr().err  # the progress line shows it
    state = torch.load(out / "checkpoint.pt", weights_only=True)
    state["recipe"]["augment"]["p"] = 0.4  # as if it had risen
    torch.save(state, out / "checkpoint.pt")
    assert train("gan", data_dir, out, 2, "--resume") == 0
    assert "aug_p=0.4" in capsys.readouterr().err  # one step cannot move it far from where it was left
    assert train("gan", data_dir, out, 3, "--resume", "--set", "augment_p=auto") == 0  # the same command again
    assert "aug_p=0.4" in capsys.readouterr().err
    assert "adaptive (ADA" in load_model(out)[1]["objective"]["augment"]
    assert train("gan", data_dir, out, 4, "--resume", "--set", "augment_p=0") == 0  # a new setting takes effect
    assert torch.load(out / "checkpoint.pt", weights_only=True)["recipe"]["augment"] == {"adaptive": False, "p": 0.0}
    assert load_model(out)[1]["objective"]["augment"].endswith("p = 0")
    assert train("gan", data_dir, tmp_path / "bad", 1, "--set", "augment_p=2") == 2
    assert "between 0 and 1, or auto" in capsys.readouterr().err
