"""Shared fixtures: tiny real models saved as real model folders, and a running engine."""
import os
import shutil
import time

# a 1920 × 1200 screen (offscreen's own is 800 × 800): the main window keeps its first size, which it fits to the
# screen, as on a desktop; tests of smaller screens give window_geometry.available_geometry a smaller room. Also
# where QT_QPA_PLATFORM=offscreen is set already (.ci/run sets it): else CI's windows were fitted to 800 × 800
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = "offscreen:configfile=" + os.path.join(os.path.dirname(__file__),
                                                                           "offscreen_screen.json")
os.environ.setdefault("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "1")
# torch's idle OpenMP threads sleep instead of spinning: on a busy 2-core machine the engine's second thread spun
# away the CPU its first needed (a tiny VAE's first load, its directions estimated: 5 s of CPU for 1 s of work), and
# the model loads of the window fixture outlasted their 30 s. The threads' shares of the work, so the results, are
# the same
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from PIL import Image  # noqa: E402

from genimg_gui.engine.loaded_model import estimate_directions  # noqa: E402
from genimg_gui.models.directions import save_directions  # noqa: E402
from genimg_gui.models.gan import GANConfig, Generator  # noqa: E402
from genimg_gui.models.vae import ConvVAE, VAEConfig  # noqa: E402
from genimg_gui.models.weights import load_model, save_model  # noqa: E402
from genimg_gui.ui.session_questions import SessionQuestions  # noqa: E402
from genimg_gui.user_directions import user_directions_file  # noqa: E402

ORIGINAL_ASK_QUIT = SessionQuestions.ask_quit  # before quit_discards answers it for every test

TINY_VAE = VAEConfig(resolution=32, channels=(8, 16), latent_channels=2)       # latent 2x16x16
TINY_GAN = GANConfig(resolution=32, z_dim=16, w_dim=16, mapping_layers=2, channels=(32, 16, 8, 8))
CARD = {"training": {"data": "random init (test)", "licence": "CC0"}, "metrics": {}}


def labelled_squares(folder: Path, labels: list[str]) -> Path:
    """One 64 px image per label, a coloured square on white somewhere, and labels.csv (file, category) for
    the bundled models' benchmarks and fine-tuning."""
    folder.mkdir()
    rng = np.random.default_rng(0)
    rows = ["file,category"]
    for i, label in enumerate(labels):
        im = np.full((64, 64, 3), 255, np.uint8)
        y, x = rng.integers(8, 40, 2)
        im[y:y + 20, x:x + 20] = rng.integers(0, 255, 3)
        Image.fromarray(im).save(folder / f"{i}.png")
        rows.append(f"{i}.png,\"{label}\"")
    (folder / "labels.csv").write_text("\n".join(rows) + "\n")
    return folder


def own_directions_file(document, kind: str = "vae") -> Path:
    """Where the app keeps the user's own directions for the document's model of that kind: by its weights."""
    info = document.models[kind]
    return user_directions_file(info.name, info.identity)


def make_model_folder(folder: Path, net: torch.nn.Module, name: str) -> Path:
    torch.manual_seed(0)
    return save_model(folder, net, {**CARD, "name": name})


def write_directions(folder: Path) -> Path:
    """The directions a load estimates for the model in folder, written beside its weights as training writes a
    model's own: its loads then read them, without a note or the estimate's second of CPU (a load never writes into
    the folder, and keeps its estimate in the test's own data folder)."""
    net, card = load_model(folder)
    with torch.no_grad():
        save_directions(folder, estimate_directions(net, card["kind"], lambda *_: None))
    return folder


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory) -> Path:
    """A folder holding a tiny VAE and a tiny GAN (random weights, the directions a load estimates saved beside)."""
    root = tmp_path_factory.mktemp("models")
    torch.manual_seed(0)
    write_directions(make_model_folder(root / "tiny-vae", ConvVAE(TINY_VAE), "tiny-vae"))
    torch.manual_seed(1)
    write_directions(make_model_folder(root / "tiny-gan", Generator(TINY_GAN), "tiny-gan"))
    return root


@pytest.fixture(scope="module")
def one_torch_thread():
    """Tiny convolutions and many small optimisation steps run faster on one intra-op thread
    than on two that wait on each other on a busy 2-core machine (25 ms vs 4 ms per inversion step)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="session")
def stray_user_folder(tmp_path_factory):
    """Where settings, sessions and user directions go once a test's user_folders are undone (monkeypatch.undo()
    undoes the suite's patches with the test's own): a folder of this run's, never the user's ~/.config/genimg and
    ~/.local/share/genimg. written_outside_user_folders fails a test that wrote here."""
    root = tmp_path_factory.mktemp("stray")
    with pytest.MonkeyPatch.context() as session:  # the values user_folders' undo restores
        session.setenv("GENIMG_CONFIG_DIR", str(root / "config"))
        session.setenv("GENIMG_DATA_DIR", str(root / "data"))
        yield root


def stray_files(root: Path) -> list[str]:
    """The files under root, relative to it; [] at the cost of one listing when nothing strayed."""
    if not any(root.iterdir()):
        return []
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if not p.is_dir())


def forget_stray_files(root: Path) -> None:
    for entry in root.iterdir():
        shutil.rmtree(entry) if entry.is_dir() else entry.unlink()


@pytest.fixture(autouse=True)
def written_outside_user_folders(stray_user_folder):
    """Fails a test (at its teardown) that wrote settings, a session or directions without its user_folders;
    compared with the user's real folders instead, the app or another run of the suite writing there at the same
    time would fail it. The files are removed, so the next test is judged alone."""
    yield
    stray = stray_files(stray_user_folder)
    if stray:
        forget_stray_files(stray_user_folder)
        pytest.fail(f"the test wrote {', '.join(stray)} outside its user_folders (into the user's own folders, "
                    "but for this guard): did it call monkeypatch.undo()? Restore its own patches instead, with "
                    "monkeypatch.context()", pytrace=False)


@pytest.fixture(autouse=True)
def new_threads_count_as_this_one() -> None:
    """Threads made in a test (an engine's worker) use this thread's torch CPU thread count, as the reference Runtimes
    made here do. torch gives a new thread the count torch.set_num_threads last set in the process, from any thread,
    and keeps a thread's own once it ran: after a test ran the app's main(), whose worker takes all cores but one, a
    later test's worker ran on 1 thread and this one on 2, whose sums come out in another order (an SD VAE latent
    1e-4 off the reference, bit-for-bit checks failing only after other files)."""
    torch.set_num_threads(torch.get_num_threads())


@pytest.fixture(autouse=True)
def no_exit_mid_run(monkeypatch) -> None:
    """app.main ends the process with os._exit when its worker is stuck as the window closes; in this process that
    would end the whole test run with exit code 0, the tests after it never run (a start-up test whose load was held
    did, before app.main left alone an engine no window had stopped). Here it fails the test instead; the quit tests
    that mean it run app.main in a subprocess."""
    from genimg_gui import app

    def refused(code: int) -> None:
        raise AssertionError(f"app._exit_now({code}) in the test process: it would end the test run")
    monkeypatch.setattr(app, "_exit_now", refused)


@pytest.fixture(autouse=True)
def user_folders(tmp_path_factory, monkeypatch) -> Path:
    """Settings, autosaved sessions and user directions go to a fresh folder per test, never ~."""
    root = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("GENIMG_CONFIG_DIR", str(root / "config"))
    monkeypatch.setenv("GENIMG_DATA_DIR", str(root / "data"))
    return root


@pytest.fixture(autouse=True)
def quit_discards(monkeypatch) -> None:
    """Closing a window with unexported edits asks first; a test's teardown answers "discard"
    (tests of the question itself use quit_questions_cancelled)."""
    from genimg_gui.ui.session_questions import DISCARD, SessionQuestions

    monkeypatch.setattr(SessionQuestions, "ask_quit", lambda self, names, can_keep: DISCARD)


def quit_questions_cancelled(monkeypatch) -> list[str]:
    """The real quit question from here on, each answered with its reject button (Cancel); returns the list its
    texts are added to."""
    from PySide6.QtWidgets import QMessageBox

    from genimg_gui.ui.session_questions import SessionQuestions
    asked: list[str] = []

    def answer(box):
        asked.append(box.text())
        next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.RejectRole).click()
        return 0
    monkeypatch.setattr(QMessageBox, "exec", answer)
    monkeypatch.setattr(SessionQuestions, "ask_quit", ORIGINAL_ASK_QUIT)
    return asked


def quit_questions_kept(monkeypatch) -> list[tuple[str, str]]:
    """The real quit question from here on, each answered Keep for next time; returns the list its (text,
    informative text) are added to."""
    from PySide6.QtWidgets import QMessageBox

    shown: list[tuple[str, str]] = []

    def keep(box) -> int:
        shown.append((box.text(), box.informativeText()))
        next(b for b in box.buttons() if b.text() == "Keep for next time").click()
        return 0
    monkeypatch.setattr(QMessageBox, "exec", keep)
    monkeypatch.setattr(SessionQuestions, "ask_quit", ORIGINAL_ASK_QUIT)
    return shown


def slowed(monkeypatch, owner: type, method: str, seconds: float) -> None:
    """owner.method takes `seconds` longer each call (a worker-side draw or decode made as slow as a big model's),
    so the window's requests outrun the worker."""
    fast = getattr(owner, method)

    def slow(self, *args, **kwargs):
        time.sleep(seconds)
        return fast(self, *args, **kwargs)
    monkeypatch.setattr(owner, method, slow)


@pytest.fixture(autouse=True)
def deleting_confirmed(monkeypatch) -> None:
    """Deleting a direction asks first (Undo holds it only until the next edit); tests answer yes unless they test
    the question."""
    from genimg_gui.ui.directions_controller import DirectionsController

    monkeypatch.setattr(DirectionsController, "_confirm_delete", lambda self, label: True)


@pytest.fixture()
def image_files(tmp_path) -> list[Path]:
    """Three small real image files of different modes and sizes."""
    rng = np.random.default_rng(0)
    paths = []
    for i, (mode, size) in enumerate([("RGB", (40, 30)), ("RGBA", (64, 64)), ("L", (20, 50))]):
        arr = rng.integers(0, 255, (size[1], size[0], len(mode)), dtype=np.uint8).squeeze()
        path = tmp_path / f"image {i}.png"
        Image.fromarray(arr, mode).save(path)
        paths.append(path)
    return paths


@pytest.fixture()
def engine(qtbot):
    """A real engine (worker thread) on the CPU; shut down after the test."""
    from genimg_gui.engine.engine import Engine

    eng = Engine("cpu")
    yield eng
    eng.shutdown()


@pytest.fixture()
def vae_engine(qtbot, engine, model_dir):
    """The engine with the tiny VAE loaded (its directions cache written)."""
    from genimg_gui.engine import requests as rq

    with qtbot.waitSignal(engine.result, timeout=UI_TIMEOUT, check_params_cb=lambda r: isinstance(r, rq.ModelInfo)):
        engine.submit(rq.LoadModel(str(model_dir / "tiny-vae")))
    return engine


@pytest.fixture()
def vae_reference(model_dir, vae_engine):
    """A second Runtime on the tiny VAE, built after the engine wrote the directions cache."""
    from genimg_gui.engine.runtime import Runtime

    rt = Runtime("cpu")
    rt.load(str(model_dir / "tiny-vae"), lambda *_: None)
    return rt


UI_TIMEOUT = 30_000  # ms; the first VAE load estimates directions (seconds on a busy CPU)
TOOK = r"\d+(?:\.\d)? (?:ms|s|min|h)"  # a time as wording.duration says it: "40 ms", "1.2 s" on a busy machine


@pytest.fixture()
def window(qtbot, engine, model_dir):
    """The main window with the tiny VAE and GAN loaded, and the GAN's first sample made."""
    from genimg_gui.catalog import read_entry
    from genimg_gui.ui.main_window import MainWindow

    entries = [read_entry(model_dir / "tiny-vae"), read_entry(model_dir / "tiny-gan")]
    w = MainWindow(engine, entries)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    doc = w.document
    for name in ("tiny-vae", "tiny-gan"):
        with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
            doc.load_model(str(model_dir / name))
    qtbot.waitUntil(lambda: len(doc.items) == 1, timeout=UI_TIMEOUT)  # the GAN's automatic sample
    yield w
    w.close()


@pytest.fixture()
def reference(model_dir, window):
    """Another Runtime on the same model folders (after the window's engine cached the directions)."""
    from genimg_gui.engine.runtime import Runtime

    rt = Runtime("cpu")
    for name in ("tiny-vae", "tiny-gan"):
        rt.load(str(model_dir / name), lambda *_: None)
    return rt




def drag_drop(target, mime, at: tuple[int, int] = (60, 60)):
    """A real drag-enter, then (if target accepts it) a drop of mime onto target; returns the drop event, or None
    when the enter was refused. The enter event is given a QPoint, which every PySide6 release takes (6.11's
    QDragEnterEvent takes no QPointF), the drop a QPointF, as Qt declares them."""
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QApplication
    rest = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    enter = QDragEnterEvent(QPoint(*at), *rest)
    QApplication.sendEvent(target, enter)
    if not enter.isAccepted():
        return None
    drop = QDropEvent(QPointF(*at), *rest)
    QApplication.sendEvent(target, drop)
    return drop


def file_mime(paths):
    from PySide6.QtCore import QMimeData, QUrl
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def step_ids(panel) -> list[int]:
    """Every step the history panel shows, top to bottom (its rows() less the branch captions)."""
    return [node_id for node_id, _point, _text in panel.rows() if node_id is not None]
