# RUN: %python %s
# RUN: env SEQ_TEST_PIPELINE=reference %python %s
"""seq.linear_attention with decay: Mamba-2-like per-head decays (including
decays within 1e-4 of 1 over long sequences), GLA-like per-key-dimension
decays with scale = F^-0.5, state carrying, normalization and bf16, against
the float64 recurrent reference and its chunked form."""

import math
import os
import sys

import ml_dtypes
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "Inputs"))

import common
import linattn_program as la
import seq_ref as ref

rng = np.random.default_rng(99)


def normal(*shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


def mamba2_inputs(B, H, L, N, P, dt_range):
    """SSD as linear attention: q = C, k = B (shared by the heads: ngroups = 1),
    v = dt * x, log_decay = dt * A with A = -U[1, 16] per head."""
    C = normal(B, 1, L, N).repeat(H, axis=1)
    Bm = normal(B, 1, L, N).repeat(H, axis=1)
    x = normal(B, H, L, P)
    lo, hi = dt_range
    dt = np.exp(rng.uniform(math.log(lo), math.log(hi), (B, H, L)))
    A = -rng.uniform(1.0, 16.0, (1, H, 1))
    v = (dt[..., None] * x).astype(np.float32)
    return C, Bm, v, (dt * A).astype(np.float32)


# Mamba-2 with ordinary decays (exp(dt A) from ~0.2 to ~1), L prime.
q, k, v, ld = mamba2_inputs(2, 3, 61, 16, 8, (1e-3, 0.1))
s0 = normal(2, 3, 16, 8)
out, s = la.run(q, k, v, log_decay=ld, initial_state=s0, final_state=True)
eo, es, _ = ref.linear_attention(q, k, v, log_decay=ld, initial_state=s0)
common.check("mamba2 per-head decay: output", out, eo, 1e-5)
common.check("mamba2 per-head decay: final_state", s, es, 1e-5)
co, cs, _ = ref.linear_attention_chunked(q, k, v, log_decay=ld, initial_state=s0,
                                         chunk_size=16, sub_chunk_size=4)
common.check("mamba2 per-head decay: output vs chunked reference", out, co, 1e-5)

# Decays within 1e-4 of 1 (|dt A| <= 1e-4) over 1000 steps: the state keeps
# almost all of its history, so rounding the decay to 1 or losing it in
# 1 - small would show as an O(L * 1e-4) error.
q, k, v, ld = mamba2_inputs(1, 2, 1000, 16, 8, (1e-7, 6e-6))
assert np.all(np.exp(ld.astype(np.float64)) > 1 - 1e-4)
out, s = la.run(q, k, v, log_decay=ld, final_state=True)
eo, es, _ = ref.linear_attention(q, k, v, log_decay=ld)
e1, _, _ = ref.linear_attention(q, k, v)
print(f"(decay-free output differs from the decayed one by "
      f"{common.max_rel_error(e1, eo):.2e})")
common.check("mamba2 decays within 1e-4 of 1, L=1000: output", out, eo, 1e-5)
common.check("mamba2 decays within 1e-4 of 1, L=1000: final_state", s, es, 1e-5)

# Mamba-2 carried state: prefill then the rest, chained through the state.
q, k, v, ld = mamba2_inputs(1, 2, 40, 8, 4, (1e-3, 0.1))
whole = la.run(q, k, v, log_decay=ld, final_state=True)
P = 17
first = la.run(q[:, :, :P], k[:, :, :P], v[:, :, :P], log_decay=ld[:, :, :P],
               final_state=True)
second = la.run(q[:, :, P:], k[:, :, P:], v[:, :, P:], log_decay=ld[:, :, P:],
                initial_state=first[1], final_state=True)
common.check("mamba2 split: chained output == one call",
             np.concatenate([first[0], second[0]], axis=2), whole[0], 1e-6)
common.check("mamba2 split: chained final_state == one call", second[1], whole[1], 1e-6)
common.check("mamba2 split: final_state vs reference", second[1],
             ref.linear_attention(q, k, v, log_decay=ld)[1], 1e-5)

# GLA: per-key-dimension log forget gates logsigmoid(g) / 16, scale F^-0.5.
B, H, L, F, Ev = 2, 2, 47, 16, 12
q, k, v = normal(B, H, L, F), normal(B, H, L, F), normal(B, H, L, Ev)
g = normal(B, H, L, F) + 2.0
gla_ld = (-np.logaddexp(0.0, -g.astype(np.float64)) / 16.0).astype(np.float32)
s0 = normal(B, H, F, Ev)
scale = F ** -0.5
out, s = la.run(q, k, v, log_decay=gla_ld, initial_state=s0, final_state=True, scale=scale)
eo, es, _ = ref.linear_attention(q, k, v, log_decay=gla_ld, initial_state=s0, scale=scale)
common.check("gla per-key decay: output", out, eo, 1e-5)
common.check("gla per-key decay: final_state", s, es, 1e-5)
co, _, _ = ref.linear_attention_chunked(q, k, v, log_decay=gla_ld, initial_state=s0,
                                        scale=scale, chunk_size=16, sub_chunk_size=4)
common.check("gla per-key decay: output vs chunked reference", out, co, 1e-5)
# Strong per-key decays (down to exp(-8)) exercise the other end.
strong = rng.uniform(-8.0, 0.0, (B, H, L, F)).astype(np.float32)
(out,) = la.run(q, k, v, log_decay=strong, scale=scale)
common.check("gla strong per-key decay: output", out,
             ref.linear_attention(q, k, v, log_decay=strong, scale=scale)[0], 1e-5)

# L = 1 with either decay and an initial state: one step of the recurrence.
q, k, v = normal(2, 3, 1, 5), normal(2, 3, 1, 5), normal(2, 3, 1, 4)
s0 = normal(2, 3, 5, 4)
for name, ld in [("per head", -rng.uniform(0, 2, (2, 3, 1)).astype(np.float32)),
                 ("per key", -rng.uniform(0, 2, (2, 3, 1, 5)).astype(np.float32))]:
    out, s = la.run(q, k, v, log_decay=ld, initial_state=s0, final_state=True)
    eo, es, _ = ref.linear_attention(q, k, v, log_decay=ld, initial_state=s0)
    common.check(f"L=1 decay {name}: output", out, eo, 1e-5)
    common.check(f"L=1 decay {name}: final_state", s, es, 1e-5)

# Decay with normalization (RetNet-like normalized retention on positive
# features), both decay layouts, with initial and final normalizer.
B, H, L, F, Ev = 1, 2, 31, 6, 5
q = rng.uniform(0.05, 1.0, (B, H, L, F)).astype(np.float32)
k = rng.uniform(0.05, 1.0, (B, H, L, F)).astype(np.float32)
v = normal(B, H, L, Ev)
s0, z0 = normal(B, H, F, Ev), rng.uniform(0.1, 1.0, (B, H, F)).astype(np.float32)
for name, ld in [("per head", -rng.uniform(0, 0.3, (B, H, L)).astype(np.float32)),
                 ("per key", -rng.uniform(0, 0.3, (B, H, L, F)).astype(np.float32))]:
    out, s, z = la.run(q, k, v, log_decay=ld, initial_state=s0, initial_normalizer=z0,
                       final_state=True, final_normalizer=True, normalize=True, scale=0.5)
    eo, es, ez = ref.linear_attention(q, k, v, log_decay=ld, initial_state=s0,
                                      initial_normalizer=z0, normalize=True, scale=0.5)
    common.check(f"normalized decay {name}: output", out, eo, 1e-5)
    common.check(f"normalized decay {name}: final_state", s, es, 1e-5)
    common.check(f"normalized decay {name}: final_normalizer", z, ez, 1e-5)

# Dynamic shapes with a per-key decay.
q, k, v = normal(1, 2, 13, 4), normal(1, 2, 13, 4), normal(1, 2, 13, 3)
ld = -rng.uniform(0, 1, (1, 2, 13, 4)).astype(np.float32)
(out,) = la.run(q, k, v, log_decay=ld, dynamic=True)
common.check("per-key decay dynamic: output", out,
             ref.linear_attention(q, k, v, log_decay=ld)[0], 1e-5)

# bf16 GLA in and out (f32 state, one rounding per result).
B, H, L, F, Ev = 1, 2, 24, 8, 8
q = normal(B, H, L, F, dtype=ml_dtypes.bfloat16)
k = normal(B, H, L, F, dtype=ml_dtypes.bfloat16)
v = normal(B, H, L, Ev, dtype=ml_dtypes.bfloat16)
ld = (-rng.uniform(0, 0.5, (B, H, L, F))).astype(ml_dtypes.bfloat16)
out, s = la.run(q, k, v, log_decay=ld, final_state=True, scale=F ** -0.5)
f64 = lambda a: a.astype(np.float64)
eo, es, _ = ref.linear_attention(f64(q), f64(k), f64(v), log_decay=f64(ld), scale=F ** -0.5)
common.check("gla bf16: output", out, eo, 8e-3)
common.check("gla bf16: final_state", s, es, 8e-3)
