"""GAN inversion on tiny real generators: directly (engine/inversion.py), headless through the
Runtime, and as an engine job with previews, progress and cancel."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from PySide6.QtCore import Qt

from genimg_gui.engine import inversion
from genimg_gui.engine import requests as rq
from genimg_gui.engine.loaded_model import estimate_directions
from genimg_gui.engine.runtime import Runtime
from genimg_gui.models.gan import Generator
from genimg_gui.models.latent_gan import LatentGANConfig, LatentGenerator
from genimg_gui.models.tensors import to_images, to_tensor
from genimg_gui.models.vae import ConvVAE
from genimg_gui.typicality import prior_distance
from conftest import TINY_GAN, TINY_VAE
from test_engine import TIMEOUT, Recorder, load

TINY_LATENT_GAN = LatentGANConfig(resolution=32, z_dim=16, w_dim=16, mapping_layers=2, channels=(16, 8, 8),
                                  vae=TINY_VAE)


pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def gan() -> Generator:
    torch.manual_seed(1)
    return Generator(TINY_GAN).eval()


def drawing(gen, seed: int) -> np.ndarray:
    """An image the generator can draw: the target an inversion should get close to."""
    with torch.no_grad():
        z = torch.randn(1, gen.cfg.z_dim, generator=torch.Generator().manual_seed(seed))
        return to_images(gen(z))[0]


def mse(a: np.ndarray, b: np.ndarray) -> float:
    return float(((a.astype(float) - b.astype(float)) / 127.5).__pow__(2).mean())


def test_inversion_lowers_the_error_with_previews(gan):
    target = drawing(gan, 100)
    steps = list(inversion.invert(gan, target, steps=40, editability=0.0, preview_every=10))
    assert [s.step for s in steps] == list(range(41)) and [s.final for s in steps] == [False] * 40 + [True]
    assert [s.step for s in steps if s.image is not None] == [0, 10, 20, 30, 40]
    start, final = steps[0], steps[-1]
    assert mse(final.image, target) < 0.5 * mse(start.image, target), (start.loss, final.loss)
    assert final.loss < start.loss and final.w.shape == (16,) and final.w.dtype == np.float32
    with torch.no_grad():  # the reported image is the drawing of the reported w
        assert np.array_equal(final.image, to_images(gan.synthesize(torch.as_tensor(final.w)[None]))[0])
    assert not np.array_equal(steps[0].w, final.w)  # each step's w is its own copy


def test_editability_keeps_w_near_the_mean(gan):
    directions = estimate_directions(gan, "gan", lambda *_: None)
    prior = inversion.WPrior(directions)
    target = np.full((32, 32, 3), 250, np.uint8)  # off the tiny GAN's distribution: fidelity pulls away
    target[8:24, 8:24] = (200, 30, 30)
    ends = {e: list(inversion.invert(gan, target, steps=60, editability=e, directions=directions))[-1]
            for e in (0.0, 1.0)}
    distance = {e: float(np.linalg.norm(s.w - directions.mean)) for e, s in ends.items()}
    assert distance[1.0] < distance[0.0], distance
    assert float(prior(torch.as_tensor(ends[1.0].w)[None])) < float(prior(torch.as_tensor(ends[0.0].w)[None]))


def test_the_inversion_prior_is_the_square_of_prior_distance(gan):
    directions = estimate_directions(gan, "gan", lambda *_: None)
    ws = directions.mean + np.random.default_rng(0).standard_normal((5, 16)).astype(np.float32) * 2
    with torch.no_grad():
        prior = inversion.WPrior(directions)(torch.as_tensor(ws)).numpy()
    assert np.allclose(prior, [prior_distance(w, directions) ** 2 for w in ws], rtol=1e-4)


def test_latent_gan_starts_from_the_vae_encoder():
    torch.manual_seed(2)
    vae = ConvVAE(TINY_VAE).eval()
    gen = LatentGenerator(TINY_LATENT_GAN).eval()
    gen.decoder.load_state_dict(vae.decoder.state_dict())
    target = drawing(gen, 5)
    x = to_tensor(target)
    latent = inversion.latent_target(gen, vae, x)
    assert latent is not None and latent.shape == (1, *TINY_VAE.latent_shape)
    torch.manual_seed(3)
    assert inversion.latent_target(gen, ConvVAE(TINY_VAE), x) is None  # another VAE's latents mean else
    assert inversion.latent_target(Generator(TINY_GAN), vae, x) is None
    steps = list(inversion.invert(gen, target, steps=30, vae=vae, preview_every=0))
    assert [s.step for s in steps if s.image is not None] == [0, 30]
    assert steps[-1].loss < steps[0].loss
    prior = inversion.WPrior(estimate_directions(gen, "gan", lambda *_: None))
    guess = inversion.starting_point(gen, x, latent, prior, candidates=64)
    with torch.no_grad():  # the guess is the candidate nearest in latent space, not in pixels
        mean_error = (gen.synthesize_latent(prior.mean[None]) - latent).pow(2).mean()
        assert (gen.synthesize_latent(guess) - latent).pow(2).mean() <= mean_error


def test_runtime_invert_headless(model_dir, gan):
    rt = Runtime("cpu")
    rt.load(str(model_dir / "tiny-gan"), lambda *_: None)
    big = np.kron(drawing(rt.models["gan"].net, 9), np.ones((3, 3, 1), np.uint8))  # 96 px: fitted to 32
    reports = []
    final = rt.invert(big, steps=25, editability=0.3, progress=lambda f, text: reports.append((f, text)))
    assert final.final and final.step == 25 and final.image.shape == (32, 32, 3) and final.w.shape == (16,)
    assert len(reports) == 26 and reports[-1] == (1.0, "Inverting: step 25 of 25")
    original, run = rt.invert_steps(big, steps=25, editability=0.3)
    assert original.shape == (32, 32, 3)
    first = next(run)
    assert final.loss < first.loss
    with pytest.raises(ValueError, match="draws 32x32"):
        next(inversion.invert(rt.models["gan"].net, big))


@pytest.fixture()
def gan_engine(qtbot, engine, model_dir):
    load(qtbot, engine, model_dir / "tiny-gan")
    return engine


def test_invert_job_sends_previews_progress_and_a_final_result(qtbot, gan_engine, gan):
    rec = Recorder(gan_engine)
    target = drawing(gan, 11)
    seq = gan_engine.submit(rq.Invert(target, steps=20, editability=0.2, tag=8, preview_every=5))
    qtbot.waitUntil(lambda: any(r.final for r in rec.of(seq, rq.Inverted)), timeout=TIMEOUT)
    results = rec.of(seq, rq.Inverted)
    assert [r.step for r in results] == [0, 5, 10, 15, 20] and [r.final for r in results][-2:] == [False, True]
    assert all(r.tag == 8 and r.steps == 20 and r.image.shape == (32, 32, 3) for r in results)
    assert np.array_equal(results[-1].original, target) and results[-1].latent.shape == (16,)
    assert results[-1].loss < results[0].loss
    fractions = [p.fraction for p in rec.progress if p.seq == seq]
    assert len(fractions) == 21 and fractions[-1] == 1.0 and fractions == sorted(fractions)
    assert not rec.failures


def test_invert_cancel_stops_within_one_step(qtbot, gan_engine, gan):
    rec = Recorder(gan_engine)
    seen_in_worker: list[str] = []
    seq = 0

    def on_progress(p: rq.Progress) -> None:  # runs on the worker thread, as the step is reported
        seen_in_worker.append(p.text)
        if p.seq == seq and p.text == "Inverting: step 5 of 5,000":
            gan_engine.cancel(seq)

    gan_engine.worker.progress.connect(on_progress, Qt.ConnectionType.DirectConnection)
    seq = gan_engine.submit(rq.Invert(drawing(gan, 12), steps=5000, preview_every=0))
    qtbot.waitUntil(lambda: bool(rec.failed(seq)), timeout=TIMEOUT)
    assert rec.failed(seq)[0].cancelled and rec.failed(seq)[0].request == "Invert"
    steps = [t for t in seen_in_worker if t.startswith("Inverting")]
    assert steps[-1] == "Inverting: step 5 of 5,000", f"ran on after the cancel: {steps[-3:]}"
    assert not any(r.final for r in rec.of(seq, rq.Inverted))
    gan_engine.worker.progress.disconnect(on_progress)
    ok = gan_engine.submit(rq.Decode("gan", np.zeros(16, np.float32)))  # the worker goes on
    qtbot.waitUntil(lambda: bool(rec.of(ok, rq.Decoded)), timeout=TIMEOUT)


def length_free(seed: int) -> Generator:
    """A tiny GAN that draws w and 2w alike, as the bundled faces GAN does (Linear stem, PixelNorms): its
    convolutions' biases at 0, as training leaves them small beside its features."""
    torch.manual_seed(seed)
    gen = Generator(TINY_GAN).eval()
    for layer in gen.synthesis.modules():
        if isinstance(layer, torch.nn.Conv2d):
            torch.nn.init.zeros_(layer.bias)
    return gen


def slider_change(gen, w: np.ndarray, directions) -> float:
    """Mean pixel change (levels of 255) of a +1 sigma step along each of the first four directions."""
    steps = np.stack([w] + [w + directions.sigma[k] * directions.basis[k] for k in range(4)])
    with torch.no_grad():
        drawn = to_images(gen.synthesize(torch.as_tensor(steps, dtype=torch.float32))).astype(float)
    return float(np.abs(drawn[1:] - drawn[0]).mean())


@pytest.mark.parametrize("seed", [100, 11])
def test_an_inverted_sample_edits_like_the_sample(seed):
    """Inverting a GAN's own sample lands at a mapped w's length (the median: a sample's is within about a
    quarter of it), so a slider step moves it about as far as the sample."""
    gen = length_free(1)
    ws = inversion.mapped_ws(gen)
    assert inversion.ignores_length(gen, ws)
    directions = estimate_directions(gen, "gan", lambda *_: None)
    with torch.no_grad():
        w = gen.map(torch.randn(1, gen.cfg.z_dim, generator=torch.Generator().manual_seed(seed)))[0].numpy()
        target = to_images(gen.synthesize(torch.as_tensor(w)[None]))[0]
    final = list(inversion.invert(gen, target, steps=100, editability=0.5, directions=directions,
                                  preview_every=0))[-1]
    assert mse(final.image, target) < 0.02
    ratio = np.linalg.norm(final.w) / float(ws.norm(dim=1).median())
    assert 0.99 < ratio < 1.01, f"|w| {np.linalg.norm(final.w):.2f}, the sample's {np.linalg.norm(w):.2f}"
    change = slider_change(gen, final.w, directions) / slider_change(gen, w, directions)
    assert 0.75 < change < 1.33, change


def test_a_stylegan2_keeps_the_length_its_pixels_ask_for(monkeypatch):
    """A converted StyleGAN2 draws 2w unlike w: its inversion is not held at a length, which would fit it worse."""
    from genimg_gui.models.stylegan2 import StyleGAN2Generator
    from test_stylegan2 import TINY
    torch.manual_seed(1)
    gen = StyleGAN2Generator(TINY).eval()
    assert not inversion.ignores_length(gen, inversion.mapped_ws(gen))
    with torch.no_grad():
        target = to_images(gen.synthesize(inversion.mapped_ws(gen, 1, seed=11)))[0]

    def final_loss() -> float:
        return list(inversion.invert(gen, target, steps=100, preview_every=0))[-1].loss

    free = final_loss()
    monkeypatch.setattr(inversion, "ignores_length", lambda *_: True)
    assert free < final_loss()
