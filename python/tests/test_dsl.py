"""The seq Python DSL: every tensor operation against NumPy float64, the seq
ops against the independent reference (test/Integration/reference/seq_ref.py),
error reporting, and the compile cache."""

import os
import sys
import time

import numpy as np
import pytest

import seq

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "test",
                                "Integration", "reference"))
import seq_ref  # noqa: E402

RNG = np.random.default_rng(1234)


def rand(*shape, dtype=np.float32):
    return RNG.standard_normal(shape).astype(dtype)


def rel_err(actual, expected):
    actual = np.asarray(actual, dtype=np.complex128 if np.iscomplexobj(actual) else np.float64)
    expected = np.asarray(expected)
    assert actual.shape == expected.shape
    scale = np.max(np.abs(expected)) if expected.size else 1.0
    return float(np.max(np.abs(actual - expected)) / (scale if scale > 0 else 1.0))


# ---------------------------------------------------------------------------
# Elementwise and math
# ---------------------------------------------------------------------------

def _softplus(x):
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def _erf(x):
    return np.vectorize(__import__("math").erf)(x)


UNARY = {
    "exp": (seq.exp, np.exp),
    "log": (lambda x: seq.log(seq.abs(x) + 0.5), lambda x: np.log(np.abs(x) + 0.5)),
    "sqrt": (lambda x: seq.sqrt(seq.abs(x)), lambda x: np.sqrt(np.abs(x))),
    "rsqrt": (lambda x: seq.rsqrt(seq.abs(x) + 0.1), lambda x: 1 / np.sqrt(np.abs(x) + 0.1)),
    "tanh": (seq.tanh, np.tanh),
    "sigmoid": (seq.sigmoid, lambda x: 1 / (1 + np.exp(-x))),
    "silu": (seq.silu, lambda x: x / (1 + np.exp(-x))),
    "gelu": (seq.gelu, lambda x: 0.5 * x * (1 + _erf(x / np.sqrt(2)))),
    "gelu_tanh": (lambda x: seq.gelu(x, approximate="tanh"),
                  lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))),
    "softplus": (seq.softplus, _softplus),
    "sin": (seq.sin, np.sin),
    "cos": (seq.cos, np.cos),
    "abs": (seq.abs, np.abs),
    "neg": (lambda x: -x, np.negative),
    "square": (lambda x: x ** 2, np.square),
    "log1p": (lambda x: seq.log1p(seq.abs(x)), lambda x: np.log1p(np.abs(x))),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary(name):
    fn, ref = UNARY[name]
    x = rand(3, 17) * 3
    out = seq.jit(fn, name=f"u_{name}")(x)
    assert out.dtype == np.float32
    assert rel_err(out, ref(x.astype(np.float64))) < 2e-6


@pytest.mark.parametrize("name,fn,ref", [
    ("add", lambda a, b: a + b, np.add),
    ("sub", lambda a, b: a - b, np.subtract),
    ("mul", lambda a, b: a * b, np.multiply),
    ("div", lambda a, b: a / (seq.abs(b) + 1.0), lambda a, b: a / (np.abs(b) + 1)),
    ("maximum", seq.maximum, np.maximum),
    ("minimum", seq.minimum, np.minimum),
])
def test_binary_with_broadcasting(name, fn, ref):
    a, b = rand(2, 1, 5), rand(4, 1)
    out = seq.jit(fn, name=name)(a, b)
    assert out.shape == (2, 4, 5)
    assert rel_err(out, ref(a.astype(np.float64), b.astype(np.float64))) < 1e-6


def test_python_scalars_and_where():
    @seq.jit
    def f(x):
        return seq.where(x < 0.5, 2.0 * x + 1.0, 3.0 - x)
    x = rand(5, 6)
    assert rel_err(f(x), np.where(x < 0.5, 2 * x + 1, 3 - x)) < 1e-6


def test_map_custom_scalar_function():
    @seq.jit
    def f(x, y):
        return seq.map(lambda a, b: seq.where(a > b, a * b, a - b), x, y)
    x, y = rand(4, 4), rand(4, 4)
    assert rel_err(f(x, y), np.where(x > y, x * y, x - y)) < 1e-6


def test_half_precision_computes_in_f32():
    x = np.clip(rand(64) * 3, -8, 8).astype(np.float16)  # exp stays below f16 max
    out = seq.jit(lambda x: seq.exp(x), name="exp16")(x)
    assert out.dtype == np.float16
    assert rel_err(out, np.exp(x.astype(np.float64))) < 1e-3


def test_bfloat16_round_trip():
    ml_dtypes = pytest.importorskip("ml_dtypes")
    x = rand(8, 8).astype(ml_dtypes.bfloat16)
    out = seq.jit(lambda x: seq.silu(x), name="silu_bf16")(x)
    assert out.dtype == ml_dtypes.bfloat16
    xf = x.astype(np.float64)
    assert rel_err(out.astype(np.float64), xf / (1 + np.exp(-xf))) < 1e-2


def test_astype_and_complex_parts():
    @seq.jit
    def f(re, im):
        z = seq.complex(re, im)
        w = seq.exp(z) * z
        return seq.real(w), seq.imag(w), re.astype("f64")
    re, im = rand(6), rand(6)
    r, i, d = f(re, im)
    z = re.astype(np.float64) + 1j * im
    assert rel_err(r, (np.exp(z) * z).real) < 2e-6
    assert rel_err(i, (np.exp(z) * z).imag) < 2e-6
    assert d.dtype == np.float64 and np.array_equal(d, re.astype(np.float64))


# ---------------------------------------------------------------------------
# Reductions, contractions, shapes
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("axis,keepdims", [(None, False), (0, False), (-1, True), ((0, 2), False)])
def test_reductions(axis, keepdims):
    x = rand(3, 4, 5)
    f = seq.jit(lambda x: (x.sum(axis=axis, keepdims=keepdims),
                           x.mean(axis=axis, keepdims=keepdims),
                           x.max(axis=axis, keepdims=keepdims),
                           seq.min(x, axis=axis, keepdims=keepdims),
                           seq.var(x, axis=axis, keepdims=keepdims)), name="red")
    s, m, mx, mn, v = f(x)
    x64 = x.astype(np.float64)
    assert rel_err(s, x64.sum(axis=axis, keepdims=keepdims)) < 1e-6
    assert rel_err(m, x64.mean(axis=axis, keepdims=keepdims)) < 1e-6
    assert np.array_equal(mx, x.max(axis=axis, keepdims=keepdims))
    assert np.array_equal(mn, x.min(axis=axis, keepdims=keepdims))
    assert rel_err(v, x64.var(axis=axis, keepdims=keepdims)) < 1e-5


def test_matmul_and_einsum():
    a, b, w = rand(2, 3, 5, 4), rand(2, 3, 4, 6), rand(4, 7)
    f = seq.jit(lambda a, b, w: (a @ b, a @ w, seq.einsum("bhqd,bhkd->bhqk", a, a),
                                 seq.einsum("bhqd->bd", a)), name="mm")
    ab, aw, s, r = f(a, b, w)
    a64 = a.astype(np.float64)
    assert rel_err(ab, a64 @ b) < 1e-6
    assert rel_err(aw, a64 @ w) < 1e-6
    assert rel_err(s, np.einsum("bhqd,bhkd->bhqk", a64, a64)) < 1e-6
    assert rel_err(r, np.einsum("bhqd->bd", a64)) < 1e-6
    v = rand(4)
    mv = seq.jit(lambda a, v: a @ v, name="mv")(a, v)
    assert rel_err(mv, a64 @ v) < 1e-6


def test_reshape_transpose_slice_concat_pad():
    x = rand(2, 3, 4)

    @seq.jit
    def f(x):
        return (x.reshape(6, -1), x.transpose(2, 0, 1), x.T, x[1, :, ::2], x[..., 1:3],
                seq.concat([x, x[:, :1]], axis=1), seq.pad(x, [(0, 0), (1, 2), (0, 1)], 5.0))
    r, t, tt, s, e, c, p = f(x)
    assert np.array_equal(r, x.reshape(6, -1))
    assert np.array_equal(t, x.transpose(2, 0, 1))
    assert np.array_equal(tt, x.T)
    assert np.array_equal(s, x[1, :, ::2])
    assert np.array_equal(e, x[..., 1:3])
    assert np.array_equal(c, np.concatenate([x, x[:, :1]], axis=1))
    assert np.array_equal(p, np.pad(x, [(0, 0), (1, 2), (0, 1)], constant_values=5.0))


def test_norms_and_softmax():
    x, w, b = rand(2, 5, 8), rand(8), rand(8)

    @seq.jit
    def f(x, w, b):
        return (seq.softmax(x), seq.layer_norm(x, w, b), seq.rms_norm(x, w, eps=1e-6),
                seq.group_norm(x, 4, w, b))
    sm, ln, rms, gn = f(x, w, b)
    x64 = x.astype(np.float64)
    e = np.exp(x64 - x64.max(-1, keepdims=True))
    assert rel_err(sm, e / e.sum(-1, keepdims=True)) < 1e-6
    mu, var = x64.mean(-1, keepdims=True), x64.var(-1, keepdims=True)
    assert rel_err(ln, (x64 - mu) / np.sqrt(var + 1e-5) * w + b) < 1e-5
    assert rel_err(rms, x64 / np.sqrt((x64 ** 2).mean(-1, keepdims=True) + 1e-6) * w) < 1e-5
    g = x64.reshape(2, 5, 4, 2)
    gn_ref = ((g - g.mean(-1, keepdims=True)) / np.sqrt(g.var(-1, keepdims=True) + 1e-5)).reshape(x.shape) * w + b
    assert rel_err(gn, gn_ref) < 1e-5


def test_constants_and_full():
    c = np.array([[1.0, 2.0], [3.0, -4.5]], np.float32)
    f = seq.jit(lambda x: x * seq.constant(c) + seq.full((2, 2), 0.25), name="const")
    x = rand(2, 2)
    assert rel_err(f(x), x * c + 0.25) < 1e-7


# ---------------------------------------------------------------------------
# seq ops through the DSL, against the float64 reference
# ---------------------------------------------------------------------------

def test_attention_with_mods_and_lse():
    q, k, v = rand(1, 4, 9, 8), rand(1, 2, 12, 8), rand(1, 2, 12, 8)

    def soft_cap(s, b, h, i, j):
        return 5.0 * seq.tanh(s / 5.0)

    def not_key_3(b, h, i, j):
        return j != 3

    f = seq.jit(lambda q, k, v: seq.attention(q, k, v, mask="causal", score_mod=soft_cap,
                                              mask_mod=not_key_3, return_lse=True), name="attn")
    out, lse = f(q, k, v)
    ref_out, ref_lse = seq_ref.attention(
        q.astype(np.float64), k, v, mask="causal",
        score_mod=lambda s, b, h, i, j: 5.0 * np.tanh(s / 5.0),
        mask_mod=lambda b, h, i, j: j != 3, return_lse=True)
    assert rel_err(out, ref_out) < 1e-5
    assert rel_err(lse, ref_lse) < 1e-5


@pytest.mark.parametrize("mask,kw", [("sliding_window", {"window": (3, 0)}),
                                     ("chunk_causal", {"chunk_size": 4}),
                                     ("prefix", {"prefix_length": 5})])
def test_attention_masks(mask, kw):
    q = rand(2, 2, 10, 4)
    f = seq.jit(lambda q: seq.attention(q, q, q, mask=mask, scale=0.3, **kw), name=f"attn_{mask}")
    ref = seq_ref.attention(q.astype(np.float64), q, q, mask=mask, scale=0.3, **kw)
    assert rel_err(f(q), ref) < 1e-5


def test_scan_ema_timestep_norm():
    a, b, h0 = rand(2, 7, 3) * 0.5, rand(2, 7, 3), rand(2, 3)
    states, final = seq.jit(lambda a, b, h0: seq.scan(a, b, initial=h0, reverse=True,
                                                      return_final=True), name="scan")(a, b, h0)
    rs, rf = seq_ref.scan(a.astype(np.float64), b, initial=h0, reverse=True)
    assert rel_err(states, rs) < 1e-6 and rel_err(final, rf) < 1e-6

    x, wl, dl, gamma, omega, theta = rand(1, 16, 4), rand(4, 3), rand(4, 3), rand(4, 3, 2), rand(4), rand(4)
    y, hf = seq.jit(lambda *a: seq.ema(*a[:5], kind="complex", theta=a[5], return_final=True),
                    name="cema")(x, wl, dl, gamma, omega, theta)
    ry, rh = seq_ref.ema(x.astype(np.float64), wl, dl, gamma, omega, "complex", theta=theta)
    assert rel_err(y, ry) < 1e-5 and rel_err(hf, rh) < 1e-5

    xn, w, bb = rand(2, 6, 8), rand(8), rand(8)
    y, c, m, v = seq.jit(lambda x, w, b: seq.timestep_norm(x, w, b, 2, return_state=True),
                         name="tsn")(xn, w, bb)
    ry, rc, rm, rv = seq_ref.timestep_norm(xn.astype(np.float64), w, bb, 2)
    assert rel_err(y, ry) < 1e-5 and np.array_equal(c, rc)
    assert rel_err(m, rm) < 1e-5 and rel_err(v, rv) < 1e-5


def test_conv_fft_linear_attention_feature_map_rotary():
    u, k, d = rand(1, 12, 3), rand(3, 5), rand(3)
    y = seq.jit(lambda u, k, d: seq.long_conv(u, k, skip=d), name="conv")(u, k, d)
    assert rel_err(y, seq_ref.long_conv(u.astype(np.float64), k, skip=d)) < 1e-6

    # The filters' spectrum computed once (FlashFFTConv's k_f = rfft(k, 2L))
    # and passed in place of the taps on later calls.
    kf = seq.jit(lambda k: seq.rfft(k, n=24), name="kf")(k)
    assert kf.dtype == np.complex64 and kf.shape == (3, 13)
    cached = seq.jit(lambda u, kf, d: seq.long_conv(u, kf, skip=d), name="conv_kf")
    assert rel_err(cached(u, kf, d), seq_ref.long_conv(u.astype(np.float64), k, skip=d)) < 1e-6
    with pytest.raises(seq.Error, match="shorter than the sequence"):
        cached(u, kf[:, :6].copy(), d)

    x = rand(2, 10)
    spec, back = seq.jit(lambda x: (seq.rfft(x), seq.irfft(seq.rfft(x), n=10)), name="rf")(x)
    assert rel_err(spec, np.fft.rfft(x.astype(np.float64))) < 1e-6
    assert rel_err(back, x) < 1e-6

    q, kk, v = rand(1, 2, 6, 3), rand(1, 2, 6, 3), rand(1, 2, 6, 4)
    f = seq.jit(lambda q, k, v: seq.linear_attention(
        seq.feature_map(q, "taylor2"), seq.feature_map(k, "taylor2"), v,
        normalize=True, return_state=True), name="based")
    out, s, z = f(q, kk, v)
    fq = seq_ref.feature_map(q.astype(np.float64), "taylor2")
    fk = seq_ref.feature_map(kk.astype(np.float64), "taylor2")
    ro, rs, rz = seq_ref.linear_attention(fq, fk, v, normalize=True)
    assert rel_err(out, ro) < 1e-5 and rel_err(s, rs) < 1e-5 and rel_err(z, rz) < 1e-5

    r = seq.jit(lambda x: seq.rotary(x, chunk_size=4, pairing="halves"), name="rope")(q[..., :2])
    assert rel_err(r, seq_ref.rotary(q[..., :2].astype(np.float64), chunk_size=4,
                                     pairing="halves")) < 1e-6


def test_compose_heads():
    a, qw1, qw2, kg = rand(1, 4, 5, 6), rand(1, 5, 2, 4), rand(1, 5, 2, 4), rand(1, 6, 4)
    f = seq.jit(lambda a, x, y, g: seq.compose_heads(a, query_w1=x, query_w2=y, key_gate=g),
                name="compose")
    ref = seq_ref.compose_heads(a.astype(np.float64), query_w1=qw1, query_w2=qw2, key_gate=kg)
    assert rel_err(f(a, qw1, qw2, kg), ref) < 1e-6


# ---------------------------------------------------------------------------
# Errors: located at the user's line, never a crash
# ---------------------------------------------------------------------------

def _line_of(marker):
    with open(__file__) as f:
        for number, line in enumerate(f, 1):
            if marker in line and "_line_of" not in line:
                return number
    raise AssertionError(marker)


def test_trace_time_shape_error_points_at_user_line():
    @seq.jit
    def f(a, b):
        return a @ b  # MATMUL-ERROR-LINE
    with pytest.raises(seq.Error) as info:
        f(rand(3, 4), rand(5, 6))
    message = str(info.value)
    assert f"{__file__}:{_line_of('MATMUL-ERROR-LINE')}:" in message
    assert "seq.matmul" in message and "(3, 4) @ (5, 6)" in message


def test_verifier_error_points_at_user_line():
    @seq.jit
    def f(q, k):
        return seq.attention(q, k, k)  # GQA-ERROR-LINE
    with pytest.raises(seq.Error) as info:
        f(rand(1, 4, 8, 16), rand(1, 3, 8, 16))
    message = str(info.value)
    assert f"{__file__}:{_line_of('GQA-ERROR-LINE')}:" in message
    assert "'seq.attention' op query heads (4) must be a multiple of key/value heads (3)" in message


def test_bad_options_raise_seq_error():
    x = rand(1, 2, 4, 4)
    for fn in (lambda q: seq.attention(q, q, q, mask="diagonal"),
               lambda q: seq.feature_map(q, "cosine"),
               lambda q: seq.rotary(q, pairing="twisted"),
               lambda q: seq.fft(q, norm="sideways")):
        with pytest.raises(seq.Error):
            seq.jit(fn, name="bad")(x)
    assert issubclass(seq.Error, ValueError)


def test_call_errors():
    f = seq.jit(lambda x: x + 1.0, name="inc")
    f(rand(3))
    with pytest.raises(seq.Error, match="argument #0 is a set"):
        f({1.0, 2.0})
    with pytest.raises(seq.Error, match="unsupported array dtype int16"):
        f(np.zeros(3, np.int16))
    with pytest.raises(seq.Error, match="must return a seq tensor"):
        seq.jit(lambda x: 3, name="notensor")(rand(2))
    with pytest.raises(seq.Error, match="only be used inside a function traced"):
        seq.full((2,), 1.0)


def test_non_contiguous_inputs_are_handled():
    f = seq.jit(lambda x: x * 2.0, name="twice")
    x = rand(6, 8)
    view = x[:, ::2]  # strided, not C-contiguous
    assert not view.flags.c_contiguous
    assert np.array_equal(f(np.ascontiguousarray(view)), f(view))
    assert np.array_equal(f(view), view * 2)


# ---------------------------------------------------------------------------
# Cache and inspection
# ---------------------------------------------------------------------------

def test_cache_specializes_on_shape_and_dtype():
    calls = []

    @seq.jit
    def f(x):
        calls.append(x.shape)
        return x * x
    before = seq.engine().num_compilations
    f(rand(4))
    f(rand(4))
    assert len(calls) == 1
    f(rand(5))
    f(rand(4).astype(np.float64))
    assert len(calls) == 3
    assert seq.engine().num_compilations == before + 3

    x = rand(4)
    start = time.perf_counter()
    for _ in range(200):
        f(x)
    per_call = (time.perf_counter() - start) / 200
    assert per_call < 5e-3, f"a cache hit took {per_call * 1e6:.0f} us"


def test_ir_and_lowered_stages():
    @seq.jit
    def f(a, b):
        return seq.scan(a, b)
    a = rand(1, 4, 2)
    ir = f.ir(a, a)
    assert "seq.scan ins(" in ir and "func.func @f" in ir
    assert "scf.for" in f.lowered(a, a, stage="loops")
    assert "memref" in f.lowered(a, a, stage="buffers")
    assert "llvm.func" in f.lowered(a, a, stage="llvm")
    with pytest.raises(ValueError):
        f.lowered(a, a, stage="nonsense")


def test_flip_negative_steps_broadcast_conj_and_promotion():
    x = rand(3, 7)

    @seq.jit
    def f(x):
        z = seq.complex(x, x * 0.5)
        return (x[:, ::-1], x[::-2, 5:1:-2], seq.flip(x, (0, 1)),
                seq.broadcast_to(x[:1], (4, 3, 7)), seq.conj(z), z * x, x + z)
    rev, sl, fl, bc, cj, zm, za = f(x)
    z = x.astype(np.complex128) + 0.5j * x
    assert np.array_equal(rev, x[:, ::-1])
    assert np.array_equal(sl, x[::-2, 5:1:-2])
    assert np.array_equal(fl, x[::-1, ::-1])
    assert np.array_equal(bc, np.broadcast_to(x[:1], (4, 3, 7)))
    assert rel_err(cj, np.conj(z)) < 1e-7
    assert rel_err(zm, z * x) < 1e-6 and rel_err(za, x + z) < 1e-6


def test_rfft_with_n_pads_and_truncates():
    x = rand(2, 10)
    padded, cut = seq.jit(lambda x: (seq.rfft(x, n=16), seq.rfft(x, n=6)), name="rfftn")(x)
    assert rel_err(padded, np.fft.rfft(x.astype(np.float64), n=16)) < 1e-6
    assert rel_err(cut, np.fft.rfft(x.astype(np.float64), n=6)) < 1e-6


def test_reflected_power():
    x = rand(5)
    out = seq.jit(lambda x: 2.0 ** x, name="rpow")(x)
    assert rel_err(out, 2.0 ** x.astype(np.float64)) < 1e-6
    q = rand(1, 2, 4, 8)
    f = seq.jit(lambda q: seq.attention(q, q, q, score_mod=lambda s, b, h, i, j: s - 2.0 ** (h + 1.0)),
                name="alibi_pow")
    ref = seq_ref.attention(q.astype(np.float64), q, q,
                            score_mod=lambda s, b, h, i, j: s - 2.0 ** (h + 1.0))
    assert rel_err(f(q), ref) < 1e-5


def test_split_and_merge_heads():
    x = rand(2, 5, 12)
    split, back = seq.jit(lambda x: (seq.split_heads(x, 3), seq.merge_heads(seq.split_heads(x, 3))),
                          name="heads")(x)
    assert np.array_equal(split, x.reshape(2, 5, 3, 4).transpose(0, 2, 1, 3))
    assert np.array_equal(back, x)
    with pytest.raises(seq.Error, match="does not split into 5 heads"):
        seq.jit(lambda x: seq.split_heads(x, 5), name="heads5")(x)
