"""Bad and awkward input (tests/corpus.py) at three levels: the library call raises a clear error,
the CLI prints one line on stderr with exit code 1 and no traceback, and the real window shows the
error in its status bar, leaves the open work untouched and keeps working."""
from __future__ import annotations

import builtins
import os
import re
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from corpus import AWKWARD_IMAGES, BAD_IMAGES, BAD_MODELS, MARKER, BadImage, BadModel
from genimg_gui import imaging
from genimg_gui.catalog import read_entry
from genimg_gui.cli import main as cli_main
from genimg_gui.cli_names import OutputStems
from genimg_gui.engine.runtime import Runtime
from genimg_gui.imaging import ImageLoadError, load_fitted, open_image
from genimg_gui.models import weights
from genimg_gui.models.weights import ModelFileError
from genimg_gui.ui.main_window import MainWindow
from genimg_gui.ui.session_questions import DISCARD, SessionQuestions
from genimg_gui.wording import SUPPORTED

from conftest import drag_drop, file_mime  # noqa: E402

TIMEOUT = 30_000  # ms


# --- making the inputs -----------------------------------------------------

@contextmanager
def prepared(case: BadImage, folder: Path, monkeypatch):
    """Make the case's file and put its conditions (permission, size setting) in force."""
    path = folder / case.name
    case.make(path)
    with monkeypatch.context() as m:
        if case.max_pixels is not None:
            m.setattr(imaging, "MAX_PIXELS", case.max_pixels)
        if case.unreadable:
            path.chmod(0)
            if os.geteuid() == 0:  # root reads anything: refuse the open the OS would refuse to others
                m.setattr(builtins, "open", refusing_open(path))  # (the OS refusal: test_security.py)
        yield path


def refusing_open(path: Path):
    real_open = builtins.open

    def guarded(file, *args, **kwargs):
        if isinstance(file, (str, os.PathLike)) and os.fspath(file) == os.fspath(path):
            raise PermissionError(13, "Permission denied", os.fspath(file))
        return real_open(file, *args, **kwargs)
    return guarded


def made_model(case: BadModel, folder: Path, model_dir: Path) -> Path:
    path = folder / case.name
    case.make(path, model_dir / "tiny-vae", model_dir / "tiny-gan")
    return path


def holds(message: str, words) -> bool:
    """Every word is in the message (a tuple: any one of them), ignoring case."""
    low = message.lower()
    return all(any(w.lower() in low for w in ((word,) if isinstance(word, str) else word)) for word in words)


@pytest.fixture(scope="module")
def vae(model_dir) -> Path:
    """The tiny VAE, its directions cached so that loading it prints nothing."""
    Runtime("cpu").load(str(model_dir / "tiny-vae"), lambda *_: None)
    return model_dir / "tiny-vae"


def run_cli(capsys, *args) -> tuple[int, str, str]:
    code = cli_main([str(a) for a in args] + ["--device", "cpu"] * (args[0] != "info"))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_error_line(code: int, err: str, name: str, words) -> None:
    assert code == 1
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("genimg: error: "), err
    assert name in lines[0] and holds(lines[0], words), lines[0]


# --- (a) the library --------------------------------------------------------

@pytest.mark.parametrize("case", BAD_IMAGES.values(), ids=BAD_IMAGES.keys())
def test_bad_image_raises_a_clear_error(case, tmp_path, monkeypatch):
    with prepared(case, tmp_path, monkeypatch) as path:
        with pytest.raises(ImageLoadError) as err:
            open_image(path)
    assert case.name in str(err.value) and holds(str(err.value), case.says), str(err.value)
    assert not re.search(r"Pillow|OSError|Errno|bytes not processed", str(err.value)), str(err.value)  # a user's words


def test_eps_never_starts_ghostscript(tmp_path, monkeypatch):
    import subprocess

    started = []
    monkeypatch.setattr(subprocess, "check_call", lambda *a, **k: started.append(a))
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: started.append(a))
    path = tmp_path / "drawing.eps"
    BAD_IMAGES["eps-needs-ghostscript"].make(path)
    with pytest.raises(ImageLoadError):
        open_image(path)
    assert started == []


@pytest.mark.parametrize("text, expected", [("", imaging.DEFAULT_MAX_PIXELS), ("1000", 1000), ("2.5e6", 2_500_000),
                                             ("100_000_000", 100_000_000), ("lots", imaging.DEFAULT_MAX_PIXELS),
                                             ("-5", imaging.DEFAULT_MAX_PIXELS), ("0.5", imaging.DEFAULT_MAX_PIXELS),
                                             ("inf", imaging.DEFAULT_MAX_PIXELS), ("nan", imaging.DEFAULT_MAX_PIXELS)])
def test_max_pixels_setting_reads_the_environment(text, expected, monkeypatch, capsys):
    monkeypatch.setenv("GENIMG_MAX_PIXELS", text)
    assert imaging.max_pixels_setting() == expected
    # a value it cannot use is named, with the default used instead; none is said for a value used or unset
    said = capsys.readouterr().err
    assert said == ("" if expected != imaging.DEFAULT_MAX_PIXELS or not text else
                    f"genimg: note: GENIMG_MAX_PIXELS={text!r} is not a positive number of pixels; using the default, "
                    "150,000,000\n")


def test_max_pixels_setting_caps_pillow_too(tmp_path):
    """At start-up the setting becomes the cap on pixels decoded, and Pillow's bomb guard 64 times it (a JPEG is
    decoded at 1/8 scale where that keeps it large enough): a larger image is refused by the one, a larger header
    by the other, in plain Pillow use in the process as well."""
    noise_png, bomb_png = tmp_path / "noise.png", tmp_path / "bomb.png"
    Image.new("RGB", (40, 30)).save(noise_png)
    Image.new("RGB", (300, 300)).save(bomb_png)  # 90,000 pixels
    code = ("from PIL import Image\nfrom genimg_gui import imaging\n"
            "print(imaging.MAX_PIXELS, Image.MAX_IMAGE_PIXELS)\n"
            f"try:\n    imaging.open_image({str(noise_png)!r})\nexcept imaging.ImageLoadError as e:\n    print(e)\n"
            f"Image.open({str(noise_png)!r})\nprint('plain Pillow opens it')\nImage.open({str(bomb_png)!r})\n")
    env = {**os.environ, "GENIMG_MAX_PIXELS": "1000", "PYTHONPATH": str(Path(imaging.__file__).parents[1])}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert done.stdout.splitlines() == ["1000 64000", "noise.png is 40x30 = 1,200 pixels, above the limit of 1,000 "
                                        "pixels; scale it down first, or raise the limit with GENIMG_MAX_PIXELS",
                                        "plain Pillow opens it"]
    assert "DecompressionBombWarning" in done.stderr  # and refuses the larger header


@pytest.mark.parametrize("case", AWKWARD_IMAGES.values(), ids=AWKWARD_IMAGES.keys())
def test_awkward_image_opens_right(case, tmp_path):
    path = tmp_path / case.name
    case.make(path)
    array = np.asarray(open_image(path))
    assert array.dtype == np.uint8 and array.ndim == 3 and array.shape[2] == 3
    assert case.check(array), array[..., 0]


def networks_built(monkeypatch) -> list[str]:
    """The device of each network built or given memory from here on: "meta" has shapes but takes no memory."""
    devices: list[str] = []
    build, to_empty = weights.build_network, torch.nn.Module.to_empty

    def recorded_build(card, device="cpu", **kwargs):
        devices.append(str(device))
        return build(card, device, **kwargs)

    def recorded_to_empty(net, *, device, **kwargs):
        devices.append(str(device))
        return to_empty(net, device=device, **kwargs)
    monkeypatch.setattr(weights, "build_network", recorded_build)
    monkeypatch.setattr(torch.nn.Module, "to_empty", recorded_to_empty)
    return devices


@pytest.mark.parametrize("case", BAD_MODELS.values(), ids=BAD_MODELS.keys())
def test_bad_model_raises_a_clear_error(case, tmp_path, model_dir, monkeypatch):
    path = made_model(case, tmp_path, model_dir)
    built_on = networks_built(monkeypatch)
    with pytest.raises(ModelFileError) as err:
        Runtime("cpu").load(str(path), lambda *_: None)  # what the app's worker and the CLI call
    assert set(built_on) <= {"meta"}, built_on  # a giant card is refused from its shapes, not by allocating it
    assert case.name in str(err.value) and holds(str(err.value), case.says), str(err.value)
    assert not re.search(r"Pillow|OSError|Errno|bytes not processed", str(err.value)), str(err.value)  # a user's words
    assert not (tmp_path / MARKER).exists(), "code in the file ran"


# --- (b) the CLI -----------------------------------------------------------

@pytest.mark.parametrize("case", BAD_IMAGES.values(), ids=BAD_IMAGES.keys())
def test_cli_bad_image_one_line_exit_1(case, tmp_path, monkeypatch, capsys, vae):
    folder = tmp_path / "in"
    folder.mkdir()
    with prepared(case, folder, monkeypatch) as path:
        code, out, err = run_cli(capsys, "encode", path, "--vae", vae, "-o", tmp_path / "out")
    assert_one_error_line(code, err, case.name, case.says)
    assert out == "" and not (tmp_path / "out").exists()  # nothing written: no folder made for it either


def test_cli_good_and_bad_images_together(tmp_path, capsys, vae):
    good, bad = tmp_path / "café 猫.png", tmp_path / "empty.png"
    AWKWARD_IMAGES["unicode-name"].make(good)
    bad.write_bytes(b"")
    code, out, err = run_cli(capsys, "encode", good, bad, "--vae", vae, "-o", tmp_path / "out")
    assert code == 1 and "Traceback" not in err
    assert f"genimg: error: {bad}" in err and "1 of 2 failed" in err
    assert (tmp_path / "out" / "café 猫.npz").is_file()


def test_cli_encodes_every_awkward_image(tmp_path, capsys, vae):
    paths = []
    for case in AWKWARD_IMAGES.values():
        paths.append(tmp_path / case.name)
        case.make(paths[-1])
    code, out, err = run_cli(capsys, "encode", *paths, "--vae", vae, "-o", tmp_path / "out")
    assert code == 0 and "error" not in err, err
    # the CLI's own output names (tidied of control characters and edge spaces)
    stems = OutputStems(paths)  # every input is written, in the order given
    for i in range(len(paths)):
        stems.written(i, stems.stem(i))
    expected = [tmp_path / "out" / f"{stems.written_as[i]}{end}"
                for i in range(len(paths)) for end in (".npz", "_recon.png")]
    assert out.splitlines() == [str(p) for p in expected] and all(p.is_file() for p in expected)


@pytest.mark.parametrize("case", BAD_MODELS.values(), ids=BAD_MODELS.keys())
def test_cli_bad_model_one_line_exit_1(case, tmp_path, model_dir, capsys):
    path = made_model(case, tmp_path, model_dir)
    image = tmp_path / "dot.png"
    AWKWARD_IMAGES["1x1"].make(image)
    for args in (("info", path), ("encode", image, "--vae", path, "-o", tmp_path / "out")):
        code, out, err = run_cli(capsys, *args)
        if args[0] == "encode" and not path.exists():  # a --vae that is not there is refused with the command line
            assert code == 2 and err.strip().endswith(f"error: argument --vae: {path} does not exist"), err
            continue
        assert_one_error_line(code, err, case.name, case.says)
    assert not (tmp_path / MARKER).exists(), "code in the file ran"


# --- (c) the window --------------------------------------------------------

@pytest.fixture()
def window(qtbot, engine, model_dir, vae, monkeypatch):
    monkeypatch.setattr(SessionQuestions, "ask_quit", lambda self, names, can_keep: DISCARD)  # closing asks nothing
    entries = [read_entry(model_dir / "tiny-vae"), read_entry(model_dir / "tiny-gan")]
    w = MainWindow(engine, entries)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    with qtbot.waitSignal(w.document.model_loaded, timeout=TIMEOUT):
        w.document.load_model(str(vae))
    yield w
    w.close()


def drop(window, paths) -> None:
    """A real drag-enter + drop of file URLs onto the window."""
    assert drag_drop(window, file_mime(paths)) is not None


def open_good_item(qtbot, window, folder: Path):
    """An image opened and edited once: the work a bad input must not touch."""
    path = folder / "good.png"
    AWKWARD_IMAGES["spaces-in-name"].make(path)
    drop(window, [path])
    qtbot.waitUntil(lambda: len(window.document.items) == 1, timeout=TIMEOUT)
    item = window.document.current
    before = item.image.copy()
    window.sliders.sliders[0].setValue(100)  # one committed edit
    qtbot.waitUntil(lambda: len(item.history) == 2 and not np.array_equal(item.image, before), timeout=TIMEOUT)
    return item, item.image.copy(), len(item.history)


def expect_error(qtbot, window, name: str, words, action) -> None:
    window.last_error = ""
    action()
    qtbot.waitUntil(lambda: bool(window.last_error), timeout=TIMEOUT)
    assert name in window.last_error and holds(window.last_error, words), window.last_error
    said, alone = window.status.currentMessage(), window.last_error.removesuffix(f". {SUPPORTED}.")
    # the advice several errors end with is said once, after them all (wording.shared_ends)
    assert window.last_error in said or (alone in said and said.endswith(f". {SUPPORTED}.")), said


def assert_untouched(window, item, pixels, history_length) -> None:
    assert list(window.document.items.values()) == [item] and window.document.current is item
    assert np.array_equal(item.image, pixels) and len(item.history) == history_length


def assert_still_encodes(qtbot, window, folder: Path, model_dir: Path) -> None:
    path = folder / "after.png"
    AWKWARD_IMAGES["1x1"].make(path)
    n = len(window.document.items)
    drop(window, [path])
    qtbot.waitUntil(lambda: len(window.document.items) == n + 1, timeout=TIMEOUT)
    reference = Runtime("cpu")
    reference.load(str(model_dir / "tiny-vae"), lambda *_: None)
    assert np.array_equal(window.document.current.image, reference.encode(np.asarray(open_image(path)), "crop")[2])


def test_window_bad_images_show_an_error_and_touch_nothing(qtbot, window, tmp_path, monkeypatch, model_dir):
    item, pixels, history_length = open_good_item(qtbot, window, tmp_path)
    for case_id, case in BAD_IMAGES.items():
        folder = tmp_path / case_id
        folder.mkdir()
        with prepared(case, folder, monkeypatch) as path:
            expect_error(qtbot, window, case.name, case.says, lambda: drop(window, [path]))
        assert_untouched(window, item, pixels, history_length)
    assert_still_encodes(qtbot, window, tmp_path, model_dir)


def test_window_opens_every_awkward_image(qtbot, window, tmp_path):
    paths = []
    for case in AWKWARD_IMAGES.values():
        paths.append(tmp_path / case.name)
        case.make(paths[-1])
    drop(window, paths)
    qtbot.waitUntil(lambda: len(window.document.items) == len(paths), timeout=TIMEOUT)
    items = list(window.document.items.values())
    assert [i.name for i in items] == [p.name for p in paths]
    for item, path in zip(items, paths):  # the window's input is the library's, rotation and all
        assert np.array_equal(item.original, load_fitted(path, 32)), path.name
    assert window.last_error == ""


def test_window_bad_models_show_an_error_and_touch_nothing(qtbot, window, tmp_path, model_dir):
    item, pixels, history_length = open_good_item(qtbot, window, tmp_path)
    loaded = window.document.models["vae"]
    for case_id, case in BAD_MODELS.items():
        (tmp_path / case_id).mkdir()
        path = made_model(case, tmp_path / case_id, model_dir)
        expect_error(qtbot, window, case.name, case.says, lambda: window.document.load_model(str(path)))
        assert window.document.models["vae"] is loaded and set(window.document.models) == {"vae"}
        assert_untouched(window, item, pixels, history_length)
        assert not (tmp_path / case_id / MARKER).exists(), "code in the file ran"
    assert_still_encodes(qtbot, window, tmp_path, model_dir)
