"""A `genimg train` run stopped early (Ctrl+C, kill, a closed terminal or log) saves its checkpoint and model,
or, before its first step, writes nothing."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
import torch

from genimg_gui.earlier_run import CHECKPOINT_FILE, LOCK_FILE
from genimg_gui.models.weights import load_model
from genimg_gui.train import loop
from genimg_gui.train.vae_recipe import VAERecipe
from genimg_gui.wording import counted

from train_helpers import SLOW_LOAD, TINY, stop_at_step, strict_json, train
from train_helpers import data_dir, restore_threads  # noqa: F401 - fixtures, found by name


@pytest.mark.parametrize("stop_at", [2, 3])
def test_ctrl_c_saves_a_checkpoint_and_the_model(stop_at, data_dir, tmp_path, monkeypatch, capsys):
    stop_at_step(monkeypatch, stop_at)
    out = tmp_path / "vae"
    assert train("vae", data_dir, out, 10) == 130  # saved, yet not finished: a script can tell (Ctrl+C's code)
    captured = capsys.readouterr()
    assert f"interrupted at step {stop_at - 1}" in captured.err
    assert f"wrote {out} after {counted(stop_at - 1, 'step')}" in captured.out  # the model, as a finished run's
    assert captured.err.rstrip().endswith(f"stopped early at step {stop_at - 1}: the model so far and its "
                                          f"checkpoint are in {out} (resume with --resume)")
    assert torch.load(out / "checkpoint.pt", weights_only=True)["step"] == stop_at - 1
    assert load_model(out)[1]["training"]["steps"] == stop_at - 1
    assert (out / "samples.png").is_file()


def test_ctrl_c_before_the_first_step_writes_nothing_and_a_rerun_is_not_refused(data_dir, tmp_path, monkeypatch,
                                                                                capsys):
    """It wrote an untrained model ("after 0 steps"), and the rerun was refused as an earlier run of 0 steps."""
    out = tmp_path / "new" / "vae"
    with monkeypatch.context() as ctrl_c:  # not monkeypatch.undo(): that undoes the suite's user folders too
        stop_at_step(ctrl_c, 1)
        assert train("vae", data_dir, out, 3) == 130  # still the signal's code: the run did not finish
    captured = capsys.readouterr()
    assert "stopped before the first step: nothing written" in captured.err
    assert "wrote" not in captured.out and "interrupted" not in captured.err
    assert not (tmp_path / "new").exists()  # the folders it made for OUT are gone again
    assert train("vae", data_dir, out, 1) == 0  # no --overwrite needed


def test_ctrl_c_before_a_resumed_runs_next_step_keeps_what_it_had(data_dir, tmp_path, monkeypatch, capsys):
    out = tmp_path / "vae"
    assert train("vae", data_dir, out, 2) == 0
    stop_at_step(monkeypatch, 3)
    assert train("vae", data_dir, out, 5, "--resume") == 130
    assert "interrupted at step 2" in capsys.readouterr().err
    assert torch.load(out / "checkpoint.pt", weights_only=True)["step"] == 2
    assert load_model(out)[1]["training"]["steps"] == 2


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP], ids=["kill", "closed-terminal"])
def test_kill_and_a_closed_terminal_save_like_ctrl_c(stop, data_dir, tmp_path):
    out = tmp_path / "vae"
    args = ["train", "vae", str(data_dir), "-o", str(out), "--steps", "100000", "--batch-size", "8",
            "--holdout", "8", "--resolution", "32", "--threads", "1", *TINY["vae"]]
    run = subprocess.Popen([sys.executable, "-u", "-m", "genimg_gui.cli", *args],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert any(line.startswith("step 1/") for line in run.stdout)  # reads until training is under way
    run.send_signal(stop)
    rest, _ = run.communicate(timeout=120)
    assert run.returncode == 128 + stop, rest  # as a shell reports a process the signal ended: 143, 129
    steps = torch.load(out / "checkpoint.pt", weights_only=True)["step"]
    assert f"interrupted by {stop.name} at step {steps}" in rest
    assert f"stopped early at step {steps}: the model so far and its checkpoint are in {out}" in rest
    assert steps >= 1 and load_model(out)[1]["training"]["steps"] == steps


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["kill", "ctrl-c"])
def test_a_stop_while_the_images_load_writes_nothing_and_frees_the_folder(stop, data_dir, tmp_path):
    """kill while the images loaded (the Train… dialog's Stop a second after Start) ended the process outright:
    exit 143, no message, and the output folder left holding only its lock, taken over with a note by the next
    run."""
    out = tmp_path / "new" / "vae"
    args = ["train", "vae", str(data_dir), "-o", str(out), "--steps", "5", "--batch-size", "8", "--resolution",
            "32", "--threads", "1", *TINY["vae"]]
    run = subprocess.Popen([sys.executable, "-c", SLOW_LOAD, *args], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
    try:
        assert any(line.startswith("loading the images") for line in run.stdout)
        assert (out / LOCK_FILE).is_file()
        run.send_signal(stop)
        rest, _ = run.communicate(timeout=120)
    finally:
        run.kill()
    by = " by SIGTERM" if stop == signal.SIGTERM else ""
    assert run.returncode == 128 + stop, rest  # the code of a stop at any step: 143, 130
    assert rest.strip() == f"stopped{by} before the first step: nothing written"
    assert not (tmp_path / "new").exists()  # the lock released, and the folders made for the run removed
    assert train("vae", data_dir, out, 1) == 0


def test_ctrl_c_as_the_run_sets_up_writes_nothing(data_dir, tmp_path, monkeypatch, capsys):
    """Ctrl+C before the loop read "genimg: interrupted", as one in any command (the run's handlers, set up from
    the start of `genimg train` now, go with it)."""
    load = loop.load_folder

    def interrupted(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)
        return load(*args, **kwargs)

    monkeypatch.setattr(loop, "load_folder", interrupted)
    out = tmp_path / "vae"
    assert train("vae", data_dir, out, 3) == 130
    assert capsys.readouterr().err.strip() == "stopped before the first step: nothing written"
    assert not out.exists() and signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_stop_signals_during_the_save_wait_for_it(data_dir, tmp_path, monkeypatch, capsys):
    """A second Ctrl+C or kill, as an impatient user sends while the run saves, ended the process with the
    model unwritten (exit 143, a checkpoint alone)."""
    step, export = VAERecipe.step, VAERecipe.export

    def killed(self, batch, n, labels=None):
        if n == 2:
            os.kill(os.getpid(), signal.SIGTERM)
        return step(self, batch, n, labels)

    def impatient(self, *args, **kwargs):
        for again in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            os.kill(os.getpid(), again)
        return export(self, *args, **kwargs)

    monkeypatch.setattr(VAERecipe, "step", killed)
    monkeypatch.setattr(VAERecipe, "export", impatient)
    out = tmp_path / "vae"
    assert train("vae", data_dir, out, 10) == 143  # SIGTERM's code: the first signal stopped the run
    err = capsys.readouterr().err
    assert "interrupted by SIGTERM at step 1" in err  # step 2 was stopped before it ran
    assert all(f"{s}: still saving the checkpoint and the model" in err for s in ("SIGTERM", "SIGINT", "SIGHUP"))
    assert load_model(out)[1]["training"]["steps"] == 1 and (out / "metrics.json").is_file()
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # the run's handlers are gone with it


def test_a_run_started_under_nohup_goes_on_when_the_terminal_closes(data_dir, tmp_path, monkeypatch, capsys):
    """nohup ignores SIGHUP so that a closed terminal leaves the run going; the run stopped on it all the same."""
    step = VAERecipe.step

    def hung_up(self, batch, n, labels=None):
        if n == 2:
            os.kill(os.getpid(), signal.SIGHUP)
        return step(self, batch, n, labels)

    monkeypatch.setattr(VAERecipe, "step", hung_up)
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        assert train("vae", data_dir, tmp_path / "vae", 4) == 0
    finally:
        signal.signal(signal.SIGHUP, previous)
    assert "interrupted" not in capsys.readouterr().err
    assert load_model(tmp_path / "vae")[1]["training"]["steps"] == 4


@pytest.mark.parametrize("closes_at, steps", [("step ", 1), ("data: ", 0)], ids=["after a step", "before the first"])
def test_a_closed_log_stops_the_run_as_ctrl_c_does(closes_at, steps, data_dir, tmp_path):
    """`genimg train … 2>&1 | head -4` exited 141 after some 50 steps and left its folder empty."""
    from genimg_gui.train import StoppedEarly
    written = []

    def log(line: str) -> None:
        if line.startswith(closes_at) or written:  # its reader has gone: this write and every later one fail
            written.append(line)
            raise BrokenPipeError

    out = tmp_path / "vae"
    opts = loop.TrainOptions(data_dir, out, resolution=32, batch_size=8, steps=1000, holdout=8, threads=1,
                             extra={"channels": [8, 16], "latent_channels": 2})
    with pytest.raises(StoppedEarly) as stop:
        loop.train(opts, VAERecipe, log=log, result=lambda line: None)
    assert stop.value.exit_code == 141  # 128 + SIGPIPE, as the CLI exits for a closed stdout
    assert len(written) == 1  # not written to again once closed
    if steps:
        assert strict_json(out / "card.json")["training"]["steps"] == 1
        assert torch.load(out / CHECKPOINT_FILE, weights_only=True)["step"] == 1
    else:
        assert not out.exists()  # as Ctrl+C before the first step leaves nothing
