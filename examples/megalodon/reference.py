"""NumPy float64 reference of the MEGALODON block (specs/OPS.md §1.5).

Written from the spec, following the released code's wiring:

    Xn  = TimestepNorm(X)                                   (G groups, weight+1, bias, eps)
    Xc  = CEMA(Xn)                                          (complex EMA, + omega Xn, no silu)
    X'  = RMSNorm(Xc) * (w + 1)
    Z   = X' W_z + b_z ;  zhat = per-head RMSNorm(Z) (no affine)
    Q   = zhat (gamma_0 + 1)/sqrt(dz) + beta_0 ;  K = zhat (gamma_1 + 1)/sqrt(dz) + beta_1
    V   = silu(Xn W_v + b_v) ;  R = silu(X' W_r + b_r)
    O   = per chunk of c: causal softmax(RoPE(Q) RoPE(K)^T) V   (scale 1, positions restart per chunk)
    Hh  = X' W_h1 + b_h1 + (O * R) W_h2
    Y   = X + Hh
    Out = X + W_2 silu(W_1 LN(Y))                          (two-hop residual)

TimestepNorm and CEMA are the individual seq-op references of
test/Integration/reference/seq_ref.py (themselves written from OPS.md §1.2-1.3);
everything else — the wiring, the norms, the projections, the chunked
attention and RoPE — is written here the way MEGALODON's code does it: the
sequence is cut into chunks (B*L/c, c, H, d), RoPE is applied as a complex
rotation with positions 0..c-1 of the chunk, and attention is causal within
the chunk. It does not use seq's chunk_causal mask or rotary chunk_size.
"""

import math
import os
import sys

import numpy as np

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(_HERE, "..", "..", "test", "Integration", "reference"))
import seq_ref  # noqa: E402

from megalodon_mlir import Config  # noqa: E402,F401  (re-exported for users)


def silu(x):
    return x / (1.0 + np.exp(-x))


def rms_norm(x, weight=None, eps=1e-5):
    """x / sqrt(mean(x^2) + eps) over the last axis, times (weight + 1) if given."""
    y = x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps)
    return y if weight is None else y * (weight + 1.0)


def layer_norm(x, weight, bias, eps=1e-5):
    """(x - mean) / sqrt(population var + eps) * (weight + 1) + bias over the last axis."""
    mu = np.mean(x, axis=-1, keepdims=True)
    var = np.mean((x - mu) ** 2, axis=-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * (weight + 1.0) + bias


def rope_complex(x, base=10000.0):
    """MEGALODON's RoPE on (..., T, H, d), positions 0..T-1 along axis -3:
    view_as_complex(x.reshape(..., d/2, 2)) * exp(i pos base^(-2j/d))."""
    T, d = x.shape[-3], x.shape[-1]
    xc = x[..., 0::2] + 1j * x[..., 1::2]                          # (..., T, H, d/2)
    freqs = base ** (-np.arange(0, d, 2, dtype=np.float64) / d)    # base^(-2j/d)
    rot = np.exp(1j * np.arange(T)[:, None] * freqs[None, :])      # (T, d/2)
    yc = xc * rot[:, None, :]
    y = np.empty_like(x)
    y[..., 0::2], y[..., 1::2] = yc.real, yc.imag
    return y


def chunked_attention(q, k, v, chunk):
    """q, k (B, L, H, dz), v (B, L, H, dv): RoPE per chunk, causal softmax
    within each chunk of `chunk`, scale 1.0, no attention across chunks."""
    B, L, H, dz = q.shape
    dv = v.shape[-1]
    c = L if L < chunk else chunk
    n = B * (L // c)
    qc = rope_complex(q.reshape(n, c, H, dz))
    kc = rope_complex(k.reshape(n, c, H, dz))
    vc = v.reshape(n, c, H, dv)
    s = np.einsum("nihd,njhd->nhij", qc, kc)                       # scale 1.0
    s = np.where(np.tril(np.ones((c, c), dtype=bool)), s, -np.inf)
    p = np.exp(s - s.max(axis=-1, keepdims=True))
    p /= p.sum(axis=-1, keepdims=True)
    o = np.einsum("nhij,njhe->nihe", p, vc)
    return o.reshape(B, L, H, dv)


def megalodon_block(params, cfg, return_intermediates=False):
    """The block output (B, L, D) in float64 for the named arrays `params`
    (see megalodon_mlir.argument_specs); with return_intermediates, also a
    dict of the intermediate values."""
    p = {name: np.asarray(a, dtype=np.float64) for name, a in params.items()}
    B, L, D, H, eps = cfg.B, cfg.L, cfg.D, cfg.H, cfg.eps
    dz, dv = cfg.S // H, cfg.E // H
    X = p["x"]

    # Xn = TimestepNorm(X)
    Xn = seq_ref.timestep_norm(X, p["tn_weight"], p["tn_bias"], cfg.G, eps)[0]
    # Xc = CEMA(Xn): alpha is the weight logit, delta the damping logit
    Xc = seq_ref.ema(Xn, p["ema_alpha"], p["ema_delta"], p["ema_gamma"], p["ema_omega"],
                     "complex", theta=p["ema_theta"])[0]
    # X' = RMSNorm(Xc) (weight + 1)
    Xp = rms_norm(Xc, p["rms_weight"], eps)
    # Z = X' W_z + b_z, per-head RMSNorm without affine
    Z = Xp @ p["w_z"] + p["b_z"]
    zhat = rms_norm(Z.reshape(B, L, H, dz), None, eps)
    # Q, K from (gamma + 1)/sqrt(dz) and beta, per role
    gamma = p["qk_gamma"].reshape(2, H, dz)
    beta = p["qk_beta"].reshape(2, H, dz)
    Q = zhat * (gamma[0] + 1.0) / math.sqrt(dz) + beta[0]
    K = zhat * (gamma[1] + 1.0) / math.sqrt(dz) + beta[1]
    # V = silu(Xn W_v + b_v), R = silu(X' W_r + b_r)
    V = silu(Xn @ p["w_v"] + p["b_v"]).reshape(B, L, H, dv)
    R = silu(Xp @ p["w_r"] + p["b_r"])
    # O = chunked causal attention with per-chunk RoPE
    O = chunked_attention(Q, K, V, cfg.c).reshape(B, L, H * dv)
    # Hh = X' W_h1 + b_h1 + (O * R) W_h2 ; Y = X + Hh
    Hh = Xp @ p["w_h1"] + p["b_h1"] + (O * R) @ p["w_h2"]
    Y = X + Hh
    # Out = X + W_2 silu(W_1 LN(Y))
    Out = X + silu(layer_norm(Y, p["ln_weight"], p["ln_bias"], eps) @ p["w_1"]) @ p["w_2"]
    if not return_intermediates:
        return Out
    return Out, dict(Xn=Xn, Xc=Xc, Xp=Xp, Z=Z, Q=Q, K=K, V=V, R=R, O=O, Hh=Hh, Y=Y)
