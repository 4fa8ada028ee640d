"""The Train… dialog's Save to suggestion: the folder named for the images and the kind, which one rule gives to the
three places that name it: the field as Images is chosen, its placeholder once it is emptied, and a Start with the
field left empty (refused before, "Choose where to save the model", under a placeholder naming that very folder)."""
from __future__ import annotations

from pathlib import Path

from ..paths import shown_path
from .train_memory import names_another_model
from .train_run import default_output, models_folder


def suggested_folder(data: str, kind: str) -> str:
    """The folder Save to suggests for these Images and kind; "" while Images names nothing, or a file (an image
    picked as Images suggested ~/genimg-models/vae-face_00.png)."""
    if not data.strip() or Path(data).is_file():
        return ""
    return default_output(data, kind)


def save_to_placeholder(data: str, kind: str) -> str:
    """What Save to says while empty: the folder a Start then saves to, or, before Images names a folder, the one
    choosing it fills in."""
    if folder := suggested_folder(data, kind):
        return f"left empty, Start saves to {shown_path(folder)}"
    return f"filled in as you choose Images: {shown_path(models_folder())}/{kind}-<the images folder's name>"


def suggest_save_to(dialog) -> None:
    """Save to follows the images and the kind while it holds no folder of the user's: empty, or the last suggestion
    (a folder the user typed is theirs, and stays)."""
    folder = suggested_folder(dialog.data.text(), dialog.kind.value())
    if folder and dialog.out.text() in ("", dialog.suggested_out):
        _suggest(dialog, folder)


def leave_other_models(dialog, kind: str) -> None:
    """A Save to naming a model of the other kind, or the VAE the GAN draws in, gets a first Save to's suggestion
    for the new kind (it stayed: Start over wrote a GAN in the place of the VAE it drew in, deleting it)."""
    if names_another_model(dialog.out.text(), kind, dialog.space.currentData() or ""):
        _suggest(dialog, default_output(dialog.data.text(), kind))


def fill_empty_save_to(dialog) -> str:
    """At Start, an empty Save to becomes the folder its placeholder names (the run, Load and the remembered form
    then name it as any other); the log's line saying so, "" when Save to held a folder. Images is a folder here."""
    if dialog.out.text().strip():
        return ""
    folder = suggested_folder(dialog.data.text(), dialog.kind.value())
    _suggest(dialog, folder)
    return f"Save to was left empty: the model is saved to {folder}, the folder it suggested"


def _suggest(dialog, folder: str) -> None:
    dialog.suggested_out = folder
    dialog.out.setText(folder)
