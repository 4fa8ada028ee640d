"""Security: user files are never unpickled, torch.load is forced weights-only at start-up, nothing
touches the network, and the OS's own read refusal reaches the user as a clear message."""
from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import genimg_gui
from corpus import MARKER, code_pickle, torch_code_pickle
from genimg_gui.imaging import ImageLoadError, open_image

PACKAGE = Path(genimg_gui.__file__).parent
NETWORK_MODULES = ("socket", "ssl", "urllib.request", "urllib3", "http.client", "requests", "httpx", "aiohttp",
                   "huggingface_hub", "ftplib", "smtplib", "torch.hub", "xmlrpc")
NETWORK_CALLS = ("load_state_dict_from_url", "hf_hub_download", "snapshot_download", "from_pretrained", "urlopen")
UNSAFE_MODULES = ("dill", "cloudpickle", "joblib", "shelve", "marshal")
RESTRICTED_UNPICKLER = "models/safe_pickle.py"  # the one place an Unpickler may live, with find_class


def python(code: str, env_drop: tuple[str, ...] = (), timeout: int = 180,
           env_add: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in env_drop} | (env_add or {})
    env["PYTHONPATH"] = os.pathsep.join([str(PACKAGE.parent), str(Path(__file__).parent)])
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, env=env)


def sources() -> list[tuple[str, ast.Module]]:
    return [(str(p.relative_to(PACKAGE)), ast.parse(p.read_text(encoding="utf-8"))) for p in PACKAGE.rglob("*.py")]


def dotted(node: ast.AST) -> str:
    """'torch.load' for the expression torch.load; '' for anything that is not a plain name chain."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = dotted(node.value)
        return f"{inner}.{node.attr}" if inner else ""
    return ""


def imported(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return names


def keyword(call: ast.Call, name: str):
    return next((k.value.value for k in call.keywords if k.arg == name and isinstance(k.value, ast.Constant)), None)


# --- nothing is unpickled ------------------------------------------------------

def test_the_payload_really_runs_code_when_unpickled(tmp_path):
    """The control for every 'marker must not appear' check: a plain unpickle does run it."""
    import pickle

    pickle.loads(code_pickle(tmp_path))
    assert (tmp_path / MARKER).read_text() == "code ran"


def test_source_never_unpickles_user_files():
    problems = []
    for name, tree in sources():
        for module in imported(tree):
            if module.split(".")[0] in UNSAFE_MODULES:
                problems.append(f"{name} imports {module}")
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = dotted(node.func)
                if func == "torch.load" and keyword(node, "weights_only") is not True:
                    problems.append(f"{name}:{node.lineno} torch.load without weights_only=True")
                if func in ("np.load", "numpy.load") and keyword(node, "allow_pickle") is True:
                    problems.append(f"{name}:{node.lineno} np.load with allow_pickle=True")
            if dotted(node) in ("pickle.load", "pickle.loads", "pickle.Unpickler") and name != RESTRICTED_UNPICKLER:
                problems.append(f"{name}:{node.lineno} uses {dotted(node)}")
            if isinstance(node, ast.ClassDef) and "pickle.Unpickler" in map(dotted, node.bases):
                if not any(isinstance(f, ast.FunctionDef) and f.name == "find_class" for f in node.body):
                    problems.append(f"{name}:{node.lineno} an Unpickler without a restricting find_class")
    assert problems == []


@pytest.mark.parametrize("module", ["genimg_gui.app", "genimg_gui.cli"])
def test_start_up_forces_weights_only_torch_load(module, tmp_path):
    """Even a "0" inherited from the environment is overridden (and so is an unset variable)."""
    evil = tmp_path / "evil.pt"
    evil.write_bytes(torch_code_pickle(tmp_path))
    load = f"import torch\ntry:\n    torch.load({str(evil)!r}, weights_only=False)\nexcept Exception as e:\n" \
           "    print('refused', type(e).__name__)\n"
    done = python(f"import os, {module}\n"
                  "print(os.environ['TORCH_FORCE_WEIGHTS_ONLY_LOAD'], os.environ['HF_HUB_OFFLINE'])\n" + load,
                  env_add={"TORCH_FORCE_WEIGHTS_ONLY_LOAD": "0", "HF_HUB_OFFLINE": "0"})
    assert done.stdout.split() == ["1", "1", "refused", "UnpicklingError"], done.stderr
    assert not (tmp_path / MARKER).exists()


def test_without_the_start_up_setting_that_load_runs_the_code(tmp_path):
    """The control: what the setting prevents really happens without it."""
    evil = tmp_path / "evil.pt"
    evil.write_bytes(torch_code_pickle(tmp_path))
    done = python(f"import torch\ntorch.load({str(evil)!r}, weights_only=False)\n",
                  env_drop=("TORCH_FORCE_WEIGHTS_ONLY_LOAD",))
    assert (tmp_path / MARKER).exists(), done.stderr


# --- nothing touches the network ----------------------------------------------------

def test_source_imports_no_network_library():
    problems = []
    for name, tree in sources():
        for module in imported(tree):
            if any(module == m or module.startswith(m + ".") for m in NETWORK_MODULES):
                problems.append(f"{name} imports {module}")
        for node in ast.walk(tree):
            if isinstance(node, (ast.Attribute, ast.Name)) and dotted(node).split(".")[-1] in NETWORK_CALLS:
                problems.append(f"{name}:{node.lineno} uses {dotted(node)}")
    assert problems == []


def test_no_network_use_when_importing_everything_and_running_the_cli(tmp_path, model_dir):
    """An audit hook sees every socket, DNS lookup and URL request the interpreter makes."""
    image = tmp_path / "dot.png"
    Image.new("RGB", (9, 9), (200, 30, 30)).save(image)
    code = f"""
import sys
seen = []
sys.addaudithook(lambda event, args: seen.append(event) if event.startswith(
    ("socket.", "urllib.Request", "http.client.", "ftplib.", "smtplib.")) else None)
import importlib, os, pkgutil
os.environ["QT_QPA_PLATFORM"] = "offscreen"
import genimg_gui
for m in pkgutil.walk_packages(genimg_gui.__path__, "genimg_gui."):
    if not m.name.endswith("__main__"):
        importlib.import_module(m.name)
from genimg_gui.cli import main
out = {str(tmp_path / 'out')!r}
assert main(["generate", "--gan", {str(model_dir / 'tiny-gan')!r}, "--seeds", "0-1", "-o", out, "--device", "cpu"]) == 0
assert main(["encode", {str(image)!r}, "--vae", {str(model_dir / 'tiny-vae')!r}, "-o", out, "--device", "cpu"]) == 0
print("network events:", seen)
"""
    done = python(code, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "network events: []" in done.stdout
    assert (tmp_path / "out" / "dot.npz").is_file() and (tmp_path / "out" / "seed0001.png").is_file()


# --- the operating system's refusal to read ------------------------------------------

def _open_as_nobody(path: Path) -> str:
    """open_image(path) in a child process with no privileges (tests often run as root, who reads anything)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop to 'nobody', try, report, exit without running any cleanup
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            try:
                open_image(path)
                text = "opened"
            except ImageLoadError as e:
                text = f"ImageLoadError: {e}"
            except BaseException as e:  # noqa: BLE001 - report anything to the parent
                text = f"{type(e).__name__}: {e}"
            os.write(write, text.encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as f:
        text = f.read().decode()
    os.waitpid(pid, 0)
    return text


@pytest.fixture()
def shared_folder():
    """A folder any user may enter (pytest's own temporary folders are private to their owner)."""
    folder = Path(tempfile.mkdtemp(prefix="genimg-test-"))
    folder.chmod(0o711)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.skipif(not hasattr(os, "fork") or not hasattr(os, "setuid"), reason="needs POSIX fork and setuid")
def test_unreadable_file_and_folder_give_a_clear_message(shared_folder):
    image = shared_folder / "private.png"
    Image.fromarray(np.zeros((4, 4, 3), np.uint8)).save(image)
    image.chmod(0)
    locked = shared_folder / "locked"
    locked.mkdir()
    inside = locked / "inside.png"
    Image.fromarray(np.zeros((4, 4, 3), np.uint8)).save(inside)
    locked.chmod(0)
    try:
        if os.geteuid() == 0:
            texts = [_open_as_nobody(image), _open_as_nobody(inside)]
        else:
            texts = []
            for path in (image, inside):
                with pytest.raises(ImageLoadError) as err:
                    open_image(path)
                texts.append(f"ImageLoadError: {err.value}")
    finally:
        locked.chmod(0o755)
    assert texts == [f"ImageLoadError: no permission to read {image}",
                     f"ImageLoadError: no permission to read {inside}"]
