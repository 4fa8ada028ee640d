"""Networks, model folders, directions and edit history on tiny real models (no Qt)."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
import torch

from conftest import CARD, TINY_GAN, TINY_VAE
from genimg_gui.edit import Directions, EditState, edited_latent
from genimg_gui.history import History
from genimg_gui.engine.runtime import Runtime
from genimg_gui.models.directions import load_directions, pca, save_directions
from genimg_gui.models.gan import Discriminator, GANConfig, Generator
from genimg_gui.models.vae import ConvVAE, VAEConfig
from genimg_gui.models.weights import (CARD_NAME, DIRECTIONS_NAME, WEIGHTS_NAME, ModelFileError, load_model,
                                       save_model)


def no_progress(_fraction: float, _text: str) -> None:
    pass


@pytest.fixture()
def vae_folder(tmp_path):
    """A tiny VAE saved in its own folder, free to be damaged by the test."""
    torch.manual_seed(0)
    return save_model(tmp_path / "vae", ConvVAE(TINY_VAE).eval(), {**CARD, "name": "vae"})


def edit_card(folder, **changes) -> None:
    path = folder / CARD_NAME
    card = json.loads(path.read_text())
    card.update(changes)
    path.write_text(json.dumps(card))


# --- networks ------------------------------------------------------------

@torch.inference_mode()
def test_vae_encode_decode_shapes():
    vae = ConvVAE(TINY_VAE).eval()
    mean, logvar = vae.encode(torch.rand(2, 3, 32, 32) * 2 - 1)
    assert mean.shape == logvar.shape == (2, *TINY_VAE.latent_shape) == (2, 2, 16, 16)
    assert vae.decode(mean).shape == (2, 3, 32, 32)


@torch.inference_mode()
def test_gan_map_synthesize_shapes():
    gan = Generator(TINY_GAN).eval()
    w = gan.map(torch.randn(3, TINY_GAN.z_dim), psi=0.7)
    assert w.shape == (3, TINY_GAN.w_dim)
    assert gan.synthesize(w).shape == (3, 3, 32, 32)


def test_r1_through_the_discriminator_stays_finite_for_a_group_of_identical_images():
    """Minibatch std is 0 across identical images. R1 differentiates D's gradient again, and through a
    bare std() that second derivative was NaN there: it reached every weight (first seen under bf16,
    whose rounding makes equal features common)."""
    d = Discriminator(GANConfig(resolution=16, channels=(32, 16, 8)))
    x = torch.randn(1, 3, 16, 16).repeat(4, 1, 1, 1).requires_grad_(True)
    (grad,) = torch.autograd.grad(d(x).sum(), x, create_graph=True)
    grad.pow(2).sum().backward()
    reached = [p.grad for p in d.parameters() if p.grad is not None]  # the biases do not shape D's gradient
    assert len(reached) > 6 and all(torch.isfinite(g).all() for g in reached)


def test_map_seed_is_deterministic(model_dir):
    rt = Runtime("cpu")
    rt.load(str(model_dir / "tiny-gan"), no_progress)
    a, b, c = rt.map_seed(7, 0.7), rt.map_seed(7, 0.7), rt.map_seed(8, 0.7)
    assert a.shape == (TINY_GAN.w_dim,) and a.dtype == np.float32
    assert np.array_equal(a, b)
    assert not np.allclose(a, c)
    assert np.array_equal(rt.decode("gan", a), rt.decode("gan", b))


# --- model folders ---------------------------------------------------------

@torch.inference_mode()
@pytest.mark.parametrize("kind", ["vae", "gan"])
def test_safetensors_round_trip_gives_identical_outputs(tmp_path, kind):
    torch.manual_seed(3)
    net = (ConvVAE(TINY_VAE) if kind == "vae" else Generator(TINY_GAN)).eval()
    save_model(tmp_path, net, {**CARD, "name": "rt"})
    loaded, card = load_model(tmp_path)
    assert type(loaded) is type(net) and loaded.cfg == net.cfg
    assert card["kind"] == kind and card["name"] == "rt" and card["training"]["licence"] == "CC0"
    torch.manual_seed(4)
    if kind == "vae":
        x = torch.rand(2, 3, 32, 32) * 2 - 1
        assert torch.equal(loaded.decode(loaded.encode(x)[0]), net.decode(net.encode(x)[0]))
    else:
        z = torch.randn(2, TINY_GAN.z_dim)
        assert torch.equal(loaded(z, 0.7), net(z, 0.7))
    assert not any(p.name.endswith(".tmp") for p in tmp_path.iterdir())  # atomic writes leave no temp files


def test_wrong_shape_checkpoint_names_the_tensor(vae_folder):
    # the card as a VAE with 3 latent channels has it (its latent_shape too), beside weights with 2
    edit_card(vae_folder, config={**TINY_VAE.to_dict(), "latent_channels": 3}, latent_shape=[3, 16, 16])
    file_shapes = {k: tuple(v.shape) for k, v in ConvVAE(TINY_VAE).state_dict().items()}
    model_shapes = {k: tuple(v.shape) for k, v in ConvVAE(VAEConfig(32, (8, 16), 3)).state_dict().items()}
    first_wrong = next(k for k in model_shapes if model_shapes[k] != file_shapes[k])
    with pytest.raises(ModelFileError) as err:
        load_model(vae_folder)
    message = str(err.value)
    assert "wrong shape" in message and WEIGHTS_NAME in message
    assert f"{first_wrong} {file_shapes[first_wrong]} (expected {model_shapes[first_wrong]})" in message


def test_missing_tensor_is_named(vae_folder):
    from safetensors.torch import load_file, save_file
    state = load_file(str(vae_folder / WEIGHTS_NAME))
    del state["decoder.0.bias"]
    save_file(state, str(vae_folder / WEIGHTS_NAME))
    with pytest.raises(ModelFileError, match=r"1 missing: decoder\.0\.bias$"):
        load_model(vae_folder)


@pytest.mark.parametrize("damage, expected", [
    (lambda f: _drop_card_field(f, "architecture"), r"lacks the field\(s\): architecture"),
    (lambda f: _drop_card_field(f, "config"), r"lacks the field\(s\): config"),
    (lambda f: (f / CARD_NAME).write_text("{not json"), "is not valid JSON"),
    (lambda f: (f / CARD_NAME).write_bytes(b"\xff\xfe\x00garbage"), "is not valid JSON"),
    (lambda f: (f / CARD_NAME).write_text("[1, 2]"), "is not a genimg model card"),
    (lambda f: edit_card(f, format="something-else"), "is not a genimg model card"),
    (lambda f: edit_card(f, architecture="UNet"), "unknown architecture 'UNet'"),
    (lambda f: edit_card(f, config={"resolution": 32}), "config is invalid for ConvVAE"),
    (lambda f: (f / CARD_NAME).unlink(), "has model.safetensors but no card.json. A model folder needs both"),
    (lambda f: (f / WEIGHTS_NAME).unlink(), "missing weights file"),
    (lambda f: (f / WEIGHTS_NAME).write_bytes(np.random.default_rng(0).bytes(4096)),
     "not a readable safetensors file"),
    (lambda f: (f / WEIGHTS_NAME).write_bytes(b""), "not a readable safetensors file"),
    (lambda f: (f / WEIGHTS_NAME).write_bytes((f / WEIGHTS_NAME).read_bytes()[:5000]),
     "not a readable safetensors file"),
], ids=["no-architecture", "no-config", "not-json", "not-utf8", "not-a-dict", "wrong-format",
        "unknown-architecture", "bad-config", "no-card", "no-weights", "random-bytes", "empty-weights",
        "truncated-weights"])
def test_broken_model_folder_raises_model_file_error(vae_folder, damage, expected):
    damage(vae_folder)
    with pytest.raises(ModelFileError, match=expected):
        load_model(vae_folder)


@pytest.mark.parametrize("text, said", [
    (b'{"name": "x", }', "line 1, column 15"),  # was "Expecting property name enclosed in double quotes: line 1 …"
    (b'{"name": "caf\xe9"}', "it is not UTF-8 text, at byte 14"),  # was "'utf-8' codec can't decode byte 0xe9 …"
    (b"[" * 200_000 + b"]" * 200_000, "it is nested too deeply"),
])
def test_a_card_that_is_not_json_is_said_in_words_not_the_parsers(vae_folder, text, said):
    (vae_folder / CARD_NAME).write_bytes(text)
    with pytest.raises(ModelFileError) as raised:
        load_model(vae_folder)
    assert str(raised.value) == f"card.json in {vae_folder} is not valid JSON ({said})"


def _drop_card_field(folder, key: str) -> None:
    path = folder / CARD_NAME
    card = json.loads(path.read_text())
    card.pop(key)
    path.write_text(json.dumps(card))


def test_gan_config_that_cannot_reach_its_resolution_is_a_model_file_error(tmp_path):
    save_model(tmp_path, Generator(TINY_GAN), {"name": "g"})
    edit_card(tmp_path, config={**TINY_GAN.to_dict(), "resolution": 64})
    with pytest.raises(ModelFileError, match="config says resolution 64, but its network draws 32×32"):
        load_model(tmp_path)


# --- directions -------------------------------------------------------------

def test_pca_basis_is_orthonormal_and_ordered():
    gen = torch.Generator().manual_seed(0)
    scales = torch.tensor([5.0, 3.0, 1.0, 0.5, 0.1, 0.1])
    samples = torch.randn(4000, 6, generator=gen) * scales + torch.tensor([1.0, -2.0, 0, 0, 0, 3.0])
    d = pca(samples, 4)
    assert d.basis.shape == (4, 6) and d.mean.shape == (6,) and len(d) == 4 == len(d.labels)
    np.testing.assert_allclose(d.basis @ d.basis.T, np.eye(4), atol=1e-5)
    assert np.all(np.diff(d.sigma) <= 0) and np.all(np.diff(d.explained) <= 0)
    np.testing.assert_allclose(d.sigma[:3], [5.0, 3.0, 1.0], rtol=0.05)
    assert abs(d.basis[0, 0]) > 0.999  # the widest spread is along the first axis
    np.testing.assert_allclose(d.mean, [1.0, -2.0, 0, 0, 0, 3.0], atol=0.2)
    assert 0 < d.explained.sum() <= 1 and d.labels[0].startswith("PC1 (")


def test_pca_with_fewer_samples_than_k():
    d = pca(torch.randn(3, 10), 16)
    assert len(d) == 2  # three points, centred, span a plane: a third direction would hold only rounding


def test_pca_of_identical_latents_has_no_directions_and_no_nan(tmp_path):
    # 12 copies of one picture encode to one latent: no spread, and each share would be 0 / 0
    latent = torch.randn(1, 12, generator=torch.Generator().manual_seed(2))
    d = pca(latent.repeat(12, 1), 8)
    assert len(d) == 0 and d.basis.shape == (0, 12) and d.labels == ()
    np.testing.assert_allclose(d.mean, latent[0].numpy(), rtol=1e-6)
    save_directions(tmp_path, d)
    back = load_directions(tmp_path, 12)
    assert back is not None and len(back) == 0 and back.labels == ()


def test_pca_leaves_out_the_directions_along_which_nothing_varies():
    flat = torch.zeros(500, 6)
    flat[:, :2] = torch.randn(500, 2, generator=torch.Generator().manual_seed(3)) * torch.tensor([3.0, 1.0])
    d = pca(flat + 5.0, 4)  # 2 of 6 dimensions vary
    assert len(d) == 2 and np.all(d.sigma > 0.5) and np.all(np.isfinite(d.explained))
    assert d.labels[0].startswith("PC1 (") and not any("nan" in label for label in d.labels)
    np.testing.assert_allclose(d.explained.sum(), 1.0, rtol=1e-5)


def test_a_directions_cache_holding_nan_is_recomputed(tmp_path):
    d = pca(torch.randn(50, 12), 4)
    save_directions(tmp_path, Directions(d.mean, d.basis, d.sigma, np.full(4, np.nan, np.float32),
                                         tuple(f"PC{i + 1} (nan%)" for i in range(4))))
    assert load_directions(tmp_path, 12) is None


def test_directions_round_trip(tmp_path):
    d = pca(torch.randn(200, 12, generator=torch.Generator().manual_seed(1)), 5)
    save_directions(tmp_path, d)
    back = load_directions(tmp_path, 12)
    # pca() returns basis as a Fortran-ordered view of torch's SVD output; a writer that dumps the raw
    # buffer stores it transposed, and the cached sliders then point along non-orthogonal mixtures.
    np.testing.assert_allclose(back.basis @ back.basis.T, np.eye(5), atol=1e-5,
                               err_msg="the cached basis is no longer orthonormal (stored in the wrong order)")
    for name in ("mean", "basis", "sigma", "explained"):
        assert np.array_equal(getattr(back, name), getattr(d, name)), name
    assert back.labels == d.labels
    assert [p.name for p in tmp_path.iterdir()] == [DIRECTIONS_NAME]


def test_load_directions_none_without_cache(tmp_path):
    assert load_directions(tmp_path, 12) is None


def test_load_directions_wrong_dim_raises(tmp_path):
    save_directions(tmp_path, pca(torch.randn(50, 12), 4))
    with pytest.raises(ModelFileError, match="for a latent of 20"):
        load_directions(tmp_path, 20)


def test_load_directions_corrupt_raises(tmp_path):
    (tmp_path / DIRECTIONS_NAME).write_bytes(b"\x00" * 64)
    with pytest.raises(ModelFileError, match=r"not a readable directions file \(its header is garbled\)"):
        load_directions(tmp_path, 12)


def test_a_directions_file_cut_short_says_so_without_safetensors_words(tmp_path):
    """It said "(Error while deserializing header: incomplete metadata, file not fully covered)"."""
    save_directions(tmp_path, pca(torch.randn(50, 12), 4))
    path = tmp_path / DIRECTIONS_NAME
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(ModelFileError) as e:
        load_directions(tmp_path, 12)
    assert str(e.value) == f"{path} is not a readable directions file (it is cut short: its end is missing)"


def test_runtime_rejects_a_stale_directions_cache(model_dir, tmp_path):
    folder = shutil.copytree(model_dir / "tiny-gan", tmp_path / "gan")
    save_directions(folder, pca(torch.randn(50, 7), 4))  # cached for another latent size
    with pytest.raises(ModelFileError, match="directions of size"):
        Runtime("cpu").load(str(folder), no_progress)


# --- edit state and history -------------------------------------------------

def small_directions() -> Directions:
    basis = np.array([[1, 0, 0, 0], [0, 0.6, 0.8, 0]], np.float32)
    return Directions(np.zeros(4, np.float32), basis, np.array([2.0, 0.5], np.float32),
                      np.array([0.6, 0.2], np.float32), ("a", "b"))


def test_edited_latent_math():
    d = small_directions()
    base = np.array([1, 2, 3, 4], np.float32)
    out = edited_latent(EditState(base, (1.5, -2.0)), d)
    expected = base + 1.5 * 2.0 * d.basis[0] - 2.0 * 0.5 * d.basis[1]
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    np.testing.assert_allclose(edited_latent(EditState(base, (1.0,)), d), base + [2, 0, 0, 0])


def test_edited_latent_unedited_is_a_copy_of_base():
    base = np.arange(4, dtype=np.float64)
    for directions in (small_directions(), None):
        out = edited_latent(EditState(base, (0.0, 0.0)), directions)
        assert out.dtype == np.float32 and np.array_equal(out, base) and out is not base
        out[0] = 99
        assert base[0] == 0
    assert np.array_equal(edited_latent(EditState(base, (1.0, 1.0)), None), base)


def state(values, base=None) -> EditState:
    return EditState(np.zeros(4, np.float32) if base is None else base, tuple(values))


def test_history_undo_redo():
    h = History(state([0, 0]))
    assert not h.can_undo() and not h.can_redo()
    assert h.undo().values == (0, 0)  # nothing to undo: stays
    assert h.push(state([1, 0])) and h.push(state([2, 0]))
    assert len(h) == 3 and h.current.values == (2, 0)
    assert h.undo().values == (1, 0) and h.undo().values == (0, 0) and not h.can_undo()
    assert h.redo().values == (1, 0) and h.can_redo()
    assert h.redo().values == (2, 0) and not h.can_redo()
    assert h.redo().values == (2, 0)


def test_history_push_after_undo_starts_a_branch():
    h = History(state([0]))
    h.push(state([1]))
    h.push(state([2]))
    h.undo()
    h.undo()
    assert h.push(state([5]))
    assert len(h) == 4 and not h.can_redo() and h.current.values == (5,)  # the old branch is kept (goto)
    assert h.undo().values == (0,)


def test_history_push_equal_state_is_a_no_op():
    h = History(state([1.0, 2.0]))
    assert not h.push(state([1.0, 2.0], base=np.zeros(4, np.float32)))  # equal, though other objects
    assert len(h) == 1 and not h.can_undo()
    assert h.push(state([1.0, 2.0], base=np.ones(4, np.float32)))  # a new base is a change
    assert len(h) == 2
    assert state([1.0]).with_values((np.float32(2),)).values == (2.0,)


def test_a_gpu_index_past_the_last_is_refused_at_once(monkeypatch):
    """On a machine with one GPU, cuda:1 passed and failed only when the first tensor went there."""
    from genimg_gui.models.device import pick_device
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    assert pick_device("cuda:0") == torch.device("cuda:0")
    with pytest.raises(RuntimeError, match="'cuda:1' was asked for, but this machine's CUDA GPUs are cuda:0$"):
        pick_device("cuda:1")
