"""The sizes a model declares (a card's config, a StyleGAN2 pickle's `_init_kwargs`, an SD VAE's tensor shapes) that
no network can have, or that ask for more layers than the file holds, fail at once with a ModelFileError in words.

A card saying `mapping_layers: 100000000` (or a pickle's mapping_kwargs.num_layers 10**9) built layers on the meta
device for ever, its memory growing some 4 MB a second, with no way to cancel; z_dim 0, an img_resolution of 2**20
or an `_init_kwargs` that is a list ended in "internal error (ZeroDivisionError …)" or an AttributeError, and a
flattened SD VAE convolution in "not enough values to unpack"; a mapping lr_multiplier of 0 loaded, every seed then
drawing one picture."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file

from conftest import UI_TIMEOUT
from foreign_builders import sd_vae_state
from genimg_gui.engine import requests as rq
from genimg_gui.models.errors import ModelFileError
from genimg_gui.models.sd_vae_files import load_sd_vae
from genimg_gui.models.stylegan2_files import load_stylegan_pickle
from genimg_gui.models.weights import CARD_NAME, WEIGHTS_NAME, load_model
from test_stylegan2 import tiny_generator, write_pickle

BUNDLED_GAN = Path(__file__).resolve().parent.parent / "weights" / "emoji-gan"
# far more layers than any file holds, few enough that the old code's build ended (in seconds) in a list of misfits
MANY = 3000


def card_with(folder: Path, **config) -> Path:
    card = json.loads((folder / CARD_NAME).read_text())
    card["config"].update(config)
    (folder / CARD_NAME).write_text(json.dumps(card))
    return folder


def test_a_card_declaring_thousands_of_mapping_layers_says_its_layer_count_is_wrong(tmp_path):
    folder = card_with(shutil.copytree(BUNDLED_GAN, tmp_path / "m"), mapping_layers=MANY)
    with pytest.raises(ModelFileError) as raised:
        load_model(folder)
    said = str(raised.value)
    assert said.startswith(f"{folder / CARD_NAME}: the model card's config describes a LatentGenerator of more than ")
    assert f"weight tensors, but {WEIGHTS_NAME} holds " in said
    assert said.endswith(f"a layer count in the config is wrong (mapping_layers {MANY}, 3 channels); correct the card")


def _kwargs(**changes):
    """A write_pickle edit setting _init_kwargs entries ("mapping_kwargs.num_layers": a nested one)."""
    def edit(data, kwargs):
        for key, value in changes.items():
            outer, _, inner = key.partition(".")
            if inner:
                kwargs[outer][inner] = value
            else:
                kwargs[outer] = value
    return edit


def _kwargs_a_list(data, kwargs):
    data["G_ema"].state["_init_kwargs"] = [1, 2]


@pytest.mark.parametrize("edit, said", [
    (_kwargs(**{"mapping_kwargs.num_layers": MANY}),
     r"the generator's init kwargs describe a network of more than 212 weight tensors, but G_ema holds 56: a layer "
     rf"count in them is wrong \(mapping_kwargs.num_layers {MANY}, img_resolution 16\)$"),
    (_kwargs(img_resolution=2 ** 20), r"unsupported StyleGAN2 generator: channel_base 128 and channel_max 16 leave "
     r"no channels at img_resolution 1048576 \(channel_base // img_resolution, at most channel_max\)$"),
    (_kwargs(z_dim=0), r"unsupported StyleGAN2 generator: z_dim and w_dim must be positive, not 0 and 8$"),
    (_kwargs(w_dim=0), r"unsupported StyleGAN2 generator: z_dim and w_dim must be positive, not 8 and 0$"),
    (_kwargs_a_list, r"the generator's init kwargs are a list, not a dict of its options$"),
    (_kwargs(**{"mapping_kwargs.lr_multiplier": 0}),
     r"unsupported StyleGAN2 generator: the mapping's lr_multiplier must be a positive number, not 0.0$"),
], ids=["many-mapping-layers", "huge-resolution", "z_dim-0", "w_dim-0", "kwargs-a-list", "lr_multiplier-0"])
def test_a_pickle_whose_init_kwargs_make_no_network_says_which(tmp_path, edit, said):
    path = write_pickle(tmp_path / "net.pkl", tiny_generator(), tmp_path / "ran", edit=edit)
    with pytest.raises(ModelFileError, match=rf"^{path}: {said}"):
        load_stylegan_pickle(path)


def test_the_window_engine_says_a_pickles_zero_z_dim_in_words(qtbot, engine, tmp_path):
    """The window was told "internal error (ZeroDivisionError: float division by zero)"."""
    path = write_pickle(tmp_path / "net.pkl", tiny_generator(), tmp_path / "ran", edit=_kwargs(z_dim=0))
    with qtbot.waitSignal(engine.failed, timeout=UI_TIMEOUT) as failed:
        engine.submit(rq.LoadModel(str(path)))
    said = failed.args[0].message
    assert said == f"{path}: unsupported StyleGAN2 generator: z_dim and w_dim must be positive, not 0 and 8"


@pytest.mark.parametrize("key", ["encoder.conv_in.weight", "decoder.conv_in.weight",
                                 "encoder.down.0.block.0.conv1.weight"])
@pytest.mark.parametrize("damage", ["flattened", "empty"])
def test_an_sd_vae_whose_convolution_is_not_4d_names_it(tmp_path, key, damage):
    state = sd_vae_state()
    state[key] = state[key].flatten() if damage == "flattened" else torch.zeros(0)
    save_file(state, str(tmp_path / "vae.safetensors"))
    shape = (state[key].numel(),)
    with pytest.raises(ModelFileError) as raised:
        load_sd_vae(tmp_path / "vae.safetensors", 0.18215)
    assert str(raised.value) == (f"vae.safetensors: {key} has the shape {shape}, where a convolution's weight has 4 "
                                 "sizes of at least 1 (out, in, height, width): the file is damaged or not a Stable "
                                 "Diffusion VAE")
