"""Paths given as a model that are none, said alike by the window and the CLI (not_a_model.no_model_note).
`genimg-gui run/best.pt` and `genimg info run/best.pt` of a run that kept no best.pt called it "a training checkpoint"
(decided by its name alone); a latent file or a recipe given to the window with --vae/--gan, Open model… or a drop
on the Models tab was "a zip archive" and "a text file", where the CLI says what each is and what reads it. A latent
file or a recipe dropped on the canvas opens or applies as before."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from conftest import UI_TIMEOUT, drag_drop, file_mime
from genimg_gui.catalog import BUNDLED_DIR, DEFAULT_MODELS
from genimg_gui.cli import main
from genimg_gui.earlier_run import BEST_FILE, CHECKPOINT_FILE
from genimg_gui.paths import command_path, shown_path
from test_foreign_ui import menu_action
from test_start_fallback import errors, started
from train_helpers import make_shapes, restore_threads, train  # noqa: F401 (restore_threads: a fixture)

LATENT_IN_APP = "not a model: open it with File → Open images… or drop it on the canvas"
TRAIN_IN_APP = "Train… (Save to: {folder}, then Start, then Continue it)"
BEST_IN_APP = ("Train…'s Model kept, the best held-out evaluation, keeps one where an evaluation before the run's "
               "last step scored best")
RECIPE_IN_APP = "not a model: File → Apply recipe to current image… (or a drop on the canvas) applies it"


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Path:
    """A real `genimg train vae --keep-best` run of one step (its one evaluation is its last step, so it keeps no
    best.pt), a latent file and an edit recipe the bundled emoji-vae made."""
    root = tmp_path_factory.mktemp("not_a_model")
    shapes = make_shapes(root / "shapes", 20)
    assert train("vae", shapes, root / "run", 1, "--keep-best") == 0
    picture = str(shapes / "shape (1).png")
    assert main(["encode", "--vae", "emoji-vae", picture, "-o", str(root / "enc")]) == 0
    (root / "enc" / "shape (1).npz").rename(root / "x.npz")
    assert main(["edit", "--vae", "emoji-vae", picture, "--edit", "PC1=1", "--save-recipe",
                 str(root / "smile.recipe.json"), "-o", str(root / "edited")]) == 0
    return root


def cli_error(capsys, *argv, code: int = 1) -> str:
    """What `genimg ARGV` says, the file named by its name as the window names it (the CLI names it as typed)."""
    capsys.readouterr()
    assert main([str(a) for a in argv]) == code
    [said] = [line for line in capsys.readouterr().err.splitlines() if "error: " in line]
    typed = str(argv[-1] if argv[0] == "info" else argv[argv.index("--vae") + 1])
    return said.split("error: ", 1)[1].removeprefix("argument --vae: ").replace(typed, Path(typed).name, 1)


def test_a_best_pt_the_run_never_wrote_is_said_not_to_exist_in_the_window_and_the_cli(qtbot, monkeypatch, files,
                                                                                       capsys):
    run = files / "run"
    missing = run / BEST_FILE
    assert not missing.exists() and (run / CHECKPOINT_FILE).is_file()
    said = cli_error(capsys, "info", missing)
    assert said.startswith(f"best.pt does not exist: the model's folder {run} holds no best.pt (a run trained with "
                           "--keep-best keeps one")
    assert "open it (or its card.json) for its model, or go on training from its checkpoint.pt with " in said
    assert "training checkpoint" not in said
    assert cli_error(capsys, "decode", "--vae", missing, files / "x.npz", "-o", files / "o", code=2) == said

    # the window names its own Train… dialog's row (it named --keep-best, a flag the window shows nowhere) and goes on
    # with that dialog's words, not the CLI's command ("…" and backticks included)
    in_window = (f"best.pt does not exist: the model's folder {run} holds no best.pt ({BEST_IN_APP}); open it (or its "
                 f"card.json) for its model, or go on training from its checkpoint.pt with "
                 f"{TRAIN_IN_APP.format(folder=shown_path(run))}")
    window = started(qtbot, monkeypatch, ["--vae", str(missing)], lambda w: "gan" in w.document.models
                     and bool(errors(w)))
    assert errors(window) == [in_window] and "--keep-best" not in in_window
    assert "vae" not in window.document.models  # the model asked for, none other in its place
    window.close()
    window = started(qtbot, monkeypatch, [str(missing)], lambda w: {"vae", "gan"} <= set(w.document.models)
                     and bool(errors(w)))
    assert errors(window) == [in_window]


def test_a_checkpoint_opened_on_the_models_tab_says_how_to_train_it_further_in_the_window(qtbot, window, files,
                                                                                       capsys, monkeypatch):
    """Models tab → Open model… of a run's checkpoint.pt said "go on training with `genimg train ... -o RUN
    --resume`": a command, with backticks and a literal "…", in a window whose Train… dialog does it."""
    checkpoint = files / "run" / CHECKPOINT_FILE
    monkeypatch.setattr(window.model_opener, "ask_model_path", lambda: str(checkpoint))
    with qtbot.waitSignal(window.document.error, timeout=UI_TIMEOUT) as said:
        qtbot.mouseClick(window.model_panel.open_button, Qt.MouseButton.LeftButton)
    run = shown_path(files / "run")
    assert said.args[0] == (f"{CHECKPOINT_FILE} is a training checkpoint, not a model: open its folder {files / 'run'} "
                            f"(or its card.json) for the model the run wrote, or go on training with "
                            f"{TRAIN_IN_APP.format(folder=run)}")
    assert "`" not in said.args[0] and "--resume" not in said.args[0]
    assert cli_error(capsys, "info", checkpoint).endswith(f"`genimg train … -o {files / 'run'} --resume`")  # kept


def test_a_best_pt_typed_in_its_runs_folder_names_that_folder_whole(monkeypatch, files, capsys):
    """`cd run && genimg info ./best.pt` said "the model's folder . holds no best.pt" and `-o .`."""
    run = files / "run"
    monkeypatch.chdir(run)
    said = cli_error(capsys, "info", f"./{BEST_FILE}")  # a bare best.pt is taken for a bundled model's name
    assert said.startswith(f"best.pt does not exist: the model's folder {shown_path(run)} holds no best.pt (a run")
    assert said.endswith(f"with `genimg train … -o {command_path(run)} --resume`")


@pytest.mark.parametrize("option, name, kind, step", [("--vae", "x.npz", "vae", LATENT_IN_APP),
                                                      ("--gan", "smile.recipe.json", "gan", RECIPE_IN_APP)])
def test_a_latent_or_recipe_given_as_the_start_model_says_what_the_cli_says(qtbot, monkeypatch, files, capsys,
                                                                            option, name, kind, step):
    other = "gan" if kind == "vae" else "vae"
    window = started(qtbot, monkeypatch, [option, str(files / name)],
                     lambda w: other in w.document.models and bool(errors(w)))
    cli_said = cli_error(capsys, "info", files / name)
    what = cli_said.split("not a model: ")[0]  # the CLI's words, then the command that reads it
    assert what.startswith(f"{name} is a") and ("latent file" in what or "edit recipe made with emoji-vae" in what)
    assert errors(window) == [what + step]  # not "a zip archive" nor "a text file"
    assert kind not in window.document.models
    assert window.document.models[other].path == str(BUNDLED_DIR / DEFAULT_MODELS[other])


def test_a_latent_or_recipe_opened_or_dropped_on_the_models_tab_says_what_it_is(qtbot, window, files, capsys,
                                                                                monkeypatch):
    doc = window.document
    loaded = dict(doc.models)
    for name, step in (("x.npz", LATENT_IN_APP), ("smile.recipe.json", RECIPE_IN_APP)):
        what = cli_error(capsys, "info", files / name).split("not a model: ")[0]
        window.last_error = ""
        assert drag_drop(window.model_panel, file_mime([files / name])) is not None  # a real drop on the tab
        qtbot.waitUntil(lambda: bool(window.last_error), timeout=UI_TIMEOUT)
        assert window.last_error == what + step
        monkeypatch.setattr(window.model_opener, "ask_model_path", lambda: str(files / name))
        with qtbot.waitSignal(doc.error, timeout=UI_TIMEOUT) as said:
            menu_action(window, "Open &model…").trigger()
        assert said.args[0] == what + step
    assert doc.models == loaded and len(doc.items) == 1 and not doc.jobs  # nothing loaded, opened or asked
    latent = shutil.copy(files / "x.npz", files / "dropped.npz")
    assert drag_drop(window, file_mime([latent])) is not None  # on the canvas: it opens as a picture, as before
    qtbot.waitUntil(lambda: len(doc.items) == 2, timeout=UI_TIMEOUT)


def test_a_run_folder_with_a_space_goes_into_the_resume_command_quoted(files, capsys, tmp_path):
    """`-o /tmp/my run --resume` went into the CLI's command unquoted, pasted it trained into /tmp/my."""
    run = shutil.copytree(files / "run", tmp_path / "my run")
    quoted = f"`genimg train … -o '{run}' --resume`"
    assert cli_error(capsys, "info", run / CHECKPOINT_FILE).endswith(f"go on training with {quoted}")
    assert cli_error(capsys, "info", run / BEST_FILE).endswith(f"from its checkpoint.pt with {quoted}")
