"""A GAN's 2048 mapped w (seed 0) are mapped once per load: the typicality meter's anchors and the inversion's
set-up share them. The set-up (those w, and 24 drawings to see whether the GAN ignores |w|) depends on the generator
alone: the Runtime makes it at a GAN's first inversion and keeps it for the next pictures; another GAN, the same
folder loaded again (trained again in place) or a device change makes it anew."""
from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
import torch

from genimg_gui.engine import inversion
from genimg_gui.engine.runtime import Runtime
from genimg_gui.models.gan import Generator
from conftest import TINY_GAN, make_model_folder
from test_inversion import drawing

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture()
def calls(monkeypatch) -> Counter:
    """Counts the tiny GAN's mappings of 2048 z (the set-up's) and the pictures it draws."""
    counted: Counter = Counter()
    real_map, real_synthesize = Generator.map, Generator.synthesize

    def mapping(self, z, *args, **kwargs):
        counted["map 2048"] += len(z) == 2048
        return real_map(self, z, *args, **kwargs)

    def synthesize(self, w):
        counted["pictures"] += len(w)
        return real_synthesize(self, w)

    monkeypatch.setattr(Generator, "map", mapping)
    monkeypatch.setattr(Generator, "synthesize", synthesize)
    return counted


def inverted(rt: Runtime, image: np.ndarray, calls: Counter) -> tuple[np.ndarray, Counter]:
    """The final w of a 3-step inversion, and the calls it made."""
    before = Counter(calls)
    final = rt.invert(image, steps=3, editability=0.5)
    return final.w, calls - before


def loaded(rt: Runtime, folder, calls: Counter) -> Counter:
    """The calls a load made."""
    before = Counter(calls)
    rt.load(str(folder), lambda *_: None)
    return calls - before


def pictures(rt: Runtime) -> tuple[np.ndarray, np.ndarray]:
    return drawing(rt.models["gan"].net, 3), drawing(rt.models["gan"].net, 4)


def test_a_loaded_gan_maps_its_w_once(tmp_path, calls):
    """Load (directions estimated, anchors for the typicality meter) and two inversions: one mapping of 2048 z."""
    torch.manual_seed(3)  # a fresh folder: no saved directions, so the load estimates them too
    folder = make_model_folder(tmp_path / "fresh-gan", Generator(TINY_GAN), "fresh-gan")
    rt = Runtime("cpu")
    rt.load(str(folder), lambda *_: None)
    assert calls["map 2048"] == 1 and rt.models["gan"].inversion_setup is None
    first_picture, second_picture = pictures(rt)
    _, first = inverted(rt, first_picture, calls)
    w, second = inverted(rt, second_picture, calls)
    assert calls["map 2048"] == 1, (first, second)
    gan = rt.models["gan"]
    # the very points the meter measures against, and the values a set-up of its own maps
    assert np.array_equal(gan.inversion_setup.ws.numpy(), gan.directions.anchors.points)
    assert torch.equal(gan.inversion_setup.ws, inversion.mapped_ws(gan.net))
    before = Counter(calls)
    inversion.ignores_length(gan.net, inversion.mapped_ws(gan.net))  # 16 or 24 pictures: it stops at a change
    probe = (calls - before)["pictures"]
    assert probe >= 16 and second["pictures"] == first["pictures"] - probe, (first, second, probe)
    # the same result as an inversion that makes its own set-up
    alone = list(inversion.invert(gan.net, second_picture, 3, 0.5, gan.directions, preview_every=0))[-1]
    assert np.array_equal(w, alone.w)


def test_another_or_reloaded_gan_makes_its_own(model_dir, tmp_path, calls):
    rt = Runtime("cpu")
    rt.load(str(model_dir / "tiny-gan"), lambda *_: None)
    picture, _ = pictures(rt)
    inverted(rt, picture, calls)
    torch.manual_seed(7)
    other = make_model_folder(tmp_path / "other-gan", Generator(TINY_GAN), "other-gan")
    assert loaded(rt, other, calls)["map 2048"] == 1
    _, made = inverted(rt, picture, calls)
    assert made["map 2048"] == 0
    assert torch.equal(rt.models["gan"].inversion_setup.ws, inversion.gan_setup(rt.models["gan"].net).ws)

    torch.manual_seed(8)  # trained again in place: new weights in the same folder, loaded again
    make_model_folder(other, Generator(TINY_GAN), "other-gan")
    assert loaded(rt, other, calls)["map 2048"] == 1
    _, made = inverted(rt, picture, calls)
    assert made["map 2048"] == 0
    assert torch.equal(rt.models["gan"].inversion_setup.ws, inversion.gan_setup(rt.models["gan"].net).ws)

    rt.set_device("cpu")  # its tensors would be on the old device
    assert rt.models["gan"].inversion_setup is None
    _, made = inverted(rt, picture, calls)
    assert made["map 2048"] == 0 and rt.models["gan"].inversion_setup is not None  # from the w the load mapped
