"""The names `--set KEY=JSON` accepts, per recipe, torch-free so that `genimg train --help` can list them
without loading torch. Each recipe reads its own defaults; the README's table gives them."""
from __future__ import annotations

VAE_SETTINGS = ("channels", "latent_channels", "kl_weight")
GAN_SETTINGS = ("channels", "z_dim", "w_dim", "styles", "r1_gamma", "ema", "mapping_lr", "d_lr", "d_warmup",
                "augment_p", "mode_seeking", "decoder_noise",
                "decoder_gan")
