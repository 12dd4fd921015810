# RUN: %python %s
# RUN: env SEQ_TEST_PIPELINE=reference %python %s
"""seq.linear_attention without decay: raw and normalized, scale and eps,
initial / final state and normalizer, the carried-state split, odd lengths,
dynamic shapes, f64 and half precisions, against the float64 reference."""

import os
import sys

import ml_dtypes
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "Inputs"))

import common
import linattn_program as la
import seq_ref as ref

rng = np.random.default_rng(7)


def normal(*shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


def positive(*shape, dtype=np.float32):
    """Feature-map-like (positive) queries and keys, so that q . z is well
    away from 0 and the normalized output is well conditioned."""
    return rng.uniform(0.05, 1.0, shape).astype(dtype)


# Raw (un-normalized) with the default and a custom scale; L = 1, a prime, a
# power of two, F != Ev, F = 1.
for (B, H, L, F, Ev), scale in [((1, 1, 1, 4, 3), None), ((2, 3, 13, 5, 7), 0.25),
                                ((1, 2, 16, 8, 8), None), ((2, 1, 37, 1, 5), 2.0)]:
    q, k, v = normal(B, H, L, F), normal(B, H, L, F), normal(B, H, L, Ev)
    (out,) = la.run(q, k, v, scale=scale)
    expected, _, _ = ref.linear_attention(q, k, v, scale=1.0 if scale is None else scale)
    common.check(f"linear_attention raw {(B, H, L, F, Ev)} scale={scale}", out,
                 expected, 1e-5)

# Normalized, with the default eps and a large one.
B, H, L, F, Ev = 2, 2, 19, 6, 4
q, k, v = positive(B, H, L, F), positive(B, H, L, F), normal(B, H, L, Ev)
for scale, eps in [(None, None), (0.5, 1e-2)]:
    (out,) = la.run(q, k, v, scale=scale, normalize=True, eps=eps)
    expected, _, _ = ref.linear_attention(
        q, k, v, scale=1.0 if scale is None else scale, normalize=True,
        eps=1e-12 if eps is None else eps)
    common.check(f"linear_attention normalized scale={scale} eps={eps}", out,
                 expected, 1e-5)

# Initial and final state (raw), then state and normalizer (normalized).
B, H, L, F, Ev = 2, 3, 11, 5, 6
q, k, v = normal(B, H, L, F), normal(B, H, L, F), normal(B, H, L, Ev)
s0 = normal(B, H, F, Ev)
out, s = la.run(q, k, v, initial_state=s0, final_state=True, scale=0.3)
eo, es, _ = ref.linear_attention(q, k, v, initial_state=s0, scale=0.3)
common.check("linear_attention initial_state output", out, eo, 1e-5)
common.check("linear_attention final_state", s, es, 1e-5)
(out, s) = la.run(q, k, v, final_state=True)
eo, es, _ = ref.linear_attention(q, k, v)
common.check("linear_attention final_state from zero", s, es, 1e-5)

q, k = positive(B, H, L, F), positive(B, H, L, F)
s0, z0 = normal(B, H, F, Ev), positive(B, H, F)
out, s, z = la.run(q, k, v, initial_state=s0, initial_normalizer=z0, final_state=True,
                   final_normalizer=True, normalize=True, scale=0.7)
eo, es, ez = ref.linear_attention(q, k, v, initial_state=s0, initial_normalizer=z0,
                                  normalize=True, scale=0.7)
common.check("linear_attention normalized with state: output", out, eo, 1e-5)
common.check("linear_attention normalized with state: final_state", s, es, 1e-5)
common.check("linear_attention normalized with state: final_normalizer", z, ez, 1e-5)
# Only the initial normalizer given; final state without final normalizer.
out, s = la.run(q, k, v, initial_normalizer=z0, final_state=True, normalize=True)
eo, es, _ = ref.linear_attention(q, k, v, initial_normalizer=z0, normalize=True)
common.check("linear_attention initial_normalizer only: output", out, eo, 1e-5)
common.check("linear_attention initial_normalizer only: final_state", s, es, 1e-5)

# Carried-state split: two chained calls over [0, P) and [P, L) equal one call.
B, H, L, F, Ev, P = 1, 2, 29, 7, 5, 12
q, k, v = positive(B, H, L, F), positive(B, H, L, F), normal(B, H, L, Ev)
for normalize in [False, True]:
    kw = dict(scale=0.5, normalize=normalize, final_state=True,
              final_normalizer=normalize)
    whole = la.run(q, k, v, **kw)
    first = la.run(q[:, :, :P], k[:, :, :P], v[:, :, :P], **kw)
    second = la.run(q[:, :, P:], k[:, :, P:], v[:, :, P:], initial_state=first[1],
                    initial_normalizer=first[2] if normalize else None, **kw)
    joined = np.concatenate([first[0], second[0]], axis=2)
    eo, es, ez = ref.linear_attention(q, k, v, scale=0.5, normalize=normalize)
    tag = "normalized" if normalize else "raw"
    common.check(f"split {tag}: chained output == one call", joined, whole[0], 1e-6)
    common.check(f"split {tag}: chained final_state == one call", second[1], whole[1], 1e-6)
    common.check(f"split {tag}: output vs reference", joined, eo, 1e-5)
    common.check(f"split {tag}: final_state vs reference", second[1], es, 1e-5)
    if normalize:
        common.check("split normalized: chained final_normalizer == one call",
                     second[2], whole[2], 1e-6)
        common.check("split normalized: final_normalizer vs reference", second[2], ez, 1e-5)

# Dynamic shapes (every operand and destination of the op dynamic).
B, H, L, F, Ev = 2, 2, 9, 3, 4
q, k, v = positive(B, H, L, F), positive(B, H, L, F), normal(B, H, L, Ev)
s0, z0 = normal(B, H, F, Ev), positive(B, H, F)
out, s, z = la.run(q, k, v, initial_state=s0, initial_normalizer=z0, final_state=True,
                   final_normalizer=True, normalize=True, dynamic=True)
eo, es, ez = ref.linear_attention(q, k, v, initial_state=s0, initial_normalizer=z0,
                                  normalize=True)
common.check("linear_attention dynamic: output", out, eo, 1e-5)
common.check("linear_attention dynamic: final_state", s, es, 1e-5)
common.check("linear_attention dynamic: final_normalizer", z, ez, 1e-5)

# f64 computes in f64.
B, H, L, F, Ev = 1, 2, 23, 6, 5
q, k, v = (normal(B, H, L, F, dtype=np.float64), normal(B, H, L, F, dtype=np.float64),
           normal(B, H, L, Ev, dtype=np.float64))
s0 = normal(B, H, F, Ev, dtype=np.float64)
out, s = la.run(q, k, v, initial_state=s0, final_state=True, scale=0.4)
eo, es, _ = ref.linear_attention(q, k, v, initial_state=s0, scale=0.4)
common.check("linear_attention f64: output", out, eo, 1e-13)
common.check("linear_attention f64: final_state", s, es, 1e-13)

# f16 in and out: f32 state, one rounding of each result to f16.
B, H, L, F, Ev = 1, 2, 32, 8, 8
q, k = positive(B, H, L, F, dtype=np.float16), positive(B, H, L, F, dtype=np.float16)
v = normal(B, H, L, Ev, dtype=np.float16)
out, s, z = la.run(q, k, v, normalize=True, final_state=True, final_normalizer=True)
eo, es, ez = ref.linear_attention(q, k, v, normalize=True)
common.check("linear_attention f16: output", out, eo, 1e-3)
common.check("linear_attention f16: final_state", s, es, 1e-3)
common.check("linear_attention f16: final_normalizer", z, ez, 1e-3)
# bf16 inputs with f32 destinations: the f32 accumulation is not rounded to
# bf16 anywhere, so the result is as accurate as an f32 run on those inputs.
q, k = positive(B, H, L, F, dtype=ml_dtypes.bfloat16), positive(B, H, L, F, dtype=ml_dtypes.bfloat16)
v = normal(B, H, L, Ev, dtype=ml_dtypes.bfloat16)
out, s = la.run(q, k, v, scale=0.125, final_state=True, out_dtype=np.float32)
eo, es, _ = ref.linear_attention(q.astype(np.float64), k.astype(np.float64),
                                 v.astype(np.float64), scale=0.125)
common.check("linear_attention bf16 in, f32 out: output", out, eo, 1e-5)
common.check("linear_attention bf16 in, f32 out: final_state", s, es, 1e-5)
