"""Refining a GAN's samples with its own discriminator (models/refine.py, Runtime.map_seed(draw=REFINE)):
the steps leave the seam between two faces for the seed's own side, never depend on the batch, and the
app reads the discriminator a GAN folder holds, or does without."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import torch
from torch import nn

from genimg_gui.engine.runtime import Runtime
from genimg_gui.models.gan import Discriminator, Generator, seed_z
from genimg_gui.models.latent_gan import LatentGenerator
from genimg_gui.models.refine import (DISCRIMINATOR_FILE, STEP_SIZE, STEPS, judged_input, read_discriminator,
                                     refine, solo)
from genimg_gui.models.weights import ModelFileError, save_model, save_tensors
from genimg_gui.seed_draws import OWN, REFINE, SKIP_MIXTURES
from genimg_gui.train.finetune import save_discriminator
from conftest import CARD, TINY_GAN, UI_TIMEOUT
from test_inversion import TINY_LATENT_GAN
from ui_helpers import shown

pytestmark = pytest.mark.usefixtures("one_torch_thread")


class TwoFaces(nn.Module):
    """Two images, all +1 for w[0] > 0 and all -1 below, their blend on the seam at w[0] = 0."""

    def __init__(self) -> None:
        super().__init__()
        self.cfg = SimpleNamespace(z_dim=2, classes=())

    def map(self, z: torch.Tensor, psi: float = 1.0, c: torch.Tensor | None = None) -> torch.Tensor:
        return psi * z

    def synthesize(self, w: torch.Tensor) -> torch.Tensor:
        return torch.tanh(3 * w[:, :1, None, None]).expand(-1, 3, 4, 4)


class Crispness(nn.Module):
    """A judge that calls pictures real as their pixels near +1 or -1, as drawn faces do, and blends fake."""

    def forward(self, x: torch.Tensor, c: torch.Tensor | None = None) -> torch.Tensor:
        return 20 * x.abs().mean(dim=(1, 2, 3))


def energy(gen, judge, z: torch.Tensor, psi: float) -> torch.Tensor:
    return 0.5 * z.square().sum(1) - judge(gen.synthesize(gen.map(z, psi)))


def test_a_seed_on_the_seam_moves_to_its_own_side_and_its_energy_falls():
    gen, judge = TwoFaces(), Crispness()
    z = torch.tensor([[0.05, 1.0], [-0.05, 1.0], [1.5, -0.5]])
    out = refine(gen, judge, z, 1.0)
    assert out[0, 0] > 0.15 and out[1, 0] < -0.15  # off the seam, each towards the face it leaned to
    assert torch.all(energy(gen, judge, out, 1.0) < energy(gen, judge, z, 1.0))
    # a clean face's judge is all but flat: the prior pulls it, a little, towards the centre
    assert torch.allclose(out[2], z[2] * (1 - STEP_SIZE / 2) ** STEPS, atol=0.02)
    assert torch.equal(out, refine(gen, judge, z, 1.0))  # no noise: the same every time


def test_the_number_of_steps_is_read_when_refining(monkeypatch):
    import genimg_gui.models.refine as module

    z = torch.tensor([[0.05, 1.0]])
    monkeypatch.setattr(module, "STEPS", 0)  # as benchmarks/refine_samples.py --steps sets it
    assert torch.equal(refine(TwoFaces(), Crispness(), z, 1.0), z)


@pytest.fixture(scope="module")
def latent_gan_and_judge() -> tuple[LatentGenerator, Discriminator]:
    torch.manual_seed(0)
    gen = LatentGenerator(TINY_LATENT_GAN).eval().requires_grad_(False)
    judge = Discriminator(gen.cfg, in_channels=TINY_LATENT_GAN.vae.latent_channels).eval().requires_grad_(False)
    return gen, judge


def test_a_seeds_refinement_does_not_depend_on_the_others_in_its_batch(latent_gan_and_judge):
    gen, judge = latent_gan_and_judge
    solo(judge)
    z = torch.cat([seed_z(s, gen.cfg.z_dim) for s in range(4)])
    together = refine(gen, judge, z, 0.7, steps=5)
    alone = torch.cat([refine(gen, judge, z[i:i + 1], 0.7, steps=5) for i in range(4)])
    assert torch.allclose(together, alone, atol=1e-5)
    assert not torch.allclose(together, z, atol=1e-3)  # it moved
    assert not any(p.requires_grad for p in gen.parameters())  # the networks were left as they were


def test_a_conditional_gan_must_say_its_classes():
    gen = TwoFaces()
    gen.cfg.classes = ("a", "b")
    with pytest.raises(ValueError, match="needs their classes"):
        refine(gen, Crispness(), torch.zeros(1, 2), 1.0)


def _latent_gan_folder(folder, with_judge: bool):
    torch.manual_seed(0)
    gen = LatentGenerator(TINY_LATENT_GAN)
    save_model(folder, gen, {**CARD, "name": folder.name})
    judge = Discriminator(gen.cfg, in_channels=TINY_LATENT_GAN.vae.latent_channels)
    if with_judge:
        save_discriminator(folder, judge)
    return gen, judge


def test_the_discriminator_a_folder_holds_is_read_and_a_wrong_file_is_refused(tmp_path):
    gen, judge = _latent_gan_folder(tmp_path / "gan", with_judge=True)
    read = read_discriminator(tmp_path / "gan", gen)
    x = gen.synthesize_latent(gen.map(torch.randn(2, gen.cfg.z_dim))).detach()
    assert torch.allclose(read(x), solo(judge.eval())(x), atol=0.05)  # saved in half precision
    assert read_discriminator(tmp_path, gen) is None  # no file: nothing to refine with
    save_tensors(tmp_path / DISCRIMINATOR_FILE, {"head.weight": torch.zeros(3, 3)})
    with pytest.raises(ModelFileError):
        read_discriminator(tmp_path, gen)


def test_the_runtime_refines_a_seed_when_its_gan_has_a_discriminator_and_draws_it_plain_otherwise(tmp_path):
    _latent_gan_folder(tmp_path / "judged", with_judge=True)
    _latent_gan_folder(tmp_path / "plain", with_judge=False)
    rt = Runtime("cpu")
    rt.load(str(tmp_path / "judged"), lambda *_: None)
    plain, refined = rt.map_seed(3, 0.7), rt.map_seed(3, 0.7, draw=REFINE)
    assert not np.allclose(plain, refined, atol=1e-4) and rt.drawn_as(REFINE) == REFINE
    assert np.array_equal(refined, rt.map_seed(3, 0.7, draw=REFINE))
    net = rt.model("gan").net
    with torch.no_grad():
        assert np.allclose(refined, net.map(rt.refined_z(3, 0.7), 0.7)[0].numpy(), atol=1e-6)
    assert rt.decode("gan", refined).shape == (32, 32, 3)
    rt.load(str(tmp_path / "plain"), lambda *_: None)
    assert rt.discriminator() is None
    assert np.array_equal(rt.map_seed(3, 0.7, draw=REFINE), rt.map_seed(3, 0.7)) and rt.drawn_as(REFINE) == OWN
    with pytest.raises(ModelFileError, match="no discriminator"):
        rt.refined_z(3, 0.7)


def test_choosing_refine_draws_the_refined_seed_undo_brings_the_own_back_and_one_draw_is_chosen_at_a_time(
        qtbot, window, tmp_path):
    torch.manual_seed(3)
    gan = Generator(TINY_GAN)
    save_model(tmp_path / "judged-gan", gan, {**CARD, "name": "judged-gan"})
    save_discriminator(tmp_path / "judged-gan", Discriminator(TINY_GAN))
    doc, panel = window.document, window.gan_panel
    refine = panel.draw_button(REFINE)
    assert not refine.isEnabled() and panel.values()[3] == OWN  # the window's tiny GAN has no discriminator
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        doc.load_model(str(tmp_path / "judged-gan"))
    qtbot.waitUntil(lambda: refine.isEnabled(), timeout=UI_TIMEOUT)
    reference = Runtime("cpu")
    reference.load(str(tmp_path / "judged-gan"), lambda *_: None)
    [item] = [i for i in doc.items.values() if i.kind == "gan"]
    window.filmstrip.setCurrentRow(0)
    own = reference.decode("gan", reference.map_seed(item.seed, item.psi))
    # re-mapped by the new GAN as the old one drew it: its own z, the old GAN having had nothing to refine with
    qtbot.waitUntil(lambda: np.array_equal(item.image, own), timeout=UI_TIMEOUT)
    assert item.draw == OWN and panel.draw_button(OWN).isChecked()
    refine.click()
    assert panel.values()[3] == REFINE
    refined = reference.decode("gan", reference.map_seed(item.seed, item.psi, draw=REFINE))
    assert not np.array_equal(refined, own)
    qtbot.waitUntil(lambda: np.array_equal(item.image, refined), timeout=UI_TIMEOUT)
    assert item.draw == REFINE
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: np.array_equal(shown(window), own), timeout=UI_TIMEOUT)
    window.redo_action.trigger()
    qtbot.waitUntil(lambda: np.array_equal(shown(window), refined), timeout=UI_TIMEOUT)
    panel.draw_button(SKIP_MIXTURES).click()  # one way to draw at a time: choosing Skip mixtures drops Refine
    assert not refine.isChecked() and panel.values()[3] == SKIP_MIXTURES
    skipped = reference.decode("gan", reference.map_seed(item.seed, item.psi, None, SKIP_MIXTURES))
    qtbot.waitUntil(lambda: np.array_equal(item.image, skipped), timeout=UI_TIMEOUT)
    assert item.draw == SKIP_MIXTURES


def test_a_gan_whose_discriminator_is_damaged_says_why_refine_is_greyed_out(qtbot, window, tmp_path):
    """Refine was greyed out and Own z drawn without a word on why: a damaged discriminator.safetensors."""
    save_model(tmp_path / "gd", Generator(TINY_GAN), {**CARD, "name": "judged-gan"})
    save_discriminator(tmp_path / "gd", Discriminator(TINY_GAN))
    judge = tmp_path / "gd" / DISCRIMINATOR_FILE
    judge.write_bytes(judge.read_bytes()[:1000])
    doc, panel = window.document, window.gan_panel
    with qtbot.waitSignal(doc.message, timeout=UI_TIMEOUT, check_params_cb=lambda text: "refine" in text) as said:
        doc.load_model(str(tmp_path / "gd"))
    assert said.args[0].startswith(f"judged-gan cannot refine seeds, which draw their own z: {judge} is a damaged "
                                   "file, not a readable safetensors file")
    assert not panel.draw_button(REFINE).isEnabled() and panel.draw_button(OWN).isChecked()
    assert said.args[0] in window.status.log.text()  # kept in View → Message log


def test_a_window_whose_first_gan_has_a_discriminator_draws_refined_a_gan_without_one_own_z_and_the_first_again_refined(
        qtbot, engine, model_dir, tmp_path):
    from genimg_gui.session import load_session, save_session
    from genimg_gui.ui.main_window import MainWindow

    torch.manual_seed(3)
    save_model(tmp_path / "judged-gan", Generator(TINY_GAN), {**CARD, "name": "judged-gan"})
    save_discriminator(tmp_path / "judged-gan", Discriminator(TINY_GAN))
    window = MainWindow(engine, [])
    qtbot.addWidget(window)
    doc, panel = window.document, window.gan_panel
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        doc.load_model(str(tmp_path / "judged-gan"))
    qtbot.waitUntil(lambda: len(doc.items) == 1, timeout=UI_TIMEOUT)  # the automatic first sample
    [item] = doc.items.values()
    reference = Runtime("cpu")
    reference.load(str(tmp_path / "judged-gan"), lambda *_: None)
    assert item.draw == REFINE and panel.draw_button(REFINE).isChecked()
    assert np.array_equal(item.image, reference.decode("gan", reference.map_seed(item.seed, item.psi, draw=REFINE)))
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        doc.load_model(str(model_dir / "tiny-gan"))
    # the panel shows how the new GAN draws (its own z), and the item is re-mapped so and says so
    assert panel.draw_button(OWN).isChecked() and not panel.draw_button(REFINE).isEnabled()
    reference.load(str(model_dir / "tiny-gan"), lambda *_: None)
    plain = reference.decode("gan", reference.map_seed(item.seed, item.psi))
    qtbot.waitUntil(lambda: np.array_equal(item.image, plain), timeout=UI_TIMEOUT)
    assert item.draw == OWN
    # a session saved now and restored keeps what was asked for (exported: the user's, where a start-up sample left
    # as it came is not saved)
    doc.mark_exported(item)
    doc.restore(load_session(save_session(doc.to_session(), tmp_path / "session.safetensors")))
    restored = doc.current
    assert restored is not item and (restored.draw, restored.asked_draw) == (OWN, REFINE)
    # back on a GAN that can refine, the items are refined again, as they were asked to be, and the panel says so
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        doc.load_model(str(tmp_path / "judged-gan"))
    reference.load(str(tmp_path / "judged-gan"), lambda *_: None)
    refined = reference.decode("gan", reference.map_seed(item.seed, item.psi, draw=REFINE))
    qtbot.waitUntil(lambda: all(np.array_equal(i.image, refined) for i in (item, restored)), timeout=UI_TIMEOUT)
    assert item.draw == restored.draw == REFINE
    assert panel.draw_button(REFINE).isChecked() and panel.draw_button(REFINE).isEnabled()
    window.close()


def test_on_the_bundled_face_gan_refining_raises_every_seeds_realness_and_keeps_z_near():
    from genimg_gui.catalog import BUNDLED_DIR
    from genimg_gui.models.gan import seed_class

    rt = Runtime("cpu")
    rt.load(str(BUNDLED_DIR / "emoji-faces-gan"), lambda *_: None)
    gen, judge = rt.model("gan").net, rt.discriminator()
    assert judge is not None
    for seed in range(3):
        c = seed_class(gen, seed)
        z, refined = seed_z(seed, gen.cfg.z_dim), rt.refined_z(seed, 0.7)
        with torch.no_grad():
            before, after = (float(judge(judged_input(gen, gen.map(x, 0.7, c)), c)) for x in (z, refined))
        assert after > before + 0.1
        assert 0.3 < float((refined - z).norm()) < 4  # moved, but a step from |z| ~ 11 away, not to another seed
