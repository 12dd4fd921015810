"""Self-checks of seq_ref: independent forms of each op must agree in float64.

Run: python3 -m pytest test/Integration/reference -q
np.fft / np.convolve are used here only as cross-checks.
"""

import cmath
import math
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seq_ref as R  # noqa: E402

TOL = 1e-10


def assert_close(got, want, tol=TOL):
    """max|got - want| <= tol·max(1, max|want|); infinities must match exactly."""
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, (got.shape, want.shape)
    assert not np.isnan(got).any() and not np.isnan(want).any()
    inf_g, inf_w = np.isinf(got), np.isinf(want)
    assert (inf_g == inf_w).all() and (got[inf_g] == want[inf_w]).all()
    g, w = got[~inf_g], want[~inf_w]
    if w.size:
        err = np.max(np.abs(g - w))
        assert err <= tol * max(1.0, np.max(np.abs(w))), err


def rng(seed):
    return np.random.default_rng(seed)


# ---------------------------------------------------------------------------
# FFT
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("norm", ["backward", "forward", "ortho"])
@pytest.mark.parametrize("N", [1, 2, 3, 5, 8, 12, 16])
def test_dft_matches_numpy(N, norm):
    r = rng(N)
    x = r.standard_normal((3, N)) + 1j * r.standard_normal((3, N))
    xr = r.standard_normal((2, 3, N))
    X = r.standard_normal((3, N // 2 + 1)) + 1j * r.standard_normal((3, N // 2 + 1))
    assert_close(R.fft(x, norm=norm), np.fft.fft(x, norm=norm))
    assert_close(R.ifft(x, norm=norm), np.fft.ifft(x, norm=norm))
    assert_close(R.rfft(xr, norm=norm), np.fft.rfft(xr, norm=norm))
    # X has nonzero imaginary parts in bin 0 / N/2: both must ignore them
    assert_close(R.irfft(X, N, norm=norm), np.fft.irfft(X, n=N, norm=norm))
    assert_close(R.irfft(R.rfft(xr, norm=norm), N, norm=norm), xr)
    assert_close(R.ifft(R.fft(x, norm=norm), norm=norm), x)


@pytest.mark.parametrize("N", [1, 2, 3, 5, 8, 12, 17, 64, 100, 127, 256])
def test_fast_transforms_equal_direct_sums(N):
    r = rng(100 + N)
    x = r.standard_normal((2, N)) + 1j * r.standard_normal((2, N))
    xr = r.standard_normal((3, N))
    X = r.standard_normal((2, N // 2 + 1)) + 1j * r.standard_normal((2, N // 2 + 1))
    for norm in ("backward", "ortho"):
        assert_close(R.fft_fast(x, norm), R.fft(x, norm))
        assert_close(R.ifft_fast(x, norm), R.ifft(x, norm))
        assert_close(R.rfft_fast(xr, norm), R.rfft(xr, norm))
        assert_close(R.irfft_fast(X, N, norm), R.irfft(X, N, norm))


@pytest.mark.parametrize("N", [4096, 65521, 2 * 4099])
def test_fast_transforms_match_numpy(N):
    x = rng(N).standard_normal(N) + 1j * rng(N + 1).standard_normal(N)
    assert_close(R.fft_fast(x), np.fft.fft(x), 1e-12 * math.sqrt(N))
    assert_close(R.ifft_fast(x), np.fft.ifft(x), 1e-12)
    assert_close(R.irfft_fast(R.rfft_fast(x.real), N), x.real, 1e-12)


@pytest.mark.parametrize("K", [1, 3, 12, 40])
def test_long_conv_by_taps_equals_direct(K):
    r = rng(K)
    u, k = r.standard_normal((2, 23, 3)), r.standard_normal((3, K))
    d, pre, post = r.standard_normal(3), r.standard_normal((2, 23, 3)), r.standard_normal((2, 23, 3))
    assert_close(R.long_conv_by_taps(u, k, d, pre, post), R.long_conv(u, k, d, pre, post))


def test_irfft_default_length_and_bad_shape():
    X = rng(1).standard_normal((2, 5)) + 0j
    assert R.irfft(X).shape == (2, 8)
    with pytest.raises(ValueError):
        R.irfft(X, 12)


# ---------------------------------------------------------------------------
# scan
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("cplx", [False, True])
@pytest.mark.parametrize("reverse", [False, True])
def test_scan_split_and_closed_form(cplx, reverse):
    r = rng(3)
    shape = (2, 9, 3, 2)
    a = r.uniform(0.5, 1.0, shape)
    b = r.standard_normal(shape)
    h0 = r.standard_normal((2, 3, 2))
    if cplx:
        a = a * np.exp(1j * r.uniform(-1, 1, shape))
        b = b + 1j * r.standard_normal(shape)
        h0 = h0 - 0.5j
    states, final = R.scan(a, b, h0, reverse=reverse)
    # closed form: h_t = Σ_j (Π of a strictly after j up to t) b_j + (Π a up to t) h0
    L = shape[1]
    order = list(range(L - 1, -1, -1)) if reverse else list(range(L))
    for pos, t in enumerate(order):
        want = np.prod(a[:, order[:pos + 1]], axis=1) * h0
        for qpos in range(pos + 1):
            want = want + np.prod(a[:, order[qpos + 1:pos + 1]], axis=1) * b[:, order[qpos]]
        assert_close(states[:, t], want)
    assert_close(final, states[:, 0] if reverse else states[:, -1])
    # two halves with a carried state == one run
    k = 4
    if not reverse:
        s1, f1 = R.scan(a[:, :k], b[:, :k], h0)
        s2, f2 = R.scan(a[:, k:], b[:, k:], f1)
    else:
        s2, f1 = R.scan(a[:, k:], b[:, k:], h0, reverse=True)
        s1, f2 = R.scan(a[:, :k], b[:, :k], f1, reverse=True)
    assert_close(np.concatenate([s1, s2], axis=1), states)
    assert_close(f2, final)


# ---------------------------------------------------------------------------
# EMA / CEMA
# ---------------------------------------------------------------------------

def ema_params(kind, D=3, N=4, seed=5):
    r = rng(seed)
    p = dict(weight_logit=r.normal(0, 1.0, (D, N)), damping_logit=r.normal(0, 1.0, (D, N)),
             omega=r.standard_normal(D), kind=kind)
    if kind == "damped":
        p.update(gamma=r.standard_normal((D, N)),
                 beta=r.normal(0, 0.02, (D, N)) + (-1.0) ** np.arange(N))
    else:
        p.update(gamma=r.standard_normal((D, N, 2)), theta=r.standard_normal(D))
    return p


@pytest.mark.parametrize("kind", ["complex", "damped"])
@pytest.mark.parametrize("L", [13, 16])
@pytest.mark.parametrize("with_initial", [False, True])
def test_ema_fft_equals_recurrence(kind, L, with_initial):
    r = rng(7)
    B, D, N = 2, 3, 4
    x = r.standard_normal((B, L, D))
    p = ema_params(kind, D, N)
    h0 = None
    if with_initial:
        h0 = r.standard_normal((B, D, N))
        if kind == "complex":
            h0 = h0 + 1j * r.standard_normal((B, D, N))
    y_rec, f_rec = R.ema(x, initial=h0, **p)
    y_fft, f_fft = R.cema_fft(x, initial=h0, **p)
    assert_close(y_fft, y_rec)
    assert_close(f_fft, f_rec)
    if with_initial:   # the bias term is exactly the zero-input response to h0
        y0, _ = R.ema(np.zeros_like(x), initial=h0, **p)
        u, q, eta = R.ema_coefficients(p["weight_logit"], p["damping_logit"], p["gamma"],
                                       kind, p.get("beta"), p.get("theta"))
        assert_close(R.ema_bias(q, eta, h0, L), y0)
        assert np.abs(y0).max() > 1e-3


@pytest.mark.parametrize("kind", ["complex", "damped"])
def test_ema_streaming_split(kind):
    r = rng(8)
    x = r.standard_normal((2, 11, 3))
    p = ema_params(kind)
    y, f = R.ema(x, **p)
    y1, f1 = R.ema(x[:, :5], **p)
    y2, f2 = R.cema_fft(x[:, 5:], initial=f1, **p)
    assert_close(np.concatenate([y1, y2], axis=1), y)
    assert_close(f2, f)


@pytest.mark.parametrize("kind", ["complex", "damped"])
def test_ema_scalar_transcription(kind):
    """Semantics.md's seq.ema written out with Python scalars, one (b, d, n) at a time."""
    p = ema_params(kind, D=2, N=3, seed=9)
    r = rng(10)
    B, L, D, N = 2, 5, 2, 3
    x = r.standard_normal((B, L, D))
    h0 = r.standard_normal((B, D, N)) + (1j * r.standard_normal((B, D, N)) if kind == "complex" else 0)
    y, final = R.ema(x, initial=h0, **p)
    sig = lambda t: 1.0 / (1.0 + math.exp(-t))
    want = np.zeros((B, L, D))
    for b in range(B):
        for d in range(D):
            for n in range(N):
                pw = sig(p["weight_logit"][d, n])
                mag = 1.0 - pw * sig(p["damping_logit"][d, n])
                if kind == "damped":
                    qq, uu, eta = mag, pw * p["beta"][d, n], p["gamma"][d, n] / math.sqrt(N)
                else:
                    ang = (n + 1) * sig(p["theta"][d]) * 2 * math.pi / N
                    qq = mag * cmath.exp(1j * ang)
                    uu = pw
                    eta = complex(p["gamma"][d, n, 0], p["gamma"][d, n, 1]) / math.sqrt(N)
                h = h0[b, d, n]
                for t in range(L):
                    h = uu * x[b, t, d] + qq * h
                    want[b, t, d] += (eta * h).real
                assert_close(final[b, d, n], h)
            want[b, :, d] += p["omega"][d] * x[b, :, d]
    assert_close(y, want)


def test_ema_kernel_matches_impulse_response():
    p = ema_params("complex", D=2, N=3)
    L = 7
    x = np.zeros((1, L, 2))
    x[0, 0] = 1.0
    y, _ = R.ema(x, **p)
    u, q, eta = R.ema_coefficients(p["weight_logit"], p["damping_logit"], p["gamma"],
                                   "complex", theta=p["theta"])
    k = R.ema_kernel(u, q, eta, L)
    want = k.T.copy()
    want[0] += p["omega"]
    assert_close(y[0], want)
    assert np.all(np.abs(q) < 1)


# ---------------------------------------------------------------------------
# long convolution, S4D
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("K", [1, 3, 10, 14])
def test_long_conv_equals_fftconv(K):
    r = rng(11 + K)
    B, L, C = 2, 10, 3
    u = r.standard_normal((B, L, C))
    k = r.standard_normal((C, K))
    D = r.standard_normal(C)
    pre, post = r.standard_normal((B, L, C)), r.standard_normal((B, L, C))
    y = R.long_conv(u, k, skip=D, pregate=pre, postgate=post)
    assert_close(y, R.fftconv(u * pre, k, skip=D) * post)
    # and against np.convolve per channel
    w = u * pre
    want = np.zeros_like(u)
    for b in range(B):
        for c in range(C):
            want[b, :, c] = np.convolve(w[b, :, c], k[c])[:L] + D[c] * w[b, :, c]
    assert_close(y, want * post)
    assert_close(R.long_conv(u, k), R.fftconv(u, k))


@pytest.mark.parametrize("n", [20, 26, 64])
def test_long_conv_spectrum(n):
    r = rng(100 + n)
    B, L, C, K = 2, 13, 3, 8
    u, k = r.standard_normal((B, L, C)), r.standard_normal((C, K))
    D, post = r.standard_normal(C), r.standard_normal((B, L, C))
    # With n >= L + K - 1 the circular form is the causal one.
    assert_close(R.long_conv_spectrum(u, np.fft.rfft(k, n), D, u, post),
                 R.long_conv(u, k, D, u, post))
    # Any spectrum: the circular sum of the DFT definition, with the
    # imaginary parts of bins 0 and n/2 dropped.
    S = r.standard_normal((C, n // 2 + 1)) + 1j * r.standard_normal((C, n // 2 + 1))
    full = np.concatenate([S, np.conj(S[:, -2:0:-1])], axis=1)
    full[:, 0] = full[:, 0].real
    full[:, n // 2] = full[:, n // 2].real
    kt = (full @ np.exp(2j * np.pi * np.outer(np.arange(n), np.arange(n)) / n).T).real / n
    want = np.zeros((B, L, C))
    for l in range(L):
        for m in range(L):
            want[:, l] += kt[:, (l - m) % n] * u[:, m]
    assert_close(R.long_conv_spectrum(u, S), want)


@pytest.mark.parametrize("disc", ["zoh", "bilinear"])
def test_s4d_conv_equals_recurrence(disc):
    r = rng(13)
    H, N2, B, L = 3, 4, 2, 20
    A = -np.exp(r.normal(-0.7, 0.3, (H, N2))) + 1j * math.pi * np.arange(N2)
    C = r.standard_normal((H, N2)) + 1j * r.standard_normal((H, N2))
    log_dt = r.uniform(math.log(1e-3), math.log(1e-1), H)
    u = r.standard_normal((B, L, H))
    K = R.s4d_kernel(A, C, log_dt, L, disc)
    y_rec = R.s4d_recurrent(u, A, C, log_dt, disc)
    assert_close(R.fftconv(u, K), y_rec)
    assert_close(R.long_conv(u, K), y_rec)


@pytest.mark.parametrize("disc", ["zoh", "bilinear"])
def test_s4d_kernel_transcription(disc):
    """OPS.md §3.2 kernel written out with scalars: K[h,l] = 2·Re Σ_n C̄ dA^l."""
    r = rng(14)
    H, N2, L = 2, 3, 6
    A = -np.exp(r.normal(-0.7, 0.3, (H, N2))) + 1j * r.uniform(0, 5, (H, N2))
    C = r.standard_normal((H, N2)) + 1j * r.standard_normal((H, N2))
    log_dt = r.uniform(math.log(1e-2), math.log(0.5), H)
    K = R.s4d_kernel(A, C, log_dt, L, disc)
    for h in range(H):
        dt = math.exp(log_dt[h])
        for l in range(L):
            acc = 0
            for n in range(N2):
                a = complex(A[h, n])
                if disc == "zoh":
                    dA, Cb = cmath.exp(dt * a), C[h, n] * (cmath.exp(dt * a) - 1) / a
                else:
                    dA, Cb = (1 + dt * a / 2) / (1 - dt * a / 2), C[h, n] * dt / (1 - dt * a / 2)
                acc += Cb * dA ** l
            assert_close(K[h, l], 2 * acc.real)


# ---------------------------------------------------------------------------
# attention
# ---------------------------------------------------------------------------

def attn_inputs(seed, B=2, Hq=4, Hkv=2, Lq=7, Lk=9, E=5, Ev=3, logit_scale=1.0):
    r = rng(seed)
    q = r.standard_normal((B, Hq, Lq, E)) * logit_scale
    k = r.standard_normal((B, Hkv, Lk, E))
    v = r.standard_normal((B, Hkv, Lk, Ev))
    return q, k, v


def alibi(s, b, h, i, j):
    return s - 0.25 * (h + 1) * np.abs(i - j)


def drop_rows(b, h, i, j):
    return (i % 3 != 1) | (b < 0) | (h < 0) | (j < 0)   # rows i ≡ 1 (mod 3) fully masked


ATTN_CASES = [
    dict(),
    dict(mask="causal"),
    dict(mask="causal", Lq=9, Lk=6),                     # first rows see no key
    dict(mask="sliding_window", window=(2, 1), Lq=9, Lk=9),
    dict(mask="sliding_window", window=(1, 0), Lq=5, Lk=9),
    dict(mask="sliding_window", window=(-1, 1), Lq=7, Lk=9),
    dict(mask="sliding_window", window=(2, -1), Lq=6, Lk=9),
    dict(mask="chunk_causal", chunk_size=3, Lq=9, Lk=9),
    dict(mask="chunk_causal", chunk_size=4, Lq=3, Lk=10),
    dict(mask="chunk", chunk_size=3, Lq=9, Lk=9),
    dict(mask="chunk", chunk_size=4, Lq=3, Lk=10),
    dict(mask="chunk", chunk_size=4, Lq=9, Lk=6),        # p(i) < 0: first rows see no key
    dict(mask="prefix", prefix_length=3, Lq=6, Lk=8),
    dict(mask="causal", score_mod=alibi),
    dict(mask="none", mask_mod=drop_rows, scale=0.3),
    dict(mask="causal", logit_scale=300.0),              # logits of order ±1e3
    dict(mask="none", logit_scale=-300.0, scale=1.0),
]


def split_case(case):
    case = dict(case)
    shape = {n: case.pop(n) for n in ("Lq", "Lk", "logit_scale") if n in case}
    return shape, case


@pytest.mark.parametrize("case", ATTN_CASES)
@pytest.mark.parametrize("blocks", [(4, 4), (3, 2), (16, 16)])
def test_attention_tiled_equals_naive(case, blocks):
    shape, kw = split_case(case)
    q, k, v = attn_inputs(17, **shape)
    out, lse = R.attention(q, k, v, return_lse=True, **kw)
    for reverse in (True, False):
        o2, l2 = R.attention_tiled_online_softmax(q, k, v, block_m=blocks[0], block_n=blocks[1],
                                                  return_lse=True, reverse_kv=reverse, **kw)
        assert_close(o2, out)
        assert_close(l2, lse)
    if shape.get("logit_scale", 1.0) != 1.0:
        assert np.abs(lse).max() > 500


def allowed_by_table(i, j, Lq, Lk, mask, window, chunk_size, prefix_length):
    """The Semantics.md mask table, one (i, j) at a time."""
    p = i + Lk - Lq
    if mask == "none":
        return True
    if mask == "causal":
        return j <= p
    if mask == "sliding_window":
        return ((window[0] == -1 or p - window[0] <= j)
                and (window[1] == -1 or j <= p + window[1]))
    if mask == "chunk_causal":
        return j <= p and j // chunk_size == p // chunk_size
    if mask == "chunk":
        return j // chunk_size == p // chunk_size
    if mask == "prefix":
        return j < prefix_length or j <= p
    raise AssertionError(mask)


@pytest.mark.parametrize("case", ATTN_CASES)
def test_attention_against_row_loop(case):
    shape, kw = split_case(case)
    q, k, v = attn_inputs(19, **shape)
    out, lse = R.attention(q, k, v, return_lse=True, **kw)
    B, Hq, Lq, E = q.shape
    Lk = k.shape[2]
    scale = kw.get("scale", 1 / math.sqrt(E))
    n_empty = 0
    for b in range(B):
        for h in range(Hq):
            kh = h // (Hq // k.shape[1])
            for i in range(Lq):
                js = [j for j in range(Lk)
                      if allowed_by_table(i, j, Lq, Lk, kw.get("mask", "none"), kw.get("window"),
                                          kw.get("chunk_size"), kw.get("prefix_length"))
                      and ("mask_mod" not in kw or kw["mask_mod"](b, h, i, j))]
                if not js:
                    n_empty += 1
                    assert (out[b, h, i] == 0).all() and lse[b, h, i] == np.inf
                    continue
                s = np.array([scale * np.dot(q[b, h, i], k[b, kh, j]) for j in js])
                if "score_mod" in kw:
                    s = np.array([kw["score_mod"](sj, b, h, i, j) for sj, j in zip(s, js)])
                l_i = np.logaddexp.reduce(s)
                assert_close(lse[b, h, i], l_i)
                assert_close(out[b, h, i], np.exp(s - l_i) @ v[b, kh, js])
    if kw.get("mask_mod") is drop_rows or shape.get("Lq", 0) > shape.get("Lk", 99):
        assert n_empty > 0


@pytest.mark.parametrize("Lq,Lk,c", [(12, 12, 4), (10, 10, 4), (3, 10, 4), (2, 7, 3)])
def test_chunk_causal_equals_per_chunk_causal(Lq, Lk, c):
    q, k, v = attn_inputs(23, Lq=Lq, Lk=Lk)
    out = R.attention(q, k, v, mask="chunk_causal", chunk_size=c, scale=1.0)
    for i in range(Lq):
        p = i + Lk - Lq
        c0 = (p // c) * c
        # attend causally within the chunk of position p: keys c0..p, query at the end
        o = R.attention(q[:, :, i:i + 1], k[:, :, c0:p + 1], v[:, :, c0:p + 1],
                        mask="causal", scale=1.0)
        assert_close(out[:, :, i:i + 1], o)
    if Lq == Lk:   # whole chunks at once
        for c0 in range(0, Lk, c):
            sl = slice(c0, min(c0 + c, Lk))
            o = R.attention(q[:, :, sl], k[:, :, sl], v[:, :, sl], mask="causal", scale=1.0)
            assert_close(out[:, :, sl], o)


@pytest.mark.parametrize("Lq,Lk,c", [(12, 12, 4), (10, 10, 4), (3, 10, 4), (2, 7, 3)])
def test_chunk_equals_per_chunk_attention(Lq, Lk, c):
    """The bidirectional chunk mask is unmasked attention inside each chunk
    of key positions (flash-attn's attention_chunk without causal)."""
    q, k, v = attn_inputs(29, Lq=Lq, Lk=Lk)
    out, lse = R.attention(q, k, v, mask="chunk", chunk_size=c, scale=1.0,
                           return_lse=True)
    for i in range(Lq):
        p = i + Lk - Lq
        c0 = (p // c) * c
        o, l = R.attention(q[:, :, i:i + 1], k[:, :, c0:c0 + c], v[:, :, c0:c0 + c],
                           scale=1.0, return_lse=True)
        assert_close(out[:, :, i:i + 1], o)
        assert_close(lse[:, :, i:i + 1], l)
    # Rows also see the keys after their position in the chunk (unlike
    # chunk_causal) where there are any.
    causal = R.attention(q, k, v, mask="chunk_causal", chunk_size=c, scale=1.0)
    for i in range(Lq):
        p = i + Lk - Lq
        later = min((p // c) * c + c, Lk) > p + 1
        assert np.allclose(out[:, :, i], causal[:, :, i]) != later


def test_unbounded_window_sides_are_flash_attention_conventions():
    """FlashAttention's window_size: (-1, -1) is no mask, (-1, 0) causal."""
    q, k, v = attn_inputs(31, Lq=7, Lk=11)
    for window, same in (((-1, -1), dict()), ((-1, 0), dict(mask="causal"))):
        assert_close(R.attention(q, k, v, mask="sliding_window", window=window),
                     R.attention(q, k, v, **same))


# ---------------------------------------------------------------------------
# compose_heads
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("terms", ["all", "static", "query", "key", "gates"])
def test_compose_heads_efficient_equals_naive(terms):
    r = rng(29)
    B, H, T, S, Rk = 2, 4, 3, 5, 2
    A = r.standard_normal((B, H, T, S))
    allk = dict(static=r.standard_normal((H, H)),
                query_w1=r.standard_normal((B, T, Rk, H)), query_w2=r.standard_normal((B, T, Rk, H)),
                key_w1=r.standard_normal((B, S, Rk, H)), key_w2=r.standard_normal((B, S, Rk, H)),
                query_gate=r.standard_normal((B, T, H)), key_gate=r.standard_normal((B, S, H)))
    pick = {"all": list(allk), "static": ["static"], "query": ["query_w1", "query_w2"],
            "key": ["key_w1", "key_w2"], "gates": ["query_gate", "key_gate"]}[terms]
    kw = {n: allk[n] for n in pick}
    got = R.compose_heads(A, **kw)
    assert_close(got, R.compose_heads_naive(A, **kw))
    assert np.abs(got - A).max() > 1e-2


# ---------------------------------------------------------------------------
# linear attention, feature maps, Based / JRT-RNN
# ---------------------------------------------------------------------------

def la_inputs(seed, B=2, H=2, L=13, F=3, Ev=2):
    r = rng(seed)
    return (r.standard_normal((B, H, L, F)), r.standard_normal((B, H, L, F)),
            r.standard_normal((B, H, L, Ev)), r)


LA_CASES = ["plain", "head_decay", "key_decay", "near_one", "strong", "extreme", "prefix",
            "initial"]


@pytest.mark.parametrize("case", LA_CASES)
@pytest.mark.parametrize("normalize", [False, True])
@pytest.mark.parametrize("chunk,sub", [(4, None), (5, 2), (16, 4), (1, None)])
def test_linear_attention_chunked_equals_recurrent(case, normalize, chunk, sub):
    q, k, v, r = la_inputs(31)
    B, H, L, F = q.shape
    kw = dict(scale=0.7, normalize=normalize)
    if normalize:   # positive features keep the normalizer away from 0
        q, k = np.exp(0.3 * q), np.exp(0.3 * k)
    if case == "head_decay":
        kw["log_decay"] = -r.uniform(0.01, 1.0, (B, H, L))
    elif case == "key_decay":
        kw["log_decay"] = -r.uniform(0.01, 1.0, (B, H, L, F))
    elif case == "near_one":
        kw["log_decay"] = np.full((B, H, L, F), -1e-4)
    elif case == "strong":
        kw["log_decay"] = -r.uniform(3.0, 8.0, (B, H, L, F))
    elif case == "extreme":   # exp(-G) would overflow inside a chunk of 16
        kw["log_decay"] = -r.uniform(40.0, 60.0, (B, H, L, F))
    elif case == "prefix":
        kw["prefix_key"] = np.abs(r.standard_normal((B, H, 4, F)))
        kw["prefix_value"] = r.standard_normal((B, H, 4, v.shape[-1]))
    elif case == "initial":
        kw["log_decay"] = -r.uniform(0.01, 0.5, (B, H, L))
        kw["initial_state"] = r.standard_normal((B, H, F, v.shape[-1]))
        if normalize:
            kw["initial_normalizer"] = np.abs(r.standard_normal((B, H, F)))
    o1, s1, z1 = R.linear_attention(q, k, v, **kw)
    with np.errstate(over="raise", invalid="raise"):
        o2, s2, z2 = R.linear_attention_chunked(q, k, v, chunk_size=chunk, sub_chunk_size=sub, **kw)
    assert_close(o2, o1)
    assert_close(s2, s1)
    if normalize:
        assert_close(z2, z1)
    else:
        assert z1 is None and z2 is None


def test_linear_attention_decay_closed_form():
    """out_t = scale·Σ_{j≤t} Σ_f q_tf k_jf exp(Σ_{j<m≤t} g_mf) v_j, written as a double loop."""
    q, k, v, r = la_inputs(37, L=6)
    ld = -r.uniform(0.1, 1.0, q.shape)
    out, _, _ = R.linear_attention(q, k, v, log_decay=ld, scale=0.5)
    for t in range(q.shape[2]):
        want = 0
        for j in range(t + 1):
            w = np.exp(ld[:, :, j + 1:t + 1].sum(axis=2))            # (B,H,F)
            want = want + np.sum(q[:, :, t] * k[:, :, j] * w, -1)[..., None] * v[:, :, j]
        assert_close(out[:, :, t], 0.5 * want)


@pytest.mark.parametrize("d", [4, 16])
def test_taylor2_dot_product(d):
    r = rng(41 + d)
    q, k = r.standard_normal((6, d)), r.standard_normal((6, d))
    fq, fk = R.feature_map(q, "taylor2"), R.feature_map(k, "taylor2")
    assert fq.shape == (6, 1 + d + d * d)
    s = np.sum(q * k, -1) / math.sqrt(d)
    assert_close(np.sum(fq * fk, -1), 1 + s + s * s / 2)


def test_simple_feature_maps():
    x = np.array([-1.0, 0.0, 2.0])
    assert_close(R.feature_map(x, "identity"), x)
    assert_close(R.feature_map(x, "relu"), [0.0, 0.0, 2.0])
    assert_close(R.feature_map(x, "elu_plus_one"), [math.exp(-1), 1.0, 3.0])


@pytest.mark.parametrize("with_prefix", [False, True])
def test_based_prefill_decode_equals_parallel(with_prefix):
    r = rng(43)
    B, H, L, d, Ev, M = 2, 2, 7, 4, 3, 3
    q, k = r.standard_normal((B, H, L, d)), r.standard_normal((B, H, L, d))
    v = r.standard_normal((B, H, L, Ev))
    ke = r.standard_normal((B, H, M, d)) if with_prefix else None
    ve = r.standard_normal((B, H, M, Ev)) if with_prefix else None
    fq, fk = R.feature_map(q, "taylor2"), R.feature_map(k, "taylor2")
    fke = R.feature_map(ke, "taylor2") if with_prefix else None
    par = R.prefix_linear_attention_parallel(fq, fk, v, fke, ve)
    rec, S, z = R.linear_attention(fq, fk, v, prefix_key=fke, prefix_value=ve, normalize=True)
    assert_close(rec, par)
    y_dec, S_dec, z_dec = R.based_recurrent_decode(q, k, v, prefill_length=L - 1,
                                                   prefix_key=ke, prefix_value=ve)
    assert y_dec.shape == (B, H, 1, Ev)
    assert_close(y_dec[:, :, 0], par[:, :, -1])
    assert_close(S_dec, S)
    assert_close(z_dec, z)


# ---------------------------------------------------------------------------
# timestep_norm
# ---------------------------------------------------------------------------

def tsn_inputs(seed, B=3, L=9, D=8, G=2):
    r = rng(seed)
    x = 2.0 * r.standard_normal((B, L, D)) + np.repeat(r.uniform(-3, 3, (B, L, G)), D // G, -1)
    weight, bias = 0.1 * r.standard_normal(D), 0.1 * r.standard_normal(D)
    pad = r.random((B, L)) < 0.3
    pad[0, :2] = True          # row 0 starts padded
    pad[1, :] = False
    pad[2, 5:] = True          # row 2 ends padded
    prev = (np.array([5, 0, 2], np.int64), r.standard_normal((B, G)), r.uniform(0.5, 2, (B, G)))
    return x, weight, bias, G, pad, prev


@pytest.mark.parametrize("use_pad", [False, True])
@pytest.mark.parametrize("use_prev", [False, True])
def test_timestep_norm_welford_equals_direct(use_pad, use_prev):
    x, w, b, G, pad, prev = tsn_inputs(47)
    kw = dict(padding_mask=pad if use_pad else None)
    if use_prev:
        kw.update(prev_count=prev[0], prev_mean=prev[1], prev_var=prev[2])
    got = R.timestep_norm(x, w, b, G, **kw)
    want = R.timestep_norm_direct(x, w, b, G, **kw)
    for g_, w_ in zip(got, want):
        assert_close(g_, w_)
    assert got[1].dtype == np.int64
    if use_pad:
        assert (got[0][pad] == 0).all()
        assert (got[1] == (prev[0] if use_prev else 0) + (~pad).sum(1)).all()


def test_timestep_norm_split_equals_one_call():
    x, w, b, G, pad, prev = tsn_inputs(53)
    full = R.timestep_norm(x, w, b, G, padding_mask=pad, prev_count=prev[0],
                           prev_mean=prev[1], prev_var=prev[2])
    k = 4
    first = R.timestep_norm(x[:, :k], w, b, G, padding_mask=pad[:, :k], prev_count=prev[0],
                            prev_mean=prev[1], prev_var=prev[2])
    second = R.timestep_norm(x[:, k:], w, b, G, padding_mask=pad[:, k:], prev_count=first[1],
                             prev_mean=first[2], prev_var=first[3])
    assert_close(np.concatenate([first[0], second[0]], axis=1), full[0])
    for g_, w_ in zip(second[1:], full[1:]):
        assert_close(g_, w_)


def test_timestep_norm_first_step_is_group_norm():
    x, w, b, G, _, _ = tsn_inputs(59)
    y = R.timestep_norm(x, w, b, G, eps=1e-5)[0]
    xg = x[:, 0].reshape(x.shape[0], G, -1)
    gn = (xg - xg.mean(-1, keepdims=True)) / np.sqrt(xg.var(-1, keepdims=True) + 1e-5)
    assert_close(y[:, 0], gn.reshape(x.shape[0], -1) * (w + 1) + b)


# ---------------------------------------------------------------------------
# rotary
# ---------------------------------------------------------------------------

def test_rotary_interleaved_is_complex_multiplication():
    r = rng(61)
    x = r.standard_normal((2, 3, 7, 8))
    y = R.rotary(x, base=500.0, position_offset=2)
    z = x[..., 0::2] + 1j * x[..., 1::2]
    pos = 2 + np.arange(7)
    rot = np.exp(1j * pos[:, None] * 500.0 ** (-np.arange(4) * 2 / 8))
    assert_close(y[..., 0::2] + 1j * y[..., 1::2], z * rot)


def test_rotary_halves_is_permuted_interleaved():
    x = rng(67).standard_normal((2, 6, 8))
    perm = np.array([0, 4, 1, 5, 2, 6, 3, 7])           # halves layout -> interleaved layout
    y_h = R.rotary(x, pairing="halves")
    y_i = R.rotary(x[..., perm], pairing="interleaved")
    assert_close(y_h[..., perm], y_i)


def test_rotary_relative_positions_offset_and_chunks():
    r = rng(71)
    qv, kv = r.standard_normal(8), r.standard_normal(8)
    L = 12
    Q = R.rotary(np.tile(qv, (L, 1)))
    K = R.rotary(np.tile(kv, (L, 1)))
    dots = Q @ K.T                                          # depends only on m - n
    for m in range(1, L):
        for n in range(1, L):
            assert_close(dots[m, n], dots[m - 1, n - 1])
    x = r.standard_normal((3, L, 8))
    assert_close(R.rotary(x[:, 5:], position_offset=5), R.rotary(x)[:, 5:])
    yc = R.rotary(x, chunk_size=4, position_offset=2)       # positions 2,3,0,1,2,3,0,...
    pos = (2 + np.arange(L)) % 4
    for l in range(L):
        assert_close(yc[:, l], R.rotary(x[:, l:l + 1], position_offset=int(pos[l]))[:, 0])
    assert np.abs(yc - R.rotary(x, position_offset=2)).max() > 1e-3
