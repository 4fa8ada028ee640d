"""Directions from examples in the editing core: found in synthetic latents and through a real tiny VAE's
encodings, one direction per label, and unusable groups refused."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from genimg_gui.attributes import direction_from_examples, label_directions, separation
from genimg_gui.models.tensors import to_tensor
from genimg_gui.models.weights import load_model


@pytest.mark.parametrize("method", ["means", "linear"])
def test_direction_from_examples_finds_the_attribute_in_synthetic_latents(method):
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((200, 64)), rng.standard_normal((200, 64))
    b[:, 3] += 3.0
    unit, sigma = direction_from_examples(a, b, method)
    assert unit.shape == (64,) and unit.dtype == np.float32 and abs(np.linalg.norm(unit) - 1) < 1e-5
    assert unit[3] > 0.9
    assert 0.8 < sigma < 1.2  # the pooled spread along it (1 in dimension 3)
    assert 2.5 < separation(a, b, unit, sigma) < 3.5  # the "to" mean sits ~3 sigma away


def test_the_linear_method_sees_through_noise_both_groups_share():
    rng = np.random.default_rng(0)

    def group(n: int, shifted: bool) -> np.ndarray:
        x = rng.standard_normal((n, 32))
        x[:, 3] *= 5  # the attribute's dimension is noisy ...
        x[:, 4] = 0.9 * x[:, 3] + 0.1 * rng.standard_normal(n)  # ... but the noise shows in dimension 4 too
        x[:, 3] += 3.0 * shifted
        return x

    a, b, test_a, test_b = group(300, False), group(300, True), group(300, False), group(300, True)
    for method, least in (("means", 0.5), ("linear", 0.97)):
        unit, _ = direction_from_examples(a, b, method)
        threshold = (a.mean(0) + b.mean(0)) @ unit / 2
        accuracy = ((test_a @ unit < threshold).mean() + (test_b @ unit > threshold).mean()) / 2
        assert accuracy >= least, (method, accuracy)
        if method == "means":
            assert accuracy < 0.8  # the contrast the linear method finds is needed


def test_direction_from_examples_rejects_unusable_groups():
    with pytest.raises(ValueError, match="at least one"):
        direction_from_examples(np.zeros((0, 4)), np.ones((2, 4)))
    with pytest.raises(ValueError, match="do not differ"):
        direction_from_examples(np.ones((2, 4)), np.ones((3, 4)))
    with pytest.raises(ValueError, match="size"):
        direction_from_examples(np.ones((2, 4)), np.ones((3, 5)))
    with pytest.raises(ValueError, match="method"):
        direction_from_examples(np.zeros((2, 4)), np.ones((3, 4)), "svm")
    unit, sigma = direction_from_examples(np.zeros((1, 4)), np.ones((1, 4)))  # one each: no spread to pool
    assert separation(np.zeros((1, 4)), np.ones((1, 4)), unit, sigma) == pytest.approx(3.0)


@pytest.fixture(scope="module")
def encoded_groups(model_dir) -> tuple[np.ndarray, np.ndarray]:
    """Latent means of real images of two groups (reddish vs bluish noise) from the real tiny VAE."""
    vae, _ = load_model(model_dir / "tiny-vae")
    rng = np.random.default_rng(0)
    noise = rng.integers(0, 120, (48, 32, 32, 3))
    tints = np.r_[[(135, 20, 20)] * 24, [(20, 20, 135)] * 24][:, None, None, :]
    with torch.inference_mode():
        latents = vae.encode(to_tensor((noise + tints).astype(np.uint8)))[0].flatten(1).numpy()
    return latents[:24], latents[24:]


@pytest.mark.parametrize("method", ["means", "linear"])
def test_a_direction_from_encoded_images_moves_held_out_images_to_the_other_group(encoded_groups, method):
    red, blue = encoded_groups
    unit, sigma = direction_from_examples(red[:16], blue[:16], method)
    d = separation(red[:16], blue[:16], unit, sigma)
    assert d > 1.0  # the groups are told apart along it
    held_out, blue_mean, red_mean = red[16:], blue[:16].mean(0), red[:16].mean(0)
    moved = held_out + d * sigma * unit
    before = np.linalg.norm(held_out - blue_mean, axis=1)
    after = np.linalg.norm(moved - blue_mean, axis=1)
    assert (after < before).all()
    # a nearest-mean classifier along the direction: the moved "from" images now read as "to"
    threshold = (red_mean + blue_mean) @ unit / 2
    assert (held_out @ unit < threshold).mean() >= 0.9 and (moved @ unit > threshold).mean() >= 0.9
    assert (blue[16:] @ unit > threshold).mean() >= 0.9  # held-out "to" images agree


def test_label_directions_makes_one_direction_per_label(encoded_groups):
    red, blue = encoded_groups
    latents = np.vstack([red, blue])
    is_blue = np.r_[np.zeros(24), np.ones(24)].astype(bool)
    d = label_directions(latents, {"blue": is_blue, "red": ~is_blue})
    assert d.labels == ("blue", "red") and d.basis.shape == (2, latents.shape[1])
    assert d.basis[0] @ d.basis[1] == pytest.approx(-1, abs=1e-5) and (d.explained == 0).all()
    np.testing.assert_allclose(d.mean, latents.mean(0), rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="marks"):
        label_directions(latents, {"short": is_blue[:5]})
