"""StyleGAN2-ADA network pickles: read without running code from them, run in the clean-room generator.

The pickles are built here the way StyleGAN2-ADA writes them: each network reduces to
torch_utils.persistence._reconstruct_persistent_obj(meta), meta carrying source code
(which would write a marker file if run) and the module's __dict__ with real torch-pickled
tensors. Fake `torch_utils`/`dnnlib` modules exist in sys.modules only while dumping.
"""
import builtins
import math
import pickle
import subprocess
import sys
import types
from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from genimg_gui.models.safe_pickle import (TensorFlowPickleError, UnsafePickleError, read_network_pickle,
                                           stylegan_generator_state)
from genimg_gui.models.stylegan2 import (CLASS_AVG_SAMPLES, CLASS_AVG_SEED, FullyConnected, StyleGAN2Config,
                                         StyleGAN2Generator, fir_filter, modulated_conv2d, upfirdn2d, upsample2d)
from genimg_gui.models.stylegan2_files import load_stylegan_pickle
from genimg_gui.models.weights import ModelFileError

TINY = StyleGAN2Config(z_dim=8, w_dim=8, img_resolution=16, channel_base=128, channel_max=16,
                       num_mapping_layers=2, conv_clamp=256.0)  # 16 channels at 4 and 8 px, 8 at 16 px


@contextmanager
def fake_stylegan_modules():
    """`torch_utils.persistence` and `dnnlib.util` as StyleGAN2-ADA has them, for pickle to name."""
    mods = {name: types.ModuleType(name) for name in ("torch_utils", "torch_utils.persistence",
                                                      "dnnlib", "dnnlib.util")}

    def _reconstruct_persistent_obj(meta):
        raise AssertionError("only ever named in the pickle, never called")

    class EasyDict(dict):
        pass

    for obj, module in ((_reconstruct_persistent_obj, "torch_utils.persistence"), (EasyDict, "dnnlib.util")):
        obj.__module__, obj.__qualname__ = module, obj.__name__
    mods["torch_utils.persistence"]._reconstruct_persistent_obj = _reconstruct_persistent_obj
    mods["dnnlib.util"].EasyDict = EasyDict
    with pytest.MonkeyPatch.context() as mp:
        for name, mod in mods.items():
            mp.setitem(sys.modules, name, mod)
        yield mods


class Persistent:
    """Pickles exactly like a @persistent_class instance: a call with (meta,)."""

    def __init__(self, class_name: str, state: dict, module_src: str) -> None:
        self.class_name, self.state, self.module_src = class_name, state, module_src

    def __reduce__(self):
        meta = dict(type="class", version=4, module_src=self.module_src, class_name=self.class_name,
                    state=self.state)
        return sys.modules["torch_utils.persistence"]._reconstruct_persistent_obj, (meta,)


def persistent(module: torch.nn.Module, src: str, class_name: str, init_kwargs: dict | None = None) -> Persistent:
    scalars = {k: v for k, v in vars(module).items() if isinstance(v, (bool, int, float, str, type(None)))}
    scalars["act_gain"] = np.sqrt(2.0)  # StyleGAN2-ADA modules hold numpy scalars like this one
    state = dict(scalars, _parameters=OrderedDict(module._parameters), _buffers=OrderedDict(module._buffers),
                 _non_persistent_buffers_set=set(), _forward_hooks=OrderedDict(), _backward_hooks=OrderedDict(),
                 _modules=OrderedDict((k, persistent(m, src, f"training.networks.{type(m).__name__}"))
                                      for k, m in module._modules.items()),
                 _init_args=(), _init_kwargs=init_kwargs or {})
    return Persistent(class_name, state, src)


def ada_kwargs(cfg: StyleGAN2Config, easydict: type) -> dict:
    return dict(z_dim=cfg.z_dim, w_dim=cfg.w_dim, c_dim=cfg.c_dim, img_resolution=cfg.img_resolution,
                img_channels=cfg.img_channels, mapping_kwargs=easydict(num_layers=cfg.num_mapping_layers),
                synthesis_kwargs=easydict(channel_base=cfg.channel_base, channel_max=cfg.channel_max,
                                          num_fp16_res=4, conv_clamp=cfg.conv_clamp, architecture="skip"))


def tiny_generator(seed: int = 0) -> StyleGAN2Generator:
    torch.manual_seed(seed)
    g = StyleGAN2Generator(TINY).eval()
    with torch.no_grad():  # make noise and w_avg matter, as in a trained model
        for m in g.modules():
            if hasattr(m, "noise_strength"):
                m.noise_strength.fill_(0.3)
        g.mapping.w_avg.normal_()
    return g


def tiny_conditional_generator(c_dim: int = 3, seed: int = 0) -> torch.nn.Module:
    """tiny_generator rebuilt in StyleGAN2-ADA's conditional layout (write it with with_classes(c_dim)): the
    mapping's `embed` (one-hot class -> w_dim, at learning rate 1) and an fc0 that takes z and the embedding side
    by side."""
    g = tiny_generator(seed)
    g.mapping.embed = FullyConnected(c_dim, TINY.w_dim)
    g.mapping.fc0 = FullyConnected(TINY.z_dim + TINY.w_dim, TINY.w_dim, TINY.mapping_lr_multiplier, lrelu=True)
    with torch.no_grad():
        g.mapping.embed.bias.normal_()  # as a trained one's: not zero
    return g


def with_classes(c_dim: int):
    """A write_pickle edit: the _init_kwargs of a generator trained with c_dim classes (StyleGAN2-ADA's --cond)."""
    def edit(data, kwargs):
        kwargs["c_dim"] = c_dim
    return edit


def write_pickle(path: Path, net: torch.nn.Module, marker: Path, writer: str = "pickle4",
                 class_name: str = "training.networks.Generator", edit=None) -> Path:
    src = f"import pathlib\npathlib.Path({str(marker)!r}).write_text('module_src ran')\n"
    with fake_stylegan_modules() as mods:
        kwargs = ada_kwargs(net.cfg, mods["dnnlib.util"].EasyDict)
        g = persistent(net, src, class_name, kwargs)
        data = dict(G=g, D=Persistent("training.networks.Discriminator", {"_parameters": OrderedDict()}, src),
                    G_ema=g, augment_pipe=None, training_set_kwargs=dict(path="ffhq.zip", resolution=16))
        if edit:
            edit(data, kwargs)
        if writer == "torch.save":
            torch.save(data, path)
        else:
            path.write_bytes(pickle.dumps(data, protocol=int(writer[-1])))
    return path


@pytest.mark.parametrize("writer", ["pickle2", "pickle4", "torch.save"])
def test_network_pickle_runs_without_its_code(tmp_path, writer):
    marker = tmp_path / "module_src_ran"
    source = tiny_generator()
    path = write_pickle(tmp_path / "network-snapshot.pkl", source, marker, writer)

    kwargs, state, class_name = stylegan_generator_state(path)
    assert class_name == "training.networks.Generator"
    assert kwargs["synthesis_kwargs"] == {"channel_base": 128, "channel_max": 16, "num_fp16_res": 4,
                                          "conv_clamp": 256.0, "architecture": "skip"}
    assert set(state) == set(source.state_dict())
    net = load_stylegan_pickle(path)  # load_state_dict(strict=True) inside
    assert net.cfg == TINY and not net.training and not marker.exists()

    z = torch.randn(3, TINY.z_dim, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        out = net(z)
        assert out.shape == (3, 3, 16, 16) and torch.isfinite(out).all()
        assert torch.equal(out, net(z))  # constant noise: deterministic
        torch.testing.assert_close(out, source(z), rtol=0, atol=1e-6)
        w0 = net.map(z, psi=0.0)
        torch.testing.assert_close(w0, net.w_avg.expand(3, -1))
        torch.testing.assert_close(net.synthesize(w0), net.synthesize(net.w_avg[None]).expand(3, -1, -1, -1))
        assert not torch.allclose(out[0], out[1])  # z still matters at psi=1
    assert not marker.exists()


def mapped_reference(state: dict[str, torch.Tensor], z: torch.Tensor, label: torch.Tensor) -> torch.Tensor:
    """StyleGAN2-ADA's conditional MappingNetwork.forward written out on a pickle's tensors: z and the embedded
    one-hot label each normalised to unit mean square, concatenated, then the lrelu fc layers (equalized lr)."""
    def linear(x, name, lr):
        weight, bias = state[f"mapping.{name}.weight"], state[f"mapping.{name}.bias"]
        return x @ (weight * lr / math.sqrt(weight.shape[1])).T + bias * lr

    def normalise(x):
        return x / (x.square().mean(dim=1, keepdim=True) + 1e-8).sqrt()

    x = torch.cat([normalise(z), normalise(linear(label, "embed", 1.0))], dim=1)
    for i in range(TINY.num_mapping_layers):
        x = F.leaky_relu(linear(x, f"fc{i}", TINY.mapping_lr_multiplier), 0.2) * math.sqrt(2)
    return x


def test_a_conditional_pickle_draws_each_class_as_stylegan2_ada_maps_its_label(tmp_path):
    """A pickle of a generator trained with labels (c_dim > 0) was refused ("conditional generators are not
    supported"); it draws the class asked for, named by its label's position as the pickle names none."""
    marker = tmp_path / "module_src_ran"
    path = write_pickle(tmp_path / "cond.pkl", tiny_conditional_generator(3), marker, edit=with_classes(3))
    _, state, _ = stylegan_generator_state(path)
    assert state["mapping.embed.weight"].shape == (TINY.w_dim, 3)  # StyleGAN2-ADA's layout, read from the file
    assert state["mapping.fc0.weight"].shape == (TINY.w_dim, TINY.z_dim + TINY.w_dim)
    net = load_stylegan_pickle(path)
    assert net.cfg.c_dim == 3 and net.cfg.classes == ("class 0", "class 1", "class 2")
    assert StyleGAN2Config.from_dict(net.cfg.to_dict()) == net.cfg
    assert net.cfg.to_dict()["classes"] == ["class 0", "class 1", "class 2"]  # what a model card names

    z = torch.randn(1, TINY.z_dim, generator=torch.Generator().manual_seed(1)).expand(3, -1)  # one z, each class
    c = torch.arange(3)
    with torch.no_grad():
        w = net.map(z, 1.0, c)
        reference = mapped_reference(state, z, F.one_hot(c, 3).float())
        torch.testing.assert_close(w, reference, rtol=0, atol=1e-5)
        images = net(z, 1.0, c)
        torch.testing.assert_close(images, net.synthesize(reference), rtol=0, atol=1e-5)
        assert all((images[i] - images[j]).abs().max() > 0.01 for i, j in ((0, 1), (0, 2), (1, 2)))  # the class shows
        drawn = net.draw_classes(60, torch.Generator().manual_seed(0))  # "any class": every one, as the seed says
        assert set(drawn.tolist()) == {0, 1, 2}
        assert torch.equal(drawn, net.draw_classes(60, torch.Generator().manual_seed(0)))
        assert net.map(z[:2]).shape == (2, TINY.w_dim)  # no classes given: drawn
    assert not marker.exists()


def class_average_reference(state: dict[str, torch.Tensor], k: int, c_dim: int) -> torch.Tensor:
    """Class k's mean w as the generator estimates it, on StyleGAN2-ADA's mapping written out: the mean of
    CLASS_AVG_SAMPLES z drawn from CLASS_AVG_SEED, mapped with k's label."""
    z = torch.randn(CLASS_AVG_SAMPLES, TINY.z_dim, generator=torch.Generator().manual_seed(CLASS_AVG_SEED))
    return mapped_reference(state, z, F.one_hot(torch.full((CLASS_AVG_SAMPLES,), k), c_dim).float()).mean(0)


def test_truncation_keeps_a_conditional_pickles_class(tmp_path):
    """ψ pulled every class of a conditional pickle towards the one w_avg the pickle keeps, so at ψ 0 all three
    classes drew one picture (and at ψ 0.7 they were pulled towards one another); each class is pulled towards its
    own mean w, estimated from its samples the first time it is drawn, the same on every load."""
    marker = tmp_path / "module_src_ran"
    path = write_pickle(tmp_path / "cond.pkl", tiny_conditional_generator(3), marker, edit=with_classes(3))
    _, state, _ = stylegan_generator_state(path)
    averages = torch.stack([class_average_reference(state, k, 3) for k in range(3)])
    z = torch.randn(1, TINY.z_dim, generator=torch.Generator().manual_seed(1)).expand(3, -1)  # one z, each class
    c = torch.arange(3)
    w = mapped_reference(state, z, F.one_hot(c, 3).float())
    net = load_stylegan_pickle(path)
    with torch.inference_mode():  # as the worker draws a seed
        at_zero = net(z, 0.0, c)
        torch.testing.assert_close(net.map(z, 0.0, c), averages, rtol=0, atol=1e-5)
        torch.testing.assert_close(at_zero, net.synthesize(averages), rtol=0, atol=1e-5)
        assert all((at_zero[i] - at_zero[j]).abs().max() > 0.01 for i, j in ((0, 1), (0, 2), (1, 2)))
        torch.testing.assert_close(net.map(z, 0.7, c), averages + 0.7 * (w - averages), rtol=0, atol=1e-5)
        torch.testing.assert_close(net.map(z, 1.0, c), w, rtol=0, atol=1e-5)  # ψ 1: the mapping's own w
    with torch.no_grad():  # as the CLI and a refined seed draw
        assert torch.equal(load_stylegan_pickle(path)(z, 0.0, c), at_zero)  # the same picture on another load
    assert not marker.exists()


def test_a_class_mean_is_estimated_when_the_class_is_first_truncated(tmp_path):
    """A pickle of 1,000 classes maps no z for their means at load, CLASS_AVG_SAMPLES the first time a class is
    drawn at ψ below 1, and none again for that class."""
    marker = tmp_path / "module_src_ran"
    path = write_pickle(tmp_path / "many.pkl", tiny_conditional_generator(1000), marker, edit=with_classes(1000))
    net = load_stylegan_pickle(path)
    rows_mapped = []
    net.mapping.register_forward_hook(lambda module, args, w: rows_mapped.append(len(w)))
    z = torch.randn(1, TINY.z_dim, generator=torch.Generator().manual_seed(1))
    seven = torch.tensor([7])
    with torch.inference_mode():
        first = net.map(z, 1.0, seven)
        assert rows_mapped == [1]  # ψ 1 needs no mean
        truncated = net.map(z, 0.5, seven)
        assert rows_mapped == [1, 1, CLASS_AVG_SAMPLES]
        assert torch.equal(net.map(z, 0.5, seven), truncated) and rows_mapped == [1, 1, CLASS_AVG_SAMPLES, 1]
        net.map(z.expand(2, -1), 0.5, torch.tensor([7, 8]))
        assert rows_mapped[4:] == [2, CLASS_AVG_SAMPLES]  # only the class not drawn before
    assert not torch.equal(first, truncated) and not marker.exists()


class Payload:
    """A pickle payload that calls `func(*args)` when loaded by a plain unpickler."""

    def __init__(self, func, *args) -> None:
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


def payloads(marker: Path) -> dict[str, bytes]:
    write = f"__import__('pathlib').Path({str(marker)!r}).write_text('payload ran')"
    return {
        # the classic hand-written exploit: GLOBAL 'os system', as protocol-0 opcodes
        "os.system": b"\x80\x02cos\nsystem\n(S'touch " + str(marker).encode() + b"'\ntR.",
        "builtins.eval": pickle.dumps({"G_ema": Payload(builtins.eval, write)}),
        "builtins.exec": pickle.dumps(Payload(builtins.exec, write), protocol=2),
        "subprocess.check_call": pickle.dumps([Payload(subprocess.check_call, ["touch", str(marker)])]),
    }


@pytest.mark.parametrize("name", ["os.system", "builtins.eval", "builtins.exec", "subprocess.check_call"])
def test_code_in_a_pickle_is_refused_unrun(tmp_path, name):
    marker = tmp_path / "payload_ran"
    path = tmp_path / "evil.pkl"
    path.write_bytes(payloads(marker)[name])
    with pytest.raises(UnsafePickleError, match=name.replace(".", r"\.")) as e:
        load_stylegan_pickle(path)
    assert e.value.global_name == name and isinstance(e.value, ModelFileError)
    assert not marker.exists()


def test_the_payloads_are_live(tmp_path):
    """The refused pickles would run their code under plain pickle.loads (so the test above is not empty)."""
    marker = tmp_path / "payload_ran"
    pickle.loads(payloads(marker)["builtins.exec"])
    assert marker.read_text() == "payload ran"


def test_a_global_hidden_in_the_network_state_is_refused(tmp_path):
    marker = tmp_path / "payload_ran"

    def hide(data, kwargs):
        touch = f"__import__('pathlib').Path({str(marker)!r}).touch()"
        kwargs["synthesis_kwargs"]["hook"] = Payload(builtins.eval, touch)
    path = write_pickle(tmp_path / "n.pkl", tiny_generator(), tmp_path / "src_ran", edit=hide)
    with pytest.raises(UnsafePickleError, match=r"builtins\.eval"):
        read_network_pickle(path)
    assert not marker.exists() and not (tmp_path / "src_ran").exists()


def test_tensorflow_pickle_says_convert_first(tmp_path):
    mod = types.ModuleType("dnnlib.tflib.network")

    class Network:
        pass

    Network.__module__, Network.__qualname__ = mod.__name__, "Network"
    mod.Network = Network
    with pytest.MonkeyPatch.context() as mp:
        for name in ("dnnlib", "dnnlib.tflib"):
            mp.setitem(sys.modules, name, types.ModuleType(name))
        mp.setitem(sys.modules, mod.__name__, mod)
        (tmp_path / "tf.pkl").write_bytes(pickle.dumps((Network(), Network(), Network()), protocol=4))
    with pytest.raises(TensorFlowPickleError, match="TensorFlow StyleGAN pickle.*convert it to PyTorch first"):
        load_stylegan_pickle(tmp_path / "tf.pkl")


def _conditional(data, kwargs):  # a c_dim whose embedding the tensors lack
    kwargs["c_dim"] = 10


def _resnet(data, kwargs):
    kwargs["synthesis_kwargs"]["architecture"] = "resnet"


def _no_g_ema(data, kwargs):
    del data["G_ema"]


def _fourier_input(data, kwargs):  # a StyleGAN3 layout under a StyleGAN2 class name (a fork)
    synthesis = data["G_ema"].state["_modules"]["synthesis"]
    synthesis.state["_modules"]["input"] = Persistent("training.networks_stylegan3.SynthesisInput",
                                                      {"_buffers": OrderedDict(freqs=torch.zeros(4, 2))}, "")


def _wrong_shape(data, kwargs):
    data["G_ema"].state["_modules"]["mapping"].state["_buffers"]["w_avg"] = torch.zeros(5)


@pytest.mark.parametrize("edit, class_name, message", [
    (_conditional, "training.networks.Generator",
     "does not fit StyleGAN2Generator .2 missing: mapping.embed.bias and mapping.embed.weight"),
    (_resnet, "training.networks.Generator", "only the 'skip' architecture is supported, not 'resnet'"),
    (_no_g_ema, "training.networks.Generator", "has no G_ema network .it holds: D, G, augment_pipe"),
    (_wrong_shape, "training.networks.Generator",
     "does not fit StyleGAN2Generator .1 with the wrong shape: mapping.w_avg .5,. .expected .8,..."),
    (None, "training.networks_stylegan3.Generator",
     "StyleGAN3 pickles are not supported yet; StyleGAN2/2-ADA are"),
    (_fourier_input, "training.networks.Generator", "StyleGAN3 pickles are not supported yet"),
    (None, "training.networks.Discriminator", "expected a StyleGAN2-ADA generator"),
])
def test_unusable_network_pickles_say_why(tmp_path, edit, class_name, message):
    path = write_pickle(tmp_path / "n.pkl", tiny_generator(), tmp_path / "ran", class_name=class_name, edit=edit)
    with pytest.raises(ModelFileError, match=message):
        load_stylegan_pickle(path)


def test_files_that_are_no_network_pickle(tmp_path):
    cases = {"photo.png": (b"\x89PNG\r\n\x1a\n" + bytes(64), "is not a network pickle"),
             "list.pkl": (pickle.dumps([1, 2, 3]), "holds a list, not a dict of networks"),
             # "(UnpicklingError: pickle data was truncated)" and "(UnpicklingError: invalid load key, '\\xb2'.)"
             "cut.pkl": (pickle.dumps({"G_ema": list(range(100))})[:40],
                         r"not a readable network pickle \(it is cut short: its end is missing\)$"),
             "garbled.pkl": (b"\x80\x02\xb2" + bytes(range(64)),
                             r"not a readable network pickle \(its data is garbled\)$")}
    for name, (data, message) in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(ModelFileError, match=message):
            load_stylegan_pickle(tmp_path / name)
    torch.save(torch.zeros(3), tmp_path / "tensor.pkl")  # compared with torch's legacy magic number: OverflowError
    with pytest.raises(ModelFileError, match="holds a Tensor, not a dict of networks"):
        load_stylegan_pickle(tmp_path / "tensor.pkl")
    with pytest.raises(ModelFileError, match="cannot read"):
        load_stylegan_pickle(tmp_path / "absent.pkl")


# --- the operations against straightforward references ------------------------------------------

def fir_reference(x: torch.Tensor, f: torch.Tensor, pad: tuple[int, int, int, int]) -> torch.Tensor:
    """True 2-D convolution of every channel with f, by explicit shifted sums."""
    x = F.pad(x, list(pad))
    kh, kw = f.shape
    h, w = x.shape[2] - kh + 1, x.shape[3] - kw + 1
    out = torch.zeros(*x.shape[:2], h, w, dtype=x.dtype)
    for i in range(kh):
        for j in range(kw):
            out += f[kh - 1 - i, kw - 1 - j] * x[:, :, i:i + h, j:j + w]
    return out


def zero_insert(x: torch.Tensor) -> torch.Tensor:
    b, c, h, w = x.shape
    out = torch.zeros(b, c, 2 * h, 2 * w, dtype=x.dtype)
    for i in range(h):
        for j in range(w):
            out[:, :, 2 * i, 2 * j] = x[:, :, i, j]
    return out


def modconv_reference(x, weight, styles, demodulate, up, f):
    outs = []
    for b in range(x.shape[0]):  # each sample with its own explicitly modulated kernel
        wb = weight * styles[b].view(1, -1, 1, 1)
        if demodulate:
            wb = wb / (wb.square().sum(dim=[1, 2, 3], keepdim=True) + 1e-8).sqrt()
        xb = x[b:b + 1]
        if not up:
            outs.append(F.conv2d(xb, wb, padding=1))
        else:  # zero insertion, full true convolution with the kernel, then the x4 FIR low-pass
            y = F.conv2d(F.pad(zero_insert(xb), [2, 1, 2, 1]), wb.flip([2, 3]))
            outs.append(fir_reference(y, 4 * f, (1, 1, 1, 1)))
    return torch.cat(outs)


@pytest.mark.parametrize("up", [False, True])
@pytest.mark.parametrize("demodulate", [True, False])
def test_modulated_conv_matches_reference(up, demodulate):
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(3, 5, 6, 6, generator=gen, dtype=torch.float64)
    weight = torch.randn(4, 5, 3, 3, generator=gen, dtype=torch.float64)
    styles = torch.randn(3, 5, generator=gen, dtype=torch.float64)
    f = fir_filter().double()
    out = modulated_conv2d(x, weight, styles, demodulate=demodulate, up=up, f=f)
    assert out.shape == (3, 4, 12 if up else 6, 12 if up else 6)
    torch.testing.assert_close(out, modconv_reference(x, weight, styles, demodulate, up, f), rtol=0, atol=1e-5)
    torch.testing.assert_close(modulated_conv2d(x.float(), weight.float(), styles.float(), demodulate, up,
                                                f.float()), out.float(), rtol=0, atol=1e-5)


def test_upfirdn2d_matches_reference():
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(2, 3, 5, 7, generator=gen)
    f = fir_filter()
    torch.testing.assert_close(f.sum(), torch.tensor(1.0))
    torch.testing.assert_close(upsample2d(x, f), fir_reference(zero_insert(x), 4 * f, (2, 1, 2, 1)),
                               rtol=0, atol=1e-5)
    down = upfirdn2d(x, f, down=2, pad=(1, 1, 1, 1))
    torch.testing.assert_close(down, fir_reference(x, f, (1, 1, 1, 1))[:, :, ::2, ::2], rtol=0, atol=1e-5)
    flat = upsample2d(torch.ones(1, 1, 6, 6), f)  # x4 gain: a flat image stays flat away from the border
    torch.testing.assert_close(flat[:, :, 2:-2, 2:-2], torch.ones(1, 1, 8, 8))


def test_config_round_trip_and_interface():
    assert StyleGAN2Config.from_dict(TINY.to_dict()) == TINY
    assert (TINY.resolution, TINY.latent_shape) == (16, (8,))
    with pytest.raises(ValueError, match="power of two"):
        StyleGAN2Config(img_resolution=48)
    g = tiny_generator()
    assert g.mapping(torch.randn(2, 8)).shape == (2, 8)


def test_upsampling_conv_is_fir_upsample_then_convolution():
    """What the fused layer means: x2 FIR upsampling, then the modulated 3x3 kernel as a true
    convolution (equal away from the border, where the fused form pads only once)."""
    gen = torch.Generator().manual_seed(1)
    x, weight = torch.randn(1, 4, 6, 6, generator=gen), torch.randn(2, 4, 3, 3, generator=gen)
    f = fir_filter()
    fused = modulated_conv2d(x, weight, torch.ones(1, 4), demodulate=False, up=True, f=f)
    separate = F.conv2d(upsample2d(x, f), weight.flip([2, 3]), padding=1)
    torch.testing.assert_close(fused[:, :, 3:-3, 3:-3], separate[:, :, 3:-3, 3:-3], rtol=0, atol=1e-5)


def test_greyscale_models_give_rgb():
    torch.manual_seed(0)
    g = StyleGAN2Generator(StyleGAN2Config(z_dim=4, w_dim=4, img_resolution=8, img_channels=1,
                                           channel_base=32, channel_max=8, num_mapping_layers=1))
    with torch.no_grad():
        img = g(torch.randn(2, 4))
    assert img.shape == (2, 3, 8, 8) and torch.equal(img[:, 0], img[:, 2])
