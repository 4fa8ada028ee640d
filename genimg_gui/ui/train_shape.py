"""The Train… dialog's fields set to the settings of the run Continue goes on from (train_question.shape_of_run)."""
from __future__ import annotations

from pathlib import Path

from .train_models import listed_as, show_choice
from .train_run import FOLDERS


def show_run_shape(dialog, of_run: dict) -> None:
    """Continue runs with the earlier run's settings (shape_of_run): the fields show them, so what the
    dialog shows is what runs. Save to stays: a kind set here would suggest another folder."""
    if not of_run:
        return
    out = dialog.out.text()
    # the card's --init as typed (a link, say): the listed model's entry fixes the run's kind and space
    init = listed_as(dialog.starts.values(), of_run["init"]) or of_run["init"]
    show_choice(dialog.start_from, init, f"{Path(init).name} (where the earlier run started)")
    dialog.kind.setCurrentText(of_run["kind"])
    if of_run["kind"] == "gan":
        space = listed_as(dialog.vaes, of_run["latent_of"]) or of_run["latent_of"]
        # the VAE card's resolution, which fixes the field: the run was refused unless it trained at it
        show_choice(dialog.space, space, f"latent space of {Path(space).name} (the earlier run's)",
                    of_run["resolution"])
        labels = of_run["labels"]
        if labels and labels != FOLDERS:
            dialog.set_labels_file(labels)
        dialog.classes.setCurrentIndex(dialog.classes.findData(labels))
        dialog.label_column.setText(of_run["label_column"])
    resolution = str(of_run["resolution"])
    if dialog.resolution.findText(resolution) < 0:
        dialog.resolution.addItem(resolution)
    dialog.resolution.setCurrentText(resolution)
    dialog.match_classes()
    dialog.out.setText(out)
