"""`genimg-gui`: open the main window with the bundled models loaded."""
from __future__ import annotations

import argparse
import os
import sys

from .startup_signals import flush_output

# Refuse full unpickling anywhere torch.load is reached, even by a library.
os.environ["TORCH_FORCE_WEIGHTS_ONLY_LOAD"] = "1"  # forced: an inherited "0" must not switch it off
os.environ["HF_HUB_OFFLINE"] = "1"

# once the window has closed (having waited main_window.CLOSE_WAIT_MS), how much longer the worker may take to stop at
# its next layer or step, so that Python ends as usual, before the process ends without it (_exit_now)
EXIT_WAIT_MS = 2000


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    # the CLI's checks and its reading of '-' values (no torch): `--device tpu` started
    from .train.arg_types import dash_values_joined, device_name, positive_int

    p = argparse.ArgumentParser(prog="genimg-gui", description="Edit and generate images through latent spaces.")
    p.add_argument("files", nargs="*", help="images or folders of them to open (or model folders and files to load)")
    p.add_argument("--device", type=device_name, default="auto",
                   help="auto (cuda → mps → cpu), cpu, cuda, cuda:1, mps")
    p.add_argument("--vae", help="VAE model folder, or an SD VAE / TAESD file, to load instead of the bundled one")
    p.add_argument("--gan", help="GAN model folder, or a StyleGAN2 .pkl, to load instead of the bundled one")
    p.add_argument("--threads", type=positive_int, help="CPU threads for the models (default: all cores but one)")
    p.add_argument("--style", help="Qt widget style, such as Fusion (default: the desktop's, or QT_STYLE_OVERRIDE's)")
    # `--vae -my-vae`: a value starting with '-' is the option's, as the CLI takes it ("expected one argument")
    return p.parse_args(dash_values_joined(list(sys.argv[1:] if argv is None else argv), p._option_string_actions))


def no_display() -> str:
    """Why the window cannot open, before Qt is asked to: on Linux with no display to show it on (no DISPLAY or
    WAYLAND_DISPLAY) and no Qt platform chosen, Qt's xcb plugin aborted the process (exit 134, "could not load the Qt
    platform plugin"); "" where a window can open, or Qt was told where (QT_QPA_PLATFORM=offscreen)."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return ""
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return ""
    return ("genimg-gui: error: no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set). "
            "Run it in a desktop session, or headless with QT_QPA_PLATFORM=offscreen; `genimg` does the same work on "
            "the command line (genimg --help)")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)  # first: --help and a mistyped option need no display
    if problem := no_display():
        print(problem, file=sys.stderr)
        return 2
    import PySide6
    from PySide6.QtWidgets import QApplication

    # no torch on this thread: the worker thread imports it as it starts, while the window shows (it had waited 4 s)
    from .catalog import bundled_models
    from .qt_binding import binding_problem
    from .engine.engine import Engine
    from .ui.app_style import set_up_style
    from .ui.main_window import MainWindow
    from .ui.settings import Settings

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("genimg")
    app.setOrganizationName("genimg")
    if problem := set_up_style(app, args.style):
        print(f"genimg-gui: warning: {problem}", file=sys.stderr, flush=True)
    settings = Settings()
    device, device_note = start_device(args.device, settings.device())
    engine = Engine(device, threads=args.threads or 0)
    window = MainWindow(engine, bundled_models(), settings)
    if device_note:
        window.show_error(device_note)
    # said where a person launching from a menu sees it too; a damaged install without a version is no reason to stop
    if problem := binding_problem(getattr(PySide6, "__version__", "")):
        print(problem, file=sys.stderr)
        window.show_error(problem)
    # a model folder among the files takes the place of the last model of its kind: the kept session's was loaded
    # first, then replaced
    window.model_list.load_start_models({"vae": args.vae, "gan": args.gan}, args.files)
    say_start_failures(args, window)
    if args.files:
        # after the models load (jobs run in order, but an SD VAE file's load waits for its scale to be asked), and
        # after the session offered back below: a file it holds is shown, not opened again (Document.session_due)
        window.open_paths(args.files, after_loads=True, named=True)
    window.show()
    # the session the last run left is read in the background: its question, or its images, follow once read
    window.questions.offer_restore()
    code = app.exec()
    # exec returns once the window closed, its closeEvent having stopped the engine (waiting CLOSE_WAIT_MS): a worker
    # still inside one long step gets EXIT_WAIT_MS more, out of sight, then the process ends without it. An engine
    # not asked to stop (tests run the event loop themselves, the window left open) is none of this exit's business:
    # stopping it here ended a test's window, and _exit_now the whole test run, with exit code 0
    if engine.closing and not engine.shutdown(EXIT_WAIT_MS):
        _exit_now(code)
    return code


def say_start_failures(args: argparse.Namespace, window) -> None:
    """A model named by --vae or --gan that cannot be loaded is said on the terminal too ("genimg-gui: error: …"),
    as `genimg` says it, besides the window's words: `genimg-gui --vae DOES-NOT-EXIST` printed nothing."""
    from .not_a_model import no_model_note

    def say(message: str) -> None:
        print(f"genimg-gui: error: {message}", file=sys.stderr, flush=True)
    for named in (args.vae, args.gan):
        if named and (note := no_model_note(named, "app")):  # refused at once, not sent to the worker
            say(note)
    asked = window.model_list.asked_at_start
    window.document.engine.failed.connect(
        lambda f: say(f.message) if f.final and not f.cancelled and f.seq in asked else None)


def start_device(asked: str, saved: str | None) -> tuple[str, str]:
    """The device the app starts on: --device's, else the one chosen last (saved in the settings), else auto; and
    what to say of a saved one that names no device (a settings file edited by hand), which torch's own refusal
    said as a list of a dozen device types genimg never runs on."""
    from .train.arg_types import is_device_name

    if asked != "auto" or not saved:
        return asked, ""
    if is_device_name(saved):
        return saved, ""
    return "cpu", f"The saved device {saved!r} is not one genimg knows (cpu, cuda, mps); using the CPU"


def _exit_now(code: int) -> None:
    """End the process while the worker is still inside one long step that no check reaches (a single layer of a big
    network, such as an SD VAE's attention over a large tile, or a model file being read). Returning would have Python
    destroy its running QThread, and Qt abort (exit 134, "QThread: Destroyed while thread is still running");
    QThread.terminate could stop it inside torch holding a lock; waiting would keep a closed app running for minutes.
    The window saved the session and settings as it closed, and the step's result has no one left to take it: output
    flushed, the process ends here."""
    flush_output()
    os._exit(code)


if __name__ == "__main__":
    sys.exit(main())
