"""`--set decoder_gan=λ`: beside decoder_noise's regression, a pixel discriminator judges the generator's grids
as the decoder copy draws them, and the decoder learns to fool it. Its refused values are checked beside
decoder_noise's, in test_decoder_denoising.py."""
from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from genimg_gui.cli import main
from genimg_gui.models.gan import Discriminator, GANConfig
from genimg_gui.models.vae import ConvVAE
from genimg_gui.models.weights import load_model
from genimg_gui.train import decoder_adversary
from genimg_gui.train.decoder_adversary import DecoderAdversary, balanced
from genimg_gui.train.decoder_denoising import DecoderDenoising
from test_decoder_denoising import LATENT_GAN
from train_helpers import make_shapes, restore_threads  # noqa: F401 - restore_threads is a fixture

from conftest import TINY_VAE



def _adversary(weight: float = 1.0, lr: float = 1e-3) -> DecoderAdversary:
    """An adversary with a small 32px discriminator (32 channels at every scale): a run's is 100 times the work."""
    return DecoderAdversary(Discriminator(GANConfig(resolution=32, channels=(8, 8, 8, 8))), weight, lr)


def _flat_colours(n: int, seed: int) -> torch.Tensor:
    """n 32px images of 4x4 blocks of flat colour: sharp edges, unlike a blurred or noisy drawing."""
    g = torch.Generator().manual_seed(seed)
    return F.interpolate(torch.rand(n, 3, 4, 4, generator=g) * 2 - 1, scale_factor=8, mode="nearest")


def test_the_adversarial_term_pulls_as_hard_as_the_reconstruction_at_the_last_layer():
    last = torch.nn.Parameter(torch.ones(3))
    rec, adv = (2 * last).sum(), (0.5 * last).sum()  # gradients of norm 2√3 and 0.5√3
    weight = balanced(rec, adv, last)
    assert weight.item() == pytest.approx(4.0, rel=1e-3)
    (g_weighted,) = torch.autograd.grad(weight * adv, last)
    assert g_weighted.norm().item() == pytest.approx(2 * 3 ** 0.5, rel=1e-3)


def test_the_pixel_discriminator_learns_to_tell_images_from_noisy_drawings(restore_threads):
    torch.set_num_threads(1)
    torch.manual_seed(0)
    adversary = _adversary()
    real = _flat_colours(16, 1)
    fake = (real + 0.5 * torch.randn_like(real)).clamp(-1, 1)  # the same, mottled
    losses = [adversary.discriminator_step(real, fake) for _ in range(40)]
    with torch.no_grad():  # the chance it gives each of being real, on either side of even
        assert torch.sigmoid(adversary.D(real)).mean() > 0.5 > torch.sigmoid(adversary.D(fake)).mean()
    assert sum(losses[-5:]) < sum(losses[:5])


def test_the_decoder_learns_to_fool_the_discriminator_and_leaves_it_unchanged(monkeypatch, restore_threads):
    """After the discriminator's warm-up the decoder's step raises the discriminator's score of its drawings of
    the generator's grids; the decoder's own loss gives the discriminator no gradients."""
    torch.set_num_threads(1)
    torch.manual_seed(0)
    monkeypatch.setattr(decoder_adversary, "WARMUP", 0)
    adversary = _adversary()
    decoder = ConvVAE(TINY_VAE).decoder
    denoising = DecoderDenoising(decoder, sigma=0.3, lr=3e-3, adversary=adversary)
    images, grids, fakes = _flat_colours(8, 2), torch.randn(8, 2, 16, 16), torch.randn(8, 2, 16, 16)
    zero, one = torch.zeros(1, 2, 1, 1), torch.ones(1, 2, 1, 1)

    def score() -> float:
        with torch.no_grad():
            return adversary.D(decoder(fakes)).mean().item()

    for _ in range(5):  # a discriminator that has some opinion of the decoder's drawings
        adversary.discriminator_step(images, decoder(fakes).detach())
    adversary.D.zero_grad(set_to_none=True)  # its own steps' gradients, which the decoder's must not add to
    before = score()
    monkeypatch.setattr(adversary, "discriminator_step", lambda real, fake: 0.0)  # hold D still to measure
    for _ in range(10):
        losses = denoising.step(grids, images, zero, one, fakes)
    assert "dec_g" in losses and score() > before
    # D's weights cannot change here (its step is held still): its gradients tell whether the decoder's loss
    # reached its weights
    assert all(p.grad is None for p in adversary.D.parameters())


def test_during_the_warm_up_the_decoder_only_regresses(restore_threads):
    torch.manual_seed(0)
    adversary = _adversary()
    denoising = DecoderDenoising(ConvVAE(TINY_VAE).decoder, sigma=0.3, lr=1e-3, adversary=adversary)
    zero, one = torch.zeros(1, 2, 1, 1), torch.ones(1, 2, 1, 1)
    losses = denoising.step(torch.randn(4, 2, 16, 16), _flat_colours(4, 3), zero, one, torch.randn(4, 2, 16, 16))
    assert set(losses) == {"dec", "dec_d"} and adversary.steps == 1


def test_a_run_records_the_setting_and_resumes_its_discriminator(model_dir, tmp_path, capsys, restore_threads):
    data, vae_dir, out = make_shapes(tmp_path / "shapes", 24), model_dir / "tiny-vae", tmp_path / "adv"
    run = ["train", "gan", str(data), "-o", str(out), "--latent-of", str(vae_dir), "--set", "decoder_noise=0.3",
           "--set", "decoder_gan=0.5", *LATENT_GAN]
    assert main([*run, "--steps", "2"]) == 0
    assert "dec_d=" in capsys.readouterr().err
    saved = torch.load(out / "checkpoint.pt", weights_only=True)["recipe"]["decoder_adversary"]
    assert saved["steps"] == 2
    assert load_model(out)[1]["objective"]["decoder_gan"] == 0.5
    assert main([*run, "--steps", "3", "--resume"]) == 0
    assert torch.load(out / "checkpoint.pt", weights_only=True)["recipe"]["decoder_adversary"]["steps"] == 3
