# Usage: python3 examples/gla.py
"""Gated Linear Attention (fla GatedLinearAttention layer), OPS.md 7.3:
per-key-dim log forget gate gk = logsigmoid(low-rank proj(x)) / 16, scale
K^-1/2, via seq.linear_attention with a (B,H,L,K) log_decay, then the fused
RMSNorm * swish(g) gate and o_proj. Checked vs fla's naive_recurrent_gla in
float64 NumPy, and two calls on the halves carrying final_state == one call."""

import argparse
import math
import sys

import numpy as np

import seq
from seq.testing import max_rel_error, timed, verdict

BATCH, LENGTH, HIDDEN, HEADS = 2, 128, 128, 4
EXPAND_K, EXPAND_V, GATE_RANK, GATE_NORMALIZER = 0.5, 1.0, 16, 16
TOLERANCE = 1e-4


# --------------------------------------------------------------------------
# The model, in seq
# --------------------------------------------------------------------------

@seq.jit
def gla_layer(x, w_q, w_k, w_v, w_g, w_gk1, w_gk2, b_gk2, norm_weight, w_o,
              state, heads):
    """Returns the layer output, the attention output before the norm/gate
    (B,H,L,V) and the final recurrent state (B,H,K,V); `state` is the
    initial state (zeros for a fresh sequence)."""
    b, l, _ = x.shape
    q, k, v = (seq.split_heads(x @ w, heads) for w in (w_q, w_k, w_v))
    gk = seq.split_heads(x @ w_gk1 @ w_gk2 + b_gk2, heads)
    gk = -seq.softplus(-gk) / GATE_NORMALIZER                  # logsigmoid / 16
    o, state = seq.linear_attention(q, k, v, log_decay=gk, initial_state=state,
                                    scale=q.shape[3] ** -0.5, return_state=True)
    g = seq.split_heads(x @ w_g, heads)
    y = seq.rms_norm(o, norm_weight, eps=1e-5) * seq.silu(g)  # FusedRMSNormGated
    y = y.transpose(0, 2, 1, 3).reshape(b, l, w_o.shape[0])
    return y @ w_o, o, state


# --------------------------------------------------------------------------
# NumPy float64 reference (naive_recurrent_gla + the layer around it)
# --------------------------------------------------------------------------

def ref_naive_recurrent_gla(q, k, v, gk, initial_state=None):
    """fla naive_recurrent_gla, (B,H,T,*) layout."""
    b, h, t, kd = q.shape
    o = np.zeros_like(v)
    scale = kd ** -0.5
    state = np.zeros((b, h, kd, v.shape[-1]))
    if initial_state is not None:
        state = state + initial_state
    for i in range(t):
        state = state * np.exp(gk[:, :, i])[..., None] + k[:, :, i, :, None] * v[:, :, i, None, :]
        o[:, :, i] = ((q[:, :, i] * scale)[..., None] * state).sum(-2)
    return o, state


def ref_gla_layer(x, w_q, w_k, w_v, w_g, w_gk1, w_gk2, b_gk2, norm_weight, w_o,
                  state, heads):
    b, l, _ = x.shape
    hd = lambda t: t.reshape(b, l, heads, -1).transpose(0, 2, 1, 3)
    q, k, v = hd(x @ w_q), hd(x @ w_k), hd(x @ w_v)
    logits = hd((x @ w_gk1) @ w_gk2 + b_gk2)
    gk = (-np.log1p(np.exp(-logits))) / GATE_NORMALIZER         # F.logsigmoid / 16
    o, final = ref_naive_recurrent_gla(q, k, v, gk, state)
    g = hd(x @ w_g)
    y = o / np.sqrt(np.mean(o * o, axis=-1, keepdims=True) + 1e-5) * norm_weight
    y = y * (g / (1.0 + np.exp(-g)))
    return y.transpose(0, 2, 1, 3).reshape(b, l, -1) @ w_o, o, final


# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------

def xavier(rng, fan_in, fan_out, gain=2 ** -2.5):
    """fla GLA's init: xavier_uniform_(gain=2**-2.5); stored (in, out)."""
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-bound, bound, (fan_in, fan_out))


def check(label, x, weights, state0, heads, repeats):
    """Runs one configuration; returns {check name: max relative error}."""
    c = lambda a: a.astype(np.float32)
    w32 = [c(w) for w in weights]
    (out, o, final), first, median = timed(gla_layer, c(x), *w32, c(state0), heads,
                                           repeats=repeats)
    expected, o_ref, final_ref = ref_gla_layer(x, *weights, state0, heads)
    errors = {"layer output": max_rel_error(out, expected),
              "attention output o": max_rel_error(o, o_ref),
              "final state": max_rel_error(final, final_ref)}

    # Chunked-state split: the two halves, the state carried between calls.
    half = x.shape[1] // 2
    out1, o1, s1 = gla_layer(c(x[:, :half]), *w32, c(state0), heads)
    out2, o2, s2 = gla_layer(c(x[:, half:]), *w32, s1, heads)
    split_out = np.concatenate([out1, out2], axis=1)      # (B, L, D)
    split_o = np.concatenate([o1, o2], axis=2)            # (B, H, L, V)
    errors["split vs one call"] = max(max_rel_error(split_out, out), max_rel_error(split_o, o),
                                      max_rel_error(s2, final))
    errors["split vs reference"] = max(max_rel_error(split_out, expected),
                                       max_rel_error(split_o, o_ref),
                                       max_rel_error(s2, final_ref))

    logits = x @ weights[4] @ weights[5] + weights[6]
    gate = np.exp(-np.log1p(np.exp(-logits)) / GATE_NORMALIZER)
    print(f"{label}: forget gate exp(gk) in [{gate.min():.4f}, {gate.max():.4f}]; "
          f"median {median * 1e3:.2f} ms (first call {first:.2f} s)")
    for name, err in errors.items():
        print(f"  {name:22s} max rel err {err:.2e}")
    return errors


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    opts = parser.parse_args(argv)
    rng = np.random.default_rng(opts.seed)
    b, l, d, h = BATCH, LENGTH, HIDDEN, HEADS
    key_dim, value_dim = int(d * EXPAND_K), int(d * EXPAND_V)
    x = rng.standard_normal((b, l, d))
    weights = [xavier(rng, d, key_dim), xavier(rng, d, key_dim), xavier(rng, d, value_dim),
               xavier(rng, d, value_dim), xavier(rng, d, GATE_RANK),
               xavier(rng, GATE_RANK, key_dim), np.zeros(key_dim),
               np.ones(value_dim // h), xavier(rng, value_dim, d)]
    state0 = np.zeros((b, h, key_dim // h, value_dim // h))
    print(f"GLA layer: B={b} L={l} hidden={d} heads={h} head_k={key_dim // h} "
          f"head_v={value_dim // h} gate rank={GATE_RANK} normalizer={GATE_NORMALIZER}")
    errors = check("fla init (gate bias 0)", x, weights, state0, h, opts.repeats)
    # At init every gate is ~sigmoid(0)^(1/16) = 0.96. A trained model spreads
    # its forget rates over key dims; a gate bias U(-6, 6) gives ~0.70..0.9999
    # and checks that the decay really is per key dim.
    weights[6] = rng.uniform(-6.0, 6.0, key_dim)
    errors.update({f"spread {k}": v for k, v in
                   check("spread gates (bias U(-6,6))", x, weights, state0, h,
                         opts.repeats).items()})
    return verdict(errors, TOLERANCE)


if __name__ == "__main__":
    sys.exit(main())
