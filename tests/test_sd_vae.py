"""The Stable Diffusion VAE: checks against a plain-torch reference written here, every key layout
real files use (LDM, full-checkpoint prefixes, diffusers old and new), and the errors for wrong files."""
import json
import math
import warnings
from dataclasses import replace

import pytest
import torch
import torch.nn.functional as F
from safetensors.torch import save_file

from genimg_gui.models.sd_vae import AutoencoderKL, SDVAEConfig, guess_scaling_factor
from genimg_gui.models.sd_vae_files import load_sd_vae, sd_vae_state_dict
from genimg_gui.models.tiling import tiled_decode, tiled_encode
from genimg_gui.models.weights import ModelFileError

TINY = SDVAEConfig(ch=32, ch_mult=(1, 2), num_res_blocks=1, z_channels=4, resolution=32)


pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def ldm_state() -> dict[str, torch.Tensor]:
    """A tiny VAE's weights in the LDM layout, perturbed so norms and biases are not trivially 1 and 0."""
    torch.manual_seed(0)
    net = AutoencoderKL(TINY)
    with torch.no_grad():
        for p in net.parameters():
            p.add_(0.05 * torch.randn_like(p))
    return {k: v.clone() for k, v in net.state_dict().items()}


# --- an independent reference: the LDM forward pass in plain functional torch ---------------------

def _gn(sd, p, x):
    return F.group_norm(x, 32, sd[p + ".weight"], sd[p + ".bias"], eps=1e-6)


def _conv(sd, p, x, **kw):
    return F.conv2d(x, sd[p + ".weight"], sd[p + ".bias"], **kw)


def ref_resnet(sd, p, x):
    h = _conv(sd, p + "conv1", F.silu(_gn(sd, p + "norm1", x)), padding=1)
    h = _conv(sd, p + "conv2", F.silu(_gn(sd, p + "norm2", h)), padding=1)
    return (_conv(sd, p + "nin_shortcut", x) if p + "nin_shortcut.weight" in sd else x) + h


def ref_attention(sd, p, x):
    b, c, hh, ww = x.shape
    y = _gn(sd, p + "norm", x)
    q, k, v = (_conv(sd, p + n, y).reshape(b, c, hh * ww) for n in ("q", "k", "v"))
    weights = torch.softmax(torch.einsum("bci,bcj->bij", q, k) / math.sqrt(c), dim=-1)  # (B, HW, HW)
    return x + _conv(sd, p + "proj_out", torch.einsum("bij,bcj->bci", weights, v).reshape(b, c, hh, ww))


def ref_mid(sd, p, h):
    return ref_resnet(sd, p + "block_2.", ref_attention(sd, p + "attn_1.", ref_resnet(sd, p + "block_1.", h)))


def ref_encode(sd, x, cfg):
    h = _conv(sd, "encoder.conv_in", x, padding=1)
    for i in range(len(cfg.ch_mult)):
        for j in range(cfg.num_res_blocks):
            h = ref_resnet(sd, f"encoder.down.{i}.block.{j}.", h)
        if i < len(cfg.ch_mult) - 1:
            h = _conv(sd, f"encoder.down.{i}.downsample.conv", F.pad(h, (0, 1, 0, 1)), stride=2)
    h = _conv(sd, "encoder.conv_out", F.silu(_gn(sd, "encoder.norm_out", ref_mid(sd, "encoder.mid.", h))), padding=1)
    return _conv(sd, "quant_conv", h).chunk(2, dim=1)  # unscaled (mean, logvar)


def ref_decode(sd, z, cfg):
    h = _conv(sd, "decoder.conv_in", _conv(sd, "post_quant_conv", z), padding=1)
    h = ref_mid(sd, "decoder.mid.", h)
    for i in reversed(range(len(cfg.ch_mult))):
        for j in range(cfg.num_res_blocks + 1):
            h = ref_resnet(sd, f"decoder.up.{i}.block.{j}.", h)
        if i > 0:
            h = _conv(sd, f"decoder.up.{i}.upsample.conv", F.interpolate(h, scale_factor=2.0), padding=1)
    return _conv(sd, "decoder.conv_out", F.silu(_gn(sd, "decoder.norm_out", h)), padding=1)


# --- the diffusers layout, written out by hand from LDM names ------------------------------------

ATTN = {"norm": "group_norm", "q": "to_q", "k": "to_k", "v": "to_v", "proj_out": "to_out.0"}
ATTN_LEGACY = {"norm": "group_norm", "q": "query", "k": "key", "v": "value", "proj_out": "proj_attn"}


def to_diffusers(ldm: dict, levels: int, attn_names: dict = ATTN) -> dict:
    out = {}
    for key, v in ldm.items():
        part, *rest = key.split(".")
        if rest[0] in ("down", "up"):
            level, kind, tail = int(rest[1]), rest[2], rest[3:]
            index = level if rest[0] == "down" else levels - 1 - level  # diffusers counts up blocks deepest first
            inner = {"block": "resnets", "downsample": "downsamplers.0", "upsample": "upsamplers.0"}[kind]
            key = ".".join([part, f"{rest[0]}_blocks", str(index), inner, *tail])
        elif rest[0] == "mid" and rest[1] == "attn_1":
            key = f"{part}.mid_block.attentions.0.{attn_names[rest[2]]}.{rest[3]}"
            v = v[:, :, 0, 0] if v.ndim == 4 else v  # Linear weights
        elif rest[0] == "mid":
            key = f"{part}.mid_block.resnets.{int(rest[1][-1]) - 1}.{'.'.join(rest[2:])}"
        key = key.replace("nin_shortcut", "conv_shortcut").replace(".norm_out.", ".conv_norm_out.")
        out[key] = v.clone()
    return out


def test_config_round_trip_and_real_size():
    cfg = SDVAEConfig()
    assert SDVAEConfig.from_dict(json.loads(json.dumps(cfg.to_dict()))) == cfg
    assert cfg.latent_shape == (4, 64, 64) and cfg.downscale_factor == 8 and SDVAEConfig.spatial
    assert TINY.latent_shape == (4, 16, 16)
    # the published SD VAE has 83,653,863 parameters in 248 tensors; the same layout must give the same
    net = AutoencoderKL(cfg)
    assert sum(p.numel() for p in net.parameters()) == 83_653_863 and len(net.state_dict()) == 248


def test_matches_the_functional_reference(ldm_state):
    net = AutoencoderKL(TINY).eval()
    net.load_state_dict(ldm_state, strict=True)
    x = torch.rand(2, 3, 24, 40) * 2 - 1  # not square, not the nominal resolution
    with torch.no_grad():
        mean, logvar = net.encode(x)
        ref_mean, ref_logvar = ref_encode(ldm_state, x, TINY)
        s = TINY.scaling_factor
        torch.testing.assert_close(mean, ref_mean * s, atol=1e-5, rtol=1e-4)  # latents leave already scaled
        torch.testing.assert_close(logvar, ref_logvar.clamp(-30, 20) + 2 * math.log(s), atol=1e-5, rtol=1e-4)
        z = torch.randn(2, 4, 12, 20)
        torch.testing.assert_close(net.decode(z), ref_decode(ldm_state, z / s, TINY), atol=1e-5, rtol=1e-4)


def test_every_key_layout_loads_strict_and_gives_identical_outputs(ldm_state, tmp_path):
    ldm = tmp_path / "vae-ft-mse.safetensors"
    save_file(ldm_state, str(ldm))
    full = tmp_path / "sd15-full.ckpt"  # a whole SD checkpoint: only first_stage_model is the VAE
    wrapped = {f"first_stage_model.{k}": v for k, v in ldm_state.items()}
    extras = {"model.diffusion_model.input_blocks.0.0.weight": torch.randn(8, 4, 3, 3),
              "cond_stage_model.transformer.x": torch.randn(3), "first_stage_model.loss.logvar": torch.zeros(())}
    torch.save({"state_dict": wrapped | extras, "global_step": 470000}, full)
    diffusers = tmp_path / "diffusion_pytorch_model.safetensors"
    save_file(to_diffusers(ldm_state, 2), str(diffusers))
    legacy = tmp_path / "old-diffusers.bin"  # query/key/value/proj_attn names, torch format
    torch.save(to_diffusers(ldm_state, 2, ATTN_LEGACY), legacy)
    prefixed = tmp_path / "vae-prefixed.pt"
    torch.save({f"vae.{k}": v for k, v in to_diffusers(ldm_state, 2).items()}, prefixed)

    x = torch.rand(1, 3, 16, 16) * 2 - 1
    z = torch.randn(1, 4, 8, 8)
    outputs = []
    for path in (ldm, full, diffusers, legacy, prefixed):
        net = load_sd_vae(path)
        assert net.cfg == replace(TINY, resolution=512) and not net.training  # the file has no resolution
        with torch.no_grad():
            outputs.append((net.encode(x)[0], net.decode(z)))
    for mean, image in outputs[1:]:
        assert torch.equal(mean, outputs[0][0]) and torch.equal(image, outputs[0][1])


def test_scaling_factor_guess_and_override(ldm_state, tmp_path):
    assert guess_scaling_factor("sdxl_vae.safetensors") == 0.13025
    assert guess_scaling_factor("/models/XL/vae-ft-mse-840000.ckpt") == 0.18215  # only the file's name counts
    path = tmp_path / "sdxl_vae.safetensors"
    save_file(ldm_state, str(path))
    xl, sd = load_sd_vae(path), load_sd_vae(path, scaling_factor=0.18215)
    assert xl.cfg.scaling_factor == 0.13025
    x = torch.rand(1, 3, 16, 16) * 2 - 1
    with torch.no_grad():
        torch.testing.assert_close(xl.encode(x)[0] / 0.13025, sd.encode(x)[0] / 0.18215)


def test_dtype_and_side_checks(ldm_state):
    net = AutoencoderKL(TINY).eval()
    net.load_state_dict(ldm_state)
    with torch.no_grad():
        with pytest.raises(ValueError, match="multiples of 2"):
            net.encode(torch.zeros(1, 3, 16, 15))
        z = torch.randn(1, 4, 8, 8)
        reference = net.decode(z)
        half = net.to(torch.bfloat16).decode(z)  # float32 in and out, whatever the weights' dtype
        assert half.dtype == torch.float32 and (half - reference).abs().max() < 0.1


class RunsCodeWhenUnpickled:
    """What a malicious .ckpt holds: unpickling it would call Path.touch (or anything else)."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (type(self.marker).touch, (self.marker,))


def test_wrong_files_say_what_is_wrong(ldm_state, tmp_path):
    missing = dict(ldm_state)
    del missing["decoder.up.1.block.0.conv2.bias"]
    save_file(missing, str(tmp_path / "a.safetensors"))
    with pytest.raises(ModelFileError, match=r"1 missing: decoder\.up\.1\.block\.0\.conv2\.bias"):
        load_sd_vae(tmp_path / "a.safetensors")
    save_file(ldm_state | {"encoder.extra.weight": torch.zeros(2)}, str(tmp_path / "b.safetensors"))
    with pytest.raises(ModelFileError, match=r"1 unexpected: encoder\.extra\.weight"):
        load_sd_vae(tmp_path / "b.safetensors")
    save_file({"1.conv.0.weight": torch.zeros(64, 64, 3, 3)}, str(tmp_path / "taesd.safetensors"))
    with pytest.raises(ModelFileError, match="not a Stable Diffusion VAE: it has no encoder.conv_in.weight"):
        load_sd_vae(tmp_path / "taesd.safetensors")
    (tmp_path / "c.safetensors").write_bytes(b"\x89PNG not weights at all")
    with pytest.raises(ModelFileError, match="not a readable safetensors file"):
        load_sd_vae(tmp_path / "c.safetensors")
    marker = tmp_path / "code-ran"
    torch.save({"state_dict": ldm_state, "hook": RunsCodeWhenUnpickled(marker)}, tmp_path / "code.ckpt")
    with pytest.raises(ModelFileError, match="never runs code"):
        load_sd_vae(tmp_path / "code.ckpt")
    assert not marker.exists()
    with pytest.raises(ModelFileError, match="expected a .safetensors"):
        (tmp_path / "vae.onnx").write_bytes(b"x")
        load_sd_vae(tmp_path / "vae.onnx")
    flux = {k: v for k, v in ldm_state.items() if "quant_conv" not in k}
    with pytest.raises(ModelFileError, match="SD3 or Flux"):
        sd_vae_state_dict(flux)


def test_tiled_encode_and_decode(ldm_state):
    net = AutoencoderKL(TINY).eval()
    net.load_state_dict(ldm_state)
    x = torch.rand(1, 3, 48, 64) * 2 - 1
    z = torch.randn(1, 4, 24, 32)
    with torch.no_grad():
        assert torch.equal(tiled_encode(net, x, tile=64, overlap=8), net.encode(x)[0])  # one tile: untouched
        assert torch.equal(tiled_decode(net, z, tile_latent=32, overlap_latent=4), net.decode(z))
        tiled = tiled_decode(net, z, tile_latent=12, overlap_latent=4)
        assert tiled.shape == (1, 3, 48, 64) and torch.isfinite(tiled).all()
        assert tiled_encode(net, x, tile=24, overlap=8).shape == (1, 4, 24, 32)


def test_matches_diffusers_when_installed(ldm_state):
    """Optional: the same weights in diffusers' own AutoencoderKL (built offline from a config)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        diffusers = pytest.importorskip("diffusers")
        theirs = diffusers.AutoencoderKL(in_channels=3, out_channels=3, latent_channels=4, layers_per_block=1,
                                         block_out_channels=(32, 64), norm_num_groups=32,
                                         down_block_types=("DownEncoderBlock2D",) * 2,
                                         up_block_types=("UpDecoderBlock2D",) * 2).eval()
    theirs.load_state_dict(to_diffusers(ldm_state, 2), strict=True)
    ours = AutoencoderKL(TINY).eval()
    ours.load_state_dict(ldm_state)
    x, z = torch.rand(1, 3, 32, 32) * 2 - 1, torch.randn(1, 4, 16, 16)
    s = TINY.scaling_factor
    with torch.no_grad():
        torch.testing.assert_close(ours.encode(x)[0], theirs.encode(x).latent_dist.mean * s, atol=1e-4, rtol=0)
        torch.testing.assert_close(ours.decode(z), theirs.decode(z / s).sample, atol=1e-4, rtol=0)
