"""The Train… dialog's defaults against `genimg train`'s own: its command line leaves every option to the CLI's
default but two, on purpose (docs/training.md says why): sample grids more often, the window's picture of the run's
progress in a run that its time ends (ui/train_run.py WINDOW_SAMPLE_EVERY), and the best evaluation's model kept
(ui/train_kept.py)."""
from genimg_gui.cli import build_parser
from genimg_gui.ui.train_dialog import TrainDialog

from test_train_dialog import started_with
from train_helpers import make_shapes


def test_a_fresh_dialog_runs_the_cli_s_defaults_but_more_frequent_grids_and_the_best_model_kept(qtbot, tmp_path):
    data = make_shapes(tmp_path / "shapes", 20)  # 2 held out: a VAE's figures to rank
    dialog = TrainDialog()
    qtbot.addWidget(dialog)
    dialog.data.setText(str(data))
    started = started_with(dialog)
    dialog.start()
    [args] = started  # ["-m", "genimg_gui.cli", "train", …]
    ran = vars(build_parser().parse_args(args[2:]))
    cli = vars(build_parser().parse_args(["train", "vae", str(data)]))
    # the form's own fields (Save to, Time for this run, Resolution) and the two defaults the window chose otherwise
    assert {key for key in ran if ran[key] != cli.get(key)} == {"out", "minutes", "resolution", "typed",
                                                                "sample_every", "keep_best"}
    assert ran["sample_every"] == dialog.sample_every.value() < cli["sample_every"]
    assert ran["keep_best"] and not cli["keep_best"]
    assert ran["typed"] == {"sample_every"}  # typed: a --resume takes the dialog's, not the run's
