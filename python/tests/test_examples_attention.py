"""Runs the attention examples (examples/flash_attention.py, dcformer.py,
megalodon/megalodon.py) and checks each main() returns 0 (each compares its
@seq.jit program against an independent float64 NumPy reference), plus
cross-checks: attention rows with no visible key, a mask_mod equal to the
sliding-window mask, seq.compose_heads equal to DCFormer's einsum form, the
MEGALODON block at other shapes, and the MEGALODON example's reference equal
to examples/megalodon/reference.py's.

Run from a build tree with
    PYTHONPATH=<build>/python_packages python3 -m pytest python/tests/test_examples_attention.py
"""

import importlib.util
import os
import sys

import numpy as np
import pytest

import seq

EXAMPLES = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                         "..", "..", "examples"))


def load_example(relpath):
    path = os.path.join(EXAMPLES, relpath)
    name = "seq_example_" + relpath.replace("/", "_")[:-3]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rel_err(actual, expected):
    return float(np.max(np.abs(np.asarray(actual, np.float64) - expected)) / np.max(np.abs(expected)))


@pytest.mark.parametrize("relpath", ["flash_attention.py", "dcformer.py", "megalodon/megalodon.py"])
def test_example_main(relpath, capsys):
    rc = load_example(relpath).main([])
    out = capsys.readouterr().out
    assert rc == 0, out
    assert "PASS" in out


@pytest.mark.parametrize("args", [["--seq-len", "64", "--chunk", "16", "--dim", "32", "--heads", "1"],
                                  ["--seq-len", "16", "--chunk", "32"]])   # L < chunk: plain causal
def test_megalodon_other_shapes(args, capsys):
    rc = load_example("megalodon/megalodon.py").main(args)
    assert rc == 0, capsys.readouterr().out


def test_megalodon_reference_matches_demo_reference():
    """The DSL example's float64 reference and the hand-written-MLIR demo's
    (examples/megalodon/reference.py) are written separately; they agree."""
    sys.path.insert(0, os.path.join(EXAMPLES, "megalodon"))   # reference.py imports megalodon_mlir
    try:
        demo_reference = load_example("megalodon/reference.py")
        Config = demo_reference.Config
    finally:
        sys.path.pop(0)
    example = load_example("megalodon/megalodon.py")
    cfg = Config(B=1, L=64, D=32, G=4, N=8, S=16, H=2, E=64, F=64, c=16)
    params = example.make_params(np.random.default_rng(1), cfg.B, cfg.L, cfg.D, cfg.N,
                                 cfg.S, cfg.E, cfg.F)
    ours = example.reference(params, cfg.G, cfg.H, cfg.c)
    theirs = demo_reference.megalodon_block(params, cfg)
    assert rel_err(ours, theirs) < 1e-12


@seq.jit
def _attention_with_lse(q, k, v, mask):
    return seq.attention(q, k, v, mask=mask, return_lse=True)


def test_attention_rows_without_keys():
    """Lq > Lk, causal bottom-right: the first Lq - Lk rows see no key and give
    out = 0 and lse = +inf (OPS.md §2.5), not NaN."""
    rng = np.random.default_rng(0)
    q = rng.standard_normal((1, 4, 12, 16)).astype(np.float32)
    k = rng.standard_normal((1, 2, 8, 16)).astype(np.float32)
    v = rng.standard_normal((1, 2, 8, 16)).astype(np.float32)
    out, lse = _attention_with_lse(q, k, v, "causal")
    assert np.all(out[:, :, :4] == 0) and np.all(np.isposinf(lse[:, :, :4]))
    assert np.all(np.isfinite(out[:, :, 4:])) and np.all(np.isfinite(lse[:, :, 4:]))
    # The remaining rows equal attention over the keys they see.
    full, full_lse = _attention_with_lse(q[:, :, 4:], k, v, "causal")
    np.testing.assert_allclose(out[:, :, 4:], full, rtol=0, atol=1e-6)
    np.testing.assert_allclose(lse[:, :, 4:], full_lse, rtol=1e-6)


@seq.jit
def _window_two_ways(q, k, v, left):
    by_mask = seq.attention(q, k, v, mask="sliding_window", window=(left, 0), return_lse=True)
    by_mod = seq.attention(q, k, v, mask_mod=lambda b, h, i, j: (j <= i) & (j + left >= i),
                           return_lse=True)
    return by_mask + by_mod


def test_mask_mod_equals_sliding_window():
    rng = np.random.default_rng(1)
    q = rng.standard_normal((1, 4, 64, 16)).astype(np.float32)
    k = rng.standard_normal((1, 2, 64, 16)).astype(np.float32)
    v = rng.standard_normal((1, 2, 64, 16)).astype(np.float32)
    o1, l1, o2, l2 = _window_two_ways(q, k, v, 16)
    np.testing.assert_allclose(o1, o2, rtol=0, atol=1e-6)
    np.testing.assert_allclose(l1, l2, rtol=1e-6)


@seq.jit
def _compose_two_ways(a, qw1, qw2, kw1, kw2, qdd, kdd):
    """seq.compose_heads, and OPS.md §6.1's efficient form with seq.einsum."""
    B, H, T, S = a.shape
    op = seq.compose_heads(a, query_w1=qw1, query_w2=qw2, key_w1=kw1, key_w2=kw2,
                           query_gate=qdd, key_gate=kdd)
    hq = seq.einsum("bnts,btrn->brts", a, qw1)
    hk = seq.einsum("bnts,bsrn->brts", a, kw1)
    by_einsum = (a + seq.einsum("brts,btrm->bmts", hq, qw2) + seq.einsum("brts,bsrm->bmts", hk, kw2)
                 + a * qdd.transpose(0, 2, 1).reshape(B, H, T, 1)
                 + a * kdd.transpose(0, 2, 1).reshape(B, H, 1, S))
    return op, by_einsum


def test_compose_heads_equals_einsum_form():
    rng = np.random.default_rng(2)
    B, H, T, S, R = 1, 4, 24, 20, 2
    n = lambda *shape: rng.standard_normal(shape).astype(np.float32)
    op, by_einsum = _compose_two_ways(n(B, H, T, S), n(B, T, R, H), n(B, T, R, H),
                                      n(B, S, R, H), n(B, S, R, H), n(B, T, H), n(B, S, H))
    assert rel_err(op, by_einsum.astype(np.float64)) < 1e-6
