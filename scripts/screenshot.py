"""The README's screenshot (assets/screenshot.png), taken of the real window as a person would see it.

    python scripts/screenshot.py [--out assets/screenshot.png]

It opens the window with the bundled models, as `genimg-gui assets/examples/*.png` does (with no saved
settings, so no remembered model or layout), makes the grinning face current, turns on the preview strips,
moves it 2 σ along "style: Google → Twitter" and −0.8 σ along PC1, waits for the worker to draw that, and
saves the window. Run it under a display (Xvfb) to get the platform's own fonts and style; with
QT_QPA_PLATFORM=offscreen it works too.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "assets" / "examples").glob("*.png"))
SIZE = (1280, 800)
EDIT = {"style: Google → Twitter": 2.0, "PC1": -0.8}  # label (or its start) -> σ
TIMEOUT = 120.0  # seconds for the models to load and every result to arrive


def wait_until(app, done, what: str) -> None:
    end = time.monotonic() + TIMEOUT
    while not done():
        if time.monotonic() > end:
            raise SystemExit(f"timed out waiting for {what}")
        app.processEvents()
        time.sleep(0.02)


def settle(app, seconds: float = 1.0) -> None:
    """Let queued results and repaints through (there is no signal for "nothing more is coming")."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def slider_index(labels: tuple[str, ...], wanted: str) -> int:
    for i, label in enumerate(labels):
        if label == wanted or label.startswith(wanted + " "):  # "PC1" is shown as "PC1 (7.4%)"
            return i
    raise SystemExit(f"the VAE has no direction {wanted!r}: {', '.join(labels)}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=ROOT / "assets" / "screenshot.png")
    args = p.parse_args()
    home = tempfile.mkdtemp(prefix="genimg-shot-")  # no saved settings, layout or autosave of the user's
    os.environ.update(HOME=home, XDG_CONFIG_HOME=f"{home}/.config", XDG_DATA_HOME=f"{home}/.local/share")
    from PySide6.QtWidgets import QApplication

    from genimg_gui.catalog import bundled_models, default_model
    from genimg_gui.engine.engine import Engine
    from genimg_gui.ui.filmstrip import ID_ROLE
    from genimg_gui.ui.main_window import MainWindow
    from genimg_gui.ui.settings import Settings
    from genimg_gui.ui.sliders import STEPS_PER_SIGMA

    app = QApplication(sys.argv[:1])
    app.setApplicationName("genimg")
    app.setOrganizationName("genimg")
    entries = bundled_models()
    window = MainWindow(Engine("cpu"), entries, Settings())
    window.resize(*SIZE)
    doc = window.document
    for kind in ("vae", "gan"):
        doc.load_model(default_model(kind, entries).path)
    window.open_paths([str(p) for p in EXAMPLES])
    window.show()
    wait_until(app, lambda: sum(i.kind == "vae" for i in doc.items.values()) == len(EXAMPLES), "the examples")
    grinning = next(i for i in doc.items.values() if i.name == "noto-grinning-face.png")
    strip = window.filmstrip  # a click on the face's thumbnail
    strip.setCurrentRow(next(r for r in range(strip.count()) if strip.item(r).data(ID_ROLE) == grinning.id))
    wait_until(app, lambda: doc.current is grinning, "the grinning face to be current")
    window.sliders.previews_box.setChecked(True)
    for label, sigma in EDIT.items():  # as keys would move them: each move is an edit of its own
        index = slider_index(window.sliders.labels(), label)
        window.sliders.sliders[index].setValue(round(sigma * STEPS_PER_SIGMA))
    wanted = window.sliders.values()
    wait_until(app, lambda: grinning.history.current.values == wanted, "the edit to be recorded")
    # every slider's strip for the edited face (a busy machine drew the first few only in the 5 s settle gave them)
    wait_until(app, lambda: all(s.images and not s.stale for s in window.sliders.strips), "the preview strips")
    settle(app, 5.0)  # the decode and the preview strips of the values as the edit left them
    window.grab().save(str(args.out))
    moved = [f"{v:+.2f}σ along {label}" for label, v in zip(window.sliders.labels(), grinning.history.current.values)
             if v]
    print(f"wrote {args.out}: {grinning.name} moved {', '.join(moved)}")
    # not window.close(): it would ask whether to discard the unexported edit
    doc.engine.shutdown()
    shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
