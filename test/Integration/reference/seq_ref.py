"""NumPy float64 reference implementations of the `seq` ops.

Written from docs/Semantics.md (layouts, formulas) and specs/OPS.md (the math of
the papers' code), independently of the compiler. Every function works in
float64 / complex128 and takes arrays in exactly the layouts of Semantics.md.
The primary functions are written in the most obviously-correct form (explicit
loops over time for recurrences, naive masked softmax, direct DFT sums); the
alternative forms further down (tiled online softmax, FFT-convolution EMA,
chunked linear attention, ...) exist for cross-checks and examples.

Only numpy is used, and np.fft is deliberately not used: the transforms are
direct DFT sums.
"""

import math

import numpy as np

__all__ = [
    # primary ops
    "attention", "compose_heads", "scan", "ema", "long_conv",
    "fft", "ifft", "rfft", "irfft", "linear_attention", "feature_map",
    "timestep_norm", "rotary",
    # helpers and alternative forms
    "attention_allowed", "attention_tiled_online_softmax",
    "compose_heads_naive", "ema_coefficients", "ema_kernel", "ema_bias",
    "ema_hidden", "cema_fft", "fftconv", "linear_attention_chunked",
    "prefix_linear_attention_parallel", "based_recurrent_decode",
    "timestep_norm_direct", "s4d_discretize", "s4d_kernel", "s4d_recurrent",
    "fft_fast", "ifft_fast", "rfft_fast", "irfft_fast", "long_conv_by_taps",
    "long_conv_spectrum",
]


def _f64(x):
    return None if x is None else np.asarray(x, dtype=np.float64)


def _c128(x):
    return None if x is None else np.asarray(x, dtype=np.complex128)


def _float_or_complex(*xs):
    """float64 arrays, or complex128 if any of xs is complex."""
    cplx = any(x is not None and np.iscomplexobj(x) for x in xs)
    conv = _c128 if cplx else _f64
    return [conv(x) for x in xs]


def sigmoid(x):
    """σ(x) = 1/(1+e^{-x}), evaluated without overflow."""
    x = _f64(x)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


# ---------------------------------------------------------------------------
# seq.attention
# ---------------------------------------------------------------------------

def attention_allowed(Lq, Lk, mask="none", window=None, chunk_size=None,
                      prefix_length=None):
    """(Lq, Lk) bool matrix allowed(i, j) of the mask kind (mask_mod not included).

    p(i) = i + Lk - Lq (bottom-right alignment);
      none: true                   causal: j <= p(i)
      sliding_window [l, r]: p(i)-l <= j <= p(i)+r  (a side of -1: unbounded)
      chunk_causal c: j <= p(i) and floor(j/c) == floor(p(i)/c)
      chunk c: floor(j/c) == floor(p(i)/c)   (bidirectional within the chunk)
      prefix M: j < M or j <= p(i)
    """
    i = np.arange(Lq)[:, None]
    j = np.arange(Lk)[None, :]
    p = i + (Lk - Lq)
    if mask == "none":
        a = np.ones((Lq, Lk), dtype=bool)
    elif mask == "causal":
        a = j <= p
    elif mask == "sliding_window":
        left, right = window          # a side of -1 is unbounded
        a = np.ones((Lq, Lk), dtype=bool)
        if left != -1:
            a = a & (j >= p - left)
        if right != -1:
            a = a & (j <= p + right)
    elif mask == "chunk_causal":
        c = int(chunk_size)
        a = (j <= p) & (np.floor_divide(j, c) == np.floor_divide(p, c))
    elif mask == "chunk":
        c = int(chunk_size)
        a = np.floor_divide(j, c) == np.floor_divide(p, c)
    elif mask == "prefix":
        a = (j < int(prefix_length)) | (j <= p)
    else:
        raise ValueError(f"unknown mask kind {mask!r}")
    return np.broadcast_to(a, (Lq, Lk))


def _index_grids(B, H, Lq, Lk):
    return (np.arange(B).reshape(B, 1, 1, 1), np.arange(H).reshape(1, H, 1, 1),
            np.arange(Lq).reshape(1, 1, Lq, 1), np.arange(Lk).reshape(1, 1, 1, Lk))


def _attention_setup(q, k, v, scale, mask, window, chunk_size, prefix_length,
                     mask_mod):
    """Shared checks; returns (q, k_rep, v_rep, scale, allowed (B,Hq,Lq,Lk))."""
    q, k, v = _f64(q), _f64(k), _f64(v)
    B, Hq, Lq, E = q.shape
    Bk, Hkv, Lk, Ek = k.shape
    if (Bk, Ek) != (B, E) or v.shape[:3] != (B, Hkv, Lk) or Hq % Hkv:
        raise ValueError("bad attention shapes")
    group = Hq // Hkv                      # query head h reads kv head h // group
    k_rep = np.repeat(k, group, axis=1)
    v_rep = np.repeat(v, group, axis=1)
    if scale is None:
        scale = 1.0 / math.sqrt(E)
    allowed = attention_allowed(Lq, Lk, mask, window, chunk_size, prefix_length)
    allowed = np.broadcast_to(allowed, (B, Hq, Lq, Lk))
    if mask_mod is not None:
        mm = np.asarray(mask_mod(*_index_grids(B, Hq, Lq, Lk)), dtype=bool)
        allowed = allowed & np.broadcast_to(mm, allowed.shape)
    return q, k_rep, v_rep, float(scale), allowed


def attention(q, k, v, *, scale=None, mask="none", window=None, chunk_size=None,
              prefix_length=None, score_mod=None, mask_mod=None, return_lse=False):
    """seq.attention, naive masked softmax.

    q (B,Hq,Lq,E), k (B,Hkv,Lk,E), v (B,Hkv,Lk,Ev) -> out (B,Hq,Lq,Ev) [, lse (B,Hq,Lq)]
      s[i,j] = scale·q_i·k_j  (then s <- score_mod(s, b, h, i, j); i is the query row index)
      P[i,j] = allowed·exp(s - m_i) / Σ_allowed exp(s - m_i),  m_i = max over allowed j
      out_i = Σ_j P[i,j] v_j,   lse_i = m_i + log Σ_allowed exp(s - m_i)
    Rows without an allowed key (or whose allowed scores are all -inf) give
    out = 0 and lse = +inf.  score_mod(s, b, h, i, j) and mask_mod(b, h, i, j) receive
    broadcastable integer index arrays (b (B,1,1,1), h (1,H,1,1), i (1,1,Lq,1), j (1,1,1,Lk))
    and must be vectorized over them.
    """
    q, k, v, scale, allowed = _attention_setup(
        q, k, v, scale, mask, window, chunk_size, prefix_length, mask_mod)
    s = scale * np.einsum("bhie,bhje->bhij", q, k)
    if score_mod is not None:
        s = np.broadcast_to(np.asarray(score_mod(s, *_index_grids(*s.shape)),
                                       dtype=np.float64), s.shape)
    s_masked = np.where(allowed, s, -np.inf)
    m = s_masked.max(axis=-1, keepdims=True, initial=-np.inf)
    m_safe = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(invalid="ignore", over="ignore"):
        e = np.where(allowed, np.exp(s_masked - m_safe), 0.0)
    denom = e.sum(axis=-1, keepdims=True)
    P = e / np.where(denom > 0, denom, 1.0)
    out = np.einsum("bhij,bhje->bhie", P, v)
    if not return_lse:
        return out
    with np.errstate(divide="ignore"):
        lse = np.where(denom > 0, m_safe + np.log(np.where(denom > 0, denom, 1.0)), np.inf)
    return out, lse[..., 0]


def attention_tiled_online_softmax(q, k, v, *, block_m=16, block_n=16, scale=None,
                                   mask="none", window=None, chunk_size=None,
                                   prefix_length=None, score_mod=None, mask_mod=None,
                                   return_lse=False, reverse_kv=True):
    """FlashAttention-2 forward (OPS.md §2.1): per query tile, online softmax over key tiles.

    Per row keep m (running max), l (running sum), O (accumulator):
        m_new = max(m, rowmax(S));  m_use = 0 if m_new == -inf else m_new
        α = exp((m - m_use)·c);  P = exp(S·c - m_use·c)
        l = α·l + rowsum(P);  O = α·O + P V_j;  m = m_new
    then O /= l (O stays 0 if l == 0), lse = m·c + log l (+inf if l == 0).
    Without score_mod (and scale > 0), S and m are kept in raw (unscaled) units and
    c = scale, as FA2 does; with score_mod, S = score_mod(scale·QKᵀ) and c = 1.
    Key tiles are visited last-to-first (FA2 order) unless reverse_kv=False; tiles
    the mask empties entirely are skipped.
    """
    q, k, v, scale, allowed = _attention_setup(
        q, k, v, scale, mask, window, chunk_size, prefix_length, mask_mod)
    B, H, Lq, _ = q.shape
    Lk, Ev = k.shape[2], v.shape[-1]
    raw_units = score_mod is None and scale > 0
    c = scale if raw_units else 1.0
    out = np.zeros((B, H, Lq, Ev))
    lse = np.zeros((B, H, Lq))
    n_tiles = -(-Lk // block_n)
    tiles = range(n_tiles - 1, -1, -1) if reverse_kv else range(n_tiles)
    for b in range(B):
        for h in range(H):
            for r0 in range(0, Lq, block_m):
                r1 = min(r0 + block_m, Lq)
                Qi = q[b, h, r0:r1]
                m = np.full(r1 - r0, -np.inf)
                l = np.zeros(r1 - r0)
                O = np.zeros((r1 - r0, Ev))
                for jt in tiles:
                    c0, c1 = jt * block_n, min((jt + 1) * block_n, Lk)
                    A = allowed[b, h, r0:r1, c0:c1]
                    if not A.any():
                        continue                      # tile emptied by the mask
                    S = Qi @ k[b, h, c0:c1].T
                    if not raw_units:
                        S = scale * S
                        if score_mod is not None:
                            S = np.broadcast_to(np.asarray(score_mod(
                                S, b, h, np.arange(r0, r1)[:, None],
                                np.arange(c0, c1)[None, :]), dtype=np.float64), S.shape)
                    S = np.where(A, S, -np.inf)
                    m_new = np.maximum(m, S.max(axis=1))
                    m_use = np.where(m_new == -np.inf, 0.0, m_new)
                    alpha = np.exp((m - m_use) * c)
                    P = np.exp(S * c - (m_use * c)[:, None])
                    l = alpha * l + P.sum(axis=1)
                    O = alpha[:, None] * O + P @ v[b, h, c0:c1]
                    m = m_new
                ok = l > 0
                out[b, h, r0:r1] = O / np.where(ok, l, 1.0)[:, None]
                with np.errstate(divide="ignore"):
                    lse[b, h, r0:r1] = np.where(ok, m * c + np.log(np.where(ok, l, 1.0)), np.inf)
    return (out, lse) if return_lse else out


# ---------------------------------------------------------------------------
# seq.compose_heads (DCFormer DCMHA)
# ---------------------------------------------------------------------------

def _check_pairs(query_w1, query_w2, key_w1, key_w2):
    if (query_w1 is None) != (query_w2 is None) or (key_w1 is None) != (key_w2 is None):
        raise ValueError("w1/w2 must be given together")


def compose_heads(scores, static=None, query_w1=None, query_w2=None, key_w1=None,
                  key_w2=None, query_gate=None, key_gate=None):
    """seq.compose_heads, efficient form (no per-pair H×H matrices).

    scores A (B,H,T,S); static W (H,H); query_w1/w2 (B,T,R,H); key_w1/w2 (B,S,R,H);
    query_gate qdd (B,T,H); key_gate kdd (B,S,H):
      out[m] = A[m] + Σ_n A[n] W[n,m]
             + Σ_r qw2[t,r,m] Σ_n A[n] qw1[t,r,n] + Σ_r kw2[s,r,m] Σ_n A[n] kw1[s,r,n]
             + A[m] qdd[t,m] + A[m] kdd[s,m]
    """
    _check_pairs(query_w1, query_w2, key_w1, key_w2)
    A = _f64(scores)
    out = A.copy()
    if static is not None:
        out += np.einsum("bnts,nm->bmts", A, _f64(static))
    if query_w1 is not None:
        hq = np.einsum("bnts,btrn->brts", A, _f64(query_w1))
        out += np.einsum("brts,btrm->bmts", hq, _f64(query_w2))
    if key_w1 is not None:
        hk = np.einsum("bnts,bsrn->brts", A, _f64(key_w1))
        out += np.einsum("brts,bsrm->bmts", hk, _f64(key_w2))
    if query_gate is not None:
        out += A * np.transpose(_f64(query_gate), (0, 2, 1))[:, :, :, None]
    if key_gate is not None:
        out += A * np.transpose(_f64(key_gate), (0, 2, 1))[:, :, None, :]
    return out


def compose_heads_naive(scores, static=None, query_w1=None, query_w2=None,
                        key_w1=None, key_w2=None, query_gate=None, key_gate=None):
    """compose_heads as one H×H matrix per (b,t,s) (OPS.md §6.1): out[m] = Σ_n A[n]·W[n,m],
    W = I + W_static + Σ_r qw1[t,r]ᵀqw2[t,r] + Σ_r kw1[s,r]ᵀkw2[s,r] + diag(qdd[t]) + diag(kdd[s])."""
    _check_pairs(query_w1, query_w2, key_w1, key_w2)
    A = _f64(scores)
    B, H, T, S = A.shape
    out = np.zeros_like(A)
    for b in range(B):
        for t in range(T):
            for s in range(S):
                W = np.eye(H)
                if static is not None:
                    W = W + static
                if query_w1 is not None:
                    for r in range(query_w1.shape[2]):
                        W = W + np.outer(query_w1[b, t, r], query_w2[b, t, r])
                if key_w1 is not None:
                    for r in range(key_w1.shape[2]):
                        W = W + np.outer(key_w1[b, s, r], key_w2[b, s, r])
                if query_gate is not None:
                    W = W + np.diag(query_gate[b, t])
                if key_gate is not None:
                    W = W + np.diag(key_gate[b, s])
                out[b, :, t, s] = A[b, :, t, s] @ W
    return out


# ---------------------------------------------------------------------------
# seq.scan
# ---------------------------------------------------------------------------

def scan(a, b, initial=None, reverse=False):
    """seq.scan: h_t = a_t ⊙ h_{t-1} + b_t over axis 1 (a, b: (B,L,S...)).

    Forward: h_{-1} = initial (or 0), final = h_{L-1}.  Reverse: t = L-1..0 with
    h_t = a_t ⊙ h_{t+1} + b_t, h_L = initial (or 0), final = h_0.
    Returns (states (B,L,S...), final (B,S...)).
    """
    a, b, initial = _float_or_complex(a, b, initial)
    L = a.shape[1]
    h = np.zeros(a.shape[:1] + a.shape[2:], dtype=a.dtype) if initial is None else initial.copy()
    states = np.zeros(a.shape, dtype=a.dtype)
    for t in (range(L - 1, -1, -1) if reverse else range(L)):
        h = a[:, t] * h + b[:, t]
        states[:, t] = h
    return states, h


# ---------------------------------------------------------------------------
# seq.ema (MEGA damped EMA, MEGALODON CEMA) and its kernel form
# ---------------------------------------------------------------------------

def ema_coefficients(weight_logit, damping_logit, gamma, kind, beta=None, theta=None):
    """Returns (u, q, eta), each (D,N):
      p = σ(weight_logit), mag = 1 - p·σ(damping_logit)
      damped:  q = mag,                               u = p·beta, eta = gamma/√N
      complex: q = mag·exp(i(n+1)σ(theta_d)·2π/N),    u = p,      eta = (gamma[...,0] + i·gamma[...,1])/√N
    """
    wl, dl, gamma = _f64(weight_logit), _f64(damping_logit), _f64(gamma)
    D, N = wl.shape
    p = sigmoid(wl)
    mag = 1.0 - p * sigmoid(dl)
    if kind == "damped":
        if beta is None or gamma.shape != (D, N):
            raise ValueError("damped EMA needs beta (D,N) and gamma (D,N)")
        return p * _f64(beta), mag, gamma / math.sqrt(N)
    if kind == "complex":
        if theta is None or gamma.shape != (D, N, 2):
            raise ValueError("complex EMA needs theta (D) and gamma (D,N,2)")
        phi = (np.arange(N) + 1.0)[None, :] * sigmoid(theta)[:, None] * (2.0 * math.pi / N)
        q = mag * np.exp(1j * phi)
        eta = (gamma[..., 0] + 1j * gamma[..., 1]) / math.sqrt(N)
        return p.astype(np.complex128), q, eta
    raise ValueError(f"unknown EMA kind {kind!r}")


def ema(x, weight_logit, damping_logit, gamma, omega, kind, beta=None, theta=None,
        initial=None):
    """seq.ema, sequential recurrence.  x (B,L,D) -> (y (B,L,D), final (B,D,N)).

      h_t[b,d,n] = u[d,n]·x[b,t,d] + q[d,n]·h_{t-1}[b,d,n]   (h_{-1} = initial or 0)
      y[b,t,d]   = Re(Σ_n eta[d,n]·h_t[b,d,n]) + omega[d]·x[b,t,d]
    (u, q, eta from ema_coefficients; state real for damped, complex for complex.)
    """
    x, omega = _f64(x), _f64(omega)
    u, q, eta = ema_coefficients(weight_logit, damping_logit, gamma, kind, beta, theta)
    B, L, D = x.shape
    dtype = np.complex128 if kind == "complex" else np.float64
    h = np.zeros((B,) + q.shape, dtype=dtype)
    if initial is not None:
        if kind == "damped" and np.iscomplexobj(initial):
            raise ValueError("damped EMA state is real")
        h = h + initial
    y = np.zeros((B, L, D))
    for t in range(L):
        h = u * x[:, t, :, None] + q * h
        y[:, t] = np.real(np.sum(eta * h, axis=-1)) + omega * x[:, t]
    return y, h


def _powers(q, exponents):
    """q[..., None] ** exponents computed as exp(t·log q), as the papers' kernels do."""
    logq = np.log(q.astype(np.complex128))
    return np.exp(logq[..., None] * np.asarray(exponents, dtype=np.float64))


def ema_kernel(u, q, eta, L):
    """EMA convolution kernel (D,L): k[d,t] = Re(Σ_n u[d,n]·eta[d,n]·q[d,n]^t), t = 0..L-1."""
    return np.real(np.einsum("dn,dnt->dt", u * eta, _powers(q, np.arange(L))))


def ema_bias(q, eta, initial, L):
    """Contribution of a carried state h0 (B,D,N) to y (B,L,D):
    bias[b,t,d] = Re(Σ_n eta[d,n]·h0[b,d,n]·q[d,n]^{t+1})."""
    qp = _powers(q, np.arange(1, L + 1))                      # (D,N,L)
    return np.real(np.einsum("dn,bdn,dnt->btd", eta, _c128(initial), qp))


def ema_hidden(x, u, q, initial=None):
    """Last state as a block reduction (MEGALODON ema_hidden_fwd), x (B,L,D):
    h_L[b,d,n] = u[d,n]·Σ_{j<L} q^{L-1-j}·x[b,j,d] + q^L·h0[b,d,n]."""
    x = _f64(x)
    L = x.shape[1]
    qp = _powers(q, np.arange(L - 1, -1, -1))                 # q^{L-1-j}
    h = u * np.einsum("dnj,bjd->bdn", qp, x)
    if initial is not None:
        h = h + _powers(q, [L])[..., 0] * initial
    return h if np.iscomplexobj(q) else np.real(h)


def _next_pow2_at_least(L):
    """MEGALODON fftconv size N*: L if L is a power of 2, else 1 << L.bit_length()."""
    return L if L & (L - 1) == 0 else 1 << L.bit_length()


def cema_fft(x, weight_logit, damping_logit, gamma, omega, kind="complex", beta=None,
             theta=None, initial=None):
    """EMA by kernel + FFT convolution (OPS.md §1.2, MEGALODON fftconv.py):

      k = ema_kernel(u, q, eta, L);  n = 2·N*, N* = next power of 2 ≥ L
      y = irfft(rfft(x, n) · rfft(k, n, norm="forward"), n, norm="forward")[:L]
          + omega ⊙ x + ema_bias(q, eta, h0)      (bias only when h0 is given)
      final = ema_hidden(x, u, q, h0)
    Returns (y (B,L,D), final (B,D,N)).  The FFTs are this module's DFTs.
    """
    x, omega = _f64(x), _f64(omega)
    u, q, eta = ema_coefficients(weight_logit, damping_logit, gamma, kind, beta, theta)
    B, L, D = x.shape
    k = ema_kernel(u, q, eta, L)                                  # (D,L)
    n = 2 * _next_pow2_at_least(L)
    xf = rfft(_pad_last(np.transpose(x, (0, 2, 1)), n))           # (B,D,n/2+1)
    kf = rfft(_pad_last(k, n), norm="forward")
    y = irfft(xf * kf, n, norm="forward")[..., :L]
    y = np.transpose(y, (0, 2, 1)) + omega * x
    if initial is not None:
        y = y + ema_bias(q, eta, initial, L)
    return y, ema_hidden(x, u, q, initial)


# ---------------------------------------------------------------------------
# seq.long_conv and the FFT convolution
# ---------------------------------------------------------------------------

def long_conv(u, k, skip=None, pregate=None, postgate=None):
    """seq.long_conv, direct causal per-channel convolution.  u (B,L,C), k (C,K):
      w = u ⊙ pregate (or u)
      y[b,l,c] = (Σ_{j=0}^{min(l,K-1)} k[c,j]·w[b,l-j,c] + D[c]·w[b,l,c]) · postgate[b,l,c]
    """
    u, k = _f64(u), _f64(k)
    w = u * _f64(pregate) if pregate is not None else u
    B, L, C = w.shape
    K = k.shape[1]
    y = np.zeros_like(w)
    for l in range(L):
        for j in range(min(l, K - 1) + 1):
            y[:, l] += k[:, j] * w[:, l - j]
    if skip is not None:
        y += _f64(skip) * w
    if postgate is not None:
        y *= _f64(postgate)
    return y


def long_conv_by_taps(u, k, skip=None, pregate=None, postgate=None):
    """long_conv (same definition), summed tap by tap over the whole
    sequence: y[:, j:] += k[:, j]·w[:, :L-j] for j < min(K, L). O(L·K) with
    vectorized inner work, for long sequences."""
    u, k = _f64(u), _f64(k)
    w = u * _f64(pregate) if pregate is not None else u
    L = w.shape[1]
    y = np.zeros_like(w)
    for j in range(min(k.shape[1], L)):
        y[:, j:] += k[:, j] * w[:, :L - j]
    if skip is not None:
        y += _f64(skip) * w
    if postgate is not None:
        y *= _f64(postgate)
    return y


def long_conv_spectrum(u, s, skip=None, pregate=None, postgate=None):
    """seq.long_conv with the filters' spectrum S (C, F) in place of their
    taps, n = 2(F-1):
      k = irfft(S, n)   (the imaginary parts of bins 0 and n/2 are ignored)
      w = u ⊙ pregate (or u)
      y[b,l,c] = (Σ_{m<L} k[c, (l-m) mod n]·w[b,m,c] + D[c]·w[b,l,c]) · postgate[b,l,c]
    i.e. irfft(rfft(w, n)·S, n)[:L]: the length-n circular convolution."""
    u, s = _f64(u), _c128(s)
    w = u * _f64(pregate) if pregate is not None else u
    B, L, C = w.shape
    n = 2 * (s.shape[1] - 1)
    k = np.fft.irfft(s, n)
    m = np.arange(L)
    y = np.zeros_like(w)
    for l in range(L):
        y[:, l] = np.einsum("bmc,cm->bc", w, k[:, (l - m) % n])
    if skip is not None:
        y += _f64(skip) * w
    if postgate is not None:
        y *= _f64(postgate)
    return y


def _pad_last(x, n):
    """Zero-pad (or truncate) the last axis to length n."""
    x = np.asarray(x)
    m = x.shape[-1]
    if m >= n:
        return x[..., :n]
    pad = np.zeros(x.shape[:-1] + (n - m,), dtype=x.dtype)
    return np.concatenate([x, pad], axis=-1)


def fftconv(u, k, skip=None):
    """Causal FFT convolution in long_conv's layout, u (B,L,C), k (C,K) (OPS.md §3.1):
      y = irfft(rfft(u, 2L) · rfft(k, 2L)/(2L), 2L, norm="forward")[:L] + u ⊙ D
    Filter taps past L are dropped (they cannot reach outputs 0..L-1)."""
    u, k = _f64(u), _f64(k)
    B, L, C = u.shape
    n = 2 * L
    uf = rfft(_pad_last(np.transpose(u, (0, 2, 1)), n))
    kf = rfft(_pad_last(k[:, :L], n)) / n
    y = np.transpose(irfft(uf * kf, n, norm="forward")[..., :L], (0, 2, 1))
    if skip is not None:
        y = y + _f64(skip) * u
    return y


# ---------------------------------------------------------------------------
# seq.fft / ifft / rfft / irfft  (direct DFT sums along the last axis)
# ---------------------------------------------------------------------------

def _twiddles(N, sign, rows=None):
    """W[k,n] = exp(sign·2πi·(n·k mod N)/N) for k < rows (default N)."""
    rows = N if rows is None else rows
    nk = np.outer(np.arange(rows), np.arange(N)) % N
    return np.exp(sign * 2j * math.pi * nk / N)


def _scale(N, norm, inverse):
    if norm == "backward":
        return 1.0 / N if inverse else 1.0
    if norm == "forward":
        return 1.0 if inverse else 1.0 / N
    if norm == "ortho":
        return 1.0 / math.sqrt(N)
    raise ValueError(f"unknown norm {norm!r}")


def fft(x, norm="backward"):
    """X[k] = s·Σ_n x[n]·e^{-2πi nk/N} (s = 1, 1/N, 1/√N for backward, forward, ortho)."""
    x = _c128(x)
    N = x.shape[-1]
    return _scale(N, norm, False) * np.einsum("...n,kn->...k", x, _twiddles(N, -1))


def ifft(x, norm="backward"):
    """x[n] = s·Σ_k X[k]·e^{+2πi nk/N} (s = 1/N, 1, 1/√N for backward, forward, ortho)."""
    x = _c128(x)
    N = x.shape[-1]
    return _scale(N, norm, True) * np.einsum("...k,nk->...n", x, _twiddles(N, +1))


def rfft(x, norm="backward"):
    """First floor(N/2)+1 bins of fft(x) for real x (...,N)."""
    x = _f64(x)
    N = x.shape[-1]
    return _scale(N, norm, False) * np.einsum("...n,kn->...k", x, _twiddles(N, -1, N // 2 + 1))


def irfft(x, n=None, norm="backward"):
    """Inverse of rfft: complex (...,floor(N/2)+1) -> real (...,N), N = n or 2·(m-1).

    Hermitian extension X[N-k] = conj(X[k]); the imaginary parts of bin 0 and (N even)
    bin N/2 are ignored; x[n] = s·Σ_k X[k]·e^{+2πi nk/N}.
    """
    x = _c128(x)
    m = x.shape[-1]
    N = 2 * (m - 1) if n is None else int(n)
    if N < 1 or m != N // 2 + 1:
        raise ValueError(f"irfft: {m} bins do not match output length {N}")
    full = np.zeros(x.shape[:-1] + (N,), dtype=np.complex128)
    full[..., 0] = x[..., 0].real
    for kk in range(1, (N - 1) // 2 + 1):
        full[..., kk] = x[..., kk]
        full[..., N - kk] = np.conj(x[..., kk])
    if N % 2 == 0 and N > 1:
        full[..., N // 2] = x[..., N // 2].real
    y = np.einsum("...k,nk->...n", full, _twiddles(N, +1))
    return _scale(N, norm, True) * y.real


# Fast forms for long transforms (the direct sums above are O(N^2)): a
# radix-2 decimation-in-time FFT for powers of two and Bluestein's chirp
# convolution on top of it for every other length, all in complex128.
# Twiddles and chirps are formed from exactly reduced integer exponents.

def _fft_pow2(x, sign):
    """Σ_n x[n]·e^{sign·2πi nk/N} along the last axis, N a power of 2
    (iterative radix-2 decimation in time: bit reversal, then log2 N
    butterfly passes)."""
    N = x.shape[-1]
    bits = N.bit_length() - 1
    rev = np.zeros(N, dtype=np.int64)
    for b in range(bits):
        rev |= ((np.arange(N) >> b) & 1) << (bits - 1 - b)
    y = x[..., rev].copy()
    size = 2
    while size <= N:
        half = size // 2
        w = np.exp(sign * 2j * math.pi * np.arange(half) / size)
        y = y.reshape(x.shape[:-1] + (N // size, size))
        even, odd = y[..., :half].copy(), y[..., half:] * w
        y[..., :half] = even + odd
        y[..., half:] = even - odd
        y = y.reshape(x.shape)
        size *= 2
    return y


def _dft_fast(x, sign):
    """Σ_n x[n]·e^{sign·2πi nk/N} along the last axis for any N ≥ 1."""
    x = _c128(x)
    N = x.shape[-1]
    if N & (N - 1) == 0:
        return _fft_pow2(x, sign)
    # Bluestein: nk = (n² + k² - (k-n)²)/2, chirp c[n] = e^{sign·iπ (n² mod 2N)/N}.
    n = np.arange(N, dtype=np.int64)
    c = np.exp(sign * 1j * math.pi * ((n * n) % (2 * N)) / N)
    M = 1 << (2 * N - 2).bit_length()
    a = np.zeros(x.shape[:-1] + (M,), dtype=np.complex128)
    a[..., :N] = x * c
    b = np.zeros(M, dtype=np.complex128)
    b[:N] = np.conj(c)
    b[M - N + 1:] = np.conj(c[1:][::-1])
    conv = _fft_pow2(_fft_pow2(a, -1) * _fft_pow2(b, -1), +1) / M
    return conv[..., :N] * c


def fft_fast(x, norm="backward"):
    """fft (same definition) in O(N log N)."""
    N = np.shape(x)[-1]
    return _scale(N, norm, False) * _dft_fast(x, -1)


def ifft_fast(x, norm="backward"):
    """ifft (same definition) in O(N log N)."""
    N = np.shape(x)[-1]
    return _scale(N, norm, True) * _dft_fast(x, +1)


def rfft_fast(x, norm="backward"):
    """rfft (same definition) in O(N log N)."""
    N = np.shape(x)[-1]
    return fft_fast(_f64(x), norm)[..., :N // 2 + 1]


def irfft_fast(x, n=None, norm="backward"):
    """irfft (same definition: Hermitian extension, imaginary parts of bin 0
    and, for even N, bin N/2 ignored) in O(N log N)."""
    x = _c128(x)
    m = x.shape[-1]
    N = 2 * (m - 1) if n is None else int(n)
    if N < 1 or m != N // 2 + 1:
        raise ValueError(f"irfft: {m} bins do not match output length {N}")
    full = np.zeros(x.shape[:-1] + (N,), dtype=np.complex128)
    full[..., :m] = x
    full[..., 0] = x[..., 0].real
    if N % 2 == 0:
        full[..., N // 2] = x[..., N // 2].real
    k = np.arange(1, (N - 1) // 2 + 1)
    full[..., N - k] = np.conj(x[..., k])
    return _scale(N, norm, True) * np.real(_dft_fast(full, +1))


# ---------------------------------------------------------------------------
# seq.linear_attention, seq.feature_map, Based / JRT-RNN forms
# ---------------------------------------------------------------------------

def _linattn_init(q, k, v, log_decay, prefix_key, prefix_value, initial_state,
                  initial_normalizer, normalize):
    """Checks; returns (q, k, v, G (B,H,L,F) log decays, S_{-1}, z_{-1})."""
    q, k, v = _f64(q), _f64(k), _f64(v)
    B, H, L, F = q.shape
    Ev = v.shape[-1]
    if (prefix_key is None) != (prefix_value is None):
        raise ValueError("prefix_key and prefix_value come together")
    if prefix_key is not None and log_decay is not None:
        raise ValueError("prefix and decay are exclusive")
    if initial_normalizer is not None and not normalize:
        raise ValueError("initial_normalizer requires normalize")
    if log_decay is None:
        G = np.zeros((B, H, L, F))
    else:
        G = _f64(log_decay)
        G = np.broadcast_to(G[..., None] if G.ndim == 3 else G, (B, H, L, F))
    S = np.zeros((B, H, F, Ev))
    z = np.zeros((B, H, F))
    if initial_state is not None:
        S = S + _f64(initial_state)
    if initial_normalizer is not None:
        z = z + _f64(initial_normalizer)
    if prefix_key is not None:
        S = S + np.einsum("bhmf,bhme->bhfe", _f64(prefix_key), _f64(prefix_value))
        z = z + _f64(prefix_key).sum(axis=2)
    return q, k, v, G, S, z


def linear_attention(q, k, v, *, log_decay=None, prefix_key=None, prefix_value=None,
                     initial_state=None, initial_normalizer=None, scale=1.0,
                     normalize=False, eps=1e-12):
    """seq.linear_attention, recurrent form.  Returns (out, final_state, final_normalizer).

      g_t = exp(log_decay_t) (per head: broadcast over F; 1 if absent)
      S_{-1} = initial_state + Σ_{j<M} pk_j ⊗ pv_j,  z_{-1} = initial_normalizer + Σ_{j<M} pk_j
      S_t = diag(g_t)·S_{t-1} + k_t ⊗ v_t,   z_t = g_t ⊙ z_{t-1} + k_t
      out_t = scale·q_tᵀS_t  [/ (scale·q_t·z_t + eps) if normalize]
    final_normalizer is None unless normalize.
    """
    q, k, v, G, S, z = _linattn_init(q, k, v, log_decay, prefix_key, prefix_value,
                                     initial_state, initial_normalizer, normalize)
    B, H, L, F = q.shape
    out = np.zeros((B, H, L, v.shape[-1]))
    for t in range(L):
        g = np.exp(G[:, :, t])                                    # (B,H,F)
        S = g[..., None] * S + k[:, :, t, :, None] * v[:, :, t, None, :]
        z = g * z + k[:, :, t]
        num = scale * np.einsum("bhf,bhfe->bhe", q[:, :, t], S)
        if normalize:
            num = num / (scale * np.einsum("bhf,bhf->bh", q[:, :, t], z) + eps)[..., None]
        out[:, :, t] = num
    return out, S, (z if normalize else None)


def linear_attention_chunked(q, k, v, *, chunk_size=4, sub_chunk_size=None, log_decay=None,
                             prefix_key=None, prefix_value=None, initial_state=None,
                             initial_normalizer=None, scale=1.0, normalize=False, eps=1e-12):
    """linear_attention in chunk form with stable decays (OPS.md §7.2-7.3, fla chunk_gla).

    Per chunk, G = cumsum of log decays within the chunk (G ≤ 0, non-increasing):
      inter: o_i += (q_i ⊙ e^{G_i})·S_prev
      intra: o_i += Σ_{j≤i} A[i,j] v_j,  A[i,j] = Σ_f q_if k_jf e^{G_if - G_jf}
        - diagonal sub-chunks: e^{G_i - G_j} elementwise, masked to j ≤ i before exp;
        - off-diagonal sub-chunks (j before query sub-chunk starting at n):
          reference point G_n: (q_i ⊙ e^{G_i - G_n})·(k_j ⊙ e^{G_n - G_j}), both exponents ≤ 0
      S' = e^{G_last} ⊙ S_prev + Σ_j (k_j ⊙ e^{G_last - G_j}) ⊗ v_j   (z likewise with v = 1)
    The normalizer q_i·z_i is the same sums with v replaced by 1.
    """
    q, k, v, G_all, S, z = _linattn_init(q, k, v, log_decay, prefix_key, prefix_value,
                                         initial_state, initial_normalizer, normalize)
    B, H, L, F = q.shape
    sub = chunk_size if sub_chunk_size is None else sub_chunk_size
    out = np.zeros((B, H, L, v.shape[-1]))
    for c0 in range(0, L, chunk_size):
        c1 = min(c0 + chunk_size, L)
        qc, kc, vc = q[:, :, c0:c1], k[:, :, c0:c1], v[:, :, c0:c1]
        G = np.cumsum(G_all[:, :, c0:c1], axis=2)                 # (B,H,C,F)
        C = c1 - c0
        qg = qc * np.exp(G)
        num = np.einsum("bhif,bhfe->bhie", qg, S)
        den = np.einsum("bhif,bhf->bhi", qg, z)
        A = np.zeros((B, H, C, C))
        for i0 in range(0, C, sub):
            i1 = min(i0 + sub, C)
            Gi = G[:, :, i0:i1]
            # diagonal sub-chunk: elementwise decays, masked before exp
            diff = Gi[:, :, :, None, :] - Gi[:, :, None, :, :]       # (B,H,i,j,F)
            tri = np.tril(np.ones((i1 - i0, i1 - i0), dtype=bool))[:, :, None]
            dec = np.exp(np.where(tri, diff, -np.inf))
            A[:, :, i0:i1, i0:i1] = np.einsum("bhif,bhjf,bhijf->bhij",
                                              qc[:, :, i0:i1], kc[:, :, i0:i1], dec)
            # earlier sub-chunks: reference point G_n at the query sub-chunk start
            if i0 > 0:
                Gn = G[:, :, i0:i0 + 1]
                qs = qc[:, :, i0:i1] * np.exp(Gi - Gn)
                ks = kc[:, :, :i0] * np.exp(Gn - G[:, :, :i0])
                A[:, :, i0:i1, :i0] = np.einsum("bhif,bhjf->bhij", qs, ks)
        num = num + np.einsum("bhij,bhje->bhie", A, vc)
        den = den + A.sum(axis=-1)
        num = scale * num
        out[:, :, c0:c1] = num / (scale * den + eps)[..., None] if normalize else num
        Glast = G[:, :, -1]                                          # (B,H,F)
        kd = kc * np.exp(Glast[:, :, None, :] - G)
        S = np.exp(Glast)[..., None] * S + np.einsum("bhjf,bhje->bhfe", kd, vc)
        z = np.exp(Glast) * z + kd.sum(axis=2)
    return out, S, (z if normalize else None)


def feature_map(x, kind):
    """seq.feature_map over the last axis (d -> F):
      identity: x; relu: max(x,0); elu_plus_one: elu(x)+1;
      taylor2: [1, x/d^{1/4}, vec(x xᵀ)/(√2·√d)]  (F = 1 + d + d², row-major outer product)
    """
    x = _f64(x)
    if kind == "identity":
        return x.copy()
    if kind == "relu":
        return np.maximum(x, 0.0)
    if kind == "elu_plus_one":
        return np.where(x > 0, x + 1.0, np.exp(np.minimum(x, 0.0)))
    if kind == "taylor2":
        d = x.shape[-1]
        outer = (x[..., :, None] * x[..., None, :]).reshape(x.shape[:-1] + (d * d,))
        return np.concatenate([np.ones(x.shape[:-1] + (1,)), x / d ** 0.25,
                               outer / (math.sqrt(2.0) * math.sqrt(d))], axis=-1)
    raise ValueError(f"unknown feature map {kind!r}")


def prefix_linear_attention_parallel(q, k, v, prefix_key=None, prefix_value=None, eps=1e-12):
    """Quadratic (parallel) Based / JRT-RNN form on feature-mapped inputs (OPS.md §5.2, §5.4):
      y_i = [Σ_{j≤i} (q_i·k_j) v_j + Σ_{j<M} (q_i·ke_j) ve_j]
            / [Σ_{j≤i} q_i·k_j + Σ_{j<M} q_i·ke_j + eps]
    q, k (B,H,L,F), v (B,H,L,Ev), prefix_key (B,H,M,F), prefix_value (B,H,M,Ev)."""
    q, k, v = _f64(q), _f64(k), _f64(v)
    L = q.shape[2]
    A = np.einsum("bhif,bhjf->bhij", q, k) * np.tril(np.ones((L, L)))
    num = np.einsum("bhij,bhje->bhie", A, v)
    den = A.sum(axis=-1)
    if prefix_key is not None:
        Ae = np.einsum("bhif,bhmf->bhim", q, _f64(prefix_key))
        num = num + np.einsum("bhim,bhme->bhie", Ae, _f64(prefix_value))
        den = den + Ae.sum(axis=-1)
    return num / (den + eps)[..., None]


def based_recurrent_decode(q, k, v, *, prefill_length, prefix_key=None, prefix_value=None,
                           feature="taylor2", eps=1e-12):
    """Based / JRT-RNN inference: prefill by sums, then one-step recurrent decode.

    q, k (B,H,L,d) and prefix_key (B,H,M,d) are raw (feature_map `feature` is applied);
    v (B,H,L,Ev), prefix_value (B,H,M,Ev).  With P = prefill_length:
      S = Σ_{j<M} φ(ke_j)⊗ve_j + Σ_{j<P} φ(k_j)⊗v_j,   z = Σ_{j<M} φ(ke_j) + Σ_{j<P} φ(k_j)
      for t = P..L-1: S += φ(k_t)⊗v_t; z += φ(k_t); y_t = φ(q_t)ᵀS / (φ(q_t)·z + eps)
    Returns (y (B,H,L-P,Ev), S, z).
    """
    fq, fk, v = feature_map(q, feature), feature_map(k, feature), _f64(v)
    P = int(prefill_length)
    S = np.einsum("bhjf,bhje->bhfe", fk[:, :, :P], v[:, :, :P])
    z = fk[:, :, :P].sum(axis=2)
    if prefix_key is not None:
        fe = feature_map(prefix_key, feature)
        S = S + np.einsum("bhjf,bhje->bhfe", fe, _f64(prefix_value))
        z = z + fe.sum(axis=2)
    ys = []
    for t in range(P, q.shape[2]):
        S = S + fk[:, :, t, :, None] * v[:, :, t, None, :]
        z = z + fk[:, :, t]
        num = np.einsum("bhf,bhfe->bhe", fq[:, :, t], S)
        ys.append(num / (np.einsum("bhf,bhf->bh", fq[:, :, t], z) + eps)[..., None])
    y = np.stack(ys, axis=2) if ys else np.zeros(v.shape[:2] + (0, v.shape[-1]))
    return y, S, z


# ---------------------------------------------------------------------------
# seq.timestep_norm (MEGALODON)
# ---------------------------------------------------------------------------

def _tsn_setup(x, num_groups, padding_mask, prev_count, prev_mean, prev_var):
    x = _f64(x)
    B, L, D = x.shape
    if D % num_groups:
        raise ValueError("D must be a multiple of num_groups")
    if not (prev_count is None) == (prev_mean is None) == (prev_var is None):
        raise ValueError("prev_count, prev_mean, prev_var come together")
    pad = np.zeros((B, L), dtype=bool) if padding_mask is None else np.asarray(padding_mask, bool)
    if prev_count is None:
        c0, m0, s0 = np.zeros(B, np.int64), np.zeros((B, num_groups)), np.ones((B, num_groups))
    else:
        c0 = np.asarray(prev_count, np.int64).copy()
        m0, s0 = _f64(prev_mean).copy(), _f64(prev_var).copy()
    return x, x.reshape(B, L, num_groups, D // num_groups), pad, c0, m0, s0


def timestep_norm(x, weight, bias, num_groups, eps=1e-5, padding_mask=None,
                  prev_count=None, prev_mean=None, prev_var=None):
    """seq.timestep_norm, Welford recurrence.  x (B,L,D) -> (y, count (B), mean (B,G), var (B,G)).

    μ_t, v_t = mean, population variance of x[b,t,group g]; state (c,m,s) = prev or (0,0,1).
    For each t with padding_mask[b,t] False:
      c += 1; w2 = 1/c; w1 = 1 - w2; Δ = μ_t - m
      m = w1·m + w2·μ_t;  s = w1·s + w2·v_t + w1·w2·Δ²
      y[b,t,i] = (x[b,t,i] - m_g)·rsqrt(s_g + eps)·(weight_i + 1) + bias_i
    Padded steps give y = 0 and leave the state unchanged.
    """
    x, xg, pad, c, m, s = _tsn_setup(x, num_groups, padding_mask, prev_count, prev_mean, prev_var)
    weight, bias = _f64(weight), _f64(bias)
    B, L, D = x.shape
    mu = xg.mean(axis=-1)
    var = ((xg - mu[..., None]) ** 2).mean(axis=-1)
    y = np.zeros_like(x)
    for b in range(B):
        for t in range(L):
            if pad[b, t]:
                continue
            c[b] += 1
            w2 = 1.0 / c[b]
            w1 = 1.0 - w2
            delta = mu[b, t] - m[b]
            m[b] = w1 * m[b] + w2 * mu[b, t]
            s[b] = w1 * s[b] + w2 * var[b, t] + w1 * w2 * delta ** 2
            normed = (xg[b, t] - m[b][:, None]) / np.sqrt(s[b] + eps)[:, None]
            y[b, t] = normed.reshape(D) * (weight + 1.0) + bias
    return y, c, m, s


def timestep_norm_direct(x, weight, bias, num_groups, eps=1e-5, padding_mask=None,
                         prev_count=None, prev_mean=None, prev_var=None):
    """timestep_norm from direct cumulative statistics (two-pass, no recurrence).

    The prev state counts as c0 earlier timesteps with mean m0 and population variance s0.
    For valid t, over the valid timesteps τ ≤ t (n of them, each with D/G elements):
      mean_t = (c0·m0 + Σ_τ μ_τ) / (c0 + n)
      var_t  = (c0·(s0 + (m0 - mean_t)²) + Σ_τ mean_i (x_τi - mean_t)²) / (c0 + n)
    i.e. the population mean/variance of all elements of the group so far.
    """
    x, xg, pad, c0, m0, s0 = _tsn_setup(x, num_groups, padding_mask, prev_count, prev_mean, prev_var)
    weight, bias = _f64(weight), _f64(bias)
    B, L, D = x.shape
    y = np.zeros_like(x)
    count, mean, var = c0.copy(), m0.copy(), s0.copy()
    for b in range(B):
        for t in range(L):
            if pad[b, t]:
                continue
            taus = [tau for tau in range(t + 1) if not pad[b, tau]]
            elems = xg[b, taus]                                     # (n, G, D/G)
            n = len(taus)
            tot = c0[b] + n
            mean_t = (c0[b] * m0[b] + elems.mean(axis=-1).sum(axis=0)) / tot
            ss = ((elems - mean_t[None, :, None]) ** 2).mean(axis=-1).sum(axis=0)
            var_t = (c0[b] * (s0[b] + (m0[b] - mean_t) ** 2) + ss) / tot
            normed = (xg[b, t] - mean_t[:, None]) / np.sqrt(var_t + eps)[:, None]
            y[b, t] = normed.reshape(D) * (weight + 1.0) + bias
            count[b], mean[b], var[b] = tot, mean_t, var_t
    return y, count, mean, var


# ---------------------------------------------------------------------------
# seq.rotary
# ---------------------------------------------------------------------------

def rotary(x, base=10000.0, position_offset=0, chunk_size=None, pairing="interleaved"):
    """seq.rotary along axis -2 of x (..., L, d), d even.

    pos(l) = offset + l (mod chunk_size when set);  θ_j = pos·base^{-2j/d}, j < d/2
    pairs (x[2j], x[2j+1]) (interleaved) or (x[j], x[j+d/2]) (halves):
      (a, b) -> (a·cos θ_j - b·sin θ_j, a·sin θ_j + b·cos θ_j)
    """
    x = _f64(x)
    L, d = x.shape[-2], x.shape[-1]
    if d % 2:
        raise ValueError("rotary needs an even last dimension")
    pos = position_offset + np.arange(L)
    if chunk_size is not None:
        pos = np.mod(pos, chunk_size)
    theta = pos[:, None].astype(np.float64) * base ** (-2.0 * np.arange(d // 2) / d)[None, :]
    cos, sin = np.cos(theta), np.sin(theta)
    if pairing == "interleaved":
        ia, ib = np.arange(0, d, 2), np.arange(1, d, 2)
    elif pairing == "halves":
        ia, ib = np.arange(d // 2), np.arange(d // 2, d)
    else:
        raise ValueError(f"unknown pairing {pairing!r}")
    a, b = x[..., ia], x[..., ib]
    out = np.empty_like(x)
    out[..., ia] = a * cos - b * sin
    out[..., ib] = a * sin + b * cos
    return out


# ---------------------------------------------------------------------------
# S4D diagonal SSM kernel (OPS.md §3.2)
# ---------------------------------------------------------------------------

def s4d_discretize(A, log_dt, disc="zoh"):
    """Returns (dA, dB), each (H,N) complex, dt = exp(log_dt) (H):
      zoh:      dA = exp(dtA),                  dB = (exp(dtA) - 1)/A
      bilinear: dA = (1 + dtA/2)/(1 - dtA/2),   dB = dt/(1 - dtA/2)
    """
    A = _c128(A)
    dt = np.exp(_f64(log_dt))[:, None]
    dtA = A * dt
    if disc == "zoh":
        return np.exp(dtA), (np.exp(dtA) - 1.0) / A
    if disc == "bilinear":
        return (1.0 + dtA / 2) / (1.0 - dtA / 2), dt / (1.0 - dtA / 2) + 0j
    raise ValueError(f"unknown discretization {disc!r}")


def s4d_kernel(A, C, log_dt, L, disc="zoh"):
    """S4D convolution kernel (H,L), N/2 modes with implicit conjugate pairs:
    K[h,l] = 2·Re(Σ_n C[h,n]·dB[h,n]·dA[h,n]^l), powers as exp(l·log dA)."""
    dA, dB = s4d_discretize(A, log_dt, disc)
    return 2.0 * np.real(np.einsum("hn,hnl->hl", _c128(C) * dB, _powers(dA, np.arange(L))))


def s4d_recurrent(u, A, C, log_dt, disc="zoh"):
    """S4D in recurrent mode, u (B,L,H) -> y (B,L,H):
    x_t = dA ⊙ x_{t-1} + dB·u_t (x_{-1} = 0),  y_t = 2·Re(Σ_n C ⊙ x_t)."""
    u, C = _f64(u), _c128(C)
    dA, dB = s4d_discretize(A, log_dt, disc)
    B, L, H = u.shape
    xs = np.zeros((B,) + dA.shape, dtype=np.complex128)
    y = np.zeros_like(u)
    for t in range(L):
        xs = dA * xs + dB * u[:, t, :, None]
        y[:, t] = 2.0 * np.real(np.sum(C * xs, axis=-1))
    return y
