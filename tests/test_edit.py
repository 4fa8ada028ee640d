"""The editing core: branching history, masks in states, direction sets, directions from examples
(synthetic and through a real tiny VAE), user direction files, morph paths and animation files."""
from __future__ import annotations

import errno
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from genimg_gui.attributes import (DirectionsFileError, direction_from_examples, label_directions,
                                   load_user_directions, save_user_directions, separation, user_directions_file)
from genimg_gui.edit import AmbiguousDirection, Directions, EditState, edited_latent
from genimg_gui.history import History, carried_over, fits_over
from genimg_gui.models.tensors import to_tensor
from genimg_gui.models.weights import load_model
from genimg_gui.morph import (count_frames, default_scale, frame_size, keyframe_layers, lerp, max_scale,
                              morph_layers, morph_path, output_size, slerp, video_frame, write_animation)
from genimg_gui.typicality import TYPICAL_BELOW, UNUSUAL_BELOW, PriorModel, prior_distance, reading


def state(*values, mask=None) -> EditState:
    return EditState(np.zeros(3, np.float32), tuple(float(v) for v in values), mask)


# --- history -----------------------------------------------------------------

def test_an_edit_after_undo_branches_and_the_old_branch_stays_reachable():
    h = History(state(0))
    h.push(state(1))
    h.push(state(2))
    old_tip = h.current_id
    h.undo()
    assert h.push(state(5)) and h.current.values == (5.0,)
    assert len(h) == 4 and not h.can_redo()
    assert h.children(1) == [old_tip, h.current_id]
    nodes = h.nodes()
    assert [(n.id, n.parent, n.created) for n in nodes] == [(0, None, 0), (1, 0, 1), (2, 1, 2), (3, 1, 3)]
    assert h.goto(old_tip).values == (2.0,) and h.current_id == old_tip
    assert h.undo().values == (1.0,)
    assert h.redo().values == (2.0,)  # redo follows the branch visited last: the old one now
    h.goto(3)
    h.undo()
    assert h.redo().values == (5.0,)
    with pytest.raises(KeyError):
        h.goto(99)


def test_redo_picks_the_last_visited_child_and_pushing_a_known_state_revisits_it():
    h = History(state(0))
    h.push(state(1))
    h.undo()
    h.push(state(2))
    h.undo()
    assert h.redo().values == (2.0,)
    h.undo()
    assert h.push(state(1)) and h.current_id == 1 and len(h) == 3  # no duplicate node
    h.undo()
    assert h.redo().values == (1.0,)
    assert h.path() == [0, 1] and h.path(2) == [0, 2]


def test_the_mask_is_part_of_a_state():
    mask = np.zeros((4, 4), np.float32)
    a, b = state(1, mask=mask), state(1, mask=mask.copy())
    assert a.same_as(b) and not a.same_as(state(1)) and not state(1).same_as(a)
    painted = a.with_mask(np.pad(np.ones((2, 2)), 1) * 2)  # clipped to [0, 1], float32
    assert painted.mask.dtype == np.float32 and painted.mask.max() == 1 and not painted.same_as(a)
    h = History(state(1))
    assert h.push(state(1).with_mask(mask)) and h.undo().mask is None  # a mask stroke is undoable
    masked = state(1).with_mask(mask)
    assert masked.with_values((2,)).mask is masked.mask and not masked.mask.flags.writeable
    with pytest.raises(ValueError, match="H, W"):
        state(1).with_mask(np.zeros(4))


# --- direction sets -------------------------------------------------------------

def directions() -> Directions:
    basis = np.eye(4, dtype=np.float32)[:2]
    return Directions(np.zeros(4, np.float32), basis, np.array([2.0, 1.0], np.float32),
                      np.array([0.5, 0.2], np.float32), ("PC1 (50.0%)", "PC2 (20.0%)"))


def test_a_history_carried_over_to_new_latents_keeps_its_branches_values_masks_and_folded_edits():
    old_a, old_b, new_a, new_b = (np.full(4, v, np.float32) for v in (1.0, 5.0, 10.0, 50.0))
    mask = np.ones((2, 2), np.float32)
    h = History(EditState(old_a, (0.0,)))                # 0: sample a
    h.push(h.current.with_values((1.0,)))               # 1: an edit of a
    h.push(EditState(old_a + 0.5, (1.0,)).with_mask(mask))  # 2: a's edit folded into the base, masked
    h.goto(0)
    h.push(EditState(old_b, (0.0,)))                    # 3: sample b, a branch from the root
    h.push(h.current.with_values((-2.0,)))              # 4: an edit of b
    h.goto(2)
    anchors = {0: (old_a, new_a), 3: (old_b, new_b)}
    assert fits_over(h, anchors)
    moved = carried_over(h, anchors)
    bases = [n.state.base for n in moved.nodes()]
    assert [b[0] for b in bases] == [10.0, 10.0, 10.5, 50.0, 50.0]
    assert [n.state.values for n in moved.nodes()] == [n.state.values for n in h.nodes()]
    assert np.array_equal(moved.nodes()[2].state.mask, mask)
    assert [(n.id, n.parent) for n in moved.nodes()] == [(n.id, n.parent) for n in h.nodes()]
    assert moved.current_id == 2 and moved.undo().base[0] == 10.0 and h.current.base[0] == 1.5  # h is untouched
    # a node with no anchor above it stays; another latent shape cannot be carried over
    assert carried_over(h, {3: (old_b, new_b)}).nodes()[1].state.base is old_a
    assert not fits_over(h, {0: (old_a, np.zeros(6, np.float32))})


def test_direction_set_operations_return_new_sets():
    d = directions()
    added = d.with_direction(np.array([0, 0, 3.0, 4.0]), 0.5, "smile")
    assert len(added) == 3 and len(d) == 2
    np.testing.assert_allclose(added.basis[2], [0, 0, 0.6, 0.8], rtol=1e-6)
    assert added.explained[2] == 0 and added.sigma[2] == 0.5 and added.index_of("smile") == 2
    assert added.index_of("pc2") == 1 and added.index_of("PC1 (50.0%)") == 0
    renamed = added.renamed(2, "grin")
    assert renamed.labels[2] == "grin" and added.labels[2] == "smile"
    dropped = renamed.without(0)
    assert dropped.labels == ("PC2 (20.0%)", "grin") and dropped.basis.shape == (2, 4)
    np.testing.assert_array_equal(dropped.sigma, [1.0, 0.5])
    both = d.appended(dropped.subset([1]))
    assert both.labels[-1] == "grin" and len(both) == 3
    with pytest.raises(ValueError):
        d.index_of("nothing")
    topics = added.renamed(0, "mood: sad → glad").renamed(1, "mood: calm → angry")
    assert topics.appended(dropped.subset([1]).renamed(0, "size: small → big")).index_of("size") == 3
    with pytest.raises(AmbiguousDirection, match="'Mood' matches 2 directions: mood: sad → glad, mood: calm → "
                                                 "angry; name one"):
        topics.index_of("Mood")
    with pytest.raises(ValueError, match="does not fit"):
        d.with_direction(np.ones(3), 1.0, "x")
    with pytest.raises(ValueError, match="non-zero"):
        d.with_direction(np.zeros(4), 1.0, "x")
    with pytest.raises(IndexError):
        d.renamed(5, "x")


def test_orthogonalised_direction_leaves_the_other_attributes_fixed():
    rng = np.random.default_rng(1)
    d = directions().with_direction(rng.standard_normal(4), 1.5, "a").with_direction(rng.standard_normal(4), 1.0, "b")
    i, other = d.index_of("b"), d.index_of("a")
    kept = d.orthogonalized(i, [other, 0])
    assert abs(kept.basis[i] @ kept.basis[other]) < 1e-6 and abs(kept.basis[i] @ kept.basis[0]) < 1e-6
    assert abs(np.linalg.norm(kept.basis[i]) - 1) < 1e-6 and kept.sigma[i] == d.sigma[i]
    assert abs(d.basis[i] @ d.basis[other]) > 0.05  # the test would prove nothing otherwise
    base = rng.standard_normal(4).astype(np.float32)
    moved = edited_latent(EditState(base, (0, 0, 0, 2.5)), kept)
    assert abs((moved - base) @ d.basis[other]) < 1e-5 and abs((moved - base) @ d.basis[0]) < 1e-5
    assert abs((moved - base) @ d.basis[i]) > 0.1  # but it still moves along its own attribute
    with pytest.raises(ValueError, match="lies within"):
        d.with_direction(np.array([1.0, 1, 0, 0]), 1.0, "c").orthogonalized(4, [0, 1])


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


# --- directions from examples ----------------------------------------------------

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


# --- user directions on disk ------------------------------------------------------

def test_user_directions_round_trip_in_the_user_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("GENIMG_DATA_DIR", str(tmp_path / "genimg"))
    path = user_directions_file("emoji/vae: v2", "3f2a9c01b7de" + "0" * 52)
    assert path.parent == tmp_path / "genimg" / "directions" and path.name == "emoji_vae_v2-3f2a9c01b7de.safetensors"
    assert load_user_directions(path, 4) is None
    d = directions().with_direction(np.array([1.0, 1, 0, 0]), 0.7, "style: a → b").subset([2])
    save_user_directions(path, d)
    back = load_user_directions(path, 4)
    assert back.labels == ("style: a → b",) and back.sigma[0] == pytest.approx(0.7)
    np.testing.assert_allclose(back.basis, d.basis)
    with pytest.raises(DirectionsFileError, match="latent of 5"):
        load_user_directions(path, 5)
    path.write_bytes(b"not safetensors")
    with pytest.raises(DirectionsFileError, match="not a readable"):
        load_user_directions(path, 4)


# --- morphs --------------------------------------------------------------------

def test_slerp_keeps_the_norm_of_equal_norm_latents_and_falls_back_to_lerp():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(256), rng.standard_normal(256)
    b *= np.linalg.norm(a) / np.linalg.norm(b)
    for t in np.linspace(0, 1, 7):
        assert np.linalg.norm(slerp(a, b, t)) == pytest.approx(np.linalg.norm(a), rel=1e-5)
    assert np.linalg.norm(lerp(a, b, 0.5)) < 0.8 * np.linalg.norm(a)  # the chord dips towards 0
    np.testing.assert_allclose(slerp(a, b, 0), a, atol=1e-5)
    np.testing.assert_allclose(slerp(a, b, 1), b, atol=1e-5)
    np.testing.assert_allclose(slerp(a, a * 2, 0.5), a * 1.5, rtol=1e-5)  # parallel: lerp
    assert np.linalg.norm(slerp(a, 3 * b, 0.5)) == pytest.approx(2 * np.linalg.norm(a), rel=1e-5)


def test_morph_path_passes_through_the_keyframes_evenly():
    keys = np.array([[0.0, 0], [1, 0], [1, 1]], np.float32)
    path = morph_path(keys, 5, "linear")
    np.testing.assert_allclose(path, [[0, 0], [0.5, 0], [1, 0], [1, 0.5], [1, 1]])
    looped = morph_path(keys, 6, "linear", loop=True)
    np.testing.assert_allclose(looped[[0, 2, 4]], keys)  # three segments of two frames; no repeated first frame
    np.testing.assert_allclose(looped[5], [0.5, 0.5])
    assert morph_path(keys, 9, "spherical").shape == (9, 2)
    with pytest.raises(ValueError, match="two keyframes"):
        morph_path(keys[:1], 5)
    with pytest.raises(ValueError, match="mode"):
        morph_path(keys, 5, "cubic")


def test_morph_layers_pass_through_masked_keyframes_and_fade_the_mask():
    edited, unedited = np.eye(3, 4, dtype=np.float32), -np.eye(3, 4, dtype=np.float32)
    mask = np.zeros((2, 2), np.float32)
    mask[0] = 1.0
    keys = keyframe_layers(edited, unedited, [None, mask, None], (2, 2))
    np.testing.assert_array_equal(keys.unedited, [edited[0], unedited[1], edited[2]])  # unmasked: its picture
    np.testing.assert_array_equal(keys.masks, [np.ones((2, 2)), mask, np.ones((2, 2))])
    larger = keyframe_layers(edited, unedited, [None, np.full((4, 4), 0.25, np.float32), None], (2, 2))
    np.testing.assert_allclose(larger.masks[1], np.full((2, 2), 0.25))  # at the first keyframe's size
    frames = morph_layers(keys, 5, "linear")
    np.testing.assert_array_equal(frames.edited[[0, 2, 4]], edited)
    np.testing.assert_array_equal(frames.unedited[2], unedited[1])
    np.testing.assert_allclose(frames.masks[1], [[1, 1], [0.5, 0.5]])
    masks, bases = frames.frame_masks()
    assert masks[0] is None and bases[0] is None  # all edit: no unedited decode needed
    np.testing.assert_array_equal(masks[2], mask)
    np.testing.assert_array_equal(morph_layers(keys, 5, "linear", only=1).masks[0], frames.masks[1])
    plain = keyframe_layers(edited, unedited, [None] * 3, (2, 2))
    assert plain.unedited is None and morph_layers(plain, 4).frame_masks() == ((), ())


@pytest.mark.parametrize("suffix", [".gif", ".webp", ".mp4"])
def test_animations_have_the_asked_frame_count(tmp_path, suffix):
    rng = np.random.default_rng(0)
    ramp = np.linspace(0, 255, 64)
    a = np.stack(np.broadcast_arrays(ramp[:, None], ramp[None, :], 128.0), -1).astype(np.uint8)
    a[::7, ::5] = rng.integers(0, 255, (10, 13, 3))  # a few odd colours for the palette
    frames = [a, a, 255 - a] + [np.full((64, 64, 3), 200, np.uint8)] * 3 + [a] * 4  # repeats must survive
    path = write_animation(frames, tmp_path / f"morph{suffix}", fps=12).path
    assert count_frames(path) == len(frames) and sorted(p.name for p in tmp_path.iterdir()) == [path.name]
    if suffix != ".mp4":
        with Image.open(path) as im:
            assert im.info.get("loop") == 0 and im.size == (64, 64)
            im.seek(2)
            assert np.abs(np.asarray(im.convert("RGB")).astype(int) - (255 - a)).mean() < 4
    assert video_frame(a).shape == (64, 64, 3) and video_frame(a[:33, :45]).shape[:2] == (34, 46)
    assert video_frame(np.zeros((257, 301, 3), np.uint8)).shape[:2] == (258, 302)  # H.264 4:2:0 needs even sides


def emoji_frames(count: int = 24, side: int = 64) -> list[np.ndarray]:
    """A morph-like run of distinct frames, as of a 64-px model."""
    rng = np.random.default_rng(1)
    a = rng.integers(0, 255, (side, side, 3), dtype=np.uint8)
    return [np.roll(a, i, axis=1) for i in range(count)]


def test_every_format_is_written_at_one_size_the_asked_scale(tmp_path):
    suffixes = (".gif", ".webp", ".mp4")
    for suffix in suffixes:
        write_animation(emoji_frames(6), tmp_path / f"m{suffix}", 12)
    assert {frame_size(tmp_path / f"m{s}") for s in suffixes} == {(64, 64)}  # the MP4 was 256 px, unasked
    for suffix in suffixes:
        written = write_animation(emoji_frames(6), tmp_path / f"x4{suffix}", 12, scale=4)
        assert frame_size(written.path) == written.size == (256, 256)
        assert written.frames == count_frames(written.path) == 6
    odd = [np.zeros((33, 45, 3), np.uint8)] * 2
    assert frame_size(write_animation(odd, tmp_path / "odd.mp4", 12).path) == output_size((45, 33), 1, ".mp4") \
        == (46, 34)  # the one difference: H.264 in 4:2:0 needs even sides
    assert frame_size(write_animation(odd, tmp_path / "odd.gif", 12).path) == output_size((45, 33), 1, ".gif")


def test_a_scale_or_fps_the_writer_cannot_honour_is_refused_before_any_frame_is_enlarged(tmp_path):
    big = [np.zeros((1024, 600, 3), np.uint8)] * 2  # a photo under a spatial VAE
    assert max_scale((600, 1024)) == 4 and default_scale((600, 1024)) == 1
    with pytest.raises(ValueError, match="from 1 to 4 for 600×1024 frames"):
        write_animation(big, tmp_path / "m.mp4", 12, scale=8)  # 8192 px a side: GiBs, the window frozen
    with pytest.raises(ValueError, match="fps must be between 0.1 and 100"):
        write_animation(emoji_frames(2), tmp_path / "m.gif", 0.001)  # a GIF delay tops out at 655 s
    assert not list(tmp_path.iterdir())


def durations_ms(path: Path) -> list[int]:
    with Image.open(path) as im:
        found = []
        for i in range(im.n_frames):
            im.seek(i)
            im.load()  # WebP reads a frame's duration when it decodes it
            found.append(im.info["duration"])
    return found


@pytest.mark.parametrize("suffix, unit_ms", [(".gif", 10), (".webp", 1)])
@pytest.mark.parametrize("fps", [12, 24, 7.5])
def test_a_gif_or_webp_plays_for_frames_over_fps(tmp_path, suffix, unit_ms, fps):
    written = write_animation(emoji_frames(24), tmp_path / f"m{suffix}", fps)
    durations = durations_ms(tmp_path / f"m{suffix}")
    assert len(durations) == 24 and abs(sum(durations) - 24 * 1000 / fps) <= unit_ms  # 12 fps was 24 × 80 ms
    assert written.seconds == sum(durations) / 1000
    assert all(d % unit_ms == 0 for d in durations) and max(durations) - min(durations) <= unit_ms


def test_a_gif_faster_than_browsers_play_one_says_how_long_it_really_plays(tmp_path):
    written = write_animation(emoji_frames(6), tmp_path / "m.gif", 60)
    assert durations_ms(tmp_path / "m.gif") == [20] * 6  # browsers slow a 10 ms delay to 100 ms; 60 fps wrote 10s
    assert written.seconds == 0.12


def test_animation_errors_are_clear(tmp_path):
    frame = np.zeros((8, 8, 3), np.uint8)
    with pytest.raises(ValueError, match=r"\.avi"):
        write_animation([frame], tmp_path / "x.avi", 10)
    with pytest.raises(ValueError, match="same size"):
        write_animation([frame, np.zeros((4, 4, 3), np.uint8)], tmp_path / "x.gif", 10)
    with pytest.raises(ValueError, match="uint8"):
        write_animation([frame.astype(np.float32)], tmp_path / "x.gif", 10)
    assert not list(tmp_path.iterdir())


def test_an_mp4_that_ffmpeg_could_not_finish_is_an_error_about_the_file_asked_for(tmp_path, monkeypatch, capfd):
    """imageio never looked at ffmpeg's exit: on a full disk a truncated MP4 was reported as written, and ffmpeg's
    own lines on stderr named the temp file. A stand-in ffmpeg fails as the real one did on a full tmpfs."""
    import imageio_ffmpeg

    fake = tmp_path / "bin" / "ffmpeg"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\ncat > /dev/null\n"
                    "echo '[out#0/mp4 @ 0x55e] Error closing file: No space left on device' >&2\nexit 228\n")
    fake.chmod(0o755)
    monkeypatch.setattr(imageio_ffmpeg, "get_ffmpeg_exe", lambda: str(fake))
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(OSError, match="No space left on device") as failed:
        write_animation(emoji_frames(4), out / "m.mp4", 12)
    assert failed.value.filename == str(out / "m.mp4") and failed.value.errno == errno.ENOSPC
    assert not list(out.iterdir())  # neither the truncated file nor the temp one
    assert ".tmp" not in capfd.readouterr().err


# --- the bundled models' named directions ---------------------------------------------

def test_bundled_skin_tone_direction_darkens_a_drawn_face_and_prior_distance_is_calibrated():
    from genimg_gui.catalog import bundled_models, default_model
    from genimg_gui.engine.runtime import Runtime
    from tests.test_bundled import emoji_like_face

    entries = bundled_models()
    rt = Runtime("cpu")
    vae = rt.load(default_model("vae", entries).path, lambda *_: None)
    # the all-emoji GAN: the default GAN draws faces only, which come in no skin tones
    gan = rt.load(next(e.path for e in entries if Path(e.path).name == "emoji-gan"), lambda *_: None)
    _, base, _ = rt.encode(emoji_like_face(), "crop")

    def face_brightness(info, latent, value) -> float:
        values = [0.0] * len(info.directions)
        values[info.directions.index_of("skin tone: lighter → darker")] = value
        image = rt.decode(info.kind, edited_latent(EditState(latent, tuple(values)), info.directions))
        return float(image[14:50, 14:50].mean())

    lighter, plain, darker = (face_brightness(vae, base, v) for v in (-2.0, 0.0, 2.0))
    assert lighter > plain + 15 and darker < plain - 30
    ws = [rt.map_seed(seed, 0.7) for seed in range(4)]
    assert all(face_brightness(gan, w, 3.0) < face_brightness(gan, w, 0.0) - 10 for w in ws)
    # prior distance: ~1 for an encoded emoji and for untruncated GAN samples, less with truncation
    assert 0.5 < prior_distance(base, vae.directions) < 1.5

    def assert_truncation_pulls_in(info) -> None:
        """For the GAN the runtime holds: untruncated samples ~1 from the prior's centre, each truncated one nearer
        (truncation pulls a sample towards its class's mean w, some classes' nearer the centre than others)."""
        full = [prior_distance(rt.map_seed(seed, 1.0), info.directions) for seed in range(8)]
        truncated = [prior_distance(rt.map_seed(seed, 0.5), info.directions) for seed in range(8)]
        assert 0.7 < np.median(full) < 1.3 and all(t < f for t, f in zip(truncated, full)), info.path

    assert_truncation_pulls_in(gan)
    assert_truncation_pulls_in(rt.load(default_model("gan", entries).path, lambda *_: None))  # the face GAN
