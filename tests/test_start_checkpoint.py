"""A training run's checkpoint.pt given to the window as it starts. `genimg-gui --vae run/checkpoint.pt` reached the
worker, which said "checkpoint.pt is a file that holds no named tensors. genimg opens its own model folders…", where
the CLI, the Models tab and a file named or dropped say what it is and what to open instead. Now --vae and --gan say
that too, in the same words (not_a_model.no_model_note), but the next step: the window names its Train… dialog, the CLI
its command."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import drag_drop, file_mime
from genimg_gui.catalog import BUNDLED_DIR, DEFAULT_MODELS
from genimg_gui.earlier_run import BEST_FILE, CHECKPOINT_FILE
from genimg_gui.cli import main
from genimg_gui.paths import command_path, shown_path
from test_start_fallback import errors, started
from train_helpers import make_shapes, restore_threads, train  # noqa: F401 (restore_threads: a fixture)


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory) -> Path:
    """The folder of a real `genimg train vae` run: its model, card and checkpoint.pt, and a best.pt as --keep-best
    keeps (a checkpoint of an earlier step)."""
    root = tmp_path_factory.mktemp("run")
    assert train("vae", make_shapes(root / "shapes", 20), root / "run", 1) == 0
    shutil.copyfile(root / "run" / CHECKPOINT_FILE, root / "run" / BEST_FILE)
    return root / "run"


def in_window(said: str, run: Path) -> str:
    """The CLI's note as the window says it: no command named, trained further with the Train… dialog's own
    words (its Save to, the run's folder whole). It said the CLI's command, "…" and backticks included."""
    return (said.replace(" of `genimg train`", "").split(" with `genimg train", 1)[0]
            + f" with Train… (Save to: {shown_path(run)}, then Start, then Continue it)")


def cli_error(capsys, checkpoint: Path) -> str:
    """What `genimg info` says of the checkpoint, without its "genimg: error: ", naming the file by its name as the
    window names files (the CLI names it by the path typed: cli_names.named_as_typed)."""
    capsys.readouterr()
    assert main(["info", str(checkpoint)]) == 1
    [said] = [line for line in capsys.readouterr().err.splitlines() if line.startswith("genimg: error: ")]
    assert said.startswith(f"genimg: error: {checkpoint} is a training checkpoint")
    return said.removeprefix("genimg: error: ").replace(str(checkpoint), checkpoint.name, 1)


@pytest.mark.parametrize("option, name, kind", [("--vae", CHECKPOINT_FILE, "vae"), ("--gan", CHECKPOINT_FILE, "gan"),
                                                ("--vae", BEST_FILE, "vae")])
def test_a_checkpoint_given_as_the_start_model_says_what_the_cli_says(qtbot, monkeypatch, run_folder, capsys,
                                                                       option, name, kind):
    checkpoint = run_folder / name
    other = "gan" if kind == "vae" else "vae"
    window = started(qtbot, monkeypatch, [option, str(checkpoint)],
                     lambda w: other in w.document.models and bool(errors(w)))
    said = cli_error(capsys, checkpoint)
    assert said.startswith(f"{name} is a training checkpoint of `genimg train`, not a model: open its folder "
                           f"{run_folder}") and "--resume" in said
    assert errors(window) == [in_window(said, run_folder)]  # not "a file that holds no named tensors"
    assert in_window(said, run_folder) in window.status.currentMessage()
    assert "`" not in window.status.currentMessage() and "--resume" not in window.status.currentMessage()
    assert kind not in window.document.models  # the model asked for, not another in its place, as for a damaged one
    assert window.document.models[other].path == str(BUNDLED_DIR / DEFAULT_MODELS[other])


def test_a_checkpoint_named_on_the_command_line_or_dropped_says_what_the_cli_says(qtbot, monkeypatch, run_folder,
                                                                                   capsys):
    checkpoint = run_folder / CHECKPOINT_FILE
    window = started(qtbot, monkeypatch, [str(checkpoint)], lambda w: {"vae", "gan"} <= set(w.document.models)
                     and bool(errors(w)))
    said = cli_error(capsys, checkpoint)
    assert errors(window) == [in_window(said, run_folder)]
    assert drag_drop(window, file_mime([run_folder / BEST_FILE])) is not None
    assert errors(window) == [in_window(said, run_folder),
                              in_window(cli_error(capsys, run_folder / BEST_FILE), run_folder)]


def test_a_checkpoint_typed_in_its_own_folder_names_that_folder_whole_in_the_window_and_the_cli(qtbot, monkeypatch,
                                                                                                 run_folder, capsys):
    """`cd run && genimg-gui --vae checkpoint.pt` said "open its folder . (or its card.json)" and `-o .`, which told
    no one which folder, and in a terminal elsewhere resumed another; a folder typed is still named as typed."""
    monkeypatch.setenv("HOME", str(run_folder.parent))  # the home folder is said as ~, as elsewhere in the window
    monkeypatch.chdir(run_folder)
    said = (f"{CHECKPOINT_FILE} is a training checkpoint of `genimg train`, not a model: open its folder "
            f"~/{run_folder.name} (or its card.json) for the model the run wrote, or go on training with "
            f"`genimg train … -o {command_path(run_folder)} --resume`")
    window = started(qtbot, monkeypatch, ["--vae", CHECKPOINT_FILE], lambda w: "gan" in w.document.models
                     and bool(errors(w)))
    assert errors(window) == [
        f"{CHECKPOINT_FILE} is a training checkpoint, not a model: open its folder ~/{run_folder.name} (or its "
        f"card.json) for the model the run wrote, or go on training with Train… (Save to: ~/{run_folder.name}, "
        "then Start, then Continue it)"]
    assert cli_error(capsys, Path(CHECKPOINT_FILE)) == said
    monkeypatch.chdir(run_folder.parent)
    assert cli_error(capsys, Path(run_folder.name) / CHECKPOINT_FILE) == (
        f"{CHECKPOINT_FILE} is a training checkpoint of `genimg train`, not a model: open its folder {run_folder.name} "
        f"(or its card.json) for the model the run wrote, or go on training with `genimg train … -o {run_folder.name} "
        "--resume`")
