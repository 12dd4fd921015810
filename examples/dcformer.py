"""DCFormer's dynamically composable multi-head attention (DCMHA) in the seq DSL (OPS.md §6).

Dynamic weights from x (§6.2: GELU hidden, RMS-normed w1 over heads, tanh
gates), seq.compose_heads on the raw logits, mask with float32's lowest value,
fp32 softmax, seq.compose_heads on the probabilities, re-mask to zero, · V.
Checked against a float64 NumPy reference that composes with the naive
per-(t, s) H×H matrices of §6.1, at the init scales and at 30× dynamic weights.
"""
# Usage: python3 examples/dcformer.py

import argparse
import math
import sys

import numpy as np

import seq
from seq.testing import max_rel_error, timed

# ----------------------------------------------------------------------------
# The model
# ----------------------------------------------------------------------------


@seq.jit
def dcmha(x, wq, wk, wv, wo, w_dw1, w_qkw, w_dd, n_heads):
    B, T, _ = x.shape
    R = w_qkw.shape[2] // 2
    heads = lambda t: t.reshape(B, T, n_heads, -1).transpose(0, 2, 1, 3)   # (B, H, T, dh)
    q, k, v = heads(x @ wq), heads(x @ wk), heads(x @ wv)

    # Dynamic weights; slot c in [pre-query, pre-key, post-query, post-key].
    hidden = seq.gelu(seq.einsum("btd,dck->btck", x, w_dw1))
    w = seq.einsum("btck,ckjh->btcjh", hidden, w_qkw)                 # (B, T, 4, 2R, H)
    w1 = seq.rms_norm(w[:, :, :, :R], eps=1e-6)                       # over the heads
    w2 = w[:, :, :, R:]
    dd = seq.tanh(seq.einsum("btd,dch->btch", x, w_dd))               # (B, T, 4, H)

    def compose(a, c):                  # c = 0: pre-softmax, c = 2: post-softmax
        return seq.compose_heads(a, query_w1=w1[:, :, c], query_w2=w2[:, :, c],
                                 key_w1=w1[:, :, c + 1], key_w2=w2[:, :, c + 1],
                                 query_gate=dd[:, :, c], key_gate=dd[:, :, c + 1])

    causal = seq.constant(np.tril(np.ones((T, T), dtype=bool)))
    logits = seq.einsum("bhtd,bhsd->bhts", q, k) * (1.0 / math.sqrt(q.shape[-1]))
    logits = seq.where(causal, compose(logits, 0), float(np.finfo(np.float32).min))
    probs = seq.where(causal, compose(seq.softmax(logits), 2), 0.0)
    out = seq.einsum("bhts,bhsd->bhtd", probs, v)
    return out.transpose(0, 2, 1, 3).reshape(B, T, -1) @ wo


# ----------------------------------------------------------------------------
# Float64 reference: DCMHA with the naive per-pair H×H composition (§6.1).
# ----------------------------------------------------------------------------

def gelu(x):
    return 0.5 * x * (1.0 + np.vectorize(math.erf)(x / math.sqrt(2.0)))


def compose_naive(A, qw1, qw2, kw1, kw2, qdd, kdd):
    """out[b,m,t,s] = Σ_n A[b,n,t,s] W_{b,t,s}[n,m] with the H×H matrix
    W = I + qw1ᵀqw2 + kw1ᵀkw2 + diag(qdd) + diag(kdd) built for every (t, s)."""
    H = A.shape[1]
    eye = np.eye(H)
    Wq = np.einsum("btrn,btrm->btnm", qw1, qw2) + qdd[..., :, None] * eye   # (B, T, H, H)
    Wk = np.einsum("bsrn,bsrm->bsnm", kw1, kw2) + kdd[..., :, None] * eye   # (B, S, H, H)
    W = eye + Wq[:, :, None] + Wk[:, None, :]                               # (B, T, S, H, H)
    return np.einsum("bnts,btsnm->bmts", A, W)


def reference(x, wq, wk, wv, wo, w_dw1, w_qkw, w_dd, n_heads, compose=True):
    """The DCMHA layer in float64 (plain causal MHA with compose=False)."""
    B, T, D = x.shape
    R = w_qkw.shape[2] // 2
    dh = wq.shape[1] // n_heads
    q, k, v = ((x @ w).reshape(B, T, n_heads, dh).transpose(0, 2, 1, 3) for w in (wq, wk, wv))
    hidden = gelu(np.einsum("btd,dck->btck", x, w_dw1))
    w = np.einsum("btck,ckjh->btcjh", hidden, w_qkw)
    w1, w2 = w[:, :, :, :R], w[:, :, :, R:]
    w1 = w1 / np.sqrt(np.mean(w1 ** 2, axis=-1, keepdims=True) + 1e-6)
    dd = np.tanh(np.einsum("btd,dch->btch", x, w_dd))
    pre = [a[:, :, i] for i in (0, 1) for a in (w1, w2)] + [dd[:, :, 0], dd[:, :, 1]]
    post = [a[:, :, i] for i in (2, 3) for a in (w1, w2)] + [dd[:, :, 2], dd[:, :, 3]]
    mask = np.tril(np.ones((T, T), dtype=bool))
    logits = q @ k.transpose(0, 1, 3, 2) / math.sqrt(dh)
    mix = compose_naive if compose else (lambda A, *_: A)
    logits = np.where(mask, mix(logits, *pre), np.finfo(np.float64).min)
    probs = np.exp(logits - logits.max(axis=-1, keepdims=True))
    probs /= probs.sum(axis=-1, keepdims=True)
    probs = np.where(mask, mix(probs, *post), 0.0)
    return (probs @ v).transpose(0, 2, 1, 3).reshape(B, T, -1) @ wo


# ----------------------------------------------------------------------------

def make_params(rng, B, T, D, H, dh, R, dyn_scale=1.0):
    """x and weights with the init scales of OPS.md §6.2 (K = 4H, I = 2);
    dyn_scale multiplies the std of W_qkw and W_dd."""
    K, I = 4 * H, 2
    n = lambda shape, std: rng.normal(0.0, std, shape)
    return [n((B, T, D), 1.0),
            n((D, H * dh), 1 / math.sqrt(D)), n((D, H * dh), 1 / math.sqrt(D)),
            n((D, H * dh), 1 / math.sqrt(D)), n((H * dh, D), 1 / math.sqrt(H * dh)),
            n((D, 4, K), math.sqrt(2.0 / (D + K))),
            n((4, K, 2 * R, H), dyn_scale * math.sqrt(1.0 / K) * 2.0 / (H + I) * 0.01),
            n((D, 4, H), dyn_scale * math.sqrt(2.0 / (D + H)) * 0.005)]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seq-len", type=int, default=128)
    ap.add_argument("--dim", type=int, default=64)
    ap.add_argument("--heads", type=int, default=4)
    args = ap.parse_args(argv)
    B, T, D, H, R = 1, args.seq_len, args.dim, args.heads, 2
    dh = D // H
    tol = 1e-4
    rng = np.random.default_rng(0)
    print(f"DCFormer DCMHA: B={B} T={T} D={D} H={H} head_dim={dh} R={R} K={4 * H}, causal "
          "(seq.compose_heads pre- and post-softmax)")
    failed = False
    for label, scale in (("init scales", 1.0), ("dynamic weights x30", 30.0)):
        params = make_params(rng, B, T, D, H, dh, R, scale)
        arrays = [p.astype(np.float32) for p in params]
        out, first, run = timed(dcmha, *arrays, H, repeats=5)
        params64 = [a.astype(np.float64) for a in arrays]
        expected = reference(*params64, H)
        plain = reference(*params64, H, compose=False)
        err, effect = max_rel_error(out, expected), max_rel_error(plain, expected)
        ok = err <= tol and effect > 100 * tol     # composition must matter, or it is unchecked
        failed |= not ok
        when = "trace + compile + run" if scale == 1.0 else "already compiled"
        print(f"  {label:20s} max rel err {err:.2e} (tol {tol:.0e}), composition changes the "
              f"output by {effect:.1e}; first call {first * 1e3:.0f} ms ({when}), "
              f"run {run * 1e3:.1f} ms (median of 5){'' if ok else '   FAIL'}")
    print("FAIL" if failed else "PASS")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
