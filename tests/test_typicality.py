"""Typicality in the editing core: the prior distance of typical and far latents, and which direction it names."""
from __future__ import annotations

import tracemalloc
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from genimg_gui.edit import Anchors, Directions, EditState, edited_latent
from genimg_gui.engine.inversion import mapped_ws
from genimg_gui.engine.runtime import Runtime
from genimg_gui.typicality import (SLIDER_SPAN, SPACING_PER_SIGMA, TYPICAL_BELOW, UNUSUAL_BELOW, PriorModel, band,
                                   in_spacing, nearest_distance, prior_distance, reading)


def synthetic_directions(rng) -> tuple[Directions, np.ndarray, np.ndarray, np.ndarray]:
    """PCA (8 rows kept) of 4000 samples of a 32-d Gaussian: (directions, samples, all right singular
    vectors, the per-dimension scales the samples were drawn with)."""
    scales = np.geomspace(3, 0.3, 32)
    samples = rng.standard_normal((4000, 32)) * scales + 5
    centred = samples - samples.mean(0)
    _, s, vh = np.linalg.svd(centred, full_matrices=False)
    var = s**2 / (len(samples) - 1)
    d = Directions(samples.mean(0).astype(np.float32), vh[:8].astype(np.float32), np.sqrt(var[:8]).astype(np.float32),
                   (var[:8] / var.sum()).astype(np.float32), tuple(f"PC{i} ({100 * v:.1f}%)" for i, v in
                                                               enumerate(var[:8] / var.sum())))
    return d, samples, vh, scales


def test_prior_distance_is_about_one_for_typical_latents_and_grows_off_distribution():
    rng = np.random.default_rng(0)
    d, samples, vh, scales = synthetic_directions(rng)
    typical = [prior_distance(x, d) for x in rng.standard_normal((200, 32)) * scales + 5]
    assert 0.85 < np.median(typical) < 1.15
    assert prior_distance(d.mean, d) < 0.05
    pushed = edited_latent(EditState(samples[0].astype(np.float32), (6.0,)), d)
    assert prior_distance(pushed, d) > 2 * prior_distance(samples[0], d)
    off = samples[0] + 20 * vh[20]  # far (~4x the residual's typical norm) along a direction PCA did not keep
    assert prior_distance(off, d) > 3
    named = d.with_direction(rng.standard_normal(32), 1.0, "named")  # explained 0: not part of the prior
    assert prior_distance(pushed, named) == pytest.approx(prior_distance(pushed, d))


def test_one_direction_pushed_far_reads_red_on_that_direction_and_typical_latents_read_green():
    rng = np.random.default_rng(0)
    d, _, vh, scales = synthetic_directions(rng)
    typical = [reading(x, d) for x in rng.standard_normal((400, 32)) * scales + 5]
    assert np.mean([r.sigma < TYPICAL_BELOW for r in typical]) > 0.9
    for k in range(8):
        far = d.mean + 4.5 * d.sigma[k] * d.basis[k]  # one slider at +4.5 sigma, every other at the mean
        assert reading(far, d).direction == f"PC{k}" and reading(far, d).sigma == pytest.approx(4.5, rel=1e-4)
        assert reading(far, d).sigma >= UNUSUAL_BELOW and prior_distance(far, d) < 2  # the average hid it
        assert TYPICAL_BELOW <= reading(d.mean - 3.2 * d.sigma[k] * d.basis[k], d).sigma < UNUSUAL_BELOW
    off = d.mean + 20 * vh[20]  # off every direction: the overall distance sets the reading
    assert reading(off, d).direction is None and reading(off, d).sigma == pytest.approx(prior_distance(off, d))


def test_a_named_direction_is_not_read_but_a_push_along_it_shows_on_the_pcs_it_moves():
    d, _, _, _ = synthetic_directions(np.random.default_rng(0))
    prior = PriorModel.of(d)
    assert np.allclose(prior.spread(d.basis), d.sigma, rtol=1e-5)  # a PCA row: its own sigma
    u = (d.basis[0] + d.basis[1]) / np.sqrt(2)
    named = d.with_direction(u, 0.1, "between PC0 and PC1")  # a slider unit far below the data's spread
    spread = np.sqrt((d.sigma[0] ** 2 + d.sigma[1] ** 2) / 2)
    assert prior.spread(named.basis[-1:])[0] == pytest.approx(spread, rel=1e-5)
    # an attribute's far group lies far along its direction by design: that alone is not unusual
    at_group = d.mean + 2.5 * d.sigma[0] * d.basis[0] + 2.5 * d.sigma[1] * d.basis[1]
    assert reading(at_group, named).sigma < TYPICAL_BELOW and reading(at_group, named).direction != named.labels[-1]
    pushed = reading(d.mean + 6 * spread * u, named)  # pushed far along it: the PCs it moves say so
    assert pushed.direction in ("PC0", "PC1") and pushed.sigma >= UNUSUAL_BELOW


def test_a_latent_between_a_gans_clusters_reads_unusual_though_the_gaussian_calls_it_typical():
    """A conditional GAN's w lie in a cloud per class; a photo inverted into the face GAN ended between them (17 units
    from every mapped w, 4 apart among themselves) and the meter read it 1.7 sigma, typical, while a slider step
    moved it three times as far as a sample. With the mapped w as anchors, the distance to the nearest one shows it;
    the mapped w themselves, and fresh ones, still read typical."""
    rng = np.random.default_rng(0)
    centres = rng.standard_normal((6, 32)) * 4  # six classes

    def mapped(n: int) -> np.ndarray:
        return (centres[rng.integers(0, 6, n)] + rng.standard_normal((n, 32)) * 0.5).astype(np.float32)

    ws = mapped(2048)
    centred = ws - ws.mean(0)
    _, s, vh = np.linalg.svd(centred, full_matrices=False)
    var = s**2 / (len(ws) - 1)
    gaussian = Directions(ws.mean(0), vh[:16], np.sqrt(var[:16]), (var[:16] / var.sum()).astype(np.float32),
                          tuple(f"PC{i + 1}" for i in range(16)))
    d = replace(gaussian, anchors=Anchors.of(ws))
    between = 0.5 * (centres[0] + centres[1])  # no class draws here
    assert reading(between, gaussian).sigma < TYPICAL_BELOW  # the old meter: typical
    assert reading(between, d).sigma >= UNUSUAL_BELOW and reading(between, d).direction is None
    fresh = [reading(w, d).sigma for w in mapped(200)]
    assert np.mean(np.array(fresh) < TYPICAL_BELOW) > 0.95
    assert 0.9 < np.median([nearest_distance(w, d) for w in mapped(200)]) * SPACING_PER_SIGMA < 1.1
    edited = d.with_direction(rng.standard_normal(32), 1.0, "named").subset(range(17))  # the user's rows keep them
    assert edited.anchors is d.anchors and nearest_distance(ws[0], gaussian) is None


def test_the_nearest_mapped_w_is_the_direct_distance_without_an_array_per_point():
    """nearest_distance expands |p - x|² with each |p|² kept (edit.Anchors): at D = 512 (a converted StyleGAN2) it
    equals the direct distance to 1e-9, beside a point and far from all, and a call no longer builds an (N, D) array
    (8 MB, 7 ms) on each slider move."""
    rng = np.random.default_rng(3)
    ws = (rng.standard_normal((2048, 512)) * 0.7 + 0.2).astype(np.float32)
    d = Directions(np.zeros(512, np.float32), np.eye(512, dtype=np.float32)[:4], np.ones(4, np.float32),
                   np.full(4, 0.1, np.float32), ("PC1", "PC2", "PC3", "PC4"), Anchors.of(ws))
    np.testing.assert_array_equal(d.anchors.square_norms, np.sum(ws.astype(np.float64) ** 2, axis=1))

    def direct(x: np.ndarray) -> float:
        return in_spacing(np.sqrt(np.min(np.sum((ws.astype(np.float64) - x) ** 2, axis=1))), d.anchors)

    near = [ws[i] + scale * rng.standard_normal(512) for i, scale in ((0, 0.001), (5, 0.01), (9, 0.1), (11, 1.0))]
    for x in near + [rng.standard_normal(512) * scale + 0.2 for scale in (0.3, 0.7, 3.0)]:
        assert nearest_distance(x, d) == pytest.approx(direct(x), rel=1e-9, abs=0)
    assert 0 <= nearest_distance(ws[7], d) < 1e-6  # on a point: rounding takes it near 0, never below
    tracemalloc.start()
    try:
        nearest_distance(near[1], d)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < ws.size  # bytes: (points - x) in float64 took 8 × ws.size


def test_a_loaded_gans_directions_carry_its_mapped_w(model_dir):
    """The runtime hands the meter the GAN's mapped w with its directions; a VAE has none. A w beside the mapped
    ones reads as the directions read it; one far from all of them, along no PC, is off the distribution."""
    rt = Runtime("cpu")
    rt.load(str(model_dir / "tiny-vae"), lambda *_: None)
    rt.load(str(model_dir / "tiny-gan"), lambda *_: None)
    d = rt.model("gan").directions
    assert rt.model("vae").directions.anchors is None and d.anchors.points.shape == (2048, d.basis.shape[1])
    w = rt.map_seed(3, 1.0)
    assert nearest_distance(w, d) < TYPICAL_BELOW
    residual = np.linalg.svd(np.vstack([d.basis, np.eye(len(w))[:1]]))[2][-1]  # off every PC row
    far = w + 8 * d.anchors.spacing * residual
    assert reading(far, d).sigma >= UNUSUAL_BELOW


EMOJI_GAN = Path(__file__).resolve().parent.parent / "weights" / "emoji-gan"


def test_pcs_pushed_together_on_the_bundled_emoji_gan_read_red_while_its_samples_stay_green():
    """emoji-gan's mapped w lie evenly, so their nearest distances barely spread (the 99th percentile is 1.4 times the
    median, not the face GAN's 3.2): PC1, PC2 and PC3 at +3σ on seed 0 drew a smear of red and black blotches and
    read "3.9σ on PC2 (unusual)", its w 2.6 times the median spacing from every mapped w, where the mapped w's own
    nearest lie within 1.7 of it. Measured on that spread, it reads red; the GAN's samples still read green."""
    rt = Runtime("cpu")
    rt.load(str(EMOJI_GAN), lambda *_: None)
    d = rt.model("gan").directions
    assert d.anchors.outlying < 1.6 * d.anchors.spacing  # evenly: what the spacing alone misjudged
    w = rt.map_seed(0, 0.7)
    for pushed in (2, 3):  # PC1..PC2, PC1..PC3 at their sliders' end: both broken pictures
        broken = edited_latent(EditState(w, (SLIDER_SPAN,) * pushed + (0.0,) * (len(d) - pushed)), d)
        assert band(reading(broken, d).sigma) == 2, pushed
    assert all(band(reading(rt.map_seed(seed, 0.7), d).sigma) == 0 for seed in range(40))  # the app's psi
    fresh = [band(reading(w, d).sigma) for w in mapped_ws(rt.model("gan").net, 400, seed=7).numpy()]
    assert np.mean(np.array(fresh) == 0) > 0.9 and np.mean(np.array(fresh) == 2) < 0.02  # psi 1: as before


FACES_GAN = Path(__file__).resolve().parent.parent / "weights" / "emoji-faces-gan"


def test_a_named_slider_at_its_end_on_the_bundled_face_gan_reads_unusual_while_its_samples_stay_green():
    """cat-face at +3σ on the face GAN's samples at ψ 0.7 blotched their faces and read 2.4-2.9σ, typical, on 18 of
    seeds 0-19: the meter read a named push only on the PCs it moves, which take half of this one. The half they leave
    out, read on the spread of the GAN's own w along it, reads at least amber on all 20; fresh samples (ψ 1) still
    read green and red about as often as before (of these 400: green 94.0% -> 93.25%, red 0.75% either way)."""
    rt = Runtime("cpu")
    d = rt.load(str(FACES_GAN), lambda *_: None).directions
    row = d.labels.index("subcategory: other → cat-face")
    at_end = tuple(SLIDER_SPAN if i == row else 0.0 for i in range(len(d)))
    for seed in range(20):
        pushed = reading(edited_latent(EditState(rt.map_seed(seed, 0.7), at_end), d), d)
        assert band(pushed.sigma) >= 1, (seed, pushed)
    fresh = np.array([band(reading(w, d).sigma) for w in mapped_ws(rt.model("gan").net, 400, seed=7).numpy()])
    assert np.mean(fresh == 0) > 0.92 and np.mean(fresh == 2) < 0.01


def test_a_named_directions_part_outside_the_pcs_reads_on_the_anchors_and_no_pc_slider_moves_it():
    """typicality.outside_pcs: a named direction half outside the PCA rows, pushed, reads how far along that half
    in the anchors' spread there; a PC slider never moves it, so one PC at +3σ on the mean still reads 3.0 on that PC;
    without anchors (a VAE) it reads nothing."""
    from genimg_gui.typicality import OUTSIDE_PCS_UNIT, outside_pcs

    rng = np.random.default_rng(0)
    gaussian, samples, vh, _ = synthetic_directions(rng)
    u = (vh[0] + vh[20]) / np.sqrt(2)
    d = replace(gaussian, anchors=Anchors.of(samples[:2048])).with_direction(u, 1.0, "half outside")
    along = samples[:2048] @ vh[20] - d.mean @ vh[20]
    x = d.mean + 2.0 * np.std(along) * vh[20]
    assert outside_pcs(x, d)[1] == 8
    assert outside_pcs(x, d)[0] == pytest.approx(2.0 / OUTSIDE_PCS_UNIT, rel=0.02)
    for k in range(8):
        on_pc = d.mean + SLIDER_SPAN * d.sigma[k] * d.basis[k]
        assert outside_pcs(on_pc, d)[0] < 1e-6
        measured = reading(on_pc, d)
        assert measured.sigma == pytest.approx(SLIDER_SPAN, rel=1e-4) and measured.direction == f"PC{k}"
    assert outside_pcs(x, gaussian.with_direction(u, 1.0, "half outside")) is None
