"""TAESD tiny autoencoders (both file layouts, 4 and 16 latent channels, a plain-torch reference) and
tiled encode/decode (exact blending, no seams, bounded tile size)."""
import json
import warnings

import pytest
import torch
import torch.nn.functional as F
from safetensors.torch import save_file
from torch import nn

from genimg_gui.models.taesd import TAESD, TAESDConfig, load_taesd, taesd_state_dict
from genimg_gui.models.tiling import tile_layout, tiled_decode, tiled_encode
from genimg_gui.models.weights import ModelFileError


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def random_taesd(latent_channels: int, seed: int = 0) -> TAESD:
    torch.manual_seed(seed)
    return TAESD(TAESDConfig(latent_channels=latent_channels)).eval()


def write_pair(net: TAESD, folder, stem: str = "taesd"):
    """The published layout: two bare nn.Sequential state dicts saved with torch.save."""
    enc, dec = folder / f"{stem}_encoder.pth", folder / f"{stem}_decoder.pth"
    torch.save(net.encoder.state_dict(), enc)
    torch.save(net.decoder.state_dict(), dec)
    return enc, dec


def to_diffusers(net: TAESD) -> dict:
    """diffusers' AutoencoderTiny keeps its clamp outside the decoder's Sequential: indices shift by one."""
    out = {f"encoder.layers.{k}": v for k, v in net.encoder.state_dict().items()}
    for k, v in net.decoder.state_dict().items():
        index, rest = k.split(".", 1)
        out[f"decoder.layers.{int(index) - 1}.{rest}"] = v
    return {k: v.clone() for k, v in out.items()}


# --- an independent reference: the published architecture as a list of plain ops -----------------

def ref_block(sd, p, x):
    h = F.relu(F.conv2d(x, sd[f"{p}.conv.0.weight"], sd[f"{p}.conv.0.bias"], padding=1))
    h = F.relu(F.conv2d(h, sd[f"{p}.conv.2.weight"], sd[f"{p}.conv.2.bias"], padding=1))
    return F.relu(F.conv2d(h, sd[f"{p}.conv.4.weight"], sd[f"{p}.conv.4.bias"], padding=1) + x)


def ref_run(sd, ops, x):
    for i, op in enumerate(ops):
        if op == "block":
            x = ref_block(sd, str(i), x)
        elif op in ("conv", "down", "conv-nobias"):
            x = F.conv2d(x, sd[f"{i}.weight"], sd.get(f"{i}.bias"), stride=2 if op == "down" else 1, padding=1)
        elif op == "relu":
            x = F.relu(x)
        elif op == "clamp":
            x = torch.tanh(x / 3) * 3
        elif op == "up":
            x = F.interpolate(x, scale_factor=2, mode="nearest")
    return x


ENCODER_OPS = ["conv", "block"] + ["down", "block", "block", "block"] * 3 + ["conv"]
DECODER_OPS = ["clamp", "conv", "relu"] + ["block"] * 3 + ["up", "conv-nobias"] + ["block"] * 3 + \
    ["up", "conv-nobias"] + ["block"] * 3 + ["up", "conv-nobias", "block", "conv"]


@pytest.mark.parametrize("latent_channels", [4, 16])
def test_both_file_layouts_load_and_match_the_reference(latent_channels, tmp_path):
    net = random_taesd(latent_channels)
    enc, dec = write_pair(net, tmp_path, "taef1" if latent_channels == 16 else "taesdxl")
    single = tmp_path / "diffusion_pytorch_model.safetensors"
    save_file(to_diffusers(net), str(single))
    loaded = [load_taesd(enc), load_taesd(dec), load_taesd((dec, enc)), load_taesd(single)]
    x = torch.rand(1, 3, 32, 48) * 2 - 1
    z = torch.randn(1, latent_channels, 4, 8) * 2
    with torch.no_grad():
        ref_z = ref_run(net.encoder.state_dict(), ENCODER_OPS, (x + 1) / 2)
        ref_x = ref_run(net.decoder.state_dict(), DECODER_OPS, z) * 2 - 1
        for other in loaded:
            assert other.cfg == TAESDConfig(latent_channels=latent_channels) and not other.training
            mean, logvar = other.encode(x)
            assert logvar is None and mean.shape == (1, latent_channels, 4, 6)
            torch.testing.assert_close(mean, ref_z, atol=1e-5, rtol=1e-4)
            torch.testing.assert_close(other.decode(z), ref_x, atol=1e-5, rtol=1e-4)
            assert torch.equal(other.decode(z), loaded[0].decode(z))


def test_config_round_trip():
    cfg = TAESDConfig(latent_channels=16, resolution=1024)
    assert TAESDConfig.from_dict(json.loads(json.dumps(cfg.to_dict()))) == cfg
    assert cfg.latent_shape == (16, 128, 128) and cfg.downscale_factor == 8 and TAESDConfig.spatial


def test_wrong_files_say_what_is_wrong(tmp_path):
    net4, net16 = random_taesd(4), random_taesd(16, seed=1)
    enc, dec = write_pair(net4, tmp_path)
    dec.unlink()
    with pytest.raises(ModelFileError, match="only the encoder.*taesd_decoder.pth is not beside it"):
        load_taesd(enc)
    enc.rename(tmp_path / "weights.pth")  # a half whose name cannot say where the other half is
    with pytest.raises(ModelFileError, match="does not say where the decoder is"):
        load_taesd(tmp_path / "weights.pth")
    torch.save(net16.decoder.state_dict(), tmp_path / "decoder16.pth")
    with pytest.raises(ModelFileError, match="different models"):
        load_taesd((tmp_path / "weights.pth", tmp_path / "decoder16.pth"))
    with pytest.raises(ModelFileError, match="not the encoder and decoder halves"):
        load_taesd((tmp_path / "weights.pth", tmp_path / "weights.pth"))
    save_file({"encoder.conv_in.weight": torch.zeros(32, 3, 3, 3)}, str(tmp_path / "sd_vae.safetensors"))
    with pytest.raises(ModelFileError, match="not a TAESD: it lacks encoder.14.weight"):
        load_taesd(tmp_path / "sd_vae.safetensors")
    broken = to_diffusers(net4)
    broken["decoder.layers.2.conv.0.weight"] = torch.zeros(32, 64, 3, 3)
    save_file(broken, str(tmp_path / "broken.safetensors"))
    with pytest.raises(ModelFileError, match=r"wrong shape: decoder\.3\.conv\.0\.weight \(32, 64, 3, 3\)"):
        load_taesd(tmp_path / "broken.safetensors")
    with pytest.raises(ValueError, match="multiples of 8"):
        net4.encode(torch.zeros(1, 3, 20, 16))


def test_state_dict_converter_names():
    net = random_taesd(4)
    cfg, state = taesd_state_dict(to_diffusers(net))
    assert cfg.latent_channels == 4 and set(state) == set(net.state_dict())


# --- tiling ----------------------------------------------------------------------------------------

class Pointwise(nn.Module):
    """A VAE-shaped net whose every output pixel depends on one input cell only: tiling it must be exact,
    so any error is the blending's (weights not summing to one, tiles put in the wrong place)."""

    def __init__(self):
        super().__init__()
        self.cfg = TAESDConfig()
        torch.manual_seed(3)
        self.enc, self.dec = nn.Conv2d(3, 4, 1), nn.Conv2d(4, 3, 1)

    def encode(self, x):
        return self.enc(F.avg_pool2d(x, 8)), None

    def decode(self, z):
        return self.dec(z).repeat_interleave(8, dim=-2).repeat_interleave(8, dim=-1)


def test_tiles_blend_exactly_for_a_pointwise_net():
    net = Pointwise()
    x = torch.rand(2, 3, 200, 136) * 2 - 1
    z = torch.randn(2, 4, 37, 23)
    with torch.no_grad():
        torch.testing.assert_close(tiled_encode(net, x, tile=64, overlap=16), net.encode(x)[0], atol=1e-6, rtol=0)
        torch.testing.assert_close(tiled_decode(net, z, tile_latent=8, overlap_latent=3), net.decode(z),
                                   atol=1e-6, rtol=0)


def test_tiles_are_bounded_and_one_tile_is_untouched():
    net = random_taesd(4)
    shapes = []
    decode = net.decode
    net.decode = lambda t: (shapes.append(tuple(t.shape[-2:])), decode(t))[1]
    z = torch.randn(1, 4, 40, 24)
    with torch.no_grad():
        assert torch.equal(tiled_decode(net, z, tile_latent=40), decode(z))
        out = tiled_decode(net, z, tile_latent=16, overlap_latent=4)
    assert out.shape == (1, 3, 320, 192)
    assert shapes[1:] == [(16, 14)] * 6  # 3 x 2 tiles, each as small as the overlap allows
    assert tile_layout(40, 16, 4) == (16, [0, 12, 24]) and tile_layout(24, 16, 4) == (14, [0, 10])
    assert tile_layout(128, 64, 8) == (48, [0, 40, 80])  # 1024² in default tiles: 3 of 48, not 3 of 64
    assert tile_layout(512, 64, 8) == (64, [0, 56, 112, 168, 224, 280, 336, 392, 448])
    with pytest.raises(ValueError, match="overlap < tile"):
        tiled_decode(net, z, tile_latent=8, overlap_latent=8)
    with pytest.raises(ValueError, match="multiples of the downscale factor 8"):
        tiled_encode(net, torch.zeros(1, 3, 64, 64), tile=60, overlap=8)


def _jumps(image: torch.Tensor, columns: list[int]) -> torch.Tensor:
    """Mean step between neighbouring columns: a seam shows up as a step larger than the image's own."""
    return torch.stack([(image[..., c] - image[..., c - 1]).abs().mean() for c in columns])


def test_tiled_taesd_is_close_to_untiled_and_seam_free():
    net = random_taesd(4)
    z = torch.randn(1, 4, 24, 40)
    with torch.no_grad():
        full = net.decode(z)
        blended = tiled_decode(net, z, tile_latent=16, overlap_latent=6)
        hard = tiled_decode(net, z, tile_latent=16, overlap_latent=0)  # butted tiles: what a seam looks like
    length, starts = tile_layout(40, 16, 6)
    edges = sorted({8 * s for s in starts[1:]} | {8 * (s + length) for s in starts[:-1]})  # where tiles begin/end
    hard_edges = [8 * s for s in tile_layout(40, 16, 0)[1][1:]]
    # the blended result is near the untiled one (it cannot be equal: tiles see less context) ...
    assert (blended - full).abs().mean() < 0.1 * full.std()
    # ... and steps at tile borders are no larger than the untiled image's own, unlike butted tiles
    assert (_jumps(blended, edges) < 1.15 * _jumps(full, edges)).all()
    assert (_jumps(hard, hard_edges) > 1.15 * _jumps(full, hard_edges)).any()
    assert _jumps(blended - full, edges).max() < 0.25 * _jumps(hard - full, hard_edges).max()


def test_matches_diffusers_when_installed():
    """Optional: the same weights in diffusers' AutoencoderTiny (built offline from its defaults)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        diffusers = pytest.importorskip("diffusers")
        theirs = diffusers.AutoencoderTiny(latent_channels=16).eval()
    ours = random_taesd(16)
    theirs.load_state_dict(to_diffusers(ours), strict=True)
    x, z = torch.rand(1, 3, 32, 32) * 2 - 1, torch.randn(1, 16, 4, 4)
    with torch.no_grad():
        torch.testing.assert_close(ours.encode(x)[0], theirs.encode(x).latents, atol=1e-5, rtol=0)
        torch.testing.assert_close(ours.decode(z), theirs.decode(z).sample, atol=1e-5, rtol=0)
