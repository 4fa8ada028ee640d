"""A model file from elsewhere gets the checks of genimg's own folders as it loads (state_files.load_strict): its
weights must be finite and of a floating-point type. NaN weights in an SD VAE file were converted and cached, then
refused as "…/genimg/models/nan-a994135d0a6c/model.safetensors holds NaN … the training that wrote it diverged",
naming genimg's cache, not the user's file, and leaving the broken conversion there; integer weights (an SD VAE's
`.long()`, one int32 weight of a TAESD) were cast to float and drew a flat picture, where genimg's own folders say
"1 with the wrong data type"."""
from __future__ import annotations

import pytest
import torch
from safetensors.torch import save_file

import foreign_builders as fb
from genimg_gui.models.errors import ModelFileError
from genimg_gui.models.foreign import convert
from genimg_gui.models.taesd import load_taesd

NAN_SAID = ("holds NaN or infinite values in 1 tensor (encoder.conv_in.weight), so it would draw nothing: a damaged "
            "copy, or a model whose training diverged")


def nan_state() -> dict[str, torch.Tensor]:
    state = fb.sd_vae_state()
    state["encoder.conv_in.weight"] = state["encoder.conv_in.weight"] * float("nan")
    return state


@pytest.mark.parametrize("suffix", [".safetensors", ".pt"])
def test_nan_weights_are_refused_naming_the_users_file_and_nothing_is_cached(tmp_path, suffix):
    path, cache = tmp_path / f"nan{suffix}", tmp_path / "cache"
    save_file(nan_state(), str(path)) if suffix == ".safetensors" else torch.save(nan_state(), path)
    with pytest.raises(ModelFileError) as refused:
        convert(path, cache, 0.18215)
    assert str(refused.value) == f"nan{suffix} {NAN_SAID}"
    assert not cache.exists() or not any(cache.iterdir())


def test_integer_weights_of_an_sd_vae_are_refused_by_their_data_type(tmp_path):
    path, cache = tmp_path / "int.safetensors", tmp_path / "cache"
    save_file({k: (v * 100).long() for k, v in fb.sd_vae_state().items()}, str(path))
    with pytest.raises(ModelFileError, match=r"^int\.safetensors does not fit AutoencoderKL \(\d+ with the wrong "
                                             r"data type: .* int64 \(expected float32\)"):
        convert(path, cache, 0.18215)
    assert not cache.exists() or not any(cache.iterdir())


def test_one_integer_weight_of_a_taesd_half_is_refused_and_half_precision_loads(tmp_path):
    enc, dec = fb.taesd_pair(tmp_path)
    half = {k: v.half() for k, v in torch.load(dec, weights_only=True).items()}
    torch.save(half, dec)
    net = load_taesd(enc)  # float16 weights are cast as they load, to the network's float32
    assert all(p.dtype == torch.float32 for p in net.parameters())
    first = next(iter(half))
    half[first] = half[first].to(torch.int32)
    torch.save(half, dec)
    with pytest.raises(ModelFileError, match=rf"^taesd_encoder\.pth does not fit TAESD \(1 with the wrong data type: "
                                             rf"decoder\.{first} int32 \(expected float32\)\)$"):
        load_taesd(enc)
