"""DSL features of issue 10 against NumPy float64 references: Python numbers
in seq.where inside modifiers and maps, % and // on traced scalars and
tensors, modifiers that read tensors of the traced function, the chunk mask
and unbounded windows, pytree arguments and results, big-endian arrays, the
public lower/compile step, a 1024-operand concat, and locations on every op."""

import collections
import os
import re
import sys

import numpy as np
import pytest

import seq

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "test",
                                "Integration", "reference"))
import seq_ref  # noqa: E402

RNG = np.random.default_rng(2025)


def rand(*shape, dtype=np.float32):
    return RNG.standard_normal(shape).astype(dtype)


def rel_err(actual, expected):
    actual = np.asarray(actual, dtype=np.complex128 if np.iscomplexobj(actual) else np.float64)
    expected = np.asarray(expected)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    finite = np.isfinite(expected)
    assert np.array_equal(np.isfinite(actual), finite)
    assert np.array_equal(actual[~finite], expected[~finite])
    if not finite.any():
        return 0.0
    scale = np.max(np.abs(expected[finite]))
    return float(np.max(np.abs(actual[finite] - expected[finite])) / (scale if scale > 0 else 1.0))


def attention_case(fn, ref_kw, shape=(2, 4, 2, 13, 17, 8, 8), dtype=np.float32, tol=1e-5,
                   extra=()):
    """Runs `fn(q, k, v, *extra)` and compares (out, lse) with seq_ref."""
    B, Hq, Hkv, Lq, Lk, E, Ev = shape
    q, k, v = rand(B, Hq, Lq, E, dtype=dtype), rand(B, Hkv, Lk, E, dtype=dtype), \
        rand(B, Hkv, Lk, Ev, dtype=dtype)
    out, lse = seq.jit(fn, name="attn")(q, k, v, *extra)
    ref_o, ref_l = seq_ref.attention(q.astype(np.float64), k, v, return_lse=True, **ref_kw)
    assert rel_err(out, ref_o) < tol and rel_err(lse, ref_l) < tol
    return out, lse, ref_l


# ---------------------------------------------------------------------------
# seq.where with Python numbers
# ---------------------------------------------------------------------------

def test_where_with_python_numbers_in_score_mod_mask_mod_and_map():
    attention_case(
        lambda q, k, v: seq.attention(
            q, k, v, mask="causal", return_lse=True,
            score_mod=lambda s, b, h, i, j: s + seq.where(h == 0, 1.0, 2.0),
            mask_mod=lambda b, h, i, j: seq.where(j != 2, True, False)),
        dict(mask="causal", score_mod=lambda s, b, h, i, j: s + np.where(h == 0, 1.0, 2.0),
             mask_mod=lambda b, h, i, j: j != 2))

    x = rand(5, 7)
    y = seq.jit(lambda x: seq.map(lambda a: seq.where(a > 0, 1.0, -0.5), x), name="sgn")(x)
    assert y.dtype == np.float32 and np.array_equal(y, np.where(x > 0, 1.0, -0.5))
    z = seq.jit(lambda x: seq.where(x > 0, 0.1, 0.2), name="tensor_where")(x)
    assert z.dtype == np.float32
    assert np.array_equal(z, np.where(x > 0, np.float32(0.1), np.float32(0.2)))


def test_python_numbers_round_once_into_the_data_type():
    # 0.1 meets an f64 value: it must be the f64 0.1, not an f32 widened.
    x = rand(6, dtype=np.float64)
    y = seq.jit(lambda x: seq.map(lambda a: a + seq.where(a > 0, 0.1, 0.3), x),
                name="round_once")(x)
    assert np.array_equal(y, x + np.where(x > 0, 0.1, 0.3))


# ---------------------------------------------------------------------------
# % and //
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name,mask_mod,ref", [
    ("strided", lambda b, h, i, j: j % 3 == 0, lambda b, h, i, j: j % 3 == 0),
    ("dilated", lambda b, h, i, j: (i - j) % 2 == 0, lambda b, h, i, j: (i - j) % 2 == 0),
    # C's remainder of i - j < 0 is negative; Python's takes the divisor's sign.
    ("python remainder", lambda b, h, i, j: (i - j) % 3 == 1,
     lambda b, h, i, j: (i - j) % 3 == 1),
    ("block", lambda b, h, i, j: i // 4 == j // 4, lambda b, h, i, j: i // 4 == j // 4),
    ("negative", lambda b, h, i, j: (j - i - 5) // 3 >= -2,
     lambda b, h, i, j: (j - i - 5) // 3 >= -2),
])
def test_mod_and_floordiv_in_mask_mod(name, mask_mod, ref):
    attention_case(
        lambda q, k, v: seq.attention(q, k, v, mask_mod=mask_mod, return_lse=True),
        dict(mask_mod=ref), shape=(1, 2, 1, 12, 12, 8, 4))
    # The mask drops some keys and keeps others (else the test proves little),
    # with negative operands where Python's rounding differs from C's.
    i, j = np.arange(12)[:, None], np.arange(12)[None, :]
    allowed = np.broadcast_to(ref(0, 0, i, j), (12, 12))
    assert allowed.any() and not allowed.all()


def test_mod_and_floordiv_in_score_mod_with_floats():
    attention_case(
        lambda q, k, v: seq.attention(
            q, k, v, return_lse=True,
            score_mod=lambda s, b, h, i, j: s + (s * 3.0) % 1.25 - (i - j) // 3 * 0.25),
        dict(score_mod=lambda s, b, h, i, j: s + np.mod(s * 3.0, 1.25)
             - np.floor_divide(i - j, 3) * 0.25), dtype=np.float64, tol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64])
def test_mod_and_floordiv_on_tensors(dtype):
    if np.issubdtype(dtype, np.integer):
        a = RNG.integers(-20, 20, (4, 9)).astype(dtype)
        b = RNG.choice([-7, -3, -1, 1, 2, 5], (4, 9)).astype(dtype)
    else:
        a = (rand(4, 9) * 10).astype(dtype)
        b = (np.sign(rand(4, 9)) * (np.abs(rand(4, 9)) + 0.5)).astype(dtype)
    m, d = seq.jit(lambda a, b: (a % b, a // b), name=f"moddiv_{np.dtype(dtype).name}")(a, b)
    assert m.dtype == dtype and d.dtype == dtype
    if np.issubdtype(dtype, np.integer):
        assert np.array_equal(m, a % b) and np.array_equal(d, a // b)
    else:
        a64, b64 = a.astype(np.float64), b.astype(np.float64)
        tol = 1e-6 if dtype == np.float32 else 1e-14
        assert rel_err(m, np.mod(a64, b64)) < tol
        assert np.array_equal(d, np.floor(a / b))
    m2 = seq.jit(lambda a: 7 % a, name=f"rmod_{np.dtype(dtype).name}")(b)
    assert np.allclose(m2, 7 % b)


# ---------------------------------------------------------------------------
# Modifiers that read tensors of the traced function
# ---------------------------------------------------------------------------

def test_score_mod_reads_per_head_slopes_and_a_bias_table():
    B, Hq, Hkv, Lq, Lk = 2, 4, 2, 11, 19
    slopes = (2.0 ** -np.arange(1, Hq + 1)).astype(np.float32)
    table = rand(Hq, Lq + Lk - 1).astype(np.float16)
    shift = Lk - Lq

    def fn(q, k, v, slopes, table):
        def score(s, b, h, i, j):
            return s - slopes[h] * (i + shift - j) + table[h, i - j + Lk - 1]
        return seq.attention(q, k, v, mask="causal", score_mod=score, return_lse=True)
    s64, t64 = slopes.astype(np.float64), table.astype(np.float64)
    attention_case(fn, dict(mask="causal", score_mod=lambda s, b, h, i, j:
                            s - s64[h] * (i + shift - j) + t64[h, i - j + Lk - 1]),
                   shape=(B, Hq, Hkv, Lq, Lk, 8, 8), extra=(slopes, table))


def test_mask_mod_reads_key_padding_and_documents():
    B, L = 2, 24
    valid = np.ones((B, L), bool)
    valid[1, 15:] = False
    docs = np.repeat(np.arange(4, dtype=np.int32), 6)[None].repeat(B, 0)

    def fn(q, k, v, valid, docs):
        return seq.attention(q, k, v, mask="causal", return_lse=True,
                             mask_mod=lambda b, h, i, j: valid[b, j] & (docs[b, i] == docs[b, j]))
    attention_case(fn, dict(mask="causal",
                            mask_mod=lambda b, h, i, j: valid[b, j] & (docs[b, i] == docs[b, j])),
                   shape=(B, 2, 2, L, L, 8, 8), extra=(valid, docs))


def test_mask_mod_reads_a_computed_tensor():
    # The key-padding mask is computed in the function from lengths.
    lengths = np.array([5, 9], np.int32)

    def fn(q, k, v, lengths):
        positions = seq.constant(np.arange(9, dtype=np.int32))
        valid = positions.reshape(1, 9) < lengths.reshape(2, 1)   # (2, 9) i1
        return seq.attention(q, k, v, return_lse=True, mask_mod=lambda b, h, i, j: valid[b, j])
    *_, ref_l = attention_case(fn, dict(mask_mod=lambda b, h, i, j: j < lengths[b]),
                               shape=(2, 2, 2, 4, 9, 8, 8), extra=(lengths,))


def test_learnable_sinks_through_the_logsumexp():
    """gpt-oss attention sinks: one extra logit per head in the softmax
    denominator, out * sigmoid(lse - sink[h])."""
    q, k, v, sinks = rand(1, 4, 6, 8), rand(1, 4, 6, 8), rand(1, 4, 6, 8), rand(4)

    @seq.jit
    def sink_attention(q, k, v, sinks):
        out, lse = seq.attention(q, k, v, mask="causal", return_lse=True)
        gate = seq.sigmoid(lse - sinks.reshape(1, 4, 1))
        return out * gate.reshape(1, 4, 6, 1)
    q64, k64, v64 = (a.astype(np.float64) for a in (q, k, v))
    s = np.einsum("bhie,bhje->bhij", q64, k64) / np.sqrt(8)
    s = np.where(np.tril(np.ones((6, 6), bool)), s, -np.inf)
    logits = np.concatenate([s, np.broadcast_to(sinks.reshape(1, 4, 1, 1), (1, 4, 6, 1))], -1)
    p = np.exp(logits - logits.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    assert rel_err(sink_attention(q, k, v, sinks), p[..., :6] @ v64) < 1e-5


def test_modifier_indexing_errors_point_at_the_user():
    slopes = rand(4)
    f = seq.jit(lambda q, s: seq.attention(q, q, q, score_mod=lambda x, b, h, i, j:
                                           x + s[h, i]), name="bad_index")
    with pytest.raises(seq.Error, match="needs 1 indices, got 2"):
        f(rand(1, 4, 3, 8), slopes)
    g = seq.jit(lambda q, s: seq.attention(q, q, q, score_mod=lambda x, b, h, i, j:
                                           x + s[x]), name="float_index")
    with pytest.raises(seq.Error, match="indices are integers"):
        g(rand(1, 4, 3, 8), slopes)


# ---------------------------------------------------------------------------
# Mask kinds
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("kw", [dict(mask="chunk", chunk_size=4),
                                dict(mask="sliding_window", window=(-1, 2)),
                                dict(mask="sliding_window", window=(3, -1)),
                                dict(mask="sliding_window", window=(-1, 0))])
def test_chunk_mask_and_unbounded_windows(kw):
    attention_case(lambda q, k, v: seq.attention(q, k, v, return_lse=True, **kw), kw,
                   shape=(1, 2, 1, 10, 13, 8, 8))


def test_unknown_mask_lists_the_cases_from_the_dialect():
    with pytest.raises(seq.Error, match="chunk_causal, prefix, chunk, got 'chunks'"):
        seq.jit(lambda q: seq.attention(q, q, q, mask="chunks"), name="m")(rand(1, 1, 2, 4))


# ---------------------------------------------------------------------------
# Pytrees
# ---------------------------------------------------------------------------

State = collections.namedtuple("State", "count mean var")


def test_streaming_timestep_norm_with_a_state_tuple():
    """MEGALODON's TimestepNorm over two segments, carrying prev=(count,
    mean, var) between calls, equals one call over the whole sequence."""
    x, w, b = rand(2, 12, 8), rand(8), rand(8)

    @seq.jit
    def step(x, w, b, prev):
        y, count, mean, var = seq.timestep_norm(x, w, b, 2, prev=prev, return_state=True)
        return {"y": y, "state": State(count, mean, var)}

    @seq.jit
    def first(x, w, b):
        y, *state = seq.timestep_norm(x, w, b, 2, return_state=True)
        return y, list(state)

    y1, state = first(x[:, :5], w, b)
    assert isinstance(state, list) and len(state) == 3
    out = step(np.ascontiguousarray(x[:, 5:]), w, b, tuple(state))
    assert set(out) == {"y", "state"} and isinstance(out["state"], State)
    ref_y, rc, rm, rv = seq_ref.timestep_norm(x.astype(np.float64), w, b, 2)
    assert rel_err(np.concatenate([y1, out["y"]], 1), ref_y) < 1e-5
    assert np.array_equal(out["state"].count, rc)
    assert rel_err(out["state"].mean, rm) < 1e-5 and rel_err(out["state"].var, rv) < 1e-5


def test_pytree_arguments_with_constants_and_dicts():
    @seq.jit
    def f(params, xs, scale):
        a, (b, c) = xs
        return params["w"] * a + params["bias"] * b - c * scale["value"]
    a, b, c, w, bias = (rand(3, 4) for _ in range(5))
    out = f({"w": w, "bias": bias}, [a, (b, c)], {"value": 0.5})
    assert rel_err(out, w * a + bias * b - c * 0.5) < 1e-6
    # The structure and the constants are part of the signature.
    out2 = f({"w": w, "bias": bias}, [a, (b, c)], {"value": 2.0})
    assert rel_err(out2, w * a + bias * b - c * 2.0) < 1e-6
    assert len(f._traces) == 2
    with pytest.raises(seq.Error, match=r"argument #1 is a set"):
        f({"w": w, "bias": bias}, {1, 2}, {"value": 1.0})
    with pytest.raises(seq.Error, match="must return a seq tensor or a tuple, list or dict"):
        seq.jit(lambda x: (x, 3), name="const_result")(a)


# ---------------------------------------------------------------------------
# Arrays of any byte order
# ---------------------------------------------------------------------------

def test_big_endian_arrays_are_converted():
    x, y = rand(4, 5), rand(4, 5, dtype=np.float64)
    f = seq.jit(lambda x, y: (x * 2.0, y + 1.0), name="endian")
    bx, by = x.astype(">f4"), y.astype(">f8")
    assert not bx.dtype.isnative
    out_x, out_y = f(bx, by)
    assert np.array_equal(out_x, x * 2) and np.array_equal(out_y, y + 1)
    assert out_x.dtype.isnative
    # Same signature as the native arrays: one compilation.
    f(x, y)
    assert len(f._compiled) == 1


# ---------------------------------------------------------------------------
# Compile ahead of the first call
# ---------------------------------------------------------------------------

def test_lower_and_compile_ahead_of_time():
    calls = []

    @seq.jit
    def f(x, w):
        calls.append(1)
        return seq.silu(x @ w)
    x, w = rand(3, 4), rand(4, 5)
    lowered = f.lower(seq.ShapeDtype((3, 4), "f32"), seq.ShapeDtype((4, 5), np.float32))
    assert "linalg.generic" in lowered.as_text() and "llvm.func" in lowered.as_text("llvm")
    before = seq.engine().num_compilations
    compiled = lowered.compile()
    assert seq.engine().num_compilations == before + 1
    assert compiled.inputs == [("f32", (3, 4)), ("f32", (4, 5))]
    ref = (x @ w) / (1 + np.exp(-(x @ w)))
    assert rel_err(compiled(x, w), ref.astype(np.float64)) < 1e-6
    # The JitFunction reuses it: no trace, no compilation.
    assert rel_err(f(x, w), ref) < 1e-6
    assert seq.engine().num_compilations == before + 1 and len(calls) == 1
    assert f.compile(x, w)._function is compiled._function
    with pytest.raises(seq.Error, match="another signature"):
        compiled(rand(2, 4), w)
    with pytest.raises(seq.Error, match="pass arrays"):
        f(seq.ShapeDtype((3, 4), "f32"), w)


# ---------------------------------------------------------------------------
# A 1024-operand concat
# ---------------------------------------------------------------------------

def test_concat_of_1024_slices_is_one_op():
    """Each operand used to add one tensor.insert_slice into a chain whose
    bufferization analysis grew faster than quadratically (256 operands took
    ~51 s); one tensor.concat keeps the IR and the compile linear."""
    n = 1024

    @seq.jit
    def split_and_join(x):
        return seq.concat([x[:, i:i + 1] for i in range(n)], axis=1)
    x = rand(2, n, 32)
    ir = split_and_join.ir(x)
    assert ir.count("tensor.concat") == 1 and "insert_slice" not in ir
    assert ir.count("tensor.extract_slice") == n
    # After seq-to-cpu's schedules there is still one concat, not n ops per
    # operand.
    assert split_and_join.lowered(x, stage="tiled").count("tensor.concat") == 1
    assert np.array_equal(split_and_join(x), x)


# ---------------------------------------------------------------------------
# Locations
# ---------------------------------------------------------------------------

def test_every_op_carries_the_user_location():
    @seq.jit
    def layer(x, w, slopes):
        h = seq.rms_norm(x @ w)                                     # LINE-A
        q = h.reshape(1, 6, 2, 4).transpose(0, 2, 1, 3)             # LINE-B
        return seq.attention(q, q, q, mask="causal",                # LINE-C
                             score_mod=lambda s, b, hh, i, j: s - slopes[hh] * (i - j))
    text = layer.source(rand(1, 6, 8), rand(8, 8), rand(2))
    aliases = dict(re.findall(r"^(#loc\d*) = loc\((.*)\)$", text, re.M))
    body = text[text.index("func.func"):text.index("\n  } loc")]
    # Op lines (an op with regions carries its location after its closing
    # brace: "} -> tensor<...> loc(...)").
    ops = [line for line in body.splitlines()[1:]
           if not line.rstrip().endswith("{") and not line.strip().startswith("^")
           and line.strip() not in ("}", "")]
    assert len(ops) > 20
    this = os.path.basename(__file__)
    for line in ops:
        loc = re.search(r"loc\((#loc\d*|\"[^)]*)\)\s*$", line)
        assert loc, line
        where = aliases.get(loc.group(1), loc.group(1))
        assert this in where, line


def test_where_and_maps_keep_their_types():
    # Comparisons give i1, maps of i1 with Python numbers give f32.
    x = rand(3, 3)
    f = seq.jit(lambda x: (x < 0.0, seq.map(lambda c: seq.where(c, 1, 0), x < 0.0)), name="types")
    c, m = f(x)
    assert c.dtype == np.bool_ and np.array_equal(c, x < 0)
    assert m.dtype == np.float32 and np.array_equal(m, (x < 0).astype(np.float32))


def test_complex_from_a_tensor_and_a_python_number():
    x = rand(4)
    re_const = seq.jit(lambda x: seq.complex(1.5, x), name="c_re")(x)
    im_const = seq.jit(lambda x: seq.complex(x, 0.25), name="c_im")(x)
    assert re_const.dtype == np.complex64
    assert np.array_equal(re_const, 1.5 + 1j * x) and np.array_equal(im_const, x + 0.25j)


def test_buffer_cache_keeps_and_releases_intermediates():
    # A batch of FFTs allocates intermediates of 256 KiB and more: after a
    # call they stay in the JIT's cache, the next call reuses them, and
    # release_buffer_cache gives them back.
    @seq.jit
    def spectrum(x):
        return seq.fft(x)

    x = (np.random.default_rng(0).standard_normal((16, 4096))
         + 1j * np.random.default_rng(1).standard_normal((16, 4096))).astype(np.complex64)
    seq.release_buffer_cache()
    np.testing.assert_allclose(spectrum(x), np.fft.fft(x), rtol=1e-3, atol=1e-2)
    first = seq.buffer_cache_stats()
    assert first["cached_bytes"] >= 64 << 10
    assert first["cap_bytes"] > 0
    spectrum(x)
    second = seq.buffer_cache_stats()
    assert second["hits"] > first["hits"]
    seq.release_buffer_cache()
    assert seq.buffer_cache_stats()["cached_bytes"] == 0


def test_results_reuse_cached_buffers_and_stay_independent():
    # Results of 64 KiB and more come from the same cache: a dead result's
    # block serves the next call's result, while a live result is never
    # handed out again (the next call must not overwrite it).
    @seq.jit
    def double(x):
        return x + x

    rng = np.random.default_rng(2)
    x1 = rng.standard_normal((256, 256)).astype(np.float32)
    x2 = rng.standard_normal((256, 256)).astype(np.float32)
    seq.release_buffer_cache()
    r1 = double(x1)
    r2 = double(x2)
    assert r1.flags.writeable and r1.flags.c_contiguous
    np.testing.assert_array_equal(r1, 2 * x1)
    np.testing.assert_array_equal(r2, 2 * x2)
    assert r1.__array_interface__["data"][0] != r2.__array_interface__["data"][0]
    del r1
    assert seq.buffer_cache_stats()["cached_bytes"] >= x1.nbytes
    before = seq.buffer_cache_stats()["hits"]
    r3 = double(x1)
    assert seq.buffer_cache_stats()["hits"] > before
    np.testing.assert_array_equal(r3, 2 * x1)
    np.testing.assert_array_equal(r2, 2 * x2)
    # A view keeps its result's block alive after the result itself is gone.
    view = r3[1:3]
    del r3
    np.testing.assert_array_equal(view, 2 * x1[1:3])
