"""The linear-attention-family examples (examples/based.py, jrt_rnn.py,
mamba2.py, gla.py): each example's main() must pass against its NumPy
reference, each compiles to the seq ops it is meant to exercise, and a few
extra cross-checks of carried state (multi-token JRT decode, an uneven GLA
split, Mamba-2 as a recurrent state carried across two calls of the SSD core).

Run from a build tree with
    PYTHONPATH=<build>/python_packages python3 -m pytest python/tests/test_examples_linear.py
"""

import importlib.util
import os

import numpy as np
import pytest

import seq

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples")


def load(name):
    spec = importlib.util.spec_from_file_location(f"example_{name}",
                                                  os.path.join(EXAMPLES, f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rel(a, e):
    return float(np.max(np.abs(a - e)) / np.max(np.abs(e)))


f32 = lambda a: np.asarray(a, dtype=np.float32)


@pytest.mark.parametrize("name", ["based", "jrt_rnn", "mamba2", "gla"])
def test_example_main(name):
    assert load(name).main(["--repeats", "1"]) == 0


def test_based_ir_uses_seq_ops():
    based = load("based")
    rng = np.random.default_rng(0)
    x = f32(rng.standard_normal((1, 32, 64)))
    w = lambda *s: f32(rng.standard_normal(s) * 0.1)
    lin = based.based_linear_attention.ir(x, w(64, 64), w(64, 64), w(64, 64), w(64, 64), 4)
    assert "seq.feature_map <taylor2>" in lin
    assert "seq.linear_attention" in lin and "normalize" in lin
    swa = based.sliding_window_attention.ir(x, w(64, 192), w(192), w(64, 64), w(64), 4, 16)
    assert "#seq.mask<sliding_window>" in swa and "array<i64: 8, 0>" in swa
    assert swa.count("#seq.rotary_pairing<halves>") == 2
    conv = based.base_conv.ir(x, w(64, 256), w(256), w(128, 3), w(128, 64), w(64))
    assert "seq.long_conv" in conv and "tensor<128x3xf32>" in conv


def test_jrt_multi_token_decode():
    """Prefill L-4 tokens, then 4 single-token decode steps == parallel on L."""
    jrt = load("jrt_rnn")
    rng = np.random.default_rng(1)
    b, l, d, h, f, m = 1, 48, 64, 4, 16, 24
    x = rng.standard_normal((b, l, d))
    wq, wk, wke = (jrt.linear_init(rng, d, h * f) for _ in range(3))
    wv, wve, wo = (jrt.linear_init(rng, d, d) for _ in range(3))
    expected, kv_ref, k_ref = jrt.ref_prefix_linear_attention(x, wq, wk, wv, wke, wve, wo, h, m)
    ws = [f32(w) for w in (wq, wk, wv, wke, wve, wo)]
    y, kv, k = jrt.prefix_linear_attention(f32(x[:, :l - 4]), *ws, h, m, True)
    assert rel(y, expected[:, :l - 4]) < 1e-4
    for t in range(l - 4, l):
        y, kv, k = jrt.decode_step(f32(x[:, t:t + 1]), ws[0], ws[1], ws[2], ws[5], kv, k, h)
        assert rel(y[:, 0], expected[:, t]) < 1e-4, t
    assert rel(kv, kv_ref.transpose(0, 1, 3, 2)) < 1e-4
    assert rel(k, k_ref) < 1e-4


def test_gla_uneven_split_and_ir():
    """Three calls (37 + 50 + 41 tokens) carrying final_state == one call."""
    gla = load("gla")
    rng = np.random.default_rng(2)
    b, l, d, h = 1, 128, 64, 2
    kd, vd = d // 2, d
    x = rng.standard_normal((b, l, d))
    weights = [gla.xavier(rng, d, kd), gla.xavier(rng, d, kd), gla.xavier(rng, d, vd),
               gla.xavier(rng, d, vd), gla.xavier(rng, d, 16), gla.xavier(rng, 16, kd),
               rng.uniform(-6, 6, kd), np.ones(vd // h), gla.xavier(rng, vd, d)]
    state = np.zeros((b, h, kd // h, vd // h))
    expected, o_ref, final_ref = gla.ref_gla_layer(x, *weights, state, h)
    ws = [f32(w) for w in weights]
    ir = gla.gla_layer.ir(f32(x), *ws, f32(state), h)
    assert "seq.linear_attention" in ir and "log_decay" in ir
    assert f"tensor<{b}x{h}x{l}x{kd // h}xf32>" in ir   # per-key-dim decay
    outs, s = [], f32(state)
    for lo, hi in ((0, 37), (37, 87), (87, 128)):
        out, _, s = gla.gla_layer(f32(x[:, lo:hi]), *ws, s, h)
        outs.append(out)
    assert rel(np.concatenate(outs, axis=1), expected) < 1e-4
    assert rel(s, final_ref) < 1e-4


def test_mamba2_ssd_core_carried_state():
    """The SSD core as the example writes it (C queries, B keys, x*dt values,
    per-head log_decay = dt*A) run in two halves with the state carried ==
    the chunked SSD reference on the whole sequence."""
    mamba2 = load("mamba2")
    rng = np.random.default_rng(3)
    b, l, h, p, n = 1, 64, 3, 8, 16
    x = rng.standard_normal((b, l, h, p))
    dt = np.exp(rng.uniform(np.log(1e-4), np.log(0.1), (b, l, h)))
    A = -np.array([1.0, 4.0, 16.0])
    B, C = rng.standard_normal((b, l, n)), rng.standard_normal((b, l, n))
    expected = mamba2.ref_ssd_chunked(x * dt[..., None], A * dt, B, C, 16)
    assert rel(mamba2.ref_ssd_recurrent(x, dt, A, B, C), expected) < 1e-12

    @seq.jit
    def ssd(q, k, v, log_decay, state):
        return seq.linear_attention(q, k, v, log_decay=log_decay,
                                    initial_state=state, return_state=True)

    heads = lambda t: np.repeat(t[:, None], h, axis=1)                 # (b,h,l,n)
    q, k = f32(heads(C)), f32(heads(B))
    v = f32((x * dt[..., None]).transpose(0, 2, 1, 3))
    a = f32((A * dt).transpose(0, 2, 1))
    state = np.zeros((b, h, n, p), np.float32)
    y1, state = ssd(q[:, :, :l // 2], k[:, :, :l // 2], v[:, :, :l // 2], a[:, :, :l // 2], state)
    y2, state = ssd(q[:, :, l // 2:], k[:, :, l // 2:], v[:, :, l // 2:], a[:, :, l // 2:], state)
    y = np.concatenate([y1, y2], axis=2).transpose(0, 2, 1, 3)
    assert rel(y, expected) < 1e-4
