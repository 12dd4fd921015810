# RUN: %python %s
# RUN: env SEQ_TEST_PIPELINE=reference %python %s
"""seq.attention with every mask kind against the float64 naive softmax (seq_ref).

Every mask kind (with several windows, chunk sizes and prefix lengths, and
attributes far beyond any length, 2^62) on shapes with Lq = Lk, Lq < Lk and
Lq > Lk (bottom-right alignment: with causal masks the first Lq - Lk rows see
no key and must give out = 0, lse = +inf), sequence lengths 1, primes (29,
37, 61), powers of two and others; output and logsumexp, f32 (and f64 on
three shapes). One JIT-compiled function per dtype holds every case.
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
import common
import seq_ref
from attention_mlir import Program

# (B, Hq, Hkv, Lq, Lk, E, Ev)
SHAPES = [
    (1, 2, 2, 1, 1, 8, 8),        # length 1
    (1, 2, 1, 1, 29, 16, 8),      # decode: one query row, Lk prime
    (2, 2, 1, 37, 37, 16, 16),    # prime, Lq = Lk
    (1, 2, 2, 24, 61, 8, 5),      # Lq < Lk, Ev != E
    (1, 2, 1, 45, 19, 8, 8),      # Lq > Lk: leading rows fully masked for causal kinds
    (1, 1, 1, 64, 64, 32, 32),    # powers of two
]
MASKS = [
    dict(mask="none"),
    dict(mask="causal"),
    dict(mask="sliding_window", window=(5, 3)),
    dict(mask="sliding_window", window=(0, 0)),
    dict(mask="sliding_window", window=(7, 0)),
    dict(mask="sliding_window", window=(0, 100)),
    dict(mask="sliding_window", window=(-1, 2)),      # -1: unbounded side
    dict(mask="sliding_window", window=(3, -1)),
    dict(mask="sliding_window", window=(-1, -1)),
    dict(mask="chunk_causal", chunk_size=4),
    dict(mask="chunk_causal", chunk_size=7),
    dict(mask="chunk_causal", chunk_size=1),
    dict(mask="chunk", chunk_size=4),
    dict(mask="chunk", chunk_size=7),
    dict(mask="chunk", chunk_size=1),
    dict(mask="prefix", prefix_length=5),
    dict(mask="prefix", prefix_length=0),
    dict(mask="prefix", prefix_length=100),
]
# Attributes far beyond any length (the lowering clamps them to keep index
# arithmetic from overflowing): equivalent to none / causal / none
# (chunk: none when Lq <= Lk).
HUGE = [
    dict(mask="sliding_window", window=(2**62, 2**62)),
    dict(mask="chunk_causal", chunk_size=2**62),
    dict(mask="chunk", chunk_size=2**62),
    dict(mask="prefix", prefix_length=2**62),
]
TOL = {np.float32: 1e-5, np.float64: 1e-13}


def describe(shape, mask):
    return f"{shape} " + " ".join(f"{k}={v}" for k, v in mask.items())


def run_dtype(dtype, shapes, rng, huge_shapes=()):
    prog = Program()
    cases = []
    for shape in shapes:
        B, Hq, Hkv, Lq, Lk, E, Ev = shape
        q = rng.standard_normal((B, Hq, Lq, E)).astype(dtype)
        k = rng.standard_normal((B, Hkv, Lk, E)).astype(dtype)
        v = rng.standard_normal((B, Hkv, Lk, Ev)).astype(dtype)
        for mask in MASKS + (HUGE if shape in huge_shapes else []):
            idx = prog.attention(q, k, v, lse=True, **mask)
            cases.append((shape, mask, q, k, v, idx))
    outs = prog.run()

    empty_rows = 0
    worst = 0.0
    for shape, mask, q, k, v, (io, il) in cases:
        name = f"{np.dtype(dtype).name} {describe(shape, mask)}"
        ref_o, ref_l = seq_ref.attention(q, k, v, return_lse=True, **mask)
        out, lse = outs[io], outs[il]
        err = max(common.max_rel_error(out, ref_o), common.max_rel_error(lse, ref_l))
        worst = max(worst, err)
        if err > TOL[dtype]:
            common.check(name + " out", out, ref_o, TOL[dtype])
            common.check(name + " lse", lse, ref_l, TOL[dtype])
        # Rows without an allowed key: exactly 0 and +inf, never NaN.
        B, Hq, Hkv, Lq, Lk, E, Ev = shape
        allowed = seq_ref.attention_allowed(Lq, Lk, **mask)
        dead = ~allowed.any(axis=1)
        empty_rows += int(dead.sum())
        assert np.all(out[:, :, dead] == 0), name
        assert np.all(np.isposinf(lse[:, :, dead])), name
        assert np.all(np.isfinite(lse[:, :, ~dead])), name
    print(f"{np.dtype(dtype).name}: {len(cases)} cases ({empty_rows} fully masked rows): "
          f"max rel err {worst:.3e} (tol {TOL[dtype]:.0e})")
    assert empty_rows > 0


def main():
    rng = np.random.default_rng(1234)
    run_dtype(np.float32, SHAPES, rng, huge_shapes=SHAPES[2:5])
    # f64 checks the algorithm without f32 rounding, on the shapes with
    # partially and fully masked rows.
    run_dtype(np.float64, SHAPES[2:5], rng)


if __name__ == "__main__":
    main()
