# Usage: python3 examples/based.py
"""Based (HazyResearch/based), OPS.md 5.1-5.3: its three mixers as three small
@seq.jit layers — Taylor (16 -> 273) linear attention with normalizer
(seq.feature_map + seq.linear_attention), causal sliding-window attention,
window (w//2, 0), with rotary (seq.rotary + seq.attention), and BaseConv's
gated short conv (seq.long_conv, K=3) — each checked against an independent
float64 NumPy reference (the quadratic parallel form for linear attention)."""

import argparse
import math
import sys

import numpy as np

import seq
from seq.testing import max_rel_error, timed

# Sizes: a small Based layer (based-360m uses d_model 1024, 16 heads,
# feature_dim 16; here d_model 64 with 4 heads of d_v = 16).
BATCH, LENGTH, D_MODEL, HEADS, FEATURE_DIM = 2, 128, 64, 4, 16
WINDOW = 64                  # SlidingAttention window_size; FlashAttention gets (32, 0)
CONV_K, EXPAND = 3, 4        # BaseConv: kernel 3, in_proj D -> 4D, d_inner = 2D
TOLERANCE = 1e-4


# --------------------------------------------------------------------------
# The model, in seq
# --------------------------------------------------------------------------

@seq.jit
def based_linear_attention(x, w_q, w_k, w_v, w_out, heads):
    """LinearAttention.parallel_forward with the TaylorExp feature map."""
    q = seq.feature_map(seq.split_heads(x @ w_q, heads), "taylor2")    # (B,H,L,273)
    k = seq.feature_map(seq.split_heads(x @ w_k, heads), "taylor2")
    v = seq.split_heads(x @ w_v, heads)                                # (B,H,L,d_v)
    y = seq.linear_attention(q, k, v, normalize=True, eps=1e-12)
    return seq.merge_heads(y) @ w_out


@seq.jit
def sliding_window_attention(x, w_qkv, b_qkv, w_out, b_out, heads, window):
    """SlidingAttention: Wqkv -> (three h d), rotary (GPT-NeoX halves) on q
    and k, causal FlashAttention with window_size (window//2, 0)."""
    d = x.shape[2]
    qkv = x @ w_qkv + b_qkv
    q = seq.rotary(seq.split_heads(qkv[:, :, :d], heads), pairing="halves")
    k = seq.rotary(seq.split_heads(qkv[:, :, d:2 * d], heads), pairing="halves")
    v = seq.split_heads(qkv[:, :, 2 * d:], heads)
    o = seq.attention(q, k, v, mask="sliding_window", window=(window // 2, 0))
    return seq.merge_heads(o) @ w_out + b_out


@seq.jit
def base_conv(x, w_in, b_in, conv_weight, w_out, b_out):
    """BaseConv: u1, u2 = split(in_proj(u)); out_proj(silu(dwconv3(u1)) * u2).
    conv_weight is nn.Conv1d's (C, K) cross-correlation taps; seq.long_conv
    wants convolution taps k[c, j] (weight of u[t - j]), i.e. reversed."""
    d_inner = w_in.shape[1] // 2
    u = x @ w_in + b_in
    taps = conv_weight.shape[1]
    k = seq.concat([conv_weight[:, j:j + 1] for j in reversed(range(taps))], axis=1)
    y = seq.silu(seq.long_conv(u[:, :, :d_inner], k)) * u[:, :, d_inner:]
    return y @ w_out + b_out


# --------------------------------------------------------------------------
# NumPy float64 reference (mirrors the official PyTorch modules)
# --------------------------------------------------------------------------

def ref_heads(t, heads):
    b, l, hd = t.shape
    return t.reshape(b, l, heads, hd // heads).transpose(0, 2, 1, 3)


def ref_merge(t):
    b, h, l, d = t.shape
    return t.transpose(0, 2, 1, 3).reshape(b, l, h * d)


def ref_taylor_exp(x):
    """TaylorExp.forward: [1, x / d^(1/4), vec(x x^T) / sqrt(2) / sqrt(d)]."""
    d = x.shape[-1]
    x2 = (x[..., :, None] * x[..., None, :]).reshape(*x.shape[:-1], d * d) / math.sqrt(2)
    return np.concatenate([np.ones_like(x[..., :1]), x / math.sqrt(math.sqrt(d)),
                           x2 / math.sqrt(d)], axis=-1)


def ref_based_linear_attention(x, w_q, w_k, w_v, w_out, heads, eps=1e-12):
    q = ref_taylor_exp(ref_heads(x @ w_q, heads))
    k = ref_taylor_exp(ref_heads(x @ w_k, heads))
    v = ref_heads(x @ w_v, heads)
    a = np.tril(np.einsum("bhnd,bhmd->bhnm", q, k))               # quadratic form
    y = np.einsum("bhnm,bhme->bhne", a, v)
    z = 1.0 / (np.einsum("bhld,bhld->bhl", q, np.cumsum(k, axis=2)) + eps)
    return ref_merge(y * z[..., None]) @ w_out


def ref_rotary_halves(x, base=10000.0):
    """flash_attn RotaryEmbedding, interleaved=False (rotate_half)."""
    l, d = x.shape[-2:]
    inv_freq = 1.0 / base ** (np.arange(0, d, 2) / d)
    freqs = np.outer(np.arange(l), inv_freq)                      # (L, d/2)
    cos = np.concatenate([np.cos(freqs)] * 2, axis=-1)
    sin = np.concatenate([np.sin(freqs)] * 2, axis=-1)
    rotated = np.concatenate([-x[..., d // 2:], x[..., :d // 2]], axis=-1)
    return x * cos + rotated * sin


def ref_sliding_window_attention(x, w_qkv, b_qkv, w_out, b_out, heads, window):
    b, l, d = x.shape
    qkv = (x @ w_qkv + b_qkv).reshape(b, l, 3, heads, d // heads)
    q, k, v = (qkv[:, :, i].transpose(0, 2, 1, 3) for i in range(3))
    q, k = ref_rotary_halves(q), ref_rotary_halves(k)
    s = np.einsum("bhid,bhjd->bhij", q, k) / math.sqrt(d // heads)
    i, j = np.arange(l)[:, None], np.arange(l)[None, :]
    allowed = (j <= i) & (j >= i - window // 2)                  # causal, window (w//2, 0)
    s = np.where(allowed, s, -np.inf)
    p = np.exp(s - s.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    return ref_merge(p @ v) @ w_out + b_out


def ref_base_conv(x, w_in, b_in, conv_weight, w_out, b_out):
    d_inner = w_in.shape[1] // 2
    u = x @ w_in + b_in
    u1, u2 = u[..., :d_inner], u[..., d_inner:]
    k = conv_weight.shape[1]
    # nn.Conv1d(groups=C, padding=K-1)(u1)[..., :L]: cross-correlation over a
    # left-padded input.
    padded = np.concatenate([np.zeros((u1.shape[0], k - 1, d_inner)), u1], axis=1)
    conv = sum(conv_weight[:, m] * padded[:, m:m + u1.shape[1]] for m in range(k))
    silu = conv / (1.0 + np.exp(-conv))
    return (silu * u2) @ w_out + b_out


# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------

def linear_init(rng, fan_in, fan_out, bias=False):
    """nn.Linear's default init: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), stored
    transposed as (in, out) so that y = x @ w."""
    bound = 1.0 / math.sqrt(fan_in)
    w = rng.uniform(-bound, bound, (fan_in, fan_out))
    return (w, rng.uniform(-bound, bound, fan_out)) if bias else w


def run(name, fn, ref, args, repeats):
    f32 = [a.astype(np.float32) if isinstance(a, np.ndarray) else a for a in args]
    out, compile_s, median = timed(fn, *f32, repeats=repeats)
    expected = ref(*args)
    err = max_rel_error(out, expected)
    print(f"{name:28s} max rel err {err:.2e}   median {median * 1e3:8.2f} ms"
          f"   (first call incl. compile {compile_s:.2f} s)")
    return err


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    opts = parser.parse_args(argv)
    rng = np.random.default_rng(opts.seed)
    b, l, d, h, f = BATCH, LENGTH, D_MODEL, HEADS, FEATURE_DIM
    x = rng.standard_normal((b, l, d))          # the (RMS-normed) residual stream

    print(f"Based mixers: B={b} L={l} D={d} H={h} feature_dim={f} "
          f"(-> {1 + f + f * f}), window={WINDOW}, conv K={CONV_K}")
    errors = []

    lin = (x, linear_init(rng, d, h * f), linear_init(rng, d, h * f),
           linear_init(rng, d, d), linear_init(rng, d, d), h)
    errors.append(run("linear attention (taylor)", based_linear_attention,
                      ref_based_linear_attention, lin, opts.repeats))

    w_qkv, b_qkv = linear_init(rng, d, 3 * d, bias=True)
    w_o, b_o = linear_init(rng, d, d, bias=True)
    swa = (x, w_qkv, b_qkv, w_o, b_o, h, WINDOW)
    errors.append(run("sliding-window attention", sliding_window_attention,
                      ref_sliding_window_attention, swa, opts.repeats))

    d_inner = EXPAND * d // 2
    w_in, b_in = linear_init(rng, d, 2 * d_inner, bias=True)
    conv_w = rng.uniform(-1, 1, (d_inner, CONV_K)) / math.sqrt(CONV_K)  # Conv1d init, fan_in = K
    w_out, b_out = linear_init(rng, d_inner, d, bias=True)
    conv = (x, w_in, b_in, conv_w, w_out, b_out)
    errors.append(run("BaseConv (short conv)", base_conv, ref_base_conv, conv,
                      opts.repeats))

    worst = max(errors)
    ok = worst <= TOLERANCE
    print(f"{'PASS' if ok else 'FAIL'}: worst error {worst:.2e} (tolerance {TOLERANCE:g})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
