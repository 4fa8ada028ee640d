"""The model panel: bundled and opened models, which are active, their cards, the device.
Model files dropped on it are opened as models (files_dropped)."""
from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (QComboBox, QFormLayout, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton,
                               QVBoxLayout, QWidget)

from ..catalog import (ModelEntry, latent_size_text, licence_text, metrics_text, origin_text, recorded_latent_of,
                       stopped_text, training_data_text)
from ..metric_words import metrics_glossary
from ..paths import shown_path
from ..wording import NO_CUDA, NO_MPS, converted_scale, duration, latent_scale_said, scale_said
from . import accessible
from .focus_frame import FramedScrollArea

PATH_ROLE = Qt.ItemDataRole.UserRole
# an active model whose folder was trained again: what is in use is not what the folder now holds
RETRAINED_MARK = "loaded before it was trained again"
RETRAINED_TIP = ("The weights in use are those it had when it was loaded; new ones were written into its folder "
                 "since: load it again to use them.")
# above the figures of the card written with those new weights, under the figures of the weights in use
NEWER_FIGURES = "New weights in its folder, not loaded yet:"


def device_tip(available: Sequence[str], platform: str = sys.platform) -> str:
    """The Device box's tooltip: with the CPU alone listed, why no GPU is, in the words `--device cuda` says it in (a
    box that offered only "cpu" said nothing of it); else how the device was picked. platform: sys.platform's;
    Apple's Metal (MPS) is named on a Mac only, where it could have been."""
    if all(device == "cpu" for device in available):
        missing = NO_CUDA + (f", and {NO_MPS}" if platform == "darwin" else "")
        return f"No GPU was found: {missing}, so the models run on the CPU."
    return accessible.wrapped_tip("The device the models run on. genimg starts on a CUDA GPU, else Apple's Metal "
                                  "(MPS), else the CPU, unless --device or your last choice here names another.")


def source_text(card: dict) -> tuple[str, str]:
    """Where a model came from, and the row's tooltip: a genimg folder, with the model a run started from in plain
    words (its folder in the tooltip; `genimg info` words it with --init); a converted model's file, what it is,
    and the latent scale chosen."""
    source = card.get("source")
    if not isinstance(source, dict):
        training = card.get("training") if isinstance(card.get("training"), dict) else {}
        # a stopped run's model: Train… into its folder continues it
        stopped = f"\nTraining {said}: Train… continues it" if (said := stopped_text(training)) else ""
        origin = training.get("started_from")
        if not isinstance(origin, dict):
            return f"genimg model folder{stopped}", ""
        init = training.get("options", {}).get("init") or ""
        folder = f"{origin.get('model') or 'That model'}'s folder: {shown_path(init)}" if init else ""
        return f"genimg model folder\nStarted from {origin_text(origin)}{stopped}", folder
    text = f"{source.get('file', '?')}: {source.get('type', 'unknown type')}"
    if said := latent_scale_said(card):
        text += f"; {said}"
    return text, ""


def kind_text(card: dict) -> tuple[str, str]:
    """The kind of model in plain words, with the VAE a latent GAN draws in ("GAN, drawing in the latent space of the
    VAE emoji-vae"; the card said "GAN (LatentGenerator)" and "(--latent-of)"), and the row's tooltip: the network's
    class name and that VAE's folder."""
    kind, tip = str(card.get("kind", "?")).upper(), f"Architecture: {card.get('architecture', '?')}"
    if latent_of := recorded_latent_of(card):
        kind += f", drawing in the latent space of the VAE {Path(latent_of).name}"
        tip += f"\nThe VAE's folder when it was trained: {shown_path(latent_of)}"
    return kind, tip


def repeated_names(entries: list[ModelEntry]) -> set[str]:
    """The names more than one of the entries has."""
    names = [e.name for e in entries]
    return {name for name in names if names.count(name) > 1}


def repeated_scales(entries: list[ModelEntry]) -> set[tuple[str, float]]:
    """The (name, latent scale) pairs more than one converted SD VAE among the entries has."""
    pairs = [(e.name, scale) for e in entries if (scale := converted_scale(e.card)) is not None]
    return {pair for pair in pairs if pairs.count(pair) > 1}


def short_path(path: str) -> str:
    """A model folder (or file) named with its parent folder, e.g. "…/copies/emoji-vae", enough to tell apart two
    models of one name (the row's tooltip gives the whole folder)."""
    place = Path(path)
    return f"…/{place.parent.name}/{place.name}" if place.parent.name else str(place)


def told_apart(name: str, path: str, repeated: set[str]) -> str:
    """A model's name, with where it lies when another listed model has that name (repeated_names), as the Models
    tab says it: "emoji-vae in …/copies/emoji-vae"."""
    return f"{name} in {short_path(path)}" if name in repeated else name


def trained_when(when: datetime, now: datetime | None = None) -> str:
    """When a model was trained, as short as its row allows: "today 14:07", "3 Dec 14:07", "3 Dec 2025"."""
    now = now or datetime.now()
    if when.date() == now.date():
        return f"today {when:%H:%M}"
    return f"{when.day} {when:%b} {when:%H:%M}" if when.year == now.year else f"{when.day} {when:%b} {when.year}"


def human_count(n: int) -> str:
    return f"{n / 1e6:.2f} M" if n >= 1e6 else f"{n / 1e3:.0f} k"


class ModelPanel(QWidget):
    load_requested = Signal(str)       # a model folder
    open_requested = Signal()          # "Open model…"
    device_requested = Signal(str)
    train_requested = Signal()         # "Train…"
    files_dropped = Signal(list)       # local paths dropped on the panel: to open as models
    scale_requested = Signal(str)      # "Latent scale…": the converted SD VAE folder on show, at another scale

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.list = QListWidget()
        accessible.name(self.list, "Models")
        self.list.itemDoubleClicked.connect(lambda item: self.load_requested.emit(item.data(PATH_ROLE)))
        self.list.installEventFilter(self)  # Enter or Return on a row loads it, as a double-click does
        self.load_button = QPushButton("Load selected")
        self.load_button.clicked.connect(self._load_selected)
        self.open_button = QPushButton("Open model…")
        self.open_button.clicked.connect(self.open_requested)
        self.train_button = QPushButton("Train…")
        self.train_button.setToolTip("Train a new VAE or GAN on a folder of your images")
        self.train_button.clicked.connect(self.train_requested)
        self.device = QComboBox()
        self.device.setObjectName("device")
        self.device.activated.connect(lambda i: self.device_requested.emit(self.device.itemText(i)))
        self.details: dict[str, QLabel] = {}
        self.active: dict[str, str] = {}  # kind -> path
        self.loaded: dict = {}            # path -> ModelInfo of models loaded this session
        # active folders a Train… run wrote again since they were loaded: the weights in use are the older ones
        self.retrained: set[str] = set()
        self.cards: dict[str, dict] = {}  # path -> card, for every listed model
        self.shown = ""                   # the folder whose card is on show: the list's selection follows it
        self.shown_name = ("", {})        # the name and card its Model line names it by (scale_named)
        self.repeated: set[str] = set()  # names more than one listed model has (History names them so too)
        self.repeated_scales: set[tuple[str, float]] = set()  # repeated_scales: told apart by their folders
        self.trained: Mapping[str, datetime] = {}  # path -> when Train… wrote it, for the models trained here
        self.list.currentItemChanged.connect(self._on_selection)
        form = QFormLayout()
        self.device_label = accessible.labelled("Device", self.device)
        form.addRow(self.device_label, self.device)
        for key in ("Active VAE", "Active GAN", "Model", "Kind", "Source", "Resolution", "Latent size", "Parameters",
                    "Training data", "Licence", "Metrics", "Load time"):
            label = QLabel("–")
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.details[key] = label
            form.addRow(key, label)
        # under the scale its Source says, shown for a converted SD VAE only: its file opened again keeps the scale
        # chosen last without asking, so the other scale is chosen here
        self.scale_button = QPushButton("Latent scale…")
        self.scale_button.setToolTip("Convert the Stable Diffusion VAE file at another latent scale (SD 1.x / 2.x or "
                                     "SDXL) and load it; latent files keep opening at the scale they were made at")
        self.scale_button.clicked.connect(lambda: self.scale_requested.emit(self.shown))
        form.insertRow(form.getWidgetPosition(self.details["Source"])[0] + 1, "", self.scale_button)
        form.setRowVisible(self.scale_button, False)
        self.form = form
        card = QWidget()
        card.setLayout(form)
        # a long card scrolls: word-wrapped labels with no height to spare would widen the dock instead. The card is
        # a Tab stop (its labels are not), whose arrow keys scroll it; it shows its focus as the other stops do
        scroll = self.card = FramedScrollArea()
        scroll.setWidget(card)
        scroll.setWidgetResizable(True)
        accessible.name(scroll, "Model card")
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        buttons = QHBoxLayout()
        buttons.addWidget(self.load_button)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.train_button)
        layout = QVBoxLayout(self)
        hint = QLabel("Models (double-click or Enter to load; drop model files here to open them)")
        hint.setWordWrap(True)  # on one line it held the Edit panel 23 px wider than its share of a 1100-px window
        layout.addWidget(hint)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(scroll, 2)

    def set_entries(self, entries: list[ModelEntry], trained: Mapping[str, datetime] | None = None) -> None:
        """List entries, the model whose card is on show selected. Quietly: rebuilding the list made its first row
        current, whose card then replaced that of the model just loaded (under "Model", which names it).
        trained: path -> when, for those the Train… dialog wrote (ModelList.trained)."""
        shown_card = self.cards.get(self.shown)
        self.cards = {e.path: e.card for e in entries}
        self.trained = self.trained if trained is None else trained
        self.repeated, self.repeated_scales = repeated_names(entries), repeated_scales(entries)
        self.list.blockSignals(True)
        try:
            self.list.clear()
            for e in entries:
                item = QListWidgetItem(self._entry_text(e))
                item.setData(PATH_ROLE, e.path)
                item.setToolTip(self._entry_tip(e))
                self.list.addItem(item)
        finally:
            self.list.blockSignals(False)
        self._select(self.shown)
        if shown_card is not None and self.cards.get(self.shown, shown_card) != shown_card:
            # its folder written again (a stopped run continued to its end): the card on show said the old one
            self._show_details(self.shown, self.cards[self.shown])

    def _entry_text(self, e: ModelEntry) -> str:
        """"emoji-faces-gan — GAN, bundled · active": its name, kind and origin, and whether it is in use; where it
        lies too when another listed model has its name (a copy of a bundled one opened: two rows said
        "emoji-vae [VAE, …]" and nothing else). It read "emoji-faces-gan  [GAN, bundled] ● active"."""
        active = ""
        if self.active.get(e.kind) == e.path:
            active = f" · {RETRAINED_MARK}" if e.path in self.retrained else " · active"
        return f"{self._told_apart(e)} — {e.kind.upper()}, {self._origin(e)}{active}"

    def _told_apart(self, e: ModelEntry) -> str:
        """Its name, told apart from another listed model's (told_apart); an SD VAE file converted at two latent
        scales (Latent scale…) by its scale, not by genimg's hidden cache folders: "my-vae at latent scale 0.13025
        (SDXL)"."""
        named = self.scale_named(e.name, e.card)
        return named if named != e.name else told_apart(e.name, e.path, self.repeated)

    def scale_named(self, name: str, card: dict) -> str:
        """name, with its latent scale where the rows name it so (an SD VAE file converted at two scales: "my-vae
        at latent scale 0.18215 (SD 1.x / 2.x)"), as the Active VAE and Model lines say it too: they said "my-vae"
        of either row."""
        scale = converted_scale(card)
        if name in self.repeated and scale is not None and (name, scale) not in self.repeated_scales:
            return f"{name} at {scale_said(scale)}"
        return name

    def _say_names(self) -> None:
        """The Active VAE/GAN and Model lines, as the rows now tell the models apart."""
        for kind, path in self.active.items():
            if (info := self.loaded.get(path)) is not None:
                self.details[f"Active {kind.upper()}"].setText(self.scale_named(info.name, info.card))
        name, card = self.shown_name
        mark = f" ({RETRAINED_MARK})" if self.shown in self.retrained and self.shown in self.active.values() else ""
        if name:
            self.details["Model"].setText(self.scale_named(name, card) + mark)

    def _origin(self, e: ModelEntry) -> str:
        """Bundled with genimg, trained here with Train… (and when: a model just trained said "opened", as if
        the user had opened its folder), or opened."""
        if e.bundled:
            return "bundled"
        when = self.trained.get(e.path)
        return f"trained {trained_when(when)}" if when else "opened"

    def _entry_tip(self, e: ModelEntry) -> str:
        """The folder it loads from ("~/…" under the home folder), the whole date of a model trained here, and
        why an active one is not marked so."""
        when = self.trained.get(e.path)
        made = f"\nTrained here with Train… on {when.day} {when:%B %Y} at {when:%H:%M}" if when else ""
        again = f"\n{RETRAINED_TIP}" if self.active.get(e.kind) == e.path and e.path in self.retrained else ""
        return shown_path(e.path) + made + again

    def mark_retrained(self, path: str) -> None:
        """A loaded model's folder was written again: its row and card no longer say its weights are in use."""
        self.retrained.add(path)
        if self.shown == path:
            self._show_details(path, self.cards.get(path, {}))

    def refresh_marks(self, entries: list[ModelEntry]) -> None:
        self.repeated, self.repeated_scales = repeated_names(entries), repeated_scales(entries)
        for row, e in enumerate(entries):
            self.list.item(row).setText(self._entry_text(e))
            self.list.item(row).setToolTip(self._entry_tip(e))
        self._say_names()

    def _select(self, path: str) -> None:
        """Select the model's row without showing its card again (it is the one on show)."""
        row = next((i for i in range(self.list.count()) if self.list.item(i).data(PATH_ROLE) == path), None)
        if row is not None and row != self.list.currentRow():
            self.list.blockSignals(True)
            try:
                self.list.setCurrentRow(row)
            finally:
                self.list.blockSignals(False)

    def _load_selected(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.load_requested.emit(item.data(PATH_ROLE))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """Enter on a row loads it: only a double-click or Load selected did. Not the list's activated signal,
        which a double-click sends too (the model asked for twice) and some desktops on a single click."""
        if watched is self.list and event.type() == QEvent.Type.KeyPress \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.list.currentItem() is not None:
            self._load_selected()
            return True
        return super().eventFilter(watched, event)

    def set_devices(self, available: tuple[str, ...], current: str) -> None:
        self.device.clear()
        self.device.addItems(list(available))
        self.device.setCurrentText(current if current in available else available[0])
        for widget in (self.device, self.device_label):
            widget.setToolTip(device_tip(available))

    def show_model(self, info) -> None:
        """A model finished loading (engine.requests.ModelInfo): mark it active and show it."""
        self.active[info.kind] = info.path
        self.loaded[info.path] = info
        self.retrained.discard(info.path)  # loaded again: its new weights are the ones in use
        self._show_details(info.path, info.card)  # the Active line said there (_say_names)

    def _on_selection(self, current, _previous) -> None:
        if current is not None:
            path = current.data(PATH_ROLE)
            self._show_details(path, self.cards.get(path, {}))

    def _show_details(self, path: str, card: dict) -> None:
        """The card of the selected (or just loaded) model; load time once it has been loaded. A model in use whose
        folder was trained again shows the card it was loaded with, its weights' (the folder's card, re-read,
        showed the new weights' figures as those in use), and the new card's figures below, as not loaded."""
        self.shown = path
        self._select(path)  # a model loaded: the highlight stayed on the row selected before
        info, active = self.loaded.get(path), path in self.active.values()
        newer = card if info and active and path in self.retrained else None
        card = info.card if newer is not None else card
        training = card.get("training", {})
        name = info.name if info else str(card.get("name") or Path(path).name)
        # whether it is active the list's row and the Active VAE/GAN rows above say: "(active)" here said it again
        self.shown_name = (name, card)
        self._say_names()
        for row, (text, tip) in (("Kind", kind_text(card)), ("Source", source_text(card))):
            self.details[row].setText(text)
            self.details[row].setToolTip(tip)
        self.form.setRowVisible(self.scale_button, converted_scale(card) is not None)
        shape = [int(s) for s in card.get("latent_shape", [])]
        if card.get("spatial") and len(shape) == 3:  # SD VAE, TAESD: any image size
            res = card.get("resolution")
            factor = max(1, res // max(1, shape[-1])) if isinstance(res, int) else "f"
            self.details["Resolution"].setText(f"any: the photo's own size (multiples of {factor} px)")
            self.details["Latent size"].setText(f"{shape[0]} channels × (height/{factor}) × (width/{factor})")
        else:
            self.details["Resolution"].setText(f"{card.get('resolution', '?')} px")
            size = info.latent_size if info else (int(np.prod(shape)) if shape else 0)
            self.details["Latent size"].setText(latent_size_text(size, shape))
        count = info.parameters if info else card.get("parameters")
        self.details["Parameters"].setText(human_count(int(count)) if count else "–")
        data, record = training_data_text(training)
        self.details["Training data"].setText(data)
        self.details["Training data"].setToolTip(record)
        self.details["Licence"].setText(licence_text(training))
        # the load's verdict (the worker hashed the weights), of the card it read: one written since is not hashed
        other = bool(info and info.other_weights) and (newer is not None or path not in self.retrained)
        figures, how = metrics_text(card.get("metrics", {}), other)
        meaning = metrics_glossary(card.get("metrics", {}))
        figures += ("\n(hover for what they mean and how they were measured)" if how else
                    "\n(hover for what they mean)" if meaning else "")
        if newer is not None:
            figures += f"\n\n{NEWER_FIGURES}\n{metrics_text(newer.get('metrics', {}))[0]}"
        self.details["Metrics"].setText(figures)
        self.details["Metrics"].setToolTip("\n\n".join(filter(None, (info.other_weights if other else "", meaning,
                                                                      how))))
        self.details["Load time"].setText(f"{duration(info.seconds)} on {info.device}" if info else "not loaded")

    # --- drops: model files ---------------------------------------------
    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            self.files_dropped.emit(paths)
        event.acceptProposedAction()
