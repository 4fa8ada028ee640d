"""Tiles are bounded in latent cells, not pixels: an SD VAE's mid-block attention sees every cell of a tile, and
512-px tiles on a VAE of downscale 2 gave it 65,536 positions, a 16 GiB matrix (the app grew past 17 GB)."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.nn.modules.module import register_module_forward_pre_hook

import foreign_builders as fb
from genimg_gui.engine import spatial
from genimg_gui.engine.runtime import Runtime
from genimg_gui.models import foreign
from genimg_gui.models.sd_vae import AttnBlock, AutoencoderKL
from genimg_gui.models.tiling import tiled_decode, tiled_encode
from test_sd_vae import TINY

POSITIONS = 64 * 64  # what a 512-px tile gives the attention of a downscale-8 SD VAE

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture()
def attention_sizes():
    """The positions each SD VAE attention call sees; one over POSITIONS fails before it allocates anything,
    so the old code fails here in a moment instead of taking 16 GiB."""
    sizes = []

    def check(module, args):
        if isinstance(module, AttnBlock):
            sizes.append(args[0].shape[-2] * args[0].shape[-1])
            assert sizes[-1] <= POSITIONS, f"attention over {sizes[-1]:,} positions"

    handle = register_module_forward_pre_hook(check)
    yield sizes
    handle.remove()


def test_a_downscale_2_sd_vae_encodes_and_decodes_a_512_px_picture_in_small_tiles(tmp_path, monkeypatch,
                                                                                    attention_sizes):
    monkeypatch.setenv("GENIMG_MAX_SIDE", "512")
    rt = Runtime("cpu")
    rt.load(str(fb.sd_vae_file(tmp_path / "tiny-sd-ldm.safetensors")), lambda *_: None,
            foreign.SD_SCALES["SD 1.x / 2.x"])
    picture = np.random.default_rng(0).integers(0, 255, (512, 512, 3), dtype=np.uint8)
    attention_sizes.clear()
    fitted, latent, recon = rt.encode(picture, "crop")
    assert fitted.shape == recon.shape == (512, 512, 3) and latent.shape == (4, 256, 256)
    assert len(attention_sizes) > 2 and max(attention_sizes) <= POSITIONS  # many tiles, encoder's and decoder's
    assert spatial.tile_cells(rt.model("vae").net) == (64, 8)  # 128 px: the latent cells of 512 px at f = 8


def test_default_tiles_are_bounded_and_a_too_big_tile_is_refused(attention_sizes):
    torch.manual_seed(0)
    net = AutoencoderKL(TINY).eval()
    x = torch.zeros(1, 3, 512, 512)
    with torch.no_grad():
        assert tiled_encode(net, x).shape == (1, 4, 256, 256)
        assert tiled_decode(net, torch.zeros(1, 4, 256, 256)).shape == (1, 3, 512, 512)
        with pytest.raises(ValueError, match="256×256 latent cells is too big.*16 GiB"):
            tiled_encode(net, x, tile=512, overlap=64)
        with pytest.raises(ValueError, match="256×256 latent cells is too big"):
            tiled_decode(net, torch.zeros(1, 4, 256, 256), tile_latent=256)
    assert max(attention_sizes) <= POSITIONS
