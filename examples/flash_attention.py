"""FlashAttention layer in the seq DSL (OPS.md §2; Based's sliding window, §5.3).

x -> Q, K, V projections -> seq.attention (online-softmax semantics: causal,
GQA, Based's sliding window (w//2, 0), logsumexp) -> output projection.
Checks the output and the logsumexp of every variant against a naive float64
softmax reference, in f32 and with f16 / bf16 inputs, and demonstrates
score_mod with Gemma-2's tanh soft-capping and with ALiBi.
"""
# Usage: python3 examples/flash_attention.py

import argparse
import math
import sys

import ml_dtypes
import numpy as np

import seq
from seq.testing import max_rel_error, timed

SOFTCAP = 5.0   # Gemma-2 caps attention logits at 50; 5 makes the cap bite at this scale


# ----------------------------------------------------------------------------
# The model: one attention layer, specialized on (heads, mask, window, mod).
# ----------------------------------------------------------------------------

def softcap(score, b, h, i, j):
    """Gemma-2 soft-capping of the (scaled) logit: cap * tanh(s / cap)."""
    return SOFTCAP * seq.tanh(score / SOFTCAP)


def alibi(n_heads):
    """ALiBi: s - m_h * (i - j) with head slopes m_h = 2^(-8 (h+1) / H)."""
    def mod(score, b, h, i, j):
        return score - seq.exp((h + 1) * (-8.0 * math.log(2.0) / n_heads)) * (i - j)
    return mod


@seq.jit
def attention_layer(x, wq, wk, wv, wo, n_heads, mask, window, mod):
    B, L, _ = x.shape
    E = wq.shape[1] // n_heads                      # head width
    heads = lambda t: t.reshape(B, L, -1, E).transpose(0, 2, 1, 3)   # (B, h, L, E)
    q, k, v = heads(x @ wq), heads(x @ wk), heads(x @ wv)
    score_mod = {None: None, "softcap": softcap, "alibi": alibi(n_heads)}[mod]
    o, lse = seq.attention(q, k, v, mask=mask, window=window, score_mod=score_mod,
                           return_lse=True)
    return o.transpose(0, 2, 1, 3).reshape(B, L, -1) @ wo, lse


# ----------------------------------------------------------------------------
# Float64 reference: the naive masked softmax, written from OPS.md §2.
# ----------------------------------------------------------------------------

def reference(x, wq, wk, wv, wo, n_heads, mask, window, mod):
    x, wq, wk, wv, wo = (np.asarray(a, np.float64) for a in (x, wq, wk, wv, wo))
    B, L, _ = x.shape
    E = wq.shape[1] // n_heads
    n_kv = wk.shape[1] // E
    q = (x @ wq).reshape(B, L, n_heads, E).transpose(0, 2, 1, 3)
    k = (x @ wk).reshape(B, L, n_kv, E).transpose(0, 2, 1, 3)
    v = (x @ wv).reshape(B, L, n_kv, E).transpose(0, 2, 1, 3)
    k = np.repeat(k, n_heads // n_kv, axis=1)        # query head h reads kv head h // group
    v = np.repeat(v, n_heads // n_kv, axis=1)
    s = q @ k.transpose(0, 1, 3, 2) / math.sqrt(E)
    i, j = np.arange(L)[:, None], np.arange(L)[None, :]
    if mod == "softcap":
        s = SOFTCAP * np.tanh(s / SOFTCAP)
    elif mod == "alibi":
        slopes = 2.0 ** (-8.0 * np.arange(1, n_heads + 1) / n_heads)
        s = s - slopes[:, None, None] * (i - j)
    if mask == "causal":
        allowed = j <= i
    else:                                            # sliding_window (left, right)
        allowed = (i - window[0] <= j) & (j <= i + window[1])
    s = np.where(allowed, s, -np.inf)
    m = s.max(axis=-1, keepdims=True)
    p = np.exp(s - m)
    lse = (m + np.log(p.sum(axis=-1, keepdims=True)))[..., 0]
    o = (p / p.sum(axis=-1, keepdims=True)) @ v
    return o.transpose(0, 2, 1, 3).reshape(B, L, -1) @ wo, lse


# ----------------------------------------------------------------------------

def make_weights(rng, D, n_heads, n_kv, E):
    """Linear weights (in, out) with std 1/sqrt(fan_in) (unit-scale activations)."""
    w = lambda i, o: rng.normal(0.0, 1.0 / math.sqrt(i), (i, o))
    return w(D, n_heads * E), w(D, n_kv * E), w(D, n_kv * E), w(n_heads * E, D)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seq-len", type=int, default=128)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--head-dim", type=int, default=32)
    ap.add_argument("--window", type=int, default=64, help="Based's w (FlashAttention window (w//2, 0))")
    args = ap.parse_args(argv)
    B, L, D, E = 1, args.seq_len, args.dim, args.head_dim
    rng = np.random.default_rng(0)
    x = rng.normal(0.0, 1.0, (B, L, D))
    mha = make_weights(rng, D, 8, 8, E)
    gqa = make_weights(rng, D, 8, 2, E)
    w = (args.window // 2, 0)

    # (name, dtype, tolerance, weights, heads, mask, window, score_mod)
    f32 = (np.float32, 1e-4)
    # Half-precision runs: x, the weights, the three projections, the attention
    # output and the result are each rounded to the storage type (unit roundoff
    # u = 2^-11 for f16, 2^-8 for bf16; sums run in f32), so the error is a few u
    # (measured ~0.8 u). Tolerance 10 u.
    cases = [
        ("MHA causal           Hq=8 Hkv=8", *f32, mha, 8, "causal", None, None),
        ("GQA causal           Hq=8 Hkv=2", *f32, gqa, 8, "causal", None, None),
        (f"GQA sliding {str(w):8s} Hq=8 Hkv=2", *f32, gqa, 8, "sliding_window", w, None),
        ("GQA causal           Hq=8 Hkv=2", np.float16, 5e-3, gqa, 8, "causal", None, None),
        ("GQA causal           Hq=8 Hkv=2", ml_dtypes.bfloat16, 4e-2, gqa, 8, "causal", None, None),
        (f"GQA causal softcap {SOFTCAP:g} Hq=8 Hkv=2", *f32, gqa, 8, "causal", None, "softcap"),
        ("MHA causal ALiBi     Hq=8 Hkv=8", *f32, mha, 8, "causal", None, "alibi"),
    ]
    print(f"FlashAttention layer: B={B} L={L} D={D} head_dim={E}  (seq.attention, online softmax)")
    print("errors: max|a-e|/max|e| vs float64; 1st call = trace + compile + run; run = median of 5")
    print(f"{'variant':32s} {'dtype':>8s} {'out err':>9s} {'lse err':>9s} {'tol':>7s} "
          f"{'1st call':>8s} {'run':>8s}")
    failed = []
    for name, dtype, tol, weights, H, mask, window, mod in cases:
        arrays = [a.astype(dtype) for a in (x, *weights)]
        (out, lse), first, run = timed(attention_layer, *arrays, H, mask, window, mod)
        ref_out, ref_lse = reference(*arrays, H, mask, window, mod)
        e_out, e_lse = max_rel_error(out, ref_out), max_rel_error(lse, ref_lse)
        ok = e_out <= tol and e_lse <= tol
        note = ""
        if mod is not None:       # the modifier must matter, or the check proves nothing
            plain, _ = reference(*arrays, H, mask, window, None)
            effect = max_rel_error(plain, ref_out)
            ok = ok and effect > 100 * tol
            note = f"  (vs no score_mod: {effect:.1e})"
        print(f"{name:32s} {np.dtype(dtype).name:>8s} {e_out:9.2e} {e_lse:9.2e} {tol:7.0e} "
              f"{first * 1e3:6.0f}ms {run * 1e3:6.1f}ms{note}{'' if ok else '  FAIL'}")
        if not ok:
            failed.append(f"{name} {np.dtype(dtype).name}")
    if failed:
        print(f"FAIL: {', '.join(failed)}")
        return 1
    print("PASS: every variant matches the float64 reference")
    return 0


if __name__ == "__main__":
    sys.exit(main())
