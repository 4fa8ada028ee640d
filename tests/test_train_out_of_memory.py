"""`genimg train` running out of memory at a training step (after its networks were built: network_memory.py says
that case): said in one line with the step and what to try, the last checkpoint kept for --resume, nothing
half-written, exit code 2 as for a network too large to build; and the Train… dialog says the same."""
from __future__ import annotations

import os
import sys

import pytest
import torch
from PySide6.QtCore import Qt

from genimg_gui.earlier_run import CARD_FILE, CHECKPOINT_FILE, MODEL_FILE
from genimg_gui.models.weights import load_model

from test_train_dialog import dialog_for, shapes  # noqa: F401 - shapes: a fixture
from train_helpers import train
from train_helpers import data_dir, restore_threads  # noqa: F401 - fixtures, found by name

# A real out-of-memory cannot be made safely in a test (it would take the machine's memory, or need a GPU), so the
# backward pass of step N fails as torch fails there. "cpu": the real allocator is asked for 1 PiB, past any
# machine's address space, and raises its own RuntimeError ("DefaultCPUAllocator: can't allocate memory"); "cuda":
# the exception type torch raises for a GPU that is full; "python": a MemoryError, as numpy and Python raise it.
def raised(error: BaseException):
    raise error


RUNS_OUT = {
    "cpu": lambda: torch.empty(2 ** 50, dtype=torch.uint8),
    "cuda": lambda: raised(torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 GiB")),
    "python": lambda: raised(MemoryError()),
}

# the same failure in the Train… dialog's child process, whose python reads this as its sitecustomize
IN_THE_CHILD = """
import torch
backward, calls = torch.Tensor.backward, [0]
def running_out(self, *args, **kwargs):
    calls[0] += 1
    if calls[0] == {step}:
        torch.empty(2 ** 50, dtype=torch.uint8)  # the real CPU allocator's failure: 1 PiB
    return backward(self, *args, **kwargs)
torch.Tensor.backward = running_out
"""


def run_out_at(monkeypatch, step: int, how: str = "cpu") -> None:
    """The backward pass of the step-th training step runs out of memory (a tiny VAE's step has one)."""
    backward, calls = torch.Tensor.backward, [0]

    def running_out(self, *args, **kwargs):
        calls[0] += 1
        if calls[0] == step:
            RUNS_OUT[how]()
        return backward(self, *args, **kwargs)
    monkeypatch.setattr(torch.Tensor, "backward", running_out)


@pytest.mark.parametrize("how", list(RUNS_OUT))
def test_out_of_memory_at_a_step_is_said_and_the_last_checkpoint_kept_for_resume(how, data_dir, tmp_path,
                                                                                  monkeypatch, capsys):
    """It ended in a traceback (the CPU's RuntimeError, a MemoryError), or a CUDA error's raw text with no step and
    no advice (exit 1)."""
    out = tmp_path / "vae"
    run_out_at(monkeypatch, 5, how)
    assert train("vae", data_dir, out, 8, "--checkpoint-every", "2", "--sample-every", "2") == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    said = err.splitlines()[-1]
    device = "cpu"  # the step ran on the CPU whatever the exception's type
    assert said.startswith(f"genimg train: error: out of memory on {device} at step 5: ")
    assert f"{out / CHECKPOINT_FILE} (step 4) is kept: go on from it with --resume and a smaller --batch-size " \
           "(4; 8 now)" in said
    assert "or start over with a smaller --resolution (--overwrite)" in said
    assert torch.load(out / CHECKPOINT_FILE, weights_only=True)["step"] == 4  # intact
    assert sorted(p.name for p in out.iterdir()) == [CHECKPOINT_FILE, "samples.png"]  # no model, no temp file
    monkeypatch.undo()
    assert train("vae", data_dir, out, 6, "--resume", "--batch-size", "4") == 0
    assert load_model(out)[1]["training"]["steps"] == 6


def test_out_of_memory_before_the_first_checkpoint_leaves_no_folder_behind(data_dir, tmp_path, monkeypatch, capsys):
    """The folder made for the run stayed, with the sample grid of step 2 and no checkpoint to go on from."""
    out = tmp_path / "runs" / "vae"
    run_out_at(monkeypatch, 3)
    assert train("vae", data_dir, out, 8, "--sample-every", "2") == 2
    said = capsys.readouterr().err.splitlines()[-1]
    assert said.startswith("genimg train: error: out of memory on cpu at step 3, before the run's first checkpoint: "
                           "nothing is written; try a smaller --batch-size (4; 8 now) or --resolution; or close other "
                           "programs")
    assert not (tmp_path / "runs").exists()


def test_out_of_memory_of_a_resumed_run_keeps_the_earlier_run(data_dir, tmp_path, monkeypatch, capsys):
    """The run resumed keeps its model, card and checkpoint as they were: its --resume goes on from them again."""
    out = tmp_path / "vae"
    assert train("vae", data_dir, out, 2) == 0
    kept = {name: (out / name).read_bytes() for name in (CARD_FILE, MODEL_FILE, CHECKPOINT_FILE)}
    capsys.readouterr()
    run_out_at(monkeypatch, 2)  # step 4: the second of this run
    assert train("vae", data_dir, out, 8, "--resume", "--checkpoint-every", "5") == 2
    said = capsys.readouterr().err.splitlines()[-1]
    assert said.startswith("genimg train: error: out of memory on cpu at step 4: ")
    assert f"{out / CHECKPOINT_FILE} (step 2) is kept" in said
    assert {name: (out / name).read_bytes() for name in kept} == kept


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the CPU allocator's 1 PiB refusal")
def test_the_train_dialog_says_out_of_memory_in_words_not_a_traceback(qtbot, shapes, tmp_path, monkeypatch):
    """Its line under the bar read "The run failed: RuntimeError: [enforce fail at alloc_cpu.cpp:…]"."""
    site = tmp_path / "site"
    site.mkdir()
    # step 1: a run of 0.1 min may train its first step alone (the start is timed into its minutes)
    (site / "sitecustomize.py").write_text(IN_THE_CHILD.format(step=1))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]))
    dialog = dialog_for(qtbot, shapes, tmp_path / "vae", minutes=0.1)
    with qtbot.waitSignal(dialog.process.finished, timeout=120_000):
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert "Traceback" not in dialog.watch.log.toPlainText()
    assert dialog.watch.progress.format() == "failed (exit code 2)"
    assert dialog.watch.failure.toolTip().startswith("⚠ The run failed: out of memory on cpu at step 1, before the "
                                                     "run's first checkpoint: nothing is written")
    assert not (tmp_path / "vae").exists()


def pca_runs_out(*args, **kwargs):
    raise MemoryError()


def test_out_of_memory_as_the_model_is_written_is_said_and_writes_no_half_model(data_dir, tmp_path, monkeypatch,
                                                                                capsys):
    """After the last step, the model folder's writing ran out (its directions' PCA): a traceback, and a folder
    holding model.safetensors and card.json but no directions.safetensors. Now the step's one line, exit code 2, no
    model file written, and the checkpoint of the last step kept: --resume writes the model."""
    out = tmp_path / "vae"
    monkeypatch.setattr("genimg_gui.train.vae_recipe.pca", pca_runs_out)
    assert train("vae", data_dir, out, 4, "--checkpoint-every", "2") == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    said = err.splitlines()[-1]
    assert said.startswith(f"genimg train: error: out of memory on cpu at step 4: {out / CHECKPOINT_FILE} (step 4) is "
                           "kept: go on from it with --resume")
    assert sorted(p.name for p in out.iterdir()) == [CHECKPOINT_FILE]  # no model, no temporary folder
    monkeypatch.undo()
    assert train("vae", data_dir, out, 4, "--resume") == 0
    assert load_model(out)[1]["training"]["steps"] == 4 and (out / "directions.safetensors").is_file()


def test_out_of_memory_as_a_resumed_model_is_written_keeps_the_earlier_model_whole(data_dir, tmp_path, monkeypatch,
                                                                                   capsys):
    """The earlier model's files stay as they were, its directions with them (its card was replaced, beside the
    earlier model's directions, which no longer matched it)."""
    out = tmp_path / "vae"
    assert train("vae", data_dir, out, 2) == 0
    names = (CARD_FILE, MODEL_FILE, "directions.safetensors", "metrics.json", "samples.png")
    kept = {name: (out / name).read_bytes() for name in names}
    monkeypatch.setattr("genimg_gui.train.vae_recipe.pca", pca_runs_out)
    assert train("vae", data_dir, out, 4, "--resume") == 2
    assert "Traceback" not in capsys.readouterr().err
    assert {name: (out / name).read_bytes() for name in names} == kept
    assert sorted(p.name for p in out.iterdir()) == sorted([*names, CHECKPOINT_FILE])
