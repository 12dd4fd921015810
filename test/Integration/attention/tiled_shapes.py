# RUN: %python %s
# RUN: env SEQ_TEST_TARGET=x86-64-avx2 %python %s
# RUN: env SEQ_TEST_PIPELINE=reference %python %s
"""seq.attention on shapes that exercise the tiled path's loop nest, against
the float64 naive softmax (seq_ref).

The CPU schedule cuts queries and keys into 64-row tiles, register-tiles the
two matmuls by the vector width and turns mask kinds into key-loop bounds
(docs/Schedules.md). These cases cross every edge of that: head dims 1, 59,
64, 111 and 128 (below, between and at multiples of the vector width);
lengths that are no multiple of any tile (129, 130, 200, 257, 300), with
Lq = Lk, Lq < Lk and Lq > Lk (whose leading causal rows see no key); GQA
(Hq = 2 Hkv) and MQA (Hkv = 1); every mask kind with windows, chunks and
prefixes that begin and end inside tiles; a mask_mod that empties whole
tiles and a query head; score_mods; and f16 / bf16 inputs. The second RUN
line compiles for the AVX2 model (8 lanes) on whatever host runs it.
"""

import os
import sys

import ml_dtypes
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
import common
import seq_ref
from attention_mlir import Program, alibi, head_parity_mask, softcap

# (B, Hq, Hkv, Lq, Lk, E, Ev)
SHAPES = [
    (1, 2, 2, 200, 200, 1, 1),
    (1, 4, 2, 130, 300, 59, 33),
    (2, 2, 1, 300, 130, 64, 64),
    (1, 2, 2, 257, 257, 111, 111),
    (1, 2, 1, 129, 200, 128, 128),
]
MASKS = [
    dict(mask="none"),
    dict(mask="causal"),
    dict(mask="sliding_window", window=(50, 10)),
    dict(mask="sliding_window", window=(-1, 70)),
    dict(mask="chunk_causal", chunk_size=48),
    dict(mask="chunk", chunk_size=70),
    dict(mask="prefix", prefix_length=100),
]
TOL = 1e-5
# 16-bit inputs: the output is rounded once to the input type.
BF16 = ml_dtypes.bfloat16
TOL_16 = {np.float16: 1e-3, BF16: 5e-3}


def inputs(rng, shape, dtype=np.float32, magnitude=1.0):
    B, Hq, Hkv, Lq, Lk, E, Ev = shape
    q = (magnitude * rng.standard_normal((B, Hq, Lq, E))).astype(dtype)
    k = (magnitude * rng.standard_normal((B, Hkv, Lk, E))).astype(dtype)
    v = rng.standard_normal((B, Hkv, Lk, Ev)).astype(dtype)
    return q, k, v


def main():
    rng = np.random.default_rng(77)
    prog = Program()
    cases = []

    def add(label, q, k, v, **kw):
        mlir_kw, ref_kw = dict(kw), dict(kw)
        for key in ("score_mod", "mask_mod"):
            if key in kw:
                mlir_kw[key], ref_kw[key] = kw[key]
        cases.append((label, q, k, v, ref_kw, prog.attention(q, k, v, lse=True, **mlir_kw)))

    for shape in SHAPES:
        q, k, v = inputs(rng, shape)
        for mask in MASKS:
            add(f"{shape} {mask}", q, k, v, **mask)

    # Modifiers on multi-tile shapes: a mask_mod that kills query head 1 and
    # odd keys (tiles mixed, never fully allowed), score_mods inside the tile.
    q, k, v = inputs(rng, (1, 4, 2, 150, 190, 64, 48))
    add("mask_mod head parity", q, k, v, mask_mod=head_parity_mask(1))
    add("mask_mod head parity, causal", q, k, v, mask="causal", mask_mod=head_parity_mask(1))
    add("softcap 20, sliding window", q, k, v, mask="sliding_window", window=(70, 0),
        score_mod=softcap(20.0))
    add("alibi causal", q, k, v, mask="causal", score_mod=alibi(190 - 150))

    low = []
    for dtype in (np.float16, BF16):
        q, k, v = inputs(rng, (1, 4, 2, 130, 200, 64, 64), dtype, magnitude=2.0)
        for mask in (dict(mask="none"), dict(mask="causal")):
            low.append((dtype, mask, q, k, v, prog.attention(q, k, v, lse=True, **mask)))

    outs = prog.run()

    worst = 0.0
    dead_rows = 0
    for label, q, k, v, ref_kw, (io, il) in cases:
        ref_o, ref_l = seq_ref.attention(q, k, v, return_lse=True, **ref_kw)
        out, lse = outs[io], outs[il]
        err = max(common.max_rel_error(out, ref_o), common.max_rel_error(lse, ref_l))
        worst = max(worst, err)
        if err > TOL:
            common.check(label + " out", out, ref_o, TOL)
            common.check(label + " lse", lse, ref_l, TOL)
        # Rows without an allowed key: exactly 0 and +inf.
        dead = np.isposinf(ref_l)
        dead_rows += int(dead.sum())
        assert np.all(out[dead] == 0) and np.all(np.isposinf(lse[dead])), label
        assert np.all(np.isfinite(out)), label
    print(f"f32: {len(cases)} cases ({dead_rows} rows without keys): "
          f"max rel err {worst:.3e} (tol {TOL:.0e})")
    assert dead_rows > 0

    for dtype, mask, q, k, v, (io, il) in low:
        name = f"{np.dtype(dtype).name} {mask}"
        out = outs[io].view(dtype) if outs[io].dtype == np.uint16 else outs[io]
        assert out.dtype == np.dtype(dtype), (out.dtype, dtype)
        q32, k32, v32 = (x.astype(np.float32) for x in (q, k, v))
        ref_o, ref_l = seq_ref.attention(q32, k32, v32, return_lse=True, **mask)
        common.check(f"{name} out", out.astype(np.float64), ref_o, TOL_16[dtype])
        common.check(f"{name} lse", outs[il], ref_l, TOL)


if __name__ == "__main__":
    main()
