"""`genimg train --resume` goes on as the run would have without the stop: a run of 4 steps and one stopped after 2
and resumed to 4 end with the same networks, EMA generator, optimiser moments and random numbers. A resume that
seeded torch anew drew the noise of the run's first steps again; one that lost part of the state trained on from
fresh networks, a fresh EMA or cleared Adam moments."""
from __future__ import annotations

from pathlib import Path

import pytest
import torch

from genimg_gui.train.checkpoints import restore_rng, rng_state
from genimg_gui.train.vae_recipe import VAERecipe
from train_helpers import latent_gan, train
from train_helpers import data_dir, restore_threads  # noqa: F401 - fixtures, found by name


def differences(a: object, b: object, at: str = "") -> list[str]:
    """Where two checkpoint states differ (tensors compared exactly), as paths into them."""
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return [f"{at}: keys {sorted(map(str, a))} != {sorted(map(str, b))}"]
        return [d for key in a for d in differences(a[key], b[key], f"{at}/{key}")]
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        if len(a) != len(b):
            return [f"{at}: {len(a)} items != {len(b)}"]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in differences(x, y, f"{at}/{i}")]
    if isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor):
        return [] if a.shape == b.shape and torch.equal(a, b) else [at]
    return [] if a == b else [f"{at}: {a!r} != {b!r}"]


def checkpoint(out: Path) -> dict:
    return torch.load(out / "checkpoint.pt", map_location="cpu", weights_only=True)


def run_kind(kind: str, data: Path, out: Path, steps: int, extra: list[str], *more: str) -> int:
    if kind == "latent-gan":
        return latent_gan(data, out, steps, *extra, *more)
    return train(kind, data, out, steps, *extra, *more)


@pytest.mark.parametrize("kind", ["vae", "gan", "latent-gan"])
def test_a_stopped_and_resumed_run_ends_as_a_straight_run(kind, data_dir, model_dir, tmp_path):
    extra = ["--latent-of", str(model_dir / "tiny-vae"), "--set", "channels=[16,8,8]"] if kind == "latent-gan" else []
    assert run_kind(kind, data_dir, tmp_path / "straight", 4, extra) == 0
    assert run_kind(kind, data_dir, tmp_path / "split", 2, extra) == 0
    halfway = checkpoint(tmp_path / "split")
    assert run_kind(kind, data_dir, tmp_path / "split", 4, extra, "--resume") == 0
    straight, split = checkpoint(tmp_path / "straight"), checkpoint(tmp_path / "split")
    assert straight["step"] == split["step"] == 4
    assert differences(straight["recipe"], split["recipe"]) == []
    assert differences(straight["rng"], split["rng"]) == []
    # the resumed steps did train: the state is not the halfway checkpoint's
    assert differences(halfway["recipe"], split["recipe"])


def test_a_checkpoint_without_random_state_resumes_with_other_noise_than_the_first_steps(data_dir, tmp_path,
                                                                                           monkeypatch):
    """A checkpoint written before checkpoints kept the random numbers still resumes, with the step mixed into the
    seed rather than the opening steps' noise again."""
    drawn: list[torch.Tensor] = []
    step = VAERecipe.step

    def noting_the_noise(self, batch, n, labels=None):
        drawn.append(torch.get_rng_state())
        return step(self, batch, n, labels)

    monkeypatch.setattr(VAERecipe, "step", noting_the_noise)
    out = tmp_path / "old"
    assert train("vae", data_dir, out, 2) == 0
    ckpt = checkpoint(out)
    ckpt.pop("rng", None)
    torch.save(ckpt, out / "checkpoint.pt")
    assert train("vae", data_dir, out, 4, "--resume") == 0
    assert len(drawn) == 4
    assert not any(torch.equal(later, opening) for later in drawn[2:] for opening in drawn[:2])


def test_only_the_first_process_gets_the_saved_random_state_back():
    torch.manual_seed(5)
    saved = rng_state(torch.device("cpu"))
    restore_rng(saved, 0, 0, 2, torch.device("cpu"))
    assert torch.equal(torch.get_rng_state(), saved["cpu"])
    restore_rng(saved, 0, 1, 2, torch.device("cpu"))
    assert not torch.equal(torch.get_rng_state(), saved["cpu"])
