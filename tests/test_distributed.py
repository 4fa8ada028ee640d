"""Data-parallel training on CPU: two gloo processes, as torchrun would start them."""
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from PIL import Image

from genimg_gui.models.gan import Discriminator, GANConfig
from genimg_gui.models.vae import ConvVAE
from genimg_gui.models.weights import load_model
from genimg_gui.train import decoder_adversary
from genimg_gui.train.augment import ADA_IMAGES, ADA_INTERVAL, AugmentChance
from genimg_gui.train.decoder_adversary import DecoderAdversary
from genimg_gui.train.decoder_denoising import DecoderDenoising
from genimg_gui.train.distributed import World, average_gradients, mean_across_processes
from genimg_gui.train.gan_recipe import GANRecipe
from genimg_gui.train.latent_gan_recipe import LatentGANRecipe
from genimg_gui.train.lecam import LeCam
from genimg_gui.train.loop import TrainOptions
from genimg_gui.train.vae_recipe import VAERecipe

from conftest import TINY_VAE


def _average_in_process(rank: int, store: str, out: str) -> None:
    dist.init_process_group("gloo", init_method=f"file://{store}", rank=rank, world_size=2)
    layer = torch.nn.Linear(3, 2)
    for p in layer.parameters():
        p.grad = torch.full_like(p, float(rank + 1))  # rank 0: ones, rank 1: twos
    average_gradients(layer.parameters())
    torch.save([p.grad for p in layer.parameters()], f"{out}/{rank}.pt")
    dist.destroy_process_group()


def test_average_gradients_gives_every_process_the_mean(tmp_path):
    mp.spawn(_average_in_process, args=(str(tmp_path / "store"), str(tmp_path)), nprocs=2, join=True)
    for rank in (0, 1):
        for grad in torch.load(tmp_path / f"{rank}.pt", weights_only=True):
            assert torch.allclose(grad, torch.full_like(grad, 1.5))


def _adapt_in_process(rank: int, store: str, out: str) -> None:
    dist.init_process_group("gloo", init_method=f"file://{store}", rank=rank, world_size=2)
    ada = AugmentChance("auto")
    # rank 0's discriminator calls all its reals real, rank 1's half: E[sign] 1 and 0, 0.5 together
    logits = torch.full((8,), 2.0) if rank == 0 else torch.tensor([1.0, -1.0] * 4)
    for _ in range(ADA_INTERVAL):
        ada.observe(logits, mean_across_processes)
    torch.save(torch.tensor([ada.p]), f"{out}/{rank}.pt")
    dist.destroy_process_group()


def test_adaptive_augmentation_moves_every_process_alike(tmp_path):
    """Alone, rank 0 would raise p; the mean over both (0.5, below ADA's 0.6) keeps it at 0 in both."""
    mp.spawn(_adapt_in_process, args=(str(tmp_path / "store"), str(tmp_path)), nprocs=2, join=True)
    assert [torch.load(tmp_path / f"{r}.pt", weights_only=True).item() for r in (0, 1)] == [0.0, 0.0]
    alone = AugmentChance("auto")
    for _ in range(ADA_INTERVAL):
        alone.observe(torch.full((8,), 2.0))
    assert alone.p == ADA_INTERVAL * 8 / ADA_IMAGES


def _anchor_in_process(rank: int, store: str, out: str) -> None:
    dist.init_process_group("gloo", init_method=f"file://{store}", rank=rank, world_size=2)
    lecam = LeCam(1.0)
    # rank 0's batch scores reals 4 and fakes 0, rank 1's reals 0 and fakes -4: together 2 and -2
    real, fake = (torch.full((8,), 4.0), torch.zeros(8)) if rank == 0 else (torch.zeros(8), torch.full((8,), -4.0))
    lecam.penalty(real, fake, mean_across_processes)
    torch.save(torch.tensor([lecam.real_sum, lecam.fake_sum]), f"{out}/{rank}.pt")
    dist.destroy_process_group()


def test_the_lecam_anchors_are_the_same_in_every_process(tmp_path):
    """--set lecam under torchrun: each process anchors to the averages over all of them, not its own."""
    mp.spawn(_anchor_in_process, args=(str(tmp_path / "store"), str(tmp_path)), nprocs=2, join=True)
    sums = [torch.load(tmp_path / f"{r}.pt", weights_only=True) for r in (0, 1)]
    assert torch.equal(sums[0], sums[1])
    torch.testing.assert_close(sums[0], torch.tensor([2.0, -2.0]) * 0.01)  # one step of decay 0.99


def _denoise_in_process(rank: int, store: str, out: str, adversarial: bool) -> None:
    dist.init_process_group("gloo", init_method=f"file://{store}", rank=rank, world_size=2)
    torch.set_num_threads(1)
    decoder_adversary.WARMUP = 0  # this process's own module: the decoder heeds its discriminator at once
    torch.manual_seed(0)  # one decoder and discriminator, as every process builds them from the same seed
    decoder = ConvVAE(TINY_VAE).decoder
    adversary = (DecoderAdversary(Discriminator(GANConfig(resolution=32, channels=(8, 8, 8, 8))), 1.0, 1e-2)
                 if adversarial else None)
    denoising = DecoderDenoising(decoder, sigma=0.4, lr=1e-2, adversary=adversary)
    torch.manual_seed(1 + rank)  # each process its own images, noise and generator grids
    grids, images, fakes = torch.randn(4, 2, 16, 16), torch.rand(4, 3, 32, 32) * 2 - 1, torch.randn(4, 2, 16, 16)
    for _ in range(3):
        denoising.step(grids, images, torch.zeros(1, 2, 1, 1), torch.ones(1, 2, 1, 1), fakes)
    torch.save({**decoder.state_dict(), **({f"D.{k}": v for k, v in adversary.D.state_dict().items()}
                                          if adversary else {})}, f"{out}/{rank}.pt")
    dist.destroy_process_group()


@pytest.mark.parametrize("adversarial", [False, True], ids=["decoder_noise", "decoder_gan"])
def test_the_decoder_copy_trains_alike_in_every_process(tmp_path, adversarial):
    """--set decoder_noise (and decoder_gan) under torchrun: the decoder's gradients, and its pixel
    discriminator's, are averaged, so each stays one network though each process drew other images and noise."""
    mp.spawn(_denoise_in_process, args=(str(tmp_path / "store"), str(tmp_path), adversarial), nprocs=2, join=True)
    states = [torch.load(tmp_path / f"{r}.pt", weights_only=True) for r in (0, 1)]
    torch.manual_seed(0)
    start = ConvVAE(TINY_VAE).decoder.state_dict()
    assert any(not torch.equal(states[0][k], start[k]) for k in start)  # it trained
    assert any(k.startswith("D.") for k in states[0]) == adversarial
    for k in states[0]:
        torch.testing.assert_close(states[0][k], states[1][k], msg=k)


CPU = torch.device("cpu")


def _tensors(state: object, at: str = "") -> dict[str, torch.Tensor]:
    """Every tensor and number in a recipe's state (its networks, EMA generator, optimisers), by path."""
    if isinstance(state, dict):
        return {k: v for key, value in state.items() for k, v in _tensors(value, f"{at}/{key}").items()}
    if isinstance(state, (list, tuple)):
        return {k: v for i, value in enumerate(state) for k, v in _tensors(value, f"{at}/{i}").items()}
    return {at: torch.as_tensor(state)} if isinstance(state, (torch.Tensor, int, float, bool)) else {}


def _recipes_in_process(rank: int, store: str, out: str, vae_dir: str) -> None:
    dist.init_process_group("gloo", init_method=f"file://{store}", rank=rank, world_size=2)
    torch.set_num_threads(1)
    opts = TrainOptions(Path(out), Path(out) / "run", resolution=32, batch_size=8)
    torch.manual_seed(0)  # the same networks in every process, as the loop builds them
    recipes = {"vae": VAERecipe(replace(opts, extra={"channels": [8, 16], "latent_channels": 2}), CPU),
               "gan": GANRecipe(replace(opts, extra={"channels": [16, 8, 8, 8], "z_dim": 8, "w_dim": 8}), CPU),
               "latent_gan": LatentGANRecipe(replace(opts, extra={"latent_of": vae_dir, "channels": [16, 8, 8],
                                                                  "z_dim": 8, "w_dim": 8}), CPU)}
    for gan in (recipes["gan"], recipes["latent_gan"]):
        gan.d_solo_until = 0  # the generator trains from the first step too
    torch.manual_seed(1 + rank)  # each process its own share of the batch, and its own noise
    for step in (1, 2):
        batch = torch.rand(4, 3, 32, 32) * 2 - 1
        for recipe in recipes.values():
            recipe.step(batch, step)
    torch.save(_tensors({kind: recipe.state() for kind, recipe in recipes.items()}), f"{out}/{rank}.pt")
    dist.destroy_process_group()


def test_every_process_keeps_the_same_networks_and_optimisers(model_dir, tmp_path):
    """Under torchrun each process trains on its own share of the batch; averaged gradients keep the networks,
    the EMA generator and the Adam moments one in every process (rank 0 alone writes the model, so a process
    drifting off was not seen)."""
    mp.spawn(_recipes_in_process, args=(str(tmp_path / "store"), str(tmp_path), str(model_dir / "tiny-vae")),
             nprocs=2, join=True)
    states = [torch.load(tmp_path / f"{r}.pt", weights_only=True) for r in (0, 1)]
    assert states[0].keys() == states[1].keys()
    assert any(k.startswith("/gan/G_ema/") for k in states[0]) and any("/opt_g/state/" in k for k in states[0])
    for k in sorted(states[0].keys() - {"/vae/preview"}):  # the images rank 0's sample grids show: its own
        torch.testing.assert_close(states[0][k], states[1][k], msg=k, rtol=0, atol=0)


def test_shard_splits_a_global_batch_without_overlap():
    idx = torch.arange(8)
    parts = [World(rank, 2).shard(idx) for rank in (0, 1)]
    assert sorted(torch.cat(parts).tolist()) == list(range(8))
    assert len(parts[0]) == len(parts[1]) == 4


TORCHRUN = [sys.executable, "-m", "torch.distributed.run", "--nproc-per-node", "2", "-m", "genimg_gui.cli", "train"]
ONE_THREAD = {**os.environ, "OMP_NUM_THREADS": "1"}


def squares(folder: Path) -> Path:
    """24 images of a coloured square on white."""
    folder.mkdir()
    rng = np.random.default_rng(0)
    for i in range(24):
        img = np.full((32, 32, 3), 255, np.uint8)
        img[8:24, 8:24] = rng.integers(0, 255, 3)
        Image.fromarray(img).save(folder / f"{i}.png")
    return folder


def test_torchrun_two_processes_train_one_model(tmp_path):
    data = squares(tmp_path / "data")
    out = tmp_path / "vae"
    cmd = [*TORCHRUN, "vae", str(data), "-o", str(out), "--resolution", "32", "--steps", "3", "--batch-size", "8",
           "--holdout", "2", "--threads", "1", "--set", "channels=[8,16]", "--set", "latent_channels=2"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=240, env=ONE_THREAD)
    assert done.returncode == 0, done.stderr[-2000:]
    card = json.loads((out / "card.json").read_text())
    assert card["training"]["processes"] == 2 and card["training"]["steps"] == 3
    assert done.stdout.count("wrote ") == 1  # rank 0 alone exports
    net, _ = load_model(Path(out))
    assert net.cfg.latent_channels == 2
    uneven = subprocess.run([*cmd[:cmd.index("--batch-size") + 1], "3", "--overwrite"], capture_output=True,
                            text=True, timeout=240, env=ONE_THREAD)
    assert done.returncode == 0 and uneven.returncode != 0  # torchrun reports a worker's 2 as its own 1
    assert uneven.stderr.count("does not split evenly over 2 processes") == 1  # rank 0 alone says why


def test_torchrun_counts_the_batch_the_images_capped_over_all_processes(tmp_path):
    """5 images at --batch-size 8 over 2 processes: each trains on 2 a step, and the card said 8."""
    data = tmp_path / "data"
    for square in list(squares(tmp_path / "squares").iterdir())[:5]:
        data.mkdir(exist_ok=True)
        square.rename(data / square.name)
    out = tmp_path / "vae"
    done = subprocess.run([*TORCHRUN, "vae", str(data), "-o", str(out), "--resolution", "32", "--steps", "1",
                           "--batch-size", "8", "--holdout", "0", "--threads", "1", "--set", "channels=[8,16]",
                           "--set", "latent_channels=2"], capture_output=True, text=True, timeout=240, env=ONE_THREAD)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stderr.count("batch: 4 images a step, 2 per process, of the 5 there are to train on (--batch-size 8 "
                             "is more)\n") == 1
    assert json.loads((out / "card.json").read_text())["training"]["batch_size"] == 4


def test_torchrun_says_the_lines_before_the_run_once(model_dir, tmp_path):
    """Rank 0 alone logs: the resolution a --latent-of VAE gave and the options a --resume took were said by every
    process, as the command checks them before the group is joined."""
    data, out = squares(tmp_path / "data"), tmp_path / "gan"
    started = subprocess.run([*TORCHRUN, "gan", str(data), "-o", str(out), "--latent-of", str(model_dir / "tiny-vae"),
                              "--steps", "1", "--batch-size", "8", "--holdout", "0", "--threads", "1",
                              "--set", "channels=[16,8,8]", "--set", "z_dim=16", "--set", "w_dim=16"],
                             capture_output=True, text=True, timeout=240, env=ONE_THREAD)
    assert started.returncode == 0, started.stderr[-2000:]
    assert started.stderr.count("resolution: 32px, that of the --latent-of VAE\n") == 1
    resumed = subprocess.run([*TORCHRUN, "gan", str(data), "-o", str(out), "--resume", "--steps", "2", "--threads",
                              "1"], capture_output=True, text=True, timeout=240, env=ONE_THREAD)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert resumed.stderr.count("resuming with the run's --batch-size 8, --holdout 0, --latent-of ") == 1
    assert resumed.stderr.count("resumed from step 1\n") == 1
