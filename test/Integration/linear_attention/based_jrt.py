# RUN: %python %s
# RUN: env SEQ_TEST_PIPELINE=reference %python %s
"""Feature-mapped linear attention in one program (seq.feature_map feeding
seq.linear_attention): Based (taylor2, normalized), JRT-RNN prefix linear
attention, and the cross-check that prefill followed by one recurrent decode
step (a second compiled call carrying the state) equals the parallel form at
the last position."""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "Inputs"))

import common
import linattn_program as la
import seq_ref as ref

rng = np.random.default_rng(31337)


def normal(*shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


phi = lambda x: ref.feature_map(x, "taylor2")

# Based: taylor2 features (d = 16 -> F = 273), normalized, L prime.
B, H, L, d, Ev = 1, 2, 31, 16, 8
q, k, v = normal(B, H, L, d), normal(B, H, L, d), normal(B, H, L, Ev)
out, s, z = la.run(q, k, v, feature="taylor2", normalize=True, final_state=True,
                   final_normalizer=True)
parallel = ref.prefix_linear_attention_parallel(phi(q), phi(k), v)
eo, es, ez = ref.linear_attention(phi(q), phi(k), v, normalize=True)
common.check("based taylor2 normalized vs parallel form", out, parallel, 1e-5)
common.check("based taylor2 normalized vs recurrent reference", out, eo, 1e-5)
common.check("based final_state (kv_state)", s, es, 1e-5)
common.check("based final_normalizer (k_state)", z, ez, 1e-5)
# L = 1: the output is v itself (one key, weight phi(q).phi(k) / (same + eps)).
(out,) = la.run(q[:, :, :1], k[:, :, :1], v[:, :, :1], feature="taylor2", normalize=True)
common.check("based L=1", out,
             ref.prefix_linear_attention_parallel(phi(q[:, :, :1]), phi(k[:, :, :1]),
                                                  v[:, :, :1]), 1e-5)

# Linear transformer features (elu + 1), scaled and normalized; relu, raw.
q, k, v = normal(2, 2, 20, 6), normal(2, 2, 20, 6), normal(2, 2, 20, 5)
(out,) = la.run(q, k, v, feature="elu_plus_one", normalize=True, scale=0.5)
common.check("elu_plus_one features normalized", out,
             ref.linear_attention(ref.feature_map(q, "elu_plus_one"),
                                  ref.feature_map(k, "elu_plus_one"), v,
                                  normalize=True, scale=0.5)[0], 1e-5)
(out,) = la.run(q, k, v, feature="relu")
common.check("relu features raw", out,
             ref.linear_attention(ref.feature_map(q, "relu"), ref.feature_map(k, "relu"),
                                  v)[0], 1e-5)

# JRT-RNN prefix linear attention: M non-causal prefix keys/values seen by
# every query, taylor2 features, normalized.
B, H, L, M, d, Ev = 1, 2, 23, 10, 8, 6
q, k, v = normal(B, H, L, d), normal(B, H, L, d), normal(B, H, L, Ev)
pk, pv = normal(B, H, M, d), normal(B, H, M, Ev)
out, s, z = la.run(q, k, v, prefix_key=pk, prefix_value=pv, feature="taylor2",
                   normalize=True, final_state=True, final_normalizer=True)
parallel = ref.prefix_linear_attention_parallel(phi(q), phi(k), v, phi(pk), pv)
eo, es, ez = ref.linear_attention(phi(q), phi(k), v, prefix_key=phi(pk), prefix_value=pv,
                                  normalize=True)
common.check("jrt prefix normalized vs parallel form", out, parallel, 1e-5)
common.check("jrt prefix final_state", s, es, 1e-5)
common.check("jrt prefix final_normalizer", z, ez, 1e-5)

# Prefix without normalization, on top of an initial state (both are summed
# into S_{-1}), M = 1.
q, k, v = normal(2, 1, 9, 5), normal(2, 1, 9, 5), normal(2, 1, 9, 3)
pk, pv, s0 = normal(2, 1, 1, 5), normal(2, 1, 1, 3), normal(2, 1, 5, 3)
out, s = la.run(q, k, v, prefix_key=pk, prefix_value=pv, initial_state=s0,
                final_state=True, scale=0.25)
eo, es, _ = ref.linear_attention(q, k, v, prefix_key=pk, prefix_value=pv,
                                 initial_state=s0, scale=0.25)
common.check("raw prefix + initial_state: output", out, eo, 1e-5)
common.check("raw prefix + initial_state: final_state", s, es, 1e-5)

# Prefill + one decode step == parallel at the last position. The prefill
# call sees the prefix and positions [0, L-1) and returns S and z; the decode
# call has L = 1, no prefix, and starts from them.
B, H, L, M, d, Ev = 2, 2, 29, 12, 16, 8
q, k, v = normal(B, H, L, d), normal(B, H, L, d), normal(B, H, L, Ev)
pk, pv = normal(B, H, M, d), normal(B, H, M, Ev)
P = L - 1
pre_out, pre_s, pre_z = la.run(q[:, :, :P], k[:, :, :P], v[:, :, :P], prefix_key=pk,
                               prefix_value=pv, feature="taylor2", normalize=True,
                               final_state=True, final_normalizer=True)
(dec_out,) = la.run(q[:, :, P:], k[:, :, P:], v[:, :, P:], initial_state=pre_s,
                    initial_normalizer=pre_z, feature="taylor2", normalize=True)
parallel = ref.prefix_linear_attention_parallel(phi(q), phi(k), v, phi(pk), pv)
common.check("prefill outputs == parallel[:L-1]", pre_out, parallel[:, :, :P], 1e-5)
common.check("prefill + decode step == parallel[L-1]", dec_out, parallel[:, :, P:], 1e-5)
ref_dec, _, _ = ref.based_recurrent_decode(q, k, v, prefill_length=P, prefix_key=pk,
                                           prefix_value=pv)
common.check("decode step vs reference Based decode", dec_out, ref_dec, 1e-5)
