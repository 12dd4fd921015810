# RUN: %python %s
# RUN: env SEQ_TEST_PIPELINE=reference %python %s
"""seq.attention head mapping, scales and large logits against seq_ref.

* GQA (Hq = 8, Hkv = 2), MQA (Hkv = 1) and MHA (Hkv = Hq), causal and not:
  query head h must read key/value head h / (Hq / Hkv). A copy of the GQA
  case with the key/value heads repeated to Hq heads (plain MHA) must give
  the same result: an independent check of the head mapping.
* All-dynamic shapes (tensor<?x?x?x?>), default scale computed at run time.
* The default scale 1/sqrt(E), explicit scales, a negative scale (the max
  is then over the scaled scores, not the raw q.k) and scale 0 (uniform
  average of the allowed values).
* Logits of magnitude ~1e3 (in both signs, and all near +1e3 or all near
  -1e3): exp(s - m) must neither overflow nor underflow to an "empty" row,
  and lse must keep its relative accuracy. In f32 the score itself carries
  ~u * 1e3 of rounding, so the f32 cases are also compared with the float64
  softmax of the scores as f32 computes them, at the normal tolerance.
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
import common
import seq_ref
from attention_mlir import Program

TOL = {np.float32: 1e-5, np.float64: 1e-13}
# A score of magnitude ~1e3 held in f32 is off by up to half an ulp (~3e-5),
# which exp turns into the same relative error in P: any f32 algorithm has
# this floor (f64 likewise, scaled by its epsilon).
TOL_LARGE = {np.float32: 1e-4, np.float64: 1e-12}


def f32_scores(q, k):
    """q.k exactly as the f32 lowering computes it: f32 products summed in
    order over E in f32 (numpy's cumsum accumulates sequentially)."""
    k = np.repeat(k, q.shape[1] // k.shape[1], axis=1)
    prod = q[:, :, :, None, :] * k[:, :, None, :, :]
    return np.cumsum(prod, axis=-1, dtype=np.float32)[..., -1].astype(np.float64)


def qkv(rng, B, Hq, Hkv, Lq, Lk, E, Ev, dtype, magnitude=1.0):
    q = (magnitude * rng.standard_normal((B, Hq, Lq, E))).astype(dtype)
    k = (magnitude * rng.standard_normal((B, Hkv, Lk, E))).astype(dtype)
    v = rng.standard_normal((B, Hkv, Lk, Ev)).astype(dtype)
    return q, k, v


def main():
    rng = np.random.default_rng(7)
    for dtype in (np.float32, np.float64):
        prog = Program()
        cases = []

        # Head mappings: GQA, MQA, MHA.
        for hkv in (2, 1, 8):
            for mask in ("none", "causal"):
                q, k, v = qkv(rng, 2, 8, hkv, 23, 41, 16, 12, dtype)
                cases.append((f"Hq=8 Hkv={hkv} {mask}", dict(mask=mask), q, k, v,
                              prog.attention(q, k, v, lse=True, mask=mask)))
        # GQA == MHA on repeated key/value heads (both compiled).
        q, k, v = qkv(rng, 1, 8, 2, 19, 19, 8, 8, dtype)
        gqa = prog.attention(q, k, v, lse=True, mask="causal")
        k_rep, v_rep = np.repeat(k, 4, axis=1), np.repeat(v, 4, axis=1)
        mha = prog.attention(q, k_rep, v_rep, lse=True, mask="causal")
        cases.append(("GQA Hkv=2", dict(mask="causal"), q, k, v, gqa))

        # Scales.
        for scale in (None, 0.3, 1.0, -0.7, 0.0):
            q, k, v = qkv(rng, 1, 4, 2, 17, 31, 16, 8, dtype)
            kw = dict(mask="sliding_window", window=(9, 2))
            if scale is not None:
                kw["scale"] = scale
            cases.append((f"scale={scale}", kw, q, k, v,
                          prog.attention(q, k, v, lse=True, **kw)))

        # Large logits: |s| ~ 1e3 (E = 16, entries ~ N(0, 16^2), scale 1/4).
        for mask in ("none", "causal", "prefix"):
            q, k, v = qkv(rng, 2, 4, 2, 33, 47, 16, 16, dtype, magnitude=16.0)
            kw = dict(mask=mask)
            if mask == "prefix":
                kw["prefix_length"] = 20
            cases.append((f"large logits {mask}", kw, q, k, v,
                          prog.attention(q, k, v, lse=True, **kw)))

        # All-dynamic shapes (the default scale is then computed at run time).
        for mask, kw in (("causal", {}), ("sliding_window", dict(window=(3, 2)))):
            q, k, v = qkv(rng, 2, 8, 2, 13, 21, 16, 8, dtype)
            kw = dict(kw, mask=mask)
            cases.append((f"dynamic shapes {mask}", kw, q, k, v,
                          prog.attention(q, k, v, lse=True, dynamic=True, **kw)))

        # Every logit near +1e3 or -1e3 with a spread of ~1: without the max
        # subtraction exp overflows to inf, or underflows to 0 and the row
        # would look empty.
        for offset in (250.0, -250.0):
            q, k, v = qkv(rng, 1, 2, 1, 21, 26, 16, 8, dtype)
            q = (q + offset).astype(dtype)
            k = (1.0 + 0.1 * k).astype(dtype)
            kw = dict(mask="causal")
            cases.append((f"large logits offset {4 * offset:+.0f}", kw, q, k, v,
                          prog.attention(q, k, v, lse=True, **kw)))

        outs = prog.run()
        name = np.dtype(dtype).name
        for label, kw, q, k, v, (io, il) in cases:
            ref_o, ref_l = seq_ref.attention(q, k, v, return_lse=True, **kw)
            tol = (TOL_LARGE if label.startswith("large") else TOL)[dtype]
            common.check(f"{name} {label} out", outs[io], ref_o, tol)
            common.check(f"{name} {label} lse", outs[il], ref_l, tol)
            if label.startswith("large"):
                assert np.abs(ref_l).max() > 500, "logits not large"
            if label.startswith("large") and dtype == np.float32:
                # The same softmax in float64 on the f32 scores: what remains
                # is the f32 softmax arithmetic, which must be as accurate as
                # on small logits; the error above is the f32 score itself.
                scale = 1.0 / np.sqrt(q.shape[3])
                raw = f32_scores(q, k)
                ref_o, ref_l = seq_ref.attention(
                    q, k, v, return_lse=True,
                    score_mod=lambda s, b, h, i, j: raw * scale, **kw)
                common.check(f"{name} {label} out vs softmax of f32 scores",
                             outs[io], ref_o, TOL[dtype])
                common.check(f"{name} {label} lse vs softmax of f32 scores",
                             outs[il], ref_l, TOL[dtype])
        # GQA result equals MHA on repeated heads, bit for bit: the same
        # arithmetic on the same values.
        for a, b in zip(gqa, mha):
            assert np.array_equal(outs[a], outs[b]), "GQA != MHA on repeated heads"
        print(f"{name}: GQA == MHA on repeated kv heads: exact")


if __name__ == "__main__":
    main()
