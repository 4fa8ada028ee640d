"""The user's own directions of a model, kept in a file by its weights (not its name): added to the model's
directions whenever it loads, the window's changes saved merged into the file as it is (merged_user_directions), and
the changes other genimg windows save taken as they come (follow_files): the file is shared by every window.
Mixed into DirectionsController (directions_controller.py), which makes, renames and deletes the directions."""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..edit import Directions
from ..engine import requests as rq
from ..user_directions import (DirectionsFileError, claim_legacy_directions, load_user_directions,
                               merged_user_directions, remade_from, save_user_directions, to_remake,
                               user_directions_file, user_examples)
from . import saved_directions
from .saved_directions import change_note

if TYPE_CHECKING:
    from .direction_remake import Remakes
    from .document import Document
    from .item import Item
    from .sliders import SliderPanel


class UserDirectionFiles:
    """Loading, saving and following the user's directions files for DirectionsController (a QObject), which
    holds the state below and _bake_out (a deleted row's share moved into every item's base)."""
    document: Document
    sliders: SliderPanel
    builtin: dict[str, int]
    session_names: dict[str, dict[int, str]]
    on_disk: dict[str, Directions]
    examples: dict[bytes, dict]
    remakes: Remakes

    # --- loading ----------------------------------------------------------
    def _with_user_directions(self, info: rq.ModelInfo) -> rq.ModelInfo:
        """The arriving model's directions plus the user's saved ones and this session's renames."""
        directions = info.directions
        self.builtin[info.kind] = len(directions)
        for row, label in self.session_names.get(info.identity, {}).items():
            if row < len(directions):
                directions = directions.renamed(row, label)
        self.on_disk[info.kind] = directions.subset(())  # no file, or one that will not load
        try:
            dim = directions.basis.shape[1]
            path = user_directions_file(info.name, info.identity)
            user = load_user_directions(path, dim)
            if user is None:  # maybe a file from before directions were kept by the model's weights
                user = claim_legacy_directions(info.name, info.identity, dim)
            if user is not None:
                directions = directions.appended(user)
                self.on_disk[info.kind] = user
                self.examples.update(user_examples(path))
            if info.kind == self.remakes.kind:  # the kind of the directions made from examples
                self.remakes.expect(info, own=user is not None, rows=() if user is None else user.labels)
        except (DirectionsFileError, OSError) as e:  # a stale file must not stop the model loading
            self.document.error.emit(f"Your saved directions for {info.name} were not loaded: {e}")
        return replace(info, directions=directions)

    def _save(self, kind: str, before: Directions) -> None:
        """Write the change from `before` to the user's rows of this kind's model now, merged into the file as it
        is: another genimg window may have written it since (the file goes when no row is left, unless it records
        that its directions were made again for new weights: direction_remake)."""
        info = self.document.models[kind]
        start = self.builtin.get(kind, len(info.directions))
        path = user_directions_file(info.name, info.identity)
        try:
            try:
                on_disk = load_user_directions(path, info.directions.basis.shape[1])
            except DirectionsFileError:
                on_disk = None  # reported when the model loaded: this window's rows replace it
            mine = info.directions.subset(range(start, len(info.directions)))
            rows = merged_user_directions(before.subset(range(start, len(before))), mine, on_disk)
            self.examples.update(user_examples(path))  # those of rows another window made
            remade = remade_from(path) or self.remakes.remade_from(info.identity)
            remaking = self.remakes.still_to_make(info.identity, to_remake(path), rows.labels)
            if len(rows) or remade:
                save_user_directions(path, rows, info.identity, info.path, self.examples, remade, remaking)
                self.remakes.listed(info.identity)
            else:
                path.unlink(missing_ok=True)
        except OSError as e:
            self.document.error.emit(f"Could not save your directions to {path}: {e} (kept for this session)")
            return
        saved_directions.shared().changed.emit()  # this window too takes what other windows had saved

    # --- other windows' changes ---------------------------------------------
    def follow_files(self) -> None:
        """Take the changes to the user's directions files that other windows saved since this one last read them,
        for each model loaded here."""
        for kind in list(self.document.models):
            self._follow_file(kind)

    def _follow_file(self, kind: str) -> None:
        """The change from the rows this window last took to the rows in the file now, applied to this window's own
        (merged_user_directions, as a save does the other way): a change of its own not saved (the disk was full)
        stays, and its own saves change nothing here."""
        info, known = self.document.models[kind], self.on_disk.get(kind)
        if known is None:
            return
        try:
            path = user_directions_file(info.name, info.identity)
            now = load_user_directions(path, info.directions.basis.shape[1])
        except (DirectionsFileError, OSError):
            return  # reported when the model loaded; the next save here writes a good one
        now = known.subset(()) if now is None else now
        self.on_disk[kind] = now
        self.examples.update(user_examples(path))
        mine = info.directions.subset(range(self.builtin[kind], len(info.directions)))
        rows = merged_user_directions(known, now, mine)
        note = change_note(mine, rows)
        if note:
            self._take_rows(kind, rows)
            self.document.message.emit(f"Another genimg window changed your directions for {info.name}: {note}")

    def _take_rows(self, kind: str, rows: Directions) -> None:
        """Make rows the kind's user rows: a row gone from them is deleted as delete() does it (every image stays as
        it is), the others keep their place and take their new names, and new rows come last."""
        self.sliders.finish_gesture()  # recorded with the rows it was made on, before the sliders are rebuilt
        directions, start = self.document.directions(kind), self.builtin[kind]
        kept = {row.tobytes() for row in rows.basis}
        redraw: list[Item] = []
        for i in reversed(range(start, len(directions))):
            if directions.basis[i].tobytes() not in kept:
                redraw += self._bake_out(kind, directions, i)
                directions = directions.without(i)
        self.document.set_directions(kind, directions.subset(range(start)).appended(rows))
        self.document.history_changed.emit()  # step descriptions name directions by position and label
        for item in dict.fromkeys(redraw):  # a masked edit lost a deleted direction's share
            self.document.redraw(item)
