"""File → Save edit recipe… / Apply recipe…: the current item's edit as a JSON recipe (+ mask
PNG), and a recipe applied to the current item or to every open item of its kind, as one
undoable step per item. `genimg edit --recipe` applies the same file headless."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Sequence

import numpy as np
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QWidget

from ..edit import Directions, EditState, values_along
from ..fileio import why_not_written
from ..recipe import Recipe, RecipeError, opened_path, mask_name
from ..model_names import model_name
from ..wording import counted, listed
from .document import Document
from .document_session import awaited_model, own_model_failed, sliders_withheld, stranded_refusal
from .item import Item
from .save_dialog import ask_export_path
from .settings import Settings

RECIPE_FILTER = "Edit recipes (*.json);;All files (*)"
SAVE, APPLY = "save a recipe", "apply a recipe"  # Document.refuse's topics: a success takes the last error away
VALUE_TOLERANCE = 1e-6  # sigma; a strength survives the recipe's JSON exactly, this is only for safety


def matching_rows(recipe: Recipe, directions: Directions | None) -> list[int] | None:
    """The slider row of each recipe step (same vector and sigma, bit for bit), or None when
    some step is not one of the model's directions (recomputed PCA, a deleted direction)."""
    if directions is None:
        return None
    rows: list[int] = []
    for step in recipe.steps:
        row = next((i for i in range(len(directions)) if i not in rows
                    and directions.sigma[i] == np.float32(step.sigma)
                    and np.array_equal(directions.basis[i], step.vector)), None)
        if row is None:
            return None
        rows.append(row)
    return rows


def recipe_state(state: EditState, recipe: Recipe, directions: Directions | None,
                 size: tuple[int, int]) -> EditState:
    """`state` with the recipe applied: the state the app records, and whose pixels equal what
    `genimg edit --recipe` writes for the same unedited image (with no mask painted on it).

    Where the recipe's vectors are the model's sliders, its strengths are added to them, as if
    the user had moved those sliders; a masked recipe's mask then replaces the item's (the
    recipe says where its edit goes). A recipe without a mask says nothing of where, so on a
    picture with a painted mask its strengths join the sliders that mask confines: applying it
    does what moving those sliders by hand would, and the same as applying it first and painting
    the mask after. It once moved the base instead, which changed the whole picture while the mask
    still showed where edits go, with nothing on screen saying so (RecipeActions.apply now says
    which it did). A recipe whose vectors are not the sliders (recomputed PCA, a deleted
    direction) can only move the base: without a mask it does so, changing the whole picture,
    the picture's own mask too; with one it cannot be shown and raises RecipeError."""
    rows = matching_rows(recipe, directions)
    if rows is not None:
        values = list(values_along(state, directions))
        for row, step in zip(rows, recipe.steps):
            values[row] += step.value
        edited = state.with_values(tuple(values))
        return edited if recipe.mask is None else edited.with_mask(recipe.mask_at(size), recipe.mask_erased)
    if recipe.mask is None:
        return replace(state, base=recipe.apply(state.base))  # the sliders, mask and how it began kept
    raise RecipeError("this recipe's mask confines directions that are not among the model's sliders "
                      "any more (were its directions recomputed?); apply it with genimg edit --recipe, "
                      "or save the recipe again from the current sliders")


def beyond_mask(state: EditState, recipe: Recipe, directions: Directions | None) -> bool | None:
    """Where a recipe without a mask goes on a picture with one (recipe_state): False, inside that mask (its
    strengths join the sliders); True, the whole picture (its vectors are no sliders: it moves the base); None
    where the question does not arise (the recipe has a mask, or the picture none)."""
    if recipe.mask is not None or state.mask is None:
        return None
    return matching_rows(recipe, directions) is None


def holds_recipe(state: EditState, recipe: Recipe, directions: Directions | None, size: tuple[int, int]) -> bool:
    """Whether state already has the recipe's strengths on its sliders (and its mask, for a masked
    recipe): the image it was saved from, or one it was applied to. Applying it (to the current image or to
    all) skips these, where stacking would double their edit. A recipe without a mask is held by a picture with
    one whose sliders have its strengths: applied again it would add them again inside that mask (recipe_state).
    A recipe that moves the base leaves no trace to check, so it is never taken as held."""
    rows = matching_rows(recipe, directions)
    if rows is None or not recipe.steps:
        return False
    values = list(values_along(state, directions))
    if any(abs(values[row] - step.value) > VALUE_TOLERANCE for row, step in zip(rows, recipe.steps)):
        return False
    if recipe.mask is None:
        return True
    # the recipe's mask went through an 8-bit PNG: equal within a grey level
    return state.mask is not None and bool(np.allclose(state.mask, recipe.mask_at(size), atol=1.5 / 255))


class RecipeActions(QObject):
    """Save and apply recipes; errors go to the document's error signal (the status bar)."""

    def __init__(self, document: Document, parent: QWidget) -> None:
        super().__init__(parent)
        self.document, self.parent_widget = document, parent

    # --- dialogs (tests replace these) ------------------------------------
    def _ask_save_path(self, suggestion: str) -> str:
        item = self.document.current

        def mask_file(path: str) -> list[str]:  # a masked edit's recipe writes NAME.mask.png beside it
            masked = item is not None and item.history.current.mask is not None
            return [str(Path(path).with_name(mask_name(Path(path))))] if masked else []
        # offered as NAME.recipe.json; a name typed without .json gains it ("v1.2" too, which kept no .json)
        return ask_export_path(self.parent_widget, "Save edit recipe", Settings(), suggestion, ".recipe.json",
                               RECIPE_FILTER, formats={RECIPE_FILTER.split(";;")[0]: ".json"}, beside=mask_file,
                               picture=item.file.path if item is not None and item.file else None)

    def _ask_open_path(self) -> str:
        """Starts where the last recipe was saved or applied from (Settings.open_folder("recipes"))."""
        settings = Settings()
        path, _ = QFileDialog.getOpenFileName(self.parent_widget, "Apply edit recipe", settings.open_folder("recipes"),
                                              RECIPE_FILTER)
        if path:
            settings.opened_from("recipes", str(Path(path).parent))
        return path

    def save_dialog(self) -> None:
        # said before the dialog: an unedited picture asked for a file name, then said there was nothing to save
        if self._recipe() is not None and (path := self._ask_save_path(self.document.current.file_name)):
            self.save(path)

    def apply_dialog(self, all_items: bool = False) -> None:
        if path := self._ask_open_path():
            self.apply(path, all_items)

    # --- actions -------------------------------------------------------
    def save(self, path: str) -> Path | None:
        """Save the current item's edit (non-zero sliders with their vectors, mask) to path."""
        if (recipe := self._recipe()) is None:
            return None
        try:
            written = recipe.save(path)
        except (OSError, RecipeError) as e:  # in words, as the exports say it: "[Errno 2] No such file or …" was raw
            reason = why_not_written(e) if isinstance(e, OSError) else str(e)
            self.document.refuse(SAVE, f"Could not save the recipe {path}: {reason}")
            return None
        # remembered once written: a folder that took no file (/proc) was where every save dialog started
        settings = Settings()
        settings.exported_to(str(written))
        settings.opened_from("recipes", str(written.parent))  # Apply recipe… starts there, after other exports too
        # "Saved 1 direction" read as a direction made (New direction from examples): it is the edit that is saved
        mask = " and a mask" if recipe.mask is not None else ""
        self.document.done(SAVE, f"Saved the edit recipe ({counted(len(recipe.steps), 'slider')}{mask}) to {written}")
        return written

    def _recipe(self) -> Recipe | None:
        """The current item's edit as a recipe; None, said, when there is no item, model or edit to save."""
        item = self.document.current
        directions = self.document.directions(item.kind) if item else None
        if item is None or directions is None:
            self.document.refuse(SAVE, "Open an image and load its model first; a recipe saves its edit")
            return None
        if (why := stranded_refusal(self.document, item, "No recipe saved")) is not None:  # its values: that model's
            self.document.refuse(SAVE, why)
            return None
        info = self.document.models[item.kind]
        # the fit the picture was opened with, not the toolbar's now (Fit new images, for pictures opened next): another
        # fit is another picture, which `genimg edit --recipe` would edit. A GAN sample or a latent file was fitted by
        # none, and keeps Item's "crop", what a recipe without a fit reads as
        recipe = Recipe.from_edit(item.history.current, directions, info.name, item.kind, item.fit, info.identity,
                                  info.spatial, opened_path(info.source, info.path))
        if not recipe.steps:
            self.document.refuse(SAVE, "Nothing to save: move a slider first (a recipe holds direction strengths)")
            return None
        return recipe

    def apply(self, path: str, all_items: bool = False) -> int:
        """Apply the recipe at path to the current item, or to every open item of the recipe's
        kind; one undoable step per item. Returns how many items changed."""
        try:
            recipe = Recipe.load(path)
            targets = self._targets(recipe, all_items)
            # the current item's own model on its way: its values count that model's directions (failed: _targets)
            if not all_items and (why := stranded_refusal(self.document, targets[0], "Cannot apply the recipe")):
                self.document.refuse(APPLY, why)
                return 0
            info = self.document.models[recipe.model_kind]
            # another model's, of any latent size, named as such: its sizes alone ("made for a spatial latent of 4
            # channels (my-sd-vae); this model's latent has 1024 numbers") named neither this model nor what to load
            if why := recipe.other_model(info.identity, info.name):  # PC1 of one model smeared another's pictures
                raise RecipeError(f"{Path(path).name} {why}; load {recipe.model_to_load(info.name)} to apply it")
            recipe.check_model(recipe.model_kind, info.latent_size, info.spatial)
            directions = self.document.directions(recipe.model_kind)
            # the current image too: applied twice, PC2 +1.48σ became +2.96σ with nothing said
            held = [i for i in targets if holds_recipe(i.history.current, recipe, directions, i.image.shape[:2])]
            targets = [i for i in targets if i not in held]
            states = [recipe_state(i.history.current, recipe, directions, i.image.shape[:2]) for i in targets]
            # a recipe without a mask on a picture with one: said, as the picture's mask shows where edits go
            beyond = {i.id: beyond_mask(i.history.current, recipe, directions) for i in targets}
        except RecipeError as e:
            self.document.refuse(APPLY, f"Cannot apply the recipe: {e}")
            return 0
        changed = self._commit(list(zip(targets, states)), f"Recipe {Path(path).name}")
        masked = [beyond[i.id] for i in changed if beyond[i.id] is not None]
        # a mask begun by erasing lets the sliders edit everywhere but the erased part ("inside" said the opposite)
        erased = sum(beyond[i.id] is False and i.history.current.mask_erased for i in changed)
        note = f" (made with {recipe.model_name})" if recipe.model_name and recipe.model_name != info.name else ""
        left = self._stranded_note(recipe.model_kind) if all_items else ""
        self.document.done(APPLY, applied_message(f"{Path(path).name}{note}", len(changed), len(held), len(masked),
                                                  any(masked), erased) + left)
        return len(changed)

    def _targets(self, recipe: Recipe, all_items: bool) -> list[Item]:
        kind, current = recipe.model_kind, self.document.current
        name = "VAE images" if kind == "vae" else "GAN samples"
        if kind not in self.document.models:
            raise RecipeError(f"it edits {name}; load a {kind.upper()} first")
        if all_items:
            # those in a model on its way or failed to load are left as they are: the loaded model's directions,
            # not theirs
            targets = [i for i in self.document.items.values() if i.kind == kind
                       and not sliders_withheld(self.document, i)]
            if not targets:
                left = self._stranded_note(kind)  # open, in a model that failed to load
                raise RecipeError(f"it edits {name}{left}" if left else f"it edits {name} and none is open")
            return targets
        if current is None:
            raise RecipeError("open an image first")
        if current.kind != kind:
            raise RecipeError(f"it edits {name}, and the current image is a "
                              f"{'GAN sample' if current.kind == 'gan' else 'VAE image'}")
        if (own := own_model_failed(self.document, current)) is not None:  # its values count that model's directions
            raise RecipeError(f"{current.name} was made in {model_name(own[0])}, which could not be loaded, and "
                              f"{self.document.models[kind].name}'s directions are not its; load a {kind.upper()} "
                              "in the Models tab")
        return [current]

    def _stranded_note(self, kind: str) -> str:
        """Which open items of a kind Apply to all left as they are, and why (""): their own model failed to load, or
        is on its way (each then in the recipe's reach)."""
        items = [i for i in self.document.items.values() if i.kind == kind]
        waiting = "".join(f"; {i.name} left as it is until {model_name(path)} loads" for i in items
                          if (path := awaited_model(self.document, i)) is not None)
        left = [(i.name, own[0]) for i in items if (own := own_model_failed(self.document, i)) is not None]
        if not left:
            return waiting
        models = sorted({model_name(folder) for _, folder in left})
        return (f"; {listed([n for n, _ in left])} left as {'it is' if len(left) == 1 else 'they are'}: made in "
                f"{listed(models)}, which could not be loaded{waiting}")

    def _commit(self, edits: Sequence[tuple[Item, EditState]], gesture: str) -> list[Item]:
        """commit_state works on the current item: visit each target, then come back. gesture: the steps' name.
        Returns the items that changed."""
        doc, previous = self.document, self.document.current
        changed: list[Item] = []
        for item, state in edits:
            doc.select(item.id)
            before = item.history.current_id
            doc.commit_state(state, gesture)
            if item.history.current_id != before:
                changed.append(item)
        if previous is not None:
            doc.select(previous.id)
            doc.current_changed.emit(previous)  # the sliders show the recipe's strengths
        return changed


def applied_message(recipe: str, changed: int, held: int, masked: int = 0, whole: bool = False,
                    erased: int = 0) -> str:
    """What applying a recipe did, its verbs agreeing with its numbers: "1 already had it and were left as they are"
    was said of one image, and "Applied it to 0 images" when all had it. masked: how many of the images changed have
    a mask of their own while the recipe has none; whole: whether it changed the whole of those (beyond_mask);
    erased: how many of those masks began by erasing (EditState.mask_erased)."""
    if held and not changed:
        images = "The image" if held == 1 else f"All {counted(held, 'image')}"
        return f"{images} already had {recipe}; nothing changed"
    text = f"Applied {recipe} to {counted(changed, 'image')}"
    if held:
        text += f"; {held} already had it and " + ("was left as it is" if held == 1 else "were left as they are")
    if masked:
        text += f"; {mask_note(changed, masked, whole, erased)}"
    if changed:
        text += "; Ctrl+Z takes it back" if changed == 1 else "; Ctrl+Z on each takes it back"
    return text


def mask_note(changed: int, masked: int, whole: bool, erased: int = 0) -> str:
    """Where a recipe without a mask went on the masked images among those it changed (beyond_mask): where their
    masks let their sliders edit (inside a painted mask, everywhere but the erased part of one begun by erasing:
    erased of them), or (whole) over the whole picture, outside the mask the picture still shows."""
    if whole:
        where = ("the whole picture, outside its mask too" if changed == 1 else
                 f"the whole of each picture, outside the {'mask' if masked == 1 else 'masks'} of "
                 f"{counted(masked, 'image')} too")
        return f"its directions are not among the sliders, so it changed {where}"
    if erased and erased < masked:  # painted masks and erased ones: one phrase that holds for both
        where = "each image" if masked == changed else f"each of the {counted(masked, 'image')} with a mask"
        return f"the recipe has no mask, so it changed {where} only where its mask lets the sliders edit"
    if erased:
        where = ("it changed everywhere but the erased part" if changed == 1 else
                 "it changed everywhere but the erased part of each image" if masked == changed else
                 f"on the {counted(masked, 'image')} with an erased part it changed everywhere but "
                 f"{'that part' if masked == 1 else 'those parts'}")
    elif changed == 1:
        where = "it changed only the part inside the image's mask"
    elif masked == changed:
        where = "it changed only the part inside each image's mask"
    else:
        where = (f"on the {counted(masked, 'image')} with a mask it changed only the part inside "
                 f"{'that mask' if masked == 1 else 'their masks'}")
    return f"the recipe has no mask, so {where}, as the sliders do"
