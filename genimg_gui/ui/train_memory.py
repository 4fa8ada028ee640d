"""What the Train… dialog keeps across restarts and says about Save to before Start: the form as it last started a
run (in the app's Settings), whether that run may have been cut short, and a Save to that a run would refuse; and
where its Browse… buttons start."""
from __future__ import annotations

from pathlib import Path

from ..data_folder import images_in_output, nesting
from ..earlier_run import CHECKPOINT_FILE, card_steps, card_stopped, saved_card
from .number_boxes import set_in_range

# the form's key: the run it started has not said "done" (stopped, failed, app killed); asked only of a folder whose
# card does not say how its last run ended (card_stopped), which a later run there, from a terminal too, rewrites
UNFINISHED = "unfinished"
LOOK_AT = 2000  # the entries below Save to that its check looks at, on the UI thread (as data_folder.count_images)


def form_of(dialog) -> dict:
    """The dialog's fields a restart would otherwise lose (plain values, for Settings.set_train_form)."""
    return {"data": dialog.data.text(), "kind": dialog.kind.value(), "out": dialog.out.text(),
            "minutes": dialog.minutes.value(), "resolution": dialog.resolution.currentText(),
            "sample_every": dialog.sample_every.value(), "mirror": dialog.mirror.isChecked(),
            "threads": dialog.threads.currentData()}


def fill_form(dialog, form: dict) -> None:
    """Put a remembered form back; Save to last, as the images folder and kind suggest one of their own."""
    dialog.kind.set_value(str(form.get("kind", dialog.kind.value())))
    dialog.data.setText(str(form.get("data", "")))
    if isinstance(form.get("minutes"), (int, float)):
        set_in_range(dialog.minutes, form["minutes"])
    if dialog.resolution.isEnabled() and dialog.resolution.findText(str(form.get("resolution"))) >= 0:
        dialog.resolution.setCurrentText(str(form["resolution"]))
    if isinstance(form.get("sample_every"), int):
        set_in_range(dialog.sample_every, form["sample_every"])
    dialog.mirror.setChecked(bool(form.get("mirror")))
    if isinstance(form.get("threads"), int) and (at := dialog.threads.findData(form["threads"])) >= 0:
        dialog.threads.setCurrentIndex(at)  # a count past this machine's cores (a setting copied over) is left
    if form.get("out"):
        dialog.out.setText(str(form["out"]))


def unfinished_note(out: str, form: dict) -> str:
    """'The last run in …/gan-x stopped at step 40: Start continues it', for a Save to whose last run did not finish
    and left a checkpoint; "" otherwise. How the run ended is the folder's card's word (a refused Start, or a run
    that failed, left the form's "unfinished" on, and a finished run from a terminal was said to have stopped); the
    remembered form's only for a card that does not say, of the folder it names."""
    folder = Path(out.strip()).expanduser()
    if not out.strip() or not (folder / CHECKPOINT_FILE).is_file():
        return ""
    stopped = card_stopped(folder)
    if stopped is None:
        stopped = bool(form.get(UNFINISHED)) and str(form.get("out") or "") == out
    if not stopped:
        return ""
    steps = card_steps(folder)
    at = f" at step {steps:,}" if steps is not None else " before it finished"
    return f"The last run in {folder} stopped{at}: Start continues it (it asks first)."


def save_to_refusal(dialog) -> str:
    """save_to_warning of the Train… dialog's images, Save to, kind and latent space."""
    return save_to_warning(dialog.data.text(), dialog.out.text(), dialog.kind.value(),
                           dialog.space.currentData() or "")


def save_to_warning(data: str, out: str, kind: str, latent_of: str = "") -> str:
    """Why `genimg train` would refuse this Save to (its own words, out_checks.check_out_folder), or "". latent_of:
    the folder of the VAE a GAN draws in, "" for pixels."""
    if not out.strip():
        return ""
    if Path(out).expanduser().is_file():
        return f"⚠ Save to {out} is a file: name a folder to write the model in (new, or an earlier run's)."
    if kind == "gan" and latent_of and (how := nesting(out, latent_of)):
        what = ("is the folder of the VAE the GAN draws in: starting over there would delete that VAE" if how == "is"
                else f"{how} the folder of the VAE the GAN draws in, {latent_of}")
        return f"⚠ Save to {out} {what}. Save the GAN to a folder of its own."
    if not data.strip() or not Path(data).is_dir():
        return ""
    if (how := nesting(out, data)) in ("is", "holds"):
        what = "is the data folder" if how == "is" else f"holds the data folder {data}"
        return (f"⚠ Save to {out} {what}: save the model to another folder, or to a sub-folder of the images "
                f"(e.g. {Path(data) / f'{kind}-model'}), which the run leaves out of its images.")
    found, whole = images_in_output(data, out, look_at=LOOK_AT)
    if found:
        return (f"⚠ Save to {out} holds {'' if whole else 'at least '}{found:,} of the training images: save the "
                "model to another folder or an empty sub-folder.")
    return ""


def names_another_model(out: str, kind: str, latent_of: str) -> bool:
    """Whether Save to names a model of the other kind than `kind` (by its card), or (a GAN) the folder of the VAE
    it draws in, latent_of, or one inside or holding it."""
    if not out.strip():  # Path("") is the folder the app started in
        return False
    made = (saved_card(Path(out).expanduser()) or {}).get("kind")
    return (made in ("vae", "gan") and made != kind) or bool(kind == "gan" and latent_of and nesting(out, latent_of))


def browse_start(field: str, fallback: str) -> str:
    """Where a folder field's Browse… starts: the folder the field holds, or the nearest one above it that is there
    (Save to's suggestion is made by the run), else fallback. Never the folder the app was launched from, which a
    relative path or an empty one would give, nor the file system's root."""
    path = Path(field.strip()).expanduser()
    if field.strip() and path.is_absolute():
        for folder in [path, *path.parents][:-1]:
            if folder.is_dir():
                return str(folder)
    return fallback
