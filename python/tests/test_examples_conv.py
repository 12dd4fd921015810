"""Runs the long-convolution / EMA examples (examples/mega_ema.py, s4d.py,
h3.py, hyena.py) and checks each main() returns 0 (each compares its seq
program against an independent float64 NumPy reference), plus a cross-check:
Hyena's long convolution computed with seq.rfft -> complex multiply ->
seq.irfft (padded to 2L) equals seq.long_conv (fft and direct methods).

Run from a build tree with
    PYTHONPATH=<build>/python_packages python3 -m pytest python/tests/test_examples_conv.py
"""

import importlib.util
import os

import numpy as np
import pytest

import seq

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples")


def load_example(name):
    path = os.path.normpath(os.path.join(EXAMPLES, f"{name}.py"))
    spec = importlib.util.spec_from_file_location(f"seq_example_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["mega_ema", "s4d", "h3", "hyena"])
def test_example_main(name, capsys):
    rc = load_example(name).main([])
    out = capsys.readouterr().out
    assert rc == 0, out
    assert "PASS" in out


def test_mega_ema_other_length():
    # Streaming with a different length and seed (a new specialization).
    assert load_example("mega_ema").main(["--length", "96", "--seed", "3"]) == 0


def test_s4d_linear_init():
    # S4D-Lin (H3's diag-lin) imaginary parts instead of S4D-Inv.
    assert load_example("s4d").main(["--scaling", "linear", "--length", "128"]) == 0


@seq.jit
def conv_by_rfft(v, h, bias, x1, x0):
    """(irfft(rfft(w, 2L)·rfft(h, 2L), 2L)[:L] + bias⊙w)⊙x0 with w = v⊙x1,
    written with the FFT ops; and the same with seq.long_conv both ways."""
    B, L, D = v.shape
    w = v * x1
    wf = seq.rfft(seq.pad(w.transpose(0, 2, 1), ((0, 0), (0, 0), (0, L))))    # (B, D, L+1)
    hf = seq.rfft(seq.pad(h, ((0, 0), (0, L))))                                # (D, L+1)
    y = seq.irfft(wf * hf, n=2 * L)[..., :L].transpose(0, 2, 1)                # (B, L, D)
    by_fft_ops = (y + bias * w) * x0
    by_fft = seq.long_conv(v, h, skip=bias, pregate=x1, postgate=x0, method="fft")
    by_direct = seq.long_conv(v, h, skip=bias, pregate=x1, postgate=x0, method="direct")
    return by_fft_ops, by_fft, by_direct


def test_hyena_long_conv_rfft_equals_long_conv():
    hyena = load_example("hyena")
    B, L, D = 2, 128, 32
    rng = np.random.default_rng(7)
    P = hyena.init_params(rng, D, L, emb_dim=33, filter_order=64, w=14.0)
    # The Hyena implicit filter (D, L) in float64, as the reference computes it.
    h = hyena.ref_filter(P, L)[0].T
    v, x1, x0 = (rng.normal(0, 1, (B, L, D)) for _ in range(3))
    f32 = lambda a: np.ascontiguousarray(a, dtype=np.float32)
    a, b, c = conv_by_rfft(f32(v), f32(h), f32(P["bias"]), f32(x1), f32(x0))

    # float64 NumPy: direct causal convolution.
    w = v * x1
    expect = np.zeros_like(w)
    for j in range(L):
        expect[:, j:] += h[:, j] * w[:, :L - j]
    expect = (expect + P["bias"] * w) * x0

    scale = np.max(np.abs(expect))
    for got in (a, b, c):
        assert np.max(np.abs(got - expect)) / scale < 1e-5
    assert np.max(np.abs(a - b)) / scale < 1e-5
    assert np.max(np.abs(b - c)) / scale < 1e-5
