"""The Train… dialog's fields that follow one another (a start model fixes the kind, resolution and latent space) and
that show the settings of the run Continue goes on from (train_question.shape_of_run)."""
from __future__ import annotations

from pathlib import Path

from ..catalog import latent_space_of
from ..holdout import MIN_HELD_OUT
from .train_fields import offer_resolution
from .train_models import RESOLUTION_ROLE, listed_as, show_choice
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
    dialog.kind.set_value(of_run["kind"])
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
    offer_resolution(dialog.resolution, resolution)
    dialog.resolution.setCurrentText(resolution)
    dialog.match_classes()
    dialog.out.setText(out)


def match_start(dialog) -> None:
    """A run from a model trains that model: its kind, its resolution and (a GAN) its latent space."""
    entry = dialog.starts.get(dialog.start_from.currentData())
    dialog.kind.setEnabled(entry is None)
    if entry is not None:
        dialog.kind.set_value(entry.kind)
        vae = latent_space_of(entry, dialog.vaes)
        space = vae.path if vae else "" if entry.card["architecture"] == "MappedGenerator" else None
        if space is not None:
            dialog.space.setCurrentIndex(dialog.space.findData(space))
    match_space(dialog)


def match_space(dialog) -> None:
    """A GAN in a VAE's latent space has the VAE's resolution, and a run from a model the model's;
    the latent space is a GAN's choice, and fixed for a run from a GAN whose space is open."""
    entry = dialog.starts.get(dialog.start_from.currentData())
    is_gan = dialog.kind.value() == "gan"
    known_space = entry is not None and (entry.card["architecture"] == "MappedGenerator"
                                         or latent_space_of(entry, dialog.vaes) is not None)
    dialog.space.setEnabled(is_gan and not known_space)
    # a pixel GAN has no figures, and a latent GAN's need MIN_HELD_OUT held-out images
    dialog.kept.measure_figures(not is_gan or bool(dialog.space.currentData()), MIN_HELD_OUT if is_gan else 1)
    resolution = (str(entry.card["resolution"]) if entry is not None
                  else dialog.space.currentData(RESOLUTION_ROLE) if is_gan else None)
    if resolution:
        offer_resolution(dialog.resolution, resolution)
        dialog.resolution.setCurrentText(resolution)
    dialog.resolution.setEnabled(not resolution)
