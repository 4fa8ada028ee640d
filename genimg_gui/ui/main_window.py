"""The main window: canvas and filmstrip in the middle, sliders / generate / models on the right."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QComboBox, QDockWidget, QMainWindow, QTabWidget, QVBoxLayout, QWidget

from ..catalog import ModelEntry, bundled_models, converted_models
from .about import menu_keys, menu_places
from .accessible import name
from .autosave import Autosaver
from .action_texts import closed_text, redo_text, reopen_text, reopened_text, undo_text
from .canvas import Canvas, CompareMode
from .file_dialogs import FileDialogSizer
from .document import Document
from .drawing_wait import SEND
from .encoded_message import StayingNote
from .item import Item
from .loading_note import LoadingNote
from .filmstrip import Filmstrip
from .gan_panel import GanPanel
from .history_controller import HistoryController
from .history_panel import HistoryPanel
from .inversion_controller import InversionController
from .message_log import MessageLogDialog
from .model_controller import ModelController
from .model_list import ModelList
from .model_panel import ModelPanel
from .preview_controller import PreviewController
from .qimage import to_qimage
from .quit_after_run import QuitAfterRun
from .sliders import RESET_ALL
from .session_questions import KEEP, STAY, SessionQuestions
from .settings import Settings
from .slider_tab import SliderTab
from .slow_draw import SlowDrawNote, WaitingJobNote
from .start_hint import StartHint
from .status import StatusBar
from .tab_order import set_reading_order
from .train_dialog import TrainDialog
from .window_geometry import FIRST_SIZE, PANEL_MIN, PanelShare, bring_up, fit_to_screen
from .window_menus import WindowMenus

# how long closing waits for the worker to stop: an idle one, or one in an encode or decode (it stops at the next
# layer), ends in milliseconds; one inside a single long step no check reaches is left to app.main, and the window
# closes meanwhile (it froze 10 s, then the process aborted)
CLOSE_WAIT_MS = 500


class MainWindow(WindowMenus, QMainWindow):
    def __init__(self, engine, models: list[ModelEntry] | None = None, settings: Settings | None = None) -> None:
        super().__init__()
        self.settings = settings or Settings()
        self.setWindowTitle("genimg")
        self.resize(FIRST_SIZE)
        self.setAcceptDrops(True)
        self.document = Document(engine, self)
        self.model_list = ModelList(self, list(bundled_models() + converted_models() if models is None else models))
        self.last_error = ""
        QApplication.instance().installEventFilter(FileDialogSizer(self))  # gone with the window
        self._build_widgets()
        self._build_menus()
        self._connect()
        self.model_panel.set_entries(self.model_list.entries, self.model_list.trained)
        self.autosaver = Autosaver(self.document)
        self.questions = SessionQuestions(self)
        self._restore_window()
        set_reading_order(self)

    def _restore_window(self) -> None:
        """The window as the user left it: its layout, and the Sliders tab's preview strips on or off."""
        self.sliders.previews_box.setChecked(self.settings.preview_strips())
        geometry, state = self.settings.window_state()
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)
        fit_to_screen(self)

    # --- construction ---------------------------------------------------
    def _build_widgets(self) -> None:
        self.canvas = Canvas()
        self.filmstrip = Filmstrip()
        centre = QWidget()
        layout = QVBoxLayout(centre)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.filmstrip)
        self.setCentralWidget(centre)
        self.slider_tab = SliderTab(self.document, lambda: set_reading_order(self), lambda: menu_keys(self.menuBar()))
        self.sliders, self.slider_title = self.slider_tab.sliders, self.slider_tab.title
        self.gan_panel = GanPanel()
        self.model_panel = ModelPanel()
        self.history_panel = HistoryPanel()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.slider_tab, "Sliders")
        self.tabs.addTab(self.gan_panel, "Generate")
        self.tabs.addTab(self.history_panel, "History")
        self.tabs.addTab(self.model_panel, "Models")
        name(self.tabs.tabBar(), "Side panel tabs")  # not by the tab on show: the tabs are its parts
        dock = QDockWidget("Edit", self)
        dock.setObjectName("edit_dock")
        dock.setWidget(self.tabs)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        dock.setMinimumWidth(PANEL_MIN)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self.panel_share = PanelShare(self, dock, self.settings)
        self.status = StatusBar()
        self.setStatusBar(self.status)
        self.installEventFilter(self.status)  # the status tips of menu entries and widgets: StatusBar.show_tip
        self.status.log_requested.connect(self.show_message_log)
        self._message_log: MessageLogDialog | None = None
        self._train_dialog: TrainDialog | None = None
        self._quit_after_run: QuitAfterRun | None = None  # quit while a run saves
        self._finishing_exports = False  # a quit waits for the PNG exports being written
        self.compare = QComboBox()
        self.compare.addItems([m.value for m in CompareMode])
        self.fit_mode = QComboBox()
        self.fit_mode.addItems(["crop", "letterbox"])
        self.fit_mode.setToolTip("How images are fitted to the model's square resolution")

    def _connect(self) -> None:
        d = self.document
        d.item_added.connect(lambda i: self.filmstrip.add(i.id, i.name, i.image, d.place_of(i.id)))
        d.item_removed.connect(self.filmstrip.remove)
        self.filmstrip.close_requested.connect(self.close_item)
        d.current_changed.connect(self._show_item)
        d.image_changed.connect(self._on_image)
        d.model_loaded.connect(self._on_model)
        d.device_changed.connect(lambda r: (self.model_panel.set_devices(r.available, r.device),
                                            self.status.show_device(r.device)))
        d.history_changed.connect(self._update_actions)
        d.undo_offered.connect(self._update_actions)
        d.directions_changed.connect(self._update_actions)  # Undo and Redo name their steps by the directions
        d.model_loaded.connect(self._update_actions)  # ...of the model loaded: a restored session's arrives after it
        self.staying_note = StayingNote(d, self.status)  # the messages, a crop note kept while its picture shows
        d.note.connect(lambda text: self.status.show_message(text, logged=False))
        d.error.connect(self.show_error)
        d.engine.failed.connect(self.opener.forget_unreadable)
        self.status.follow(d)  # progress, Cancel, Retry on CPU
        self.slow_draw = SlowDrawNote(d.engine, self.status.show_busy, self)  # "Decoding…" when one is slow
        self.waiting_jobs = WaitingJobNote(d.engine, self.status, self)
        self.loading_note = LoadingNote(d, self.status, self.slider_tab, self.canvas)
        self.sliders.values_changed.connect(d.preview)
        self.sliders.edit_committed.connect(lambda values: d.commit(values, self.sliders.gesture,
                                                                    unedited=self.sliders.gesture == RESET_ALL))
        self.filmstrip.item_selected.connect(d.select)
        self.gan_panel.generate_requested.connect(lambda *values: d.generate(*values))
        self.gan_panel.new_sample_requested.connect(lambda *values: d.generate(*values, new_item=True))
        self.gan_panel.drag_requested.connect(lambda *values: d.generate(*values, record=False))
        self.gan_panel.send_to_vae_requested.connect(self._send_to_vae)
        d.finish_gestures = lambda: (self.gan_panel.finish_gestures(), self.sliders.finish_gesture(),
                                     self.mask_tool.finish_gesture())
        d.gesture_going_on = lambda: (self.gan_panel.step_coming() or self.sliders.step_coming()
                                      or self.mask_tool.step_coming())
        d.drop_sample_gestures = self.gan_panel.drop_gestures
        for gesture in (self.gan_panel.drag_requested, self.gan_panel.generate_requested,  # a step to come, or asked
                        self.gan_panel.gesture_dropped, self.sliders.values_changed, self.sliders.edit_committed,
                        self.mask_tool.stroke_started):
            gesture.connect(self._update_actions)
        self.gan_panel.seed.refused.connect(self.status.show_message)
        self.model_panel.load_requested.connect(lambda path: self.model_list.load_listed(path))
        self.model_panel.open_requested.connect(self.open_model_dialog)
        self.model_panel.device_requested.connect(d.set_device)
        self.model_panel.device_requested.connect(self.settings.set_device)
        self.sliders.previews_toggled.connect(self.settings.set_preview_strips)
        self.model_panel.train_requested.connect(self.train_dialog)
        self.compare.currentIndexChanged.connect(lambda i: self.canvas.set_mode(list(CompareMode)[i]))
        self.history_panel.compare_requested.connect(self.compare_actions.show_both_panes)
        self.history_panel.compare_cleared.connect(self.compare_actions.comparison_ended)
        self.history = HistoryController(d, self.history_panel, self.canvas, lambda: self.model_panel.repeated)
        self.compare_actions.edited_only_chosen.connect(self.history.end_comparison)
        self.model_opener = ModelController(d, self.model_panel, self, self.settings)
        d.directions_changed.connect(self.slider_tab.on_directions)
        self.previews = PreviewController(d, self.sliders)
        self.inversion = InversionController(d, self.gan_panel, self.settings, self.drawing)
        self.start_hint = StartHint(d, self.canvas, menu_keys(self.menuBar()), self.model_list.is_bundled)
        self.sliders.name_menu_places(menu_places(self.menuBar()))  # the menus are made after the sliders
        self._update_actions()

    # --- document -> views ---------------------------------------------
    def _show_item(self, item: Item | None) -> None:
        self.sliders.setEnabled(item is not None)
        sent = self.gan_panel.send_button.hasFocus()
        self.gan_panel.show_sendable(item.kind if item else None)
        if sent and not self.gan_panel.send_button.isEnabled():
            # greyed out under the focus, which Qt then gave the Steps box with its "200" selected: typing changed it
            self.canvas.setFocus(Qt.FocusReason.OtherFocusReason)
        if item is None:  # the last image was closed
            self.gan_panel.show_no_seed(None)
            self.canvas.set_images(None, None)
            self.sliders.set_values(())
            self._update_actions()
            return
        self.slider_tab.show_directions(item.kind)
        self.sliders.set_values(item.history.current.values)
        self.filmstrip.select(item.id)
        if item.seeded:
            self.gan_panel.set_values(*self.document.samples.shown_values(item))
        else:  # not the seed of the last sample shown, which is not this item's
            self.gan_panel.show_no_seed(item.name, item.kind)
        self._on_image(item)
        self._update_actions()

    def _on_image(self, item: Item) -> None:
        self.filmstrip.set_thumbnail(item.id, item.image, item.name)
        if item is self.document.current:
            self.canvas.set_images(to_qimage(item.original), to_qimage(item.image))

    def _on_model(self, info) -> None:
        self.settings.set_last_model(info.kind, info.path)
        self.model_panel.show_model(info)
        # a model new to the list is offered to Train… dialogs there
        listed_now = self.model_list.list_model(info.path)
        self.model_panel.refresh_marks(self.model_list.entries)
        if info.kind == "vae" and not listed_now:  # a GAN is then trained in it by default
            self.model_list.offer_to_training()
        if info.kind == "gan":
            self.gan_panel.gan_arrived()
            self.gan_panel.set_classes(info.classes)
            self.gan_panel.set_draws(info.draws)
            if self.document.samples.start_sample_due():
                self.document.generate(*self.gan_panel.values_to_draw(), new_item=True, auto=True)
        current = self.document.current
        if current is None or current.kind == info.kind:
            self.slider_tab.show_directions(info.kind)
            if current is not None:  # new sliders start at zero: show the item's values
                self.sliders.set_values(current.history.current.values)

    def close_item(self, item_id: int | None = None) -> None:
        """Close an image (default: the current one), saying how to bring it back."""
        if (item := self.document.close_item(item_id)) is not None:
            keys = self.reopen_action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            self.status.show_message(closed_text(item.name, len(item.history) > 1, keys))

    def reopen_item(self) -> None:
        """Bring back the image closed last, and say so: the "Closed …" message stayed on, as if nothing came back."""
        if (item := self.document.reopen_closed()) is not None:
            self.status.show_message(reopened_text(item.name))

    def _update_actions(self) -> None:
        """Which actions can act now, and what on: Undo and Redo name their step, Reopen its image."""
        item = self.document.current
        coming = self.document.step_coming()  # Undo's, on a first step too: greyed out there, Ctrl+Z was lost
        offered = None if coming else self.document.offered_undo  # Undo takes the gesture back (HistorySteps.undo)
        undone = item.history.current_id if item and item.history.can_undo() and not coming else None
        redone = None if self.document.redo_waits() else item.history.redo_target()
        self.undo_action.setEnabled(bool(offered) or undone is not None or coming)
        self.undo_action.setText(offered.text if offered else undo_text(self._step_name(item, undone)))
        self.redo_action.setEnabled(redone is not None)
        self.redo_action.setText(redo_text(self._step_name(item, redone)))
        self.close_action.setEnabled(item is not None)
        self.reopen_action.setEnabled(bool(self.document.closed))
        self.reopen_action.setText(reopen_text(self.document.closed[-1][0].name if self.document.closed else None))

    def _step_name(self, item: Item | None, node_id: int | None) -> str | None:
        return None if item is None or node_id is None else self.history.step_name(item, node_id)

    def show_error(self, text: str) -> None:
        self.last_error = text
        self.status.show_error(text)

    # --- user actions ---------------------------------------------------
    def _send_to_vae(self) -> None:
        """Send to VAE editor: the sample's picture once its edit is drawn (a gesture going on is its step first), not
        the one on screen before it."""
        self.document.finish_gestures()
        item = self.document.current
        if item is not None and item.kind == "gan":
            self.drawing.when_drawn(item, "", lambda: self.document.send_to_vae(item), SEND)

    def open_paths(self, paths: list[str], after_loads: bool = False, named: bool = False) -> None:
        """Open each path for what it is (OpenActions.open_paths); after_loads: the pictures wait for any model
        loading, not only for those given with them; named: the command line's."""
        self.opener.open_paths(paths, after_loads, named)

    def open_model_dialog(self) -> None:
        """A model file from elsewhere or a genimg card.json (File → Open model folder… for folders)."""
        self.model_opener.open_dialog()

    def train_dialog(self) -> TrainDialog:
        """The window's one Train… dialog, raised if open. Closed, it keeps its run, log and Load it: a new dialog
        each time came up blank beside a run still going on (hidden by Escape), and could start a second."""
        if self._train_dialog is None:
            self._train_dialog = TrainDialog(self, self.model_list.entries, self.model_list.active_vae(),
                                             self.settings)
            self._train_dialog.model_trained.connect(self.model_list.list_trained)
            self._train_dialog.load_requested.connect(self.document.load_model)
            self._train_dialog.run_event.connect(self.status.log.add)  # View → Message log keeps a run's story
        return bring_up(self._train_dialog)

    def show_message_log(self) -> MessageLogDialog:
        """The session's messages and errors (one window, raised if open)."""
        if self._message_log is None:
            self._message_log = MessageLogDialog(self.status.log, self)
        return bring_up(self._message_log)

    # --- drag and drop --------------------------------------------------
    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if self.opener.can_open(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        self.opener.open_dropped(event.mimeData())
        event.acceptProposedAction()

    def runs_going(self) -> list[TrainDialog]:
        """The Train… dialogs whose run is going (one at most: the window has one dialog)."""
        return [dialog for dialog in self.findChildren(TrainDialog) if dialog.running()]

    def closeEvent(self, event) -> None:  # noqa: N802
        if self.autosaver.writing_kept():  # a close asked while the quit's kept session is written: that quit goes on
            event.ignore()
            return
        if self._finishing_exports:  # a second close while the first waits for the exports (below): the same quit
            event.ignore()
            return
        self.autosaver.quitting = True  # before any wait below draws the window: no restore offered mid-quit
        if self.drawing.quitting():  # a second close while the exports wait for their pictures: quit without them
            self.drawing.quit_after(None)
            self.drawing.cancel()  # said: "Export of a.png cancelled: nothing was written"
        elif self.drawing.exports_waiting():
            # a PNG asked while its picture is drawn (the bar says "Waiting … to export …", Esc cancels) was dropped
            # without a word: the quit goes on, asked again, once each is written (below), cancelled or dropped
            event.ignore()
            self.drawing.quit_after(self.close)
            return
        if self.exports.writing():
            # the PNGs being written first (the bar says "Exporting …"): each file whole, each marked exported
            # before the question asks what was not
            self._finishing_exports = True
            try:
                self.exports.finish()
            finally:
                self._finishing_exports = False
        self.document.finish_gestures()  # a run of seed keys closed on within its rest is a step of the session kept
        if self._quit_after_run is not None and self._quit_after_run.waiting():
            event.ignore()  # a second Quit while a run saves: the note says genimg quits once it has
            return
        if self._quit_after_run is not None:  # the run has saved: quit as the question was answered
            answer = self._quit_after_run.answer
        else:
            answer = self.questions.quit_answer()
            if answer == STAY:
                self.autosaver.quit_taken_back()
                event.ignore()
                return
            if runs := self.runs_going():  # stopped as Stop does; waited for without stopping the event loop
                event.ignore()
                self._quit_after_run = QuitAfterRun(self, runs, answer, self.close)
                return
        self.autosaver.close(keep=answer == KEEP)
        # last, Keep for next time's wait (the event loop going on) behind it: a strip's pause, a slow picture's note
        # went on firing once closed, asking the engine for strips of a window no longer there
        for timer in self.findChildren(QTimer):
            timer.stop()
        self.drawing.forget()  # a Send to VAE or an Invert still waiting: nothing acts on a window closed
        self.settings.set_window_state(self.saveGeometry(), self.saveState())
        self.settings.sync()
        self.document.engine.shutdown(CLOSE_WAIT_MS)
        self.exports.writes.shutdown()
        super().closeEvent(event)
