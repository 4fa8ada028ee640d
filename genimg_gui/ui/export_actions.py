"""File → Export PNG… / Export PNG upscaled ×4… / Export latent…: the current item written to a file, each
through the save dialog that remembers where the user exports (save_dialog.ask_export_path). A PNG is written off the
GUI thread (ExportWrites: a photo upscaled ×4 took up to a minute), a latent at once (a few MB at most)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .. import seed_draws
from ..catalog import read_entry
from ..edit import values_along
from ..export import export_latent, export_png, model_record, with_suffix_kept
from ..fileio import why_not_written
from ..model_names import model_name
from .document_session import own_model_failed, stranded_refusal
from .export_writes import EXPORTING_TIP, SOURCE, ExportEnd, ExportWrites, exporting_note
from .save_dialog import ask_export_path

if TYPE_CHECKING:
    from .item import Item
    from .main_window import MainWindow


@dataclass(frozen=True)
class StrandedModel:
    """The model a stranded picture was made in (own_model_failed), as model_record reads a loaded one: its card
    read from its folder where that still holds one (a converted SD VAE's latent scale is on it), else none, as
    decode then reads the scale off the model it finds by the weights' identity (latent_model.made_scale)."""
    name: str
    path: str
    kind: str
    identity: str
    card: dict = field(default_factory=dict)


def stranded_model(folder: str, kind: str, identity: str) -> StrandedModel:
    entry = read_entry(Path(folder))
    return StrandedModel(entry.name if entry else model_name(folder), folder, kind, identity,
                         entry.card if entry else {})


@dataclass(frozen=True)
class _Asked:
    """A PNG export being written: what its end says and marks exported."""
    path: str
    what: str
    item: Item
    node: int  # the step exported: the item may be edited (or closed) while its file is written


class ExportActions:
    """The window's exports; errors go to its status bar (window.show_error), and an export marks the item
    exported, so quitting does not ask about it."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.drawing = window.drawing  # a PNG of an edit still being drawn waits for it
        self.writes = ExportWrites(window)
        self.writes.names_changed.connect(
            lambda names: window.status.show_busy(exporting_note(names), SOURCE, EXPORTING_TIP))
        self.writes.finished.connect(self._png_written)
        self._asked: dict[int, _Asked] = {}  # by ExportWrites seq

    def _ask_export_path(self, title: str, suffix: str, file_filter: str, scale: int = 1) -> str:
        """A save path for the current item's edit, or "" (nothing to export, or the user cancelled), offered as
        `genimg edit` names its files ("cat_edited.png", "cat_edited@4x.png": Settings.export_path), in the last
        export's folder, else the picture's own (Settings.export_folder)."""
        item = self.window.document.current
        if item is None:
            self.window.show_error("Nothing to export yet")
            return ""
        return ask_export_path(self.window, title, self.window.settings, item.file_name, suffix, file_filter,
                               scale=scale, edit=True, picture=item.file.path if item.file else None)

    def _write_export(self, path: str, write, what: str = "", item: Item | None = None) -> None:
        """write() the file; the status bar says where it went, then what ("Exported …/cat.png (64×64)"), or why
        it could not be written."""
        try:
            written = write()
        except OSError as e:
            self._not_written(path, e)
            return
        item = item or self.window.document.current
        self._exported(path, written, what, item, item.history.current_id)

    def _not_written(self, path: str, error: OSError) -> None:
        # in words, as the CLI says it: "[Errno 28] No space left on device: '…'" was raw
        self.window.show_error(f"Could not write {path}: {why_not_written(error)}")

    def _exported(self, path: str, written: Path, what: str, item: Item, node: int) -> None:
        self.window.settings.exported_to(path)  # only now: a folder that took no file is no place to start in
        self.window.document.mark_exported(item, node)
        self.window.status.show_message(f"Exported {written}{what}")

    def _png_written(self, end: ExportEnd) -> None:
        """A PNG export's end, on the GUI thread: said, and its step marked exported, as a write at once was."""
        if (asked := self._asked.pop(end.seq, None)) is None:
            return
        if end.failed is not None:
            self._not_written(asked.path, end.failed)
        elif end.written is not None:
            self._exported(asked.path, end.written, asked.what, asked.item, asked.node)

    def writing(self) -> bool:
        """A PNG export is being written (or waits its turn)."""
        return self.writes.writing()

    def finish(self) -> None:
        """Wait for the PNG exports being written (a quit): each said and marked exported, the window drawn."""
        self.writes.finish()

    def export_png_dialog(self, scale: int) -> None:
        """Export PNG… (scale 1) or Export PNG upscaled ×4… (scale 4), which offers its own name
        ("cat_edited@4x.png")."""
        if path := self._ask_export_path("Export PNG", ".png", "PNG (*.png)", scale):
            self.export_png(path, scale)

    def export_png(self, path: str, scale: int = 1) -> None:
        """The current image as a PNG, the message naming the size written: the model's resolution (64×64 for the
        bundled VAE, a 4000×3000 photo's too) times scale, which the window said nowhere. Its edit still being
        drawn, once it is (DrawingWait); a gesture going on is its step first, as for an undo. Written off the GUI
        thread (ExportWrites): the message comes once the file is whole."""
        document = self.window.document
        document.finish_gestures()
        item = document.current
        self.drawing.when_drawn(item, Path(path).name, lambda: self._export_png(item, path, scale))

    def _export_png(self, item: Item, path: str, scale: int) -> None:
        image = item.image
        height, width = image.shape[:2]
        said = f" ({width * scale}×{height * scale})"
        if (failed := own_model_failed(self.window.document, item)) is not None:  # the pixels kept, no model's now
            said += f", the picture as {model_name(failed[0])} last drew it, as that model could not be loaded"
        image = image.copy()  # the thread's own: the item's pixels may be replaced or painted while it writes
        name = Path(with_suffix_kept(path, (".png",), ".png")).name  # as export_png names it
        seq = self.writes.submit(name, lambda: export_png(image, path, scale))
        self._asked[seq] = _Asked(path, said, item, item.history.current_id)

    def export_latent_dialog(self) -> None:
        if path := self._ask_export_path("Export latent", ".npz", "NumPy (*.npz)"):
            self.export_latent(path)

    def export_latent(self, path: str) -> None:
        """The current item's latent, its edit and its model, as `genimg decode` reads them. Not one a VAE switch left
        behind: its latent is the last VAE's, and was written as the new one's (decoded by it as another picture);
        it is encoded with the new VAE now, and the user told to export once that is done."""
        document = self.window.document
        item = document.current
        if (note := document.carried_first(item)) is not None:
            self.window.show_error(f"Not exported: {note} (its latent was still the last {item.kind.upper()}'s); "
                                   "export it again once that is done")
            return
        failed = own_model_failed(document, item)
        if failed is not None and not any(item.history.current.values):  # its latent is its base: that model's
            self._export_stranded_base(path, item, failed[0])
            return
        if (why := stranded_refusal(document, item, "Not exported")) is not None:
            # an edit is its base moved along that model's directions, which no model loaded has: its latent is not
            # known here (a model still loading brings them)
            edit = "" if failed is None else f"its edit moves it along {model_name(failed[0])}'s directions; "
            self.window.show_error(f"{why} ({edit}Export PNG… writes the picture as it was last drawn)")
            return
        info = document.models[item.kind]
        # a sample records the seed, ψ, class and draw it was drawn with: the file alone did not say where it came from
        drawn = item.drawn.get(item.sample_node()) if item.seeded else None
        sample = (seed_draws.sample_record(item.seed, item.psi, item.gan_class, item.draw, info.classes,
                                           drawn.drawn_class if drawn else None) if item.seeded else None)
        self._write_export(path, lambda: export_latent(
            path, document.current_latent(), item.history.current.base,
            values_along(item.history.current, info.directions), info.directions.labels,
            model_record(info),
            item.history.current.mask, sample))

    def _export_stranded_base(self, path: str, item: Item, folder: str) -> None:
        """An unedited picture whose own model (folder) failed to load: its base latent, kept in the session, is
        that model's latent as it was made, written as an export in it would be, the model that made it recorded
        (its directions' labels as kept, each at 0). It was refused, though `genimg decode` draws it in that model."""
        state, labels = item.history.current, self.window.document.direction_labels.get(item.directions_of, ())
        drawn = item.drawn.get(item.sample_node()) if item.seeded else None
        # the GAN's classes are not at hand: the class asked for is kept by its name
        sample = ({**seed_draws.sample_record(item.seed, item.psi, item.gan_class, item.draw, (),
                                              drawn.drawn_class if drawn else None),
                   "class": drawn.class_name if drawn else None} if item.seeded else None)
        model = model_record(stranded_model(folder, item.kind, item.directions_of))
        self._write_export(path, lambda: export_latent(path, state.base, state.base, (0.0,) * len(labels), labels,
                                                       model, state.mask, sample), item=item)
