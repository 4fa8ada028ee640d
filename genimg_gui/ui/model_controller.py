"""Opening models: File → Open model… (a model file from elsewhere, or a genimg card.json),
Open model folder…, model files dropped on the model panel, and the question an SD VAE needs, asked again by the
Models tab's Latent scale… to convert one at another scale. The open dialogs start where the last model was opened
from (Settings.open_folder("models")).

The worker says what a file is (the UI never reads model files: identifying one may mean reading
tensors). An SD VAE cannot tell SD 1/2 from SDXL, so its load comes back as a ScaleNeeded; the
user picks the scale here and the load is sent again with it. The file opened again keeps that scale (its
conversion is cached); Latent scale… loads it at the other. The ask_* methods are the only dialogs, so tests can
answer them.
"""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QInputDialog, QWidget

from ..catalog import DIFFUSERS_CONFIG, MODEL_FILE_SUFFIXES, config_scale, model_to_load, user_file
from ..engine import requests as rq
from ..model_names import opened_name
from ..not_a_model import no_model_note
from ..wording import SD_SCALES, converted_scale, latent_scale_said
from .document import Document
from .model_panel import ModelPanel
from .settings import Settings

FROM_ELSEWHERE = " ".join(f"*{s}" for s in MODEL_FILE_SUFFIXES)
# a genimg model is picked by its card.json; *.pt also matches a training run's checkpoint.pt, which open_models
# answers with what to do instead
MODEL_FILTER = (f"Models (card.json {FROM_ELSEWHERE});;genimg models (card.json);;"
                f"Models from elsewhere ({FROM_ELSEWHERE});;All files (*)")


class ModelController(QObject):
    def __init__(self, document: Document, panel: ModelPanel, window: QWidget, settings: Settings) -> None:
        super().__init__(window)
        self.document, self.window, self.settings = document, window, settings
        document.scale_needed.connect(self._on_scale_needed)
        panel.files_dropped.connect(self.open_models)
        panel.scale_requested.connect(self.change_scale)
        self.panel = panel

    def open_dialog(self) -> None:
        path = self.ask_model_path()
        if path:
            self.open_models([path])

    def open_folder_dialog(self) -> None:
        folder = self.ask_model_folder()
        if folder:
            self.open_models([folder])

    def open_models(self, paths: list[str], named: bool = False) -> None:
        """Load each: a card.json (or a diffusers config.json) as its model folder (catalog.model_to_load), folders
        and files as they are, converted where they come from elsewhere (anything genimg cannot open is answered
        by the worker with what it looks like). The window's drops and Open recent load models here too.
        named: on the command line (Document.load_model)."""
        for p in paths:
            path = Path(p)
            if note := no_model_note(path, "app"):  # said now, not behind queued encodes
                self.document.error.emit(note)
                continue
            model = model_to_load(path) or path
            if named and self._loading_named(model):  # the start's model of its kind (ModelList.load_start_models)
                continue
            self.document.load_model(str(model), named=named)

    def _loading_named(self, model: Path) -> bool:
        """Whether a model folder named on the command line is on its way as named there already: the start loads
        the first of each kind among the files in place of the last one (ModelList.load_start_models); one named
        twice (--vae x, and x among the files) loaded twice."""
        doc = self.document
        real = os.path.realpath(model)
        return model.is_dir() and real in doc.named and real in doc.loading_paths()

    def ask_model_path(self) -> str:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open a model", self.settings.open_folder("models"),
                                              MODEL_FILTER)
        if path:  # a card.json is inside its model's folder: the next dialog starts among the models, beside it
            self.settings.opened_from("models", str(Path(path).parent.parent if Path(path).name == "card.json"
                                                    else Path(path).parent))
        return path

    def ask_model_folder(self) -> str:
        folder = QFileDialog.getExistingDirectory(self.window, "Open a genimg model folder",
                                                  self.settings.open_folder("models"))
        if folder:
            self.settings.opened_from("models", str(Path(folder).parent))
        return folder

    def ask_scale(self, request: rq.ScaleNeeded) -> float | None:
        """The latent scale for an SD VAE (engine.requests.ScaleNeeded), or None if cancelled."""
        labels = [f"{label} ({value})" for label, value in request.choices]
        default = next((i for i, (label, _) in enumerate(request.choices) if label == request.default), 0)
        why = ("a guess from its name" if request.now is None else "the scale it has now" if request.loaded_at is None
               else "the scale of the row selected on the Models tab; the VAE in use is this file at "
                    + next((f"{label} ({value})" for label, value in request.choices if value == request.loaded_at),
                           str(request.loaded_at)))
        text, ok = QInputDialog.getItem(
            self.window, "Which Stable Diffusion is this VAE for?",
            f"{opened_name(request.path)} is {request.description}.\nIts latent scale depends on the model it "
            f"belongs to, which the file does not record (the default is {why}):",
            labels, default, False)
        return dict(zip(labels, (value for _, value in request.choices))).get(text) if ok else None

    def _on_scale_needed(self, request) -> None:
        scale = self.ask_scale(request)
        if scale is None:
            self.document.message.emit(f"{opened_name(request.path)} was not opened: no latent scale chosen")
            return
        self.document.load_model(request.path, scale)

    def change_scale(self, folder: str) -> None:
        """The Models tab's Latent scale… on a converted SD VAE: the scale question again, its present scale the
        default; the file is then loaded at the scale chosen (converted at it, unless it was before), as the
        question's first answer loaded it. Latent files and sessions name the conversion they were made with, at
        its scale, so they open at it still."""
        info = self.panel.loaded.get(folder)
        card = info.card if info is not None else self.panel.cards.get(folder, {})
        if (now := converted_scale(card)) is None:
            return
        name = str(card.get("name") or Path(folder).name)
        file = self._file_of(folder, card)
        if not os.path.exists(file):
            self.document.error.emit(
                f"{name} was converted from {file}, which no longer exists (moved or deleted?): open that file where "
                "it is now (File → Open model…), then choose its scale with Latent scale… again")
            return
        source = card["source"]
        # a scale of neither family stays on offer beside them: the one its config.json records whatever the scale
        # in use (once switched to SD or SDXL it was offered no more), and one chosen otherwise while in use
        choices = tuple(SD_SCALES.items())
        if (recorded := config_scale(Path(file))) is not None and recorded not in SD_SCALES.values():
            choices += ((f"custom, from {DIFFUSERS_CONFIG}", recorded),)
        if now not in dict(choices).values():
            choices += ((str(source.get("scale_label", "custom")), now),)
        label = next(label for label, value in choices if value == now)
        active = self.document.models.get("vae")
        # the file's conversion in use: another row than the one selected (whose scale is the default) may be it
        in_use = active if active is not None and self._file_of(active.path, active.card) == file else None
        loaded_at = converted_scale(in_use.card) if in_use is not None else None
        scale = self.ask_scale(rq.ScaleNeeded(0, file, str(source.get("type") or "a Stable Diffusion VAE"), choices,
                                              label, now, None if loaded_at == now else loaded_at))
        if scale is None:
            return
        if in_use is not None and scale == loaded_at:  # loaded at it already: loading it again changed nothing
            self.document.message.emit(f"{in_use.card.get('name') or name} keeps {latent_scale_said(in_use.card)}")
            return
        self.document.load_model(file, scale)

    def _file_of(self, folder: str, card: dict) -> str:
        """The file a model folder was converted from: the path this run opened it by, else the one its card records
        (a download cache's link keeps the name that says what it is, where a card written before cards kept links
        records the blob it leads to); the folder itself for a model of genimg's own."""
        info = self.panel.loaded.get(folder)
        return info.source if info is not None and info.source != info.path else user_file(card, folder)
