# RUN: %python %s
# RUN: env SEQ_TEST_PIPELINE=reference %python %s
"""seq.attention on f16 and bf16 (bf16 via ml_dtypes).

16-bit inputs are computed in f32 and the output is rounded once to the
input type; the logsumexp is f32. Two checks per case:
* against the float64 reference on the same (16-bit) input values: the
  error must stay within the output rounding, u = 2^-11 (f16) or 2^-8 (bf16);
* against the compiled f32 op on the same values upcast: the 16-bit output
  must be exactly the f32 output rounded to nearest even, and the lse equal.
"""

import os
import sys

import ml_dtypes
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
import common
import seq_ref
from attention_mlir import Program, softcap

BF16 = ml_dtypes.bfloat16
# Unit roundoff of the output type with some margin; f32 compute error is
# ~1e-7 on top.
TOL = {np.float16: 1e-3, BF16: 5e-3}
TOL_LSE = 1e-5

CASES = [
    # label, (B, Hq, Hkv, Lq, Lk, E, Ev), attention kwargs
    ("causal GQA", (1, 8, 2, 37, 37, 64, 64), dict(mask="causal")),
    ("sliding Lq>Lk", (1, 2, 1, 29, 17, 32, 16), dict(mask="sliding_window", window=(4, 1))),
    ("prefix Lq<Lk", (2, 2, 2, 12, 50, 16, 24), dict(mask="prefix", prefix_length=8)),
    ("chunk_causal", (1, 2, 2, 40, 40, 16, 16), dict(mask="chunk_causal", chunk_size=16)),
    ("softcap", (1, 2, 1, 23, 23, 64, 32), dict(mask="causal", score_mod=softcap(20.0))),
]


def as_dtype(array, dtype):
    """seq-run returns bf16 as raw uint16."""
    return array.view(dtype) if array.dtype == np.uint16 else array


def main():
    rng = np.random.default_rng(2024)
    prog = Program()
    cases = []
    for dtype in (np.float16, BF16):
        for label, (B, Hq, Hkv, Lq, Lk, E, Ev), kw in CASES:
            # Magnitude 2 gives logits up to ~10-20 with E = 64.
            q = (2 * rng.standard_normal((B, Hq, Lq, E))).astype(dtype)
            k = (2 * rng.standard_normal((B, Hkv, Lk, E))).astype(dtype)
            v = rng.standard_normal((B, Hkv, Lk, Ev)).astype(dtype)
            q32, k32, v32 = (x.astype(np.float32) for x in (q, k, v))
            mlir_kw = dict(kw)
            ref_kw = dict(kw)
            if "score_mod" in kw:
                mlir_kw["score_mod"] = kw["score_mod"][0]
                ref_kw["score_mod"] = kw["score_mod"][1]
            low = prog.attention(q, k, v, lse=True, **mlir_kw)
            full = prog.attention(q32, k32, v32, lse=True, **mlir_kw)
            cases.append((dtype, label, q32, k32, v32, ref_kw, low, full))
    outs = prog.run()

    for dtype, label, q, k, v, ref_kw, (lo, ll), (fo, fl) in cases:
        name = f"{np.dtype(dtype).name} {label}"
        out = as_dtype(outs[lo], dtype)
        assert out.dtype == np.dtype(dtype), (out.dtype, dtype)
        ref_o, ref_l = seq_ref.attention(q, k, v, return_lse=True, **ref_kw)
        common.check(f"{name} out vs f64 ref", out.astype(np.float64), ref_o, TOL[dtype])
        common.check(f"{name} lse vs f64 ref", outs[ll], ref_l, TOL_LSE)
        # One rounding of the f32 result, nothing else.
        rounded = outs[fo].astype(dtype)
        mismatch = np.count_nonzero(out.view(np.uint16) != rounded.view(np.uint16))
        print(f"{name}: out == round(f32 out): {mismatch} mismatches; "
              f"lse == f32 lse: {np.array_equal(outs[ll], outs[fl])}")
        assert mismatch == 0 and np.array_equal(outs[ll], outs[fl]), name


if __name__ == "__main__":
    main()
