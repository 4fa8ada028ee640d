"""StyleGAN2(-ADA) network pickles: the generator's config from the `_init_kwargs` the pickle
recorded and its tensors, read by safe_pickle without running any code, loaded into stylegan2's
clean-room generator (conditional ones too: their classes are numbered, as a pickle does not name them).
StyleGAN3 pickles are recognised and refused."""
from __future__ import annotations

from pathlib import Path

import torch

from .errors import ModelFileError
from .safe_pickle import stylegan_generator_state
from .state_files import load_strict
from .stylegan2 import StyleGAN2Config, StyleGAN2Generator
from .tensor_budget import TooManyTensors, for_file

STYLEGAN2_CLASSES = ("training.networks.Generator", "training.networks_stylegan2.Generator")
STYLEGAN3_CLASS = "training.networks_stylegan3.Generator"


def config_from_init_kwargs(kw: dict) -> StyleGAN2Config:
    """The config of a StyleGAN2-ADA Generator from the `_init_kwargs` its pickle recorded."""
    if not isinstance(kw, dict):
        raise ModelFileError(f"the generator's init kwargs are a {type(kw).__name__}, not a dict of its options")
    mapping, synthesis = kw.get("mapping_kwargs") or {}, kw.get("synthesis_kwargs") or {}
    if not isinstance(mapping, dict) or not isinstance(synthesis, dict):
        raise ModelFileError("the generator's mapping_kwargs / synthesis_kwargs are not dicts")
    missing = [k for k in ("z_dim", "w_dim", "img_resolution", "img_channels") if k not in kw]
    if missing:
        raise ModelFileError(f"the generator's init kwargs lack {', '.join(missing)}")
    widths = ("layer_features", "embed_features")  # None: w_dim, the only width the clean-room mapping has
    if mapping.get("activation", "lrelu") != "lrelu" or any(mapping.get(k) not in (None, kw["w_dim"]) for k in widths):
        raise ModelFileError("unsupported mapping network options "
                             f"{ {k: mapping[k] for k in ('activation', *widths) if k in mapping} }")
    if synthesis.get("kernel_size", 3) != 3 or synthesis.get("activation", "lrelu") != "lrelu":
        raise ModelFileError("unsupported synthesis options (expected 3x3 convolutions with leaky ReLU)")
    clamp = synthesis.get("conv_clamp")
    try:
        return StyleGAN2Config(
            z_dim=int(kw["z_dim"]), w_dim=int(kw["w_dim"]), c_dim=int(kw.get("c_dim", 0)),
            img_resolution=int(kw["img_resolution"]), img_channels=int(kw["img_channels"]),
            channel_base=int(synthesis.get("channel_base", 32768)),
            channel_max=int(synthesis.get("channel_max", 512)),
            num_mapping_layers=int(mapping.get("num_layers", 8)),
            mapping_lr_multiplier=float(mapping.get("lr_multiplier", 0.01)),
            architecture=str(synthesis.get("architecture", "skip")),
            conv_clamp=None if clamp is None else float(clamp), use_noise=bool(synthesis.get("use_noise", True)))
    except (TypeError, ValueError) as e:
        raise ModelFileError(f"unsupported StyleGAN2 generator: {e}") from None


def load_stylegan_pickle(path: str | Path, key: str = "G_ema") -> StyleGAN2Generator:
    """The StyleGAN2(-ADA) generator in a network pickle, read without running its code; eval mode."""
    kwargs, state, class_name = stylegan_generator_state(path, key)
    if class_name == STYLEGAN3_CLASS or "synthesis.input.freqs" in state:  # its Fourier-feature input
        raise ModelFileError(f"{path} is a StyleGAN3 pickle. StyleGAN3 pickles are not supported yet; "
                             "StyleGAN2/2-ADA are")
    if class_name not in STYLEGAN2_CLASSES:
        raise ModelFileError(f"{key} in {path} is a {class_name}; expected a StyleGAN2-ADA generator "
                             f"({STYLEGAN2_CLASSES[0]})")
    try:
        cfg = config_from_init_kwargs(kwargs)
    except ModelFileError as e:
        raise ModelFileError(f"{path}: {e}") from None
    try:  # on meta: no point drawing random weights that are replaced at once; no more layers than tensors to fill
        with torch.device("meta"), for_file(len(state)):
            net = StyleGAN2Generator(cfg)
    except TooManyTensors as e:
        raise ModelFileError(f"{path}: the generator's init kwargs describe a network of {e}, but {key} holds "
                             f"{e.tensors}: a layer count in them is wrong (mapping_kwargs.num_layers "
                             f"{cfg.num_mapping_layers}, img_resolution {cfg.img_resolution})") from None
    return load_strict(net, state, f"{key} in {Path(path).name}", assign=True).requires_grad_(False)
