"""The typicality meter on a VAE's named sliders: a VAE has no latents of its own at run time (a GAN's mapped w give the
spread along a named direction's part outside the PCs), so the spread measured on its training latents where the
directions are made is stored in directions.safetensors (outside_spread), and the meter reads a named push there.
A named slider at +-3 sigma on the bundled emoji-vae's images read "typical" 71% of the time (benchmarks/typicality.py);
a file without the spread (written before it was measured) loads and reads as it did."""
from __future__ import annotations

import numpy as np
import pytest
from safetensors.numpy import load_file

from genimg_gui.edit import Directions, EditState, edited_latent
from genimg_gui.models.directions import TENSORS, load_directions, pca, save_directions
from genimg_gui.typicality import (OUTSIDE_PCS_UNIT, SLIDER_SPAN, TYPICAL_BELOW, band, measured_outside_spread,
                                   nearest_distance, outside_pcs, prior_distance, reading, strongest_direction)

DIM = 32


def latents(rng, n: int) -> np.ndarray:
    """n latents of a 32-d Gaussian whose spread falls from 3 to 0.3 along the axes, around 5."""
    return rng.standard_normal((n, DIM)) * np.geomspace(3, 0.3, DIM) + 5


def made(samples: np.ndarray) -> tuple[Directions, np.ndarray]:
    """As a VAE's directions are made: PCA (8 rows) of its training latents, then a named row half along PC0 and half
    along axis 12, which the PCs leave out (as a named row's part outside them goes where the data still varies), its
    sigma the data's spread along it. (directions, that axis)"""
    import torch

    d = pca(torch.as_tensor(samples), 8)
    axis = np.eye(DIM)[12]
    outside = axis - d.basis.astype(np.float64).T @ (d.basis @ axis)
    outside /= np.linalg.norm(outside)
    u = (d.basis[0] + outside) / np.sqrt(2)
    return d.with_direction(u, float(np.std(samples @ u)), "named: from → to"), outside


def pushed_named(d: Directions, base: np.ndarray, value: float) -> np.ndarray:
    return edited_latent(EditState(base.astype(np.float32), tuple(value if i == 8 else 0.0 for i in range(9))), d)


def test_a_vae_named_slider_pushed_reads_on_its_part_outside_the_pcs_in_the_spread_its_file_holds(tmp_path):
    rng = np.random.default_rng(0)
    samples = latents(rng, 4000)
    named, outside = made(samples)
    save_directions(tmp_path, measured_outside_spread(named, samples))
    d = load_directions(tmp_path, DIM)
    assert d.anchors is None  # a VAE's: nothing to measure the spread on as it loads
    spread = np.std((samples - samples.mean(0)) @ outside, ddof=1)
    assert d.outside_spread[:8].tolist() == [0.0] * 8 and d.outside_spread[8] == pytest.approx(spread, rel=1e-5)

    at_end = pushed_named(d, d.mean, SLIDER_SPAN)  # the named slider at +3 sigma on the mean
    assert outside_pcs(at_end, d)[1] == 8
    assert outside_pcs(at_end, d)[0] == pytest.approx(
        SLIDER_SPAN * d.sigma[8] / np.sqrt(2) / (OUTSIDE_PCS_UNIT * spread), rel=1e-4)
    seen = reading(at_end, d)
    assert band(seen.sigma) >= 1 and seen.direction == "named: from → to"
    # on the PCs and overall alone, as the meter read it, the push is typical
    assert max(prior_distance(at_end, d), strongest_direction(at_end, d)[0]) < TYPICAL_BELOW
    fresh = latents(rng, 400)
    assert np.mean([band(reading(x, d).sigma) == 0 for x in fresh]) > 0.9
    for k in range(8):  # no PC slider moves the named row's part outside the PCs
        on_pc = d.mean + SLIDER_SPAN * d.sigma[k] * d.basis[k]
        assert outside_pcs(on_pc, d)[0] < 1e-5 and reading(on_pc, d).direction == f"PC{k + 1}"


def test_a_directions_file_without_the_spread_loads_and_reads_as_it_did(tmp_path):
    rng = np.random.default_rng(1)
    samples = latents(rng, 4000)
    named, _ = made(samples)
    save_directions(tmp_path, named)  # as written before the spread was measured
    assert set(load_file(str(tmp_path / "directions.safetensors"))) == TENSORS
    d = load_directions(tmp_path, DIM)
    assert d.outside_spread is None
    for x in [pushed_named(d, d.mean, SLIDER_SPAN), *latents(rng, 20)]:
        assert outside_pcs(x, d) is None and nearest_distance(x, d) is None
        assert reading(x, d).sigma == max(prior_distance(x, d), strongest_direction(x, d)[0])
    save_directions(tmp_path, d)  # the app writes what it loaded back as it was: no spread of 0s added
    assert set(load_file(str(tmp_path / "directions.safetensors"))) == TENSORS


def test_each_row_keeps_its_spread_as_rows_are_added_renamed_deleted_and_a_users_own_has_none(tmp_path):
    """The window appends the user's own directions after the model's, renames rows and deletes the user's: a named
    row's spread goes with it, and a row the user made (from a few example pictures, no stand-in for the VAE's data)
    has none, so the meter reads a push along it on the PCs, as before."""
    rng = np.random.default_rng(2)
    samples = latents(rng, 4000)
    named, _ = made(samples)
    d = measured_outside_spread(named, samples)
    spread = float(d.outside_spread[8])
    axis = np.eye(DIM)[20]  # outside the PCs, square to the named row's part there
    mine = d.subset([]).with_direction(rng.standard_normal(DIM), 1.0, "mine").with_direction(axis, 1.0, "also mine")
    together = d.appended(mine).renamed(8, "renamed").without(9)
    assert together.labels[8:] == ("renamed", "also mine")
    assert together.outside_spread.tolist() == [0.0] * 8 + [pytest.approx(spread), 0.0]
    far = edited_latent(EditState(together.mean, (0.0,) * 9 + (6 * SLIDER_SPAN,)), together)
    assert outside_pcs(far, together) == (pytest.approx(0.0, abs=0.01), 8)  # the user's row (18 along it): not read
    save_directions(tmp_path, together)
    assert load_directions(tmp_path, DIM).outside_spread.tolist() == [0.0] * 8 + [pytest.approx(spread), 0.0]
