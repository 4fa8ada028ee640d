"""The window's menus and toolbars: File, Edit, View and Help, the Tools and Mask toolbars, and the objects their
actions call (OpenActions, ExportActions, RecipeActions, DirectionsController, MorphController, CompareActions,
MaskController). Mixed into MainWindow (main_window.py), which holds the widgets these act on."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QMenu, QToolBar

from .accessible import labelled_together
from .action_texts import close_keys, redo_keys
from .canvas_zoom import zoom_shortcuts, zoom_steps
from .compare_actions import CompareActions
from .directions_controller import DirectionsController
from .drawing_wait import DrawingWait
from .export_actions import ExportActions
from .help_menu import HelpMenu
from .mask_controller import MaskController
from .morph_controller import MorphController
from .open_actions import OpenActions
from .recipe_actions import RecipeActions
from .tab_order import add_side_tab_keys

if TYPE_CHECKING:
    from .canvas import Canvas
    from .document import Document
    from .model_controller import ModelController
    from .settings import Settings
    from .slider_tab import SliderTab
    from .sliders import SliderPanel


class WindowMenus:
    """The menu bar and toolbars of MainWindow (a QMainWindow), built once its widgets are; the actions call the
    window's own slots too (close_item, reopen_item, open_model_dialog, show_message_log)."""
    document: Document
    settings: Settings
    canvas: Canvas
    slider_tab: SliderTab
    sliders: SliderPanel
    compare: QComboBox
    fit_mode: QComboBox
    model_opener: ModelController  # made after the menus (MainWindow._connect): Open model folder… looks it up

    def add_action(self, menu: QMenu, text: str, slot: Callable[..., object],
                   shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None) -> QAction:
        """An action of this window in `menu`, calling `slot` when triggered."""
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self.opener = OpenActions(self)
        self.add_action(file, "&Open images…", self.opener.open_dialog, QKeySequence.StandardKey.Open)
        self.add_action(file, "&Paste image", self.opener.paste, QKeySequence.StandardKey.Paste)
        self.recent_menu = file.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self.opener.fill_recent_menu)
        self.opener.fill_fit_menu(file.addMenu("Fit new &images"), self.fit_mode)
        self.add_action(file, "Open &model…", self.open_model_dialog)
        self.add_action(file, "Open model &folder…", lambda: self.model_opener.open_folder_dialog())
        file.addSeparator()
        self.close_action = self.add_action(file, "&Close image", lambda: self.close_item())
        self.close_action.setShortcuts(close_keys())
        self.reopen_action = self.add_action(file, "Reope&n closed image", self.reopen_item,
                                             QKeySequence("Ctrl+Shift+T"))
        file.addSeparator()
        self.drawing = DrawingWait(self)  # Export PNG, Send to VAE and Invert of an edit still being drawn wait for it
        self.exports = ExportActions(self)
        self.add_action(file, "&Export PNG…", lambda: self.exports.export_png_dialog(1),
                        QKeySequence.StandardKey.Save)
        self.add_action(file, "Export PNG &upscaled ×4…", lambda: self.exports.export_png_dialog(4))
        self.add_action(file, "Export &latent (.npz)…", self.exports.export_latent_dialog)
        file.addSeparator()
        self.recipes = RecipeActions(self.document, self)
        self.add_action(file, "Sa&ve edit recipe…", self.recipes.save_dialog)
        self.add_action(file, "&Apply recipe to current image…", self.recipes.apply_dialog)
        self.add_action(file, "Apply recipe to all images of its &kind…", lambda: self.recipes.apply_dialog(True))
        file.addSeparator()
        self.add_action(file, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        edit = bar.addMenu("&Edit")
        self.undo_action = self.add_action(edit, "&Undo", self.document.undo, QKeySequence.StandardKey.Undo)
        self.undo_action.setIconText("Undo")  # the toolbar's; the menu names the step (or the deleted direction)
        self.redo_action = self.add_action(edit, "&Redo", self.document.redo)
        self.redo_action.setIconText("Redo")  # the toolbar's; the menu names the step
        self.redo_action.setShortcuts(redo_keys())
        self.redo_action.setToolTip("Redo (Ctrl+Shift+Z or Ctrl+Y)")
        undo_keys = self.undo_action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        self.undo_action.setToolTip(f"Undo ({undo_keys})")  # as Redo's says its keys
        self.add_action(edit, "Re&set all sliders", self.sliders.reset_all, QKeySequence("Ctrl+R"))
        self.add_action(edit, "Ra&ndomise sliders", lambda: self.sliders.randomise())
        self.directions_tool = DirectionsController(self.document, self.sliders, self, self.slider_tab.shown_kind)
        self.slider_tab.builtin = self.directions_tool.builtin  # the same dict: the rows that came with each model
        self.add_action(edit, "New &direction from examples…", self.directions_tool.new_direction)
        self.morph = MorphController(self.document, self, self.settings)
        self.add_action(edit, MorphController.MENU_TEXT, self.morph.open_dialog, QKeySequence("Ctrl+M"))
        view = bar.addMenu("&View")
        self.add_action(view, "&Fit to window", self.canvas.fit, QKeySequence("Ctrl+0"))
        for text, steps in (("Zoom &in", 1), ("Zoom &out", -1)):
            self.add_action(view, text, lambda _=False, s=steps: zoom_steps(self.canvas, s)).setShortcuts(
                zoom_shortcuts(steps))
        self.compare_actions = CompareActions(self.compare, view, self)
        view.addSeparator()
        add_side_tab_keys(self, view)  # Ctrl+Page Down / Up
        self.add_action(view, "Message &log…", self.show_message_log, QKeySequence("Ctrl+L"))
        self.help = HelpMenu(self, bar.addMenu("&Help"))
        tools = QToolBar("Tools")
        tools.setObjectName("tools")
        tools.addAction(self.undo_action)
        tools.addAction(self.redo_action)
        tools.addSeparator()
        tools.addWidget(labelled_together(" Compare: ", self.compare))
        tools.addWidget(labelled_together(" Fit new images: ", self.fit_mode))
        self.addToolBar(tools)
        mask_tools = QToolBar("Mask")
        mask_tools.setObjectName("mask_tools")
        self.addToolBar(mask_tools)
        self.mask_tool = MaskController(self.document, self.canvas, mask_tools)
        self.mask_tool.fill_menu(edit.addMenu("M&ask"))
