"""`--set decoder_noise=σ`: a latent GAN's copy of the VAE's decoder learns to draw the training images from
their latent grids with noise added, so a generator's small latent errors stop showing as mottle."""
from __future__ import annotations

from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from safetensors.torch import load_file

from genimg_gui.cli import main
from genimg_gui.engine.inversion import latent_target
from genimg_gui.models.latent_gan import LatentGenerator, same_decoder
from genimg_gui.models.vae import ConvVAE
from genimg_gui.models.weights import load_model
from genimg_gui.train.decoder_denoising import DecoderDenoising
from train_helpers import make_shapes, restore_threads  # noqa: F401 - restore_threads is a fixture

from conftest import TINY_VAE
from test_inversion import TINY_LATENT_GAN

LATENT_GAN = ["--resolution", "32", "--batch-size", "8", "--holdout", "8", "--threads", "1",
              "--set", "channels=[16,8,8]", "--set", "z_dim=16", "--set", "w_dim=16"]


def _noise_error(decoder: torch.nn.Module, grids: torch.Tensor, images: torch.Tensor) -> float:
    """How far decoder's images of the grids with 0.3 of their std of noise are from the images they encode."""
    noisy = grids + 0.3 * grids.std() * torch.randn(grids.shape, generator=torch.Generator().manual_seed(3))
    with torch.no_grad():
        return (decoder(noisy) - images).abs().mean().item()


def test_the_decoder_learns_to_draw_the_images_from_noisy_grids_and_the_vae_stays_as_it_was(restore_threads):
    torch.set_num_threads(1)
    torch.manual_seed(0)
    vae = ConvVAE(TINY_VAE).requires_grad_(False)
    kept = {k: v.clone() for k, v in vae.state_dict().items()}
    copy = ConvVAE(TINY_VAE).decoder
    copy.load_state_dict(vae.decoder.state_dict())
    images = F.interpolate(torch.rand(16, 3, 4, 4) * 2 - 1, scale_factor=8, mode="nearest")  # flat colours
    grids = vae.encode(images)[0]
    before = _noise_error(copy, grids, images)
    denoising = DecoderDenoising(copy, sigma=0.5, lr=3e-3)
    mean, std = grids.mean(), grids.std()  # the grids as the generator draws them: normalised
    losses = [denoising.step((grids - mean) / std, images, mean, std)["dec"] for _ in range(60)]
    assert _noise_error(copy, grids, images) < 0.6 * before
    assert sum(losses[-10:]) < 0.8 * sum(losses[:10])
    assert all(torch.equal(v, kept[k]) for k, v in vae.state_dict().items())
    assert all(p.grad is None for p in copy.parameters())  # none left for the generator's gradient averaging


def _decoders(gan_dir: Path, vae_dir: Path) -> tuple[dict, dict]:
    gan, vae = load_file(str(gan_dir / "model.safetensors")), load_file(str(vae_dir / "model.safetensors"))
    return ({k[len("decoder."):]: v for k, v in gan.items() if k.startswith("decoder.")},
            {k[len("decoder."):]: v for k, v in vae.items() if k.startswith("decoder.")})


def test_a_run_trains_the_decoder_copy_records_it_and_a_later_run_starts_from_it(model_dir, tmp_path, capsys,
                                                                                restore_threads):
    data, vae_dir = make_shapes(tmp_path / "shapes", 24), model_dir / "tiny-vae"
    plain, denoised, later = tmp_path / "plain", tmp_path / "denoised", tmp_path / "later"
    assert main(["train", "gan", str(data), "-o", str(plain), "--latent-of", str(vae_dir), "--steps", "2",
                 *LATENT_GAN]) == 0
    assert main(["train", "gan", str(data), "-o", str(denoised), "--latent-of", str(vae_dir), "--steps", "3",
                 "--set", "decoder_noise=0.3", *LATENT_GAN]) == 0
    assert "dec=" in capsys.readouterr().err  # the progress line shows the decoder's loss
    mine, vaes = _decoders(plain, vae_dir)
    assert all(torch.equal(mine[k], vaes[k]) for k in vaes)  # without the setting: the VAE's decoder exactly
    mine, vaes = _decoders(denoised, vae_dir)
    assert mine.keys() == vaes.keys() and any(not torch.equal(mine[k], vaes[k]) for k in vaes)
    assert load_model(denoised)[1]["objective"]["decoder_noise"] == 0.3
    assert "decoder_opt" in torch.load(denoised / "checkpoint.pt", weights_only=True)["recipe"]
    # a model with a trained decoder starts a run through the same VAE, and the card keeps what its decoder is
    assert main(["train", "gan", str(data), "-o", str(later), "--latent-of", str(vae_dir), "--init",
                 str(denoised), "--steps", "1", *LATENT_GAN]) == 0
    assert load_model(later)[1]["objective"]["decoder_noise"] == 0.3


@pytest.mark.parametrize("extra, message", [
    (["--set", "decoder_noise=-1"], "--set decoder_noise=-1: a noise level in latent std"),
    (["--set", "decoder_noise=\"lots\""], "--set decoder_noise=\"lots\": a noise level in latent std"),
    # decoder_gan (test_decoder_adversary.py): a weight, and only beside decoder_noise
    (["--set", "decoder_gan=0.5"], "--set decoder_gan trains the decoder copy beside --set decoder_noise"),
    (["--set", "decoder_noise=0.3", "--set", "decoder_gan=-1"],
     "--set decoder_gan=-1: a weight from 0 (off) to 10, e.g. 0.5; it needs --set decoder_noise too"),
    (["--set", "decoder_noise=0.3", "--set", "decoder_gan=\"sharp\""], "--set decoder_gan=\"sharp\": a weight"),
])
def test_a_bad_decoder_setting_is_a_clear_error(extra, message, model_dir, tmp_path, capsys):
    data = make_shapes(tmp_path / "shapes", 12)
    assert main(["train", "gan", str(data), "-o", str(tmp_path / "o"), "--latent-of", str(model_dir / "tiny-vae"),
                 "--steps", "1", *LATENT_GAN, *extra]) == 2  # a typed mistake
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and "data: " not in err  # before the images load


@pytest.mark.parametrize("setting, message", [
    ("decoder_noise=0.3", "add --latent-of VAE_DIR"),
    ("decoder_gan=0.5", "--set decoder_gan trains the decoder a latent GAN paints through"),
])
def test_a_pixel_gan_has_no_decoder_to_train(setting, message, tmp_path, capsys):
    data = make_shapes(tmp_path / "shapes", 12)
    assert main(["train", "gan", str(data), "-o", str(tmp_path / "o"), "--steps", "1", "--resolution", "32",
                 "--set", setting]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_fine_tuned_decoder_still_reads_its_vaes_grids_and_another_vaes_does_not():
    """Inversion starts from the VAE encoder's grid of the target, and a run --init from a model checks its VAE:
    both accept a decoder copy that training moved a little, and refuse another VAE's."""
    torch.manual_seed(0)
    vae = ConvVAE(TINY_VAE).eval()
    gen = LatentGenerator(TINY_LATENT_GAN).eval()
    with torch.no_grad():
        for mine, theirs in zip(gen.decoder.parameters(), vae.decoder.parameters()):
            mine.copy_(theirs + 0.1 * theirs.std() * torch.randn_like(theirs))  # moved by about a tenth
    target = torch.rand(1, 3, 32, 32) * 2 - 1
    assert same_decoder(gen.decoder.state_dict(), vae.decoder.state_dict())
    assert latent_target(gen, vae, target) is not None
    other = ConvVAE(TINY_VAE)
    assert not same_decoder(other.decoder.state_dict(), vae.decoder.state_dict())
    assert latent_target(gen, other, target) is None
