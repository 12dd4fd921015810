# RUN: %python %s
"""seq.linear_attention on the default (tiled) pipeline, where
seq-chunk-linear-attention computes it in chunks (intra-chunk masked GEMMs,
the per-key decay in the sub-chunk reference-point form, the state carried
across chunks), against the float64 recurrence seq_ref.linear_attention.

One head (B = H = 1: the chunks run in parallel, through a pass over the
chunk states) and 16 heads (chunks in order per head on hosts with up to 4
cores), for every form: plain, normalized (Based), prefix (JRT-RNN), scalar
per-head decay (Mamba-2) and per-key decay (GLA), with decays near 1
(|log g| <= 1e-4) and near 0 (log g ~ -8) in the same sequence, lengths that
are not multiples of the chunk, L = 1, initial and final state and
normalizer, and the state carried between two calls split at several points.
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "Inputs"))

import common
import linattn_program as la
import seq_ref as ref

rng = np.random.default_rng(5)
TOL = 1e-5


def normal(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def positive(*shape):
    return rng.uniform(0.1, 1.0, shape).astype(np.float32)


def mixed_log_decay(shape):
    """Near 1 for even positions of the last axis, near 0 for odd ones, and
    a stretch of strong decay in the middle of the sequence."""
    near_one = -rng.uniform(0.0, 1e-4, shape)
    strong = -rng.uniform(4.0, 8.0, shape)
    pick = (np.arange(shape[-1]) % 2 == 0)
    ld = np.where(pick, near_one, rng.uniform(-0.5, 0.0, shape))
    mid = shape[2] // 2
    ld[:, :, mid:mid + 5] = strong[:, :, mid:mid + 5]
    return ld.astype(np.float32)


def check(name, got, want):
    for label, g, w in zip(("output", "final_state", "final_normalizer"), got, want):
        if w is not None:
            common.check(f"{name}: {label}", g, w, TOL)


def case(name, B, H, L, F, E, **kw):
    q, k, v = normal(B, H, L, F), normal(B, H, L, F), normal(B, H, L, E)
    if kw.get("normalize"):
        q, k = positive(B, H, L, F), positive(B, H, L, F)
    decay = kw.pop("decay", None)
    if decay == "head":
        kw["log_decay"] = mixed_log_decay((B, H, L))
    elif decay == "key":
        kw["log_decay"] = mixed_log_decay((B, H, L, F)).transpose(0, 1, 2, 3)
    if kw.pop("prefix", False):
        kw["prefix_key"], kw["prefix_value"] = positive(B, H, 37, F), normal(B, H, 37, E)
    if kw.pop("initial", False):
        kw["initial_state"] = normal(B, H, F, E)
        if kw.get("normalize"):
            kw["initial_normalizer"] = positive(B, H, F)
    normalize = kw.get("normalize", False)
    got = la.run(q, k, v, final_state=True, final_normalizer=normalize, **kw)
    want = ref.linear_attention(q, k, v, **{n: kw[n] for n in kw if n != "final_state"})
    check(f"{name} B={B} H={H} L={L}", got, want)
    return q, k, v, kw


for B, H in ((1, 1), (2, 8)):
    case("plain", B, H, 300, 16, 8)
    case("based normalized", B, H, 200, 37, 8, normalize=True, eps=0.001, scale=0.5)
    case("jrt prefix", B, H, 130, 16, 8, normalize=True, prefix=True)
    case("mamba2 per-head decay", B, H, 500, 16, 8, decay="head", initial=True)
    case("gla per-key decay", B, H, 333, 16, 8, decay="key", initial=True, scale=0.25)
    case("gla normalized", B, H, 129, 16, 8, decay="key", normalize=True, initial=True)
    case("L=1", B, H, 1, 16, 8, decay="key", initial=True)

# The state carried between two calls, split at several points.
q, k, v = normal(1, 1, 500, 16), normal(1, 1, 500, 16), normal(1, 1, 500, 8)
ld = mixed_log_decay((1, 1, 500, 16))
want = ref.linear_attention(q, k, v, log_decay=ld)
for split in (64, 128, 201):
    o1, s1 = la.run(q[:, :, :split], k[:, :, :split], v[:, :, :split],
                    log_decay=ld[:, :, :split], final_state=True)
    o2, s2 = la.run(q[:, :, split:], k[:, :, split:], v[:, :, split:],
                    log_decay=ld[:, :, split:], initial_state=s1, final_state=True)
    common.check(f"gla split at {split}: output", np.concatenate([o1, o2], axis=2), want[0], TOL)
    common.check(f"gla split at {split}: final_state", s2, want[1], TOL)
