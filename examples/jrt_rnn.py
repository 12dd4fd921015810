# Usage: python3 examples/jrt_rnn.py
"""JRT-RNN prefix linear attention (prefix-linear-attention
PrefixLinearAttention), OPS.md 5.4: Taylor linear attention, causal over all L
positions, plus M encoder keys/values from x[:, :M] seen by every query
(seq.linear_attention prefix operands). Checked vs a float64 NumPy parallel
reference, and prefill of L-1 tokens (returning state + normalizer) then one
L=1 decode step == the parallel layer on L tokens (outputs and state)."""

import argparse
import math
import sys

import numpy as np

import seq
from seq.testing import max_rel_error, timed, verdict

BATCH, LENGTH, D_MODEL, HEADS, FEATURE_DIM = 2, 128, 64, 4, 16
ENC_LENGTH = 64              # M: the non-causal encoder (prefix) region
EPS = 1e-12
TOLERANCE = 1e-4


# --------------------------------------------------------------------------
# The model, in seq
# --------------------------------------------------------------------------

def taylor(t, heads):
    return seq.feature_map(seq.split_heads(t, heads), "taylor2")


@seq.jit
def prefix_linear_attention(x, w_q, w_k, w_v, w_k_enc, w_v_enc, w_out, heads,
                            enc_length, return_state):
    """PrefixLinearAttention.parallel_forward (+ the prefill cache with
    return_state: kv_state (B,H,273,d_v) and k_state (B,H,273))."""
    x_enc = x[:, :enc_length]
    outs = seq.linear_attention(
        taylor(x @ w_q, heads), taylor(x @ w_k, heads), seq.split_heads(x @ w_v, heads),
        prefix_key=taylor(x_enc @ w_k_enc, heads),
        prefix_value=seq.split_heads(x_enc @ w_v_enc, heads),
        normalize=True, eps=EPS, return_state=return_state)
    if not return_state:
        return seq.merge_heads(outs) @ w_out
    y, kv_state, k_state = outs
    return seq.merge_heads(y) @ w_out, kv_state, k_state


@seq.jit
def decode_step(x_t, w_q, w_k, w_v, w_out, kv_state, k_state, heads):
    """PrefixLinearAttention.recurrent_forward: one token, no encoder
    projections, the state carried from prefill."""
    y, kv_state, k_state = seq.linear_attention(
        taylor(x_t @ w_q, heads), taylor(x_t @ w_k, heads), seq.split_heads(x_t @ w_v, heads),
        initial_state=kv_state, initial_normalizer=k_state,
        normalize=True, eps=EPS, return_state=True)
    return seq.merge_heads(y) @ w_out, kv_state, k_state


# --------------------------------------------------------------------------
# NumPy float64 reference (mirrors PrefixLinearAttention, implementation
# "default")
# --------------------------------------------------------------------------

def ref_heads(t, heads):
    b, l, hd = t.shape
    return t.reshape(b, l, heads, hd // heads).transpose(0, 2, 1, 3)


def ref_taylor_exp(x):
    d = x.shape[-1]
    x2 = (x[..., :, None] * x[..., None, :]).reshape(*x.shape[:-1], d * d) / math.sqrt(2)
    return np.concatenate([np.ones_like(x[..., :1]), x / math.sqrt(math.sqrt(d)),
                           x2 / math.sqrt(d)], axis=-1)


def ref_prefix_linear_attention(x, w_q, w_k, w_v, w_k_enc, w_v_enc, w_out, heads,
                                enc_length):
    """Returns the output and the prefill cache (kv_state (B,H,d_v,273) as
    in the official einsum 'bhnd,bhnf->bhfd', k_state (B,H,273))."""
    b, l, _ = x.shape
    q = ref_taylor_exp(ref_heads(x @ w_q, heads))
    k = ref_taylor_exp(ref_heads(x @ w_k, heads))
    v = ref_heads(x @ w_v, heads)
    x_enc = x[:, :min(enc_length, l)]
    k_enc = ref_taylor_exp(ref_heads(x_enc @ w_k_enc, heads))
    v_enc = ref_heads(x_enc @ w_v_enc, heads)
    y1 = np.einsum("bhnm,bhme->bhne", np.tril(np.einsum("bhnd,bhmd->bhnm", q, k)), v)
    y2 = np.einsum("bhnm,bhme->bhne", np.einsum("bhnd,bhmd->bhnm", q, k_enc), v_enc)
    k_state = k_enc.sum(axis=2, keepdims=True) + np.cumsum(k, axis=2)
    z = 1.0 / ((q * k_state).sum(-1) + EPS)
    y = (y1 + y2) * z[..., None]
    out = y.transpose(0, 2, 1, 3).reshape(b, l, -1) @ w_out
    kv_cache = (np.einsum("bhnd,bhnf->bhfd", k_enc, v_enc)
                + np.einsum("bhnd,bhnf->bhfd", k, v))
    k_cache = k_enc.sum(axis=2) + k.sum(axis=2)
    return out, kv_cache, k_cache


# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------

def linear_init(rng, fan_in, fan_out):
    """nn.Linear default init U(+-1/sqrt(fan_in)), stored (in, out)."""
    bound = 1.0 / math.sqrt(fan_in)
    return rng.uniform(-bound, bound, (fan_in, fan_out))


def report(label, err, first=None, median=None):
    line = f"{label:32s} max rel err {err:.2e}"
    if median is not None:
        line += f"   median {median * 1e3:8.2f} ms   (first call incl. compile {first:.2f} s)"
    print(line)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    opts = parser.parse_args(argv)
    rng = np.random.default_rng(opts.seed)
    b, l, d, h, f, m = BATCH, LENGTH, D_MODEL, HEADS, FEATURE_DIM, ENC_LENGTH
    x = rng.standard_normal((b, l, d))
    w_q, w_k, w_k_enc = (linear_init(rng, d, h * f) for _ in range(3))
    w_v, w_v_enc, w_out = (linear_init(rng, d, d) for _ in range(3))
    c = lambda a: a.astype(np.float32)
    w32 = [c(w) for w in (w_q, w_k, w_v, w_k_enc, w_v_enc, w_out)]

    print(f"JRT-RNN prefix linear attention: B={b} L={l} M={m} D={d} H={h} "
          f"feature_dim={f} (-> {1 + f + f * f})")
    expected, kv_ref, k_ref = ref_prefix_linear_attention(
        x, w_q, w_k, w_v, w_k_enc, w_v_enc, w_out, h, m)

    # 1. Parallel form on L tokens.
    y, first, median = timed(prefix_linear_attention, c(x), *w32, h, m, False,
                             repeats=opts.repeats)
    errors = {"parallel": max_rel_error(y, expected)}
    report(f"parallel (L={l})", errors["parallel"], first, median)

    # 2. Prefill L-1 tokens (state returned), then decode token L-1.
    (y_pre, kv_state, k_state), first, median = timed(
        prefix_linear_attention, c(x[:, :l - 1]), *w32, h, m, True, repeats=opts.repeats)
    errors["prefill"] = max_rel_error(y_pre, expected[:, :l - 1])
    report(f"prefill (L={l - 1}, return_state)", errors["prefill"], first, median)
    dec_w = [w32[i] for i in (0, 1, 2, 5)]
    (y_dec, kv_next, k_next), first, median = timed(
        decode_step, c(x[:, l - 1:]), *dec_w, kv_state, k_state, h, repeats=opts.repeats)
    errors["decode"] = max_rel_error(y_dec[:, 0], expected[:, l - 1])
    report("decode 1 token vs reference", errors["decode"], first, median)
    errors["decode_vs_parallel"] = max_rel_error(y_dec[:, 0], y[:, l - 1])
    report("decode vs compiled parallel", errors["decode_vs_parallel"])
    # After the decode step the state covers all L tokens: compare to the
    # reference's prefill cache of L tokens (kv cache is (B,H,d_v,273)).
    errors["state"] = max(max_rel_error(kv_next, kv_ref.transpose(0, 1, 3, 2)),
                          max_rel_error(k_next, k_ref))
    report("carried kv_state / k_state", errors["state"])

    return verdict(errors, TOLERANCE)


if __name__ == "__main__":
    sys.exit(main())
