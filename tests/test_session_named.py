"""A model named on the command line wins over a kept session's. A tester kept a photo and a sample, trained my-vae
and my-gan and ran `genimg-gui --vae my-vae --gan my-gan`: the session came back once they had loaded, then loaded
its own models over them (the log read "Loaded my-vae …, Loaded my-gan …, Reopened 2 images …, Loaded emoji-vae …,
Encoding your pictures again with the new VAE (1)"), as if the user had not chosen. Now the user's models stay
active, the log says the session's were not loaded, and the session's images follow the user's."""
from __future__ import annotations

from pathlib import Path

import pytest
import torch

from conftest import TINY_GAN, TINY_VAE, make_model_folder
from foreign_builders import sd_vae_file, stylegan_pickle
from genimg_gui.engine.runtime import Runtime
from genimg_gui.models.gan import Generator
from genimg_gui.models.vae import ConvVAE
from genimg_gui.ui.main_window import MainWindow
from genimg_gui.ui.model_controller import ModelController
from genimg_gui.ui.session_questions import SessionQuestions
from test_session_choice import keep_one_sample
from test_start_fallback import started


def models_of_mine(folder: Path) -> tuple[Path, Path]:
    """my-vae and my-gan: other weights than the session's tiny models (another model each, not a copy)."""
    torch.manual_seed(7)
    vae = make_model_folder(folder / "my-vae", ConvVAE(TINY_VAE), "my-vae")
    torch.manual_seed(8)
    return vae, make_model_folder(folder / "my-gan", Generator(TINY_GAN), "my-gan")


def settled(window: MainWindow) -> bool:
    doc = window.document
    return (len(doc.items) == 2 and {"vae", "gan"} <= set(doc.models) and not doc.jobs
            and not doc.carry.pending_any() and not doc.samples.pending and not doc.waiting_files
            and all(i.shown_seq >= i.requested_seq for i in doc.items.values()))


@pytest.mark.parametrize("named_as", ["options", "files"])
@pytest.mark.parametrize("kept_on_quit", [True, False])
def test_models_named_on_the_command_line_win_over_a_kept_sessions(qtbot, monkeypatch, window, image_files,
                                                                   tmp_path, named_as, kept_on_quit):
    """named_as options: --vae my-vae --gan my-gan; files: the model folders given as arguments, as a drop opens
    them. kept_on_quit False: a crash's session, restored as soon as the question is answered (here at once)."""
    kept = keep_one_sample(qtbot, window, image_files[0], kept_on_quit)
    if not kept_on_quit:
        monkeypatch.setattr(SessionQuestions, "ask_restore", lambda self, names: True)
    vae, gan = models_of_mine(tmp_path)
    argv = ["--vae", str(vae), "--gan", str(gan)] if named_as == "options" else [str(vae), str(gan)]
    again = started(qtbot, monkeypatch, argv, settled)

    doc = again.document
    assert doc.models["vae"].name == "my-vae" and doc.models["gan"].name == "my-gan"  # the bundled ones, or tiny
    for kind in ("vae", "gan"):
        assert again.model_panel.details[f"Active {kind.upper()}"].text() == f"my-{kind}"
    assert sorted(i.name for i in doc.items.values()) == sorted(saved.name for saved in kept.items)
    for item in doc.items.values():  # each encoded, or drawn, again by the user's model of its kind
        assert item.directions_of == doc.models[item.kind].identity
    said = [entry.text for entry in again.status.log.entries]
    loaded = [s.split()[1] for s in said if s.startswith("Loaded ")]
    # the session's models, the last ones, loaded neither after them nor before: model folders among the files take
    # their place at start-up as the options do (the last ones had loaded first, then been replaced)
    assert sorted(loaded) == ["my-gan", "my-vae"], said
    assert "The session's tiny-vae was not loaded: you opened my-vae" in said, said
    assert "The session's tiny-gan was not loaded: you opened my-gan" in said, said
    assert "Drawing your samples again with the new GAN (1)" in said


@pytest.mark.parametrize("named_as", ["options", "files"])
def test_a_gan_file_named_on_the_command_line_wins_over_a_crashs_session(qtbot, monkeypatch, window, image_files,
                                                                        tmp_path, named_as):
    """A StyleGAN pickle, a file with no card to tell its kind, named with --gan or among the files: a crash's
    session, restored as it still loaded, was counted the user's choice only by a folder's card, and loaded its
    own tiny-gan after it ("Loaded mine …, Loaded tiny-gan …"). Now --gan names its kind, and the restore waits for
    a file among the files until the worker has read it."""
    keep_one_sample(qtbot, window, image_files[0], kept=False)
    monkeypatch.setattr(SessionQuestions, "ask_restore", lambda self, names: True)
    mine = str(stylegan_pickle(tmp_path / "mine.pkl", tmp_path / "marker"))
    again = started(qtbot, monkeypatch, ["--gan", mine] if named_as == "options" else [mine], settled)

    doc = again.document
    said = [entry.text for entry in again.status.log.entries]
    assert doc.models["gan"].source == mine, said
    assert [s.split()[1] for s in said if s.startswith("Loaded ")][-1] == "mine", said
    # named as the file while it loads (mine.pkl), as the model once it has (mine)
    assert any(s.startswith("The session's tiny-gan was not loaded: you opened mine") for s in said), said
    assert "Drawing your samples again with the new GAN (1)" in said
    assert doc.named == {}  # the restore is done: the command line's models win over nothing more


@pytest.mark.parametrize("named_as", ["options", "files"])
@pytest.mark.parametrize("kept_on_quit", [True, False])
def test_an_sd_vae_file_named_on_the_command_line_wins_once_its_scale_is_asked(qtbot, monkeypatch, window,
                                                                              image_files, tmp_path, named_as,
                                                                              kept_on_quit):
    """`genimg-gui another-sd.safetensors`: its load comes back asking the latent scale and is sent again with it.
    The session, waiting for the start-up's loads, came back as the question was answered, in its own tiny-vae
    (the last VAE, loaded at start-up), and then followed the SD VAE as a switch: "Loaded tiny-vae …, Reopened 2
    images …, Loaded another-sd …, Encoding your pictures again with the new VAE (1)", with no word that the
    session's VAE gave way. Now the restore waits for the load sent again, and says so."""
    kept = keep_one_sample(qtbot, window, image_files[0], kept_on_quit)
    if not kept_on_quit:
        monkeypatch.setattr(SessionQuestions, "ask_restore", lambda self, names: True)
    asked = []

    def ask_scale(opener: ModelController, request) -> float:
        """The question's answer; while it is open, its event loop runs, and another job may end meanwhile."""
        opener.document.loading_changed.emit()
        asked.append((request.path, sorted(i.name for i in opener.document.items.values() if i.kind == "vae")))
        return 0.18215
    monkeypatch.setattr(ModelController, "ask_scale", ask_scale)
    sd = str(sd_vae_file(tmp_path / "another-sd.safetensors"))
    load = Runtime.load

    def reading(self, path, progress, *args, **kwargs):
        """A real-size file's load tells how far it has read: its progress's end, told before the question, had
        counted the load as come."""
        if path == sd:
            progress(0.5, "Reading another-sd.safetensors")
        return load(self, path, progress, *args, **kwargs)
    monkeypatch.setattr(Runtime, "load", reading)
    again = started(qtbot, monkeypatch, ["--vae", sd] if named_as == "options" else [sd], settled)

    doc = again.document
    said = [entry.text for entry in again.status.log.entries]
    # a kept session waits for the start-up's models; a crash's, restored once it is read (in the background, before
    # or after the scale is asked), follows --vae's as it comes
    [(path, open_then)] = asked
    assert path == sd and doc.models["vae"].source == sd, said
    if kept_on_quit or named_as == "files":
        assert open_then == [], said
    assert [s.split()[1] for s in said if s.startswith("Loaded ")][-1] == "another-sd", said
    assert any(s.startswith("The session's tiny-vae was not loaded: you opened another-sd") for s in said), said
    assert sorted(i.name for i in doc.items.values()) == sorted(saved.name for saved in kept.items)
    for item in doc.items.values():
        assert item.directions_of == doc.models[item.kind].identity
    assert doc.named == {}
