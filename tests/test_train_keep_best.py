"""`genimg train --keep-best`: the run writes the model of its best evaluated step, and goes on from its last."""
from __future__ import annotations

from pathlib import Path

import pytest
import torch

from genimg_gui.earlier_run import card_steps
from genimg_gui.cli import main
from genimg_gui.models.weights import load_model
from genimg_gui.train.latent_gan_recipe import MIN_HELD_OUT
from genimg_gui.train.vae_recipe import VAERecipe

from train_helpers import TINY, make_shapes, strict_json, train
from train_helpers import data_dir, measured_dir, restore_threads  # noqa: F401 - fixtures, found by name


def test_keep_best_with_nothing_to_rank_says_so_once(tmp_path, capsys):
    """A folder of 5 images holds none out: the start said --keep-best had nothing to rank, and the end again."""
    data = make_shapes(tmp_path / "data", 5)
    assert main(["train", "vae", str(data), "-o", str(tmp_path / "vae"), "--steps", "1", "--batch-size", "4",
                 "--resolution", "32", "--threads", "1", "--keep-best", *TINY["vae"]]) == 0
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("--keep-best")]
    assert lines == ["--keep-best: with no held-out figures there is nothing to rank, so the run will keep the last "
                     "step's model"], lines


def scripted_psnr(monkeypatch, values: list[float]) -> None:
    """The VAE's held-out evaluations return these PSNRs in turn (the last: the export's, of the model it
    writes): the run's real figures would not say in advance which step is the best."""
    queue = list(values)
    monkeypatch.setattr(VAERecipe, "evaluate", lambda self, held_out: {"held_out_psnr_db": queue.pop(0)})


def model_weights(folder: Path) -> dict[str, torch.Tensor]:
    net, _ = load_model(folder)
    return net.state_dict()


def test_keep_best_writes_the_best_evaluated_model_and_resume_goes_on_from_the_last(data_dir, tmp_path,
                                                                                   monkeypatch, capsys):
    out = tmp_path / "vae"
    scripted_psnr(monkeypatch, [20.0, 25.0, 22.0, 25.0])
    assert train("vae", data_dir, out, 3, "--sample-every", "1", "--keep-best") == 0
    captured = capsys.readouterr()
    assert "keeping step 2's model (held-out PSNR 25.00 dB; the last step's held-out PSNR 22.00 dB)" in captured.err
    # it said "wrote OUT after 3 steps", and the card 3 steps, of step 2's model
    assert captured.out == f"wrote {out}: step 2's model, the best of 3 steps: held_out_psnr_db=25.0, " \
                           "held_out_images=4\n"
    card = strict_json(out / "card.json")["training"]
    assert card["kept"] == {"step": 2, "score": 25.0, "held_out_psnr_db": 25.0}
    assert (card["steps"], card["run_steps"]) == (2, 3)
    assert card_steps(out) == 3  # how far the run got, as a stopped run's Train… dialog says ("stopped at step 3")
    assert main(["info", str(out)]) == 0
    assert "training       2 steps of 8 images (--keep-best: the best of 3), " in capsys.readouterr().out
    best = torch.load(out / "best.pt", weights_only=True)
    last = torch.load(out / "checkpoint.pt", weights_only=True)
    assert (best["step"], last["step"]) == (2, 3)
    written = model_weights(out)
    for name, value in written.items():
        assert torch.equal(value, best["recipe"]["net"][name])
    assert any(not torch.equal(v, last["recipe"]["net"][k]) for k, v in written.items())

    scripted_psnr(monkeypatch, [21.0, 24.0, 25.0])  # steps 4 and 5: step 2 stays the best across the resume
    assert train("vae", data_dir, out, 5, "--sample-every", "1", "--keep-best", "--resume") == 0
    assert strict_json(out / "card.json")["training"]["kept"]["step"] == 2
    assert torch.load(out / "checkpoint.pt", weights_only=True)["step"] == 5  # resumed from the last, not the best

    scripted_psnr(monkeypatch, [30.0, 30.0])  # step 6 beats it: the last step's model is written
    assert train("vae", data_dir, out, 6, "--sample-every", "1", "--keep-best", "--resume") == 0
    captured = capsys.readouterr()
    assert "the last step's model is the best evaluated (held-out PSNR 30.00 dB)" in captured.err
    assert captured.out.splitlines()[-1].startswith(f"wrote {out} after 6 steps: ")
    assert strict_json(out / "card.json")["training"]["kept"]["step"] == 6
    assert "run_steps" not in strict_json(out / "card.json")["training"]
    last = torch.load(out / "checkpoint.pt", weights_only=True)["recipe"]["net"]
    assert all(torch.equal(v, last[k]) for k, v in model_weights(out).items())


def test_keep_best_evaluates_the_last_step_when_no_evaluation_fell_on_it(data_dir, tmp_path, monkeypatch, capsys):
    out = tmp_path / "vae"
    scripted_psnr(monkeypatch, [26.0, 23.0, 26.0])  # step 2 by --sample-every, step 3 at the end, export
    assert train("vae", data_dir, out, 3, "--sample-every", "2", "--keep-best") == 0
    assert "keeping step 2's model" in capsys.readouterr().err
    history = strict_json(out / "metrics.json")["history"]
    assert [(h["step"], h["held_out_psnr_db"]) for h in history] == [(2, 26.0), (3, 23.0)]


def test_keep_best_ranks_a_latent_gan_by_the_harmonic_mean_of_precision_and_recall(measured_dir, model_dir,
                                                                                     tmp_path, monkeypatch, capsys):
    from genimg_gui.train.latent_gan_recipe import LatentGANRecipe
    # step 2 has neither the best precision (step 1) nor the best recall (step 3), but the best balance of both
    queue = [(0.9, 0.1), (0.5, 0.5), (0.2, 0.6), (0.5, 0.5)]  # the last: the kept model, measured for its card
    monkeypatch.setattr(LatentGANRecipe, "evaluate", lambda self, held_out: dict(zip(
        ("held_out_precision_k3", "held_out_recall_k3"), queue.pop(0))))
    out = tmp_path / "latent-gan"
    assert main(["train", "gan", str(measured_dir), "-o", str(out), "--latent-of", str(model_dir / "tiny-vae"),
                 "--steps", "3", "--batch-size", "8", "--holdout", str(MIN_HELD_OUT), "--resolution", "32",
                 "--threads", "1", "--sample-every", "1", "--keep-best", "--set", "channels=[16,8,8]",
                 "--set", "z_dim=16", "--set", "w_dim=16"]) == 0
    kept = strict_json(out / "card.json")["training"]["kept"]
    assert kept == {"step": 2, "score": 0.5, "held_out_precision_k3": 0.5, "held_out_recall_k3": 0.5}
    # what the score is: "(score 0.5000; the last step's 0.3000)" said neither
    err = capsys.readouterr().err
    assert ("--keep-best: keeping step 2's model (held-out F1 of precision and recall 0.500; the last step's "
            "held-out F1 of precision and recall 0.300)") in err
    assert "draws pixels" not in err  # a GAN in a VAE's latent space is no pixel GAN, which wants a GPU
    assert strict_json(out / "card.json")["metrics"]["held_out_recall_k3"] == 0.5
    best = torch.load(out / "best.pt", weights_only=True)["recipe"]["G_ema"]
    # the weights of step 2; w_avg, the truncation centre, is measured anew from them at export
    assert all(torch.equal(v, best[k]) for k, v in model_weights(out).items() if k != "w_avg")
    last = torch.load(out / "checkpoint.pt", weights_only=True)["recipe"]["G_ema"]
    assert not all(torch.equal(v, last[k]) for k, v in model_weights(out).items() if k != "w_avg")


@pytest.mark.parametrize("args", [["gan"], ["vae", "--holdout", "0"]], ids=["a pixel GAN", "no held-out images"])
def test_keep_best_without_figures_to_rank_is_a_clear_error(args, data_dir, tmp_path, capsys):
    kind, *rest = args
    assert main(["train", kind, str(data_dir), "-o", str(tmp_path / "x"), "--keep-best", *rest]) == 2
    assert "--keep-best ranks held-out figures" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
