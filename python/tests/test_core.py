"""Tests of seq._core, the C++ extension behind the seq Python DSL: compiling
and calling MLIR text on NumPy arrays, the engine's cache, every error path,
dtype mapping (bf16 through ml_dtypes), lower() stages and verify().

Run from a build tree with
    PYTHONPATH=<build>/python_packages python3 -m pytest python/tests/test_core.py
"""

import platform
import re
import threading

import numpy as np
import pytest

from seq import _core

ml_dtypes = pytest.importorskip("ml_dtypes")

ADD = """
func.func @add(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %e = tensor.empty() : tensor<2x3xf32>
  %c = linalg.add ins(%a, %b : tensor<2x3xf32>, tensor<2x3xf32>) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %c : tensor<2x3xf32>
}
"""

RELU = """
func.func @relu(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %e = tensor.empty() : tensor<2x4xf32>
  %y = seq.feature_map <relu> ins(%x : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
"""

RELU_BF16 = RELU.replace("f32", "bf16")

# Two results; the second is the input itself (copied into its own buffer).
TWO_RESULTS = """
func.func @two(%a: tensor<3xf64>) -> (tensor<3xf64>, tensor<3xf64>) {
  %e = tensor.empty() : tensor<3xf64>
  %c = linalg.add ins(%a, %a : tensor<3xf64>, tensor<3xf64>) outs(%e : tensor<3xf64>) -> tensor<3xf64>
  return %c, %a : tensor<3xf64>, tensor<3xf64>
}
"""

# A dynamic input dimension with a static result.
DYNAMIC_IN = """
func.func @dyn(%a: tensor<?xf32>) -> tensor<4xf32> {
  %s = tensor.cast %a : tensor<?xf32> to tensor<4xf32>
  return %s : tensor<4xf32>
}
"""

# A dynamic result: cannot be allocated by the caller.
DYNAMIC_OUT = """
func.func @dynout(%a: tensor<?xf32>) -> tensor<?xf32> {
  return %a : tensor<?xf32>
}
"""

# Parses, but does not verify: the returned type does not match.
INVALID = """
func.func @bad(%a: tensor<2xf32>) -> tensor<3xf32> {
  return %a : tensor<2xf32>
}
"""

LOCATION = re.compile(r"\S+:\d+:\d+: error: ")


@pytest.fixture
def engine():
    return _core.Engine()


def rng_array(shape, dtype=np.float32, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


# --- compile and call ---------------------------------------------------------


def test_add(engine):
    fn = engine.compile(ADD, "add")
    assert isinstance(fn, _core.Function)
    assert fn.name == "add"
    assert fn.inputs == [("f32", (2, 3)), ("f32", (2, 3))]
    assert fn.outputs == [("f32", (2, 3))]
    a, b = rng_array((2, 3), seed=1), rng_array((2, 3), seed=2)
    a0, b0 = a.copy(), b.copy()
    result = fn(a, b)
    assert isinstance(result, list) and len(result) == 1
    (c,) = result
    assert isinstance(c, np.ndarray)
    assert c.dtype == np.float32 and c.shape == (2, 3)
    np.testing.assert_array_equal(c, a + b)
    np.testing.assert_array_equal(a, a0)  # inputs are not written
    np.testing.assert_array_equal(b, b0)
    assert "@add" in repr(fn) and "tensor<2x3xf32>" in repr(fn)


def test_seq_feature_map_relu(engine):
    fn = engine.compile(RELU, "relu")
    x = rng_array((2, 4), seed=3)
    (y,) = fn(x)
    np.testing.assert_array_equal(y, np.maximum(x, 0))


def test_each_call_returns_new_arrays(engine):
    fn = engine.compile(RELU, "relu")
    x = rng_array((2, 4))
    (y1,) = fn(x)
    (y2,) = fn(x)
    assert y1 is not y2
    assert not np.shares_memory(y1, y2)
    assert not np.shares_memory(y1, x)


def test_two_results(engine):
    fn = engine.compile(TWO_RESULTS, "two")
    a = np.array([1.0, -2.0, 3.5])
    doubled, same = fn(a)
    np.testing.assert_array_equal(doubled, 2 * a)
    np.testing.assert_array_equal(same, a)
    assert not np.shares_memory(same, a)


def test_dynamic_input_dimension(engine):
    fn = engine.compile(DYNAMIC_IN, "dyn")
    assert fn.inputs == [("f32", (-1,))]
    assert fn.outputs == [("f32", (4,))]
    x = rng_array((4,))
    (y,) = fn(x)
    np.testing.assert_array_equal(y, x)


def test_dynamic_result_is_refused(engine):
    fn = engine.compile(DYNAMIC_OUT, "dynout")
    assert fn.outputs == [("f32", (-1,))]
    with pytest.raises(ValueError, match=r"result #0 of @dynout.*tensor<\?xf32>"):
        fn(rng_array((4,)))


@pytest.mark.parametrize("mlir, dtype", [
    ("f16", np.float16), ("f32", np.float32), ("f64", np.float64),
    ("complex<f32>", np.complex64), ("complex<f64>", np.complex128),
    ("i1", np.bool_), ("i32", np.int32), ("i64", np.int64),
])
def test_dtypes_round_trip(engine, mlir, dtype):
    src = f"""
func.func @id(%a: tensor<5x{mlir}>) -> tensor<5x{mlir}> {{
  return %a : tensor<5x{mlir}>
}}"""
    fn = engine.compile(src, "id")
    assert fn.inputs == [(mlir, (5,))]
    if dtype is np.bool_:
        x = np.array([True, False, True, True, False])
    elif np.issubdtype(dtype, np.complexfloating):
        x = (np.arange(5) + 1j * np.arange(5, 10)).astype(dtype)
    else:
        x = np.arange(-2, 3).astype(dtype)
    (y,) = fn(x)
    assert y.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(y, x)


def test_bf16_in_and_out(engine):
    fn = engine.compile(RELU_BF16, "relu")
    assert fn.inputs == [("bf16", (2, 4))]
    assert fn.outputs == [("bf16", (2, 4))]
    x = rng_array((2, 4), seed=4).astype(ml_dtypes.bfloat16)
    (y,) = fn(x)
    assert y.dtype == np.dtype(ml_dtypes.bfloat16)
    np.testing.assert_array_equal(y.astype(np.float32),
                                  np.maximum(x.astype(np.float32), 0))


def test_bf16_rejects_float16_and_uint16(engine):
    fn = engine.compile(RELU_BF16, "relu")
    for wrong in (np.float16, np.uint16):
        with pytest.raises(ValueError, match=r"argument #0.*tensor<2x4xbf16>"):
            fn(np.zeros((2, 4), wrong))


def test_non_contiguous_input(engine):
    fn = engine.compile(ADD, "add")
    base = rng_array((2, 6), seed=5)
    strided = base[:, ::2]                         # every other column
    transposed = np.asfortranarray(rng_array((2, 3), seed=6))
    assert not strided.flags.c_contiguous
    assert not transposed.flags.c_contiguous
    (got,) = fn(strided, transposed)
    (want,) = fn(np.ascontiguousarray(strided), np.ascontiguousarray(transposed))
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(got, strided + transposed)


def test_non_native_byte_order_and_unaligned_input(engine):
    fn = engine.compile(ADD, "add")
    a = rng_array((2, 3), seed=7)
    swapped = a.astype(a.dtype.newbyteorder(">" if a.dtype.byteorder != ">" else "<"))
    raw = np.zeros(2 * 3 * 4 + 1, np.uint8)
    unaligned = raw[1:].view(np.float32).reshape(2, 3)
    unaligned[...] = a
    (got,) = fn(swapped, unaligned)
    np.testing.assert_array_equal(got, a + a)


def test_readonly_input(engine):
    fn = engine.compile(RELU, "relu")
    x = rng_array((2, 4))
    x.setflags(write=False)
    (y,) = fn(x)
    np.testing.assert_array_equal(y, np.maximum(x, 0))


def test_function_keeps_engine_alive():
    fn = _core.Engine().compile(RELU, "relu")
    x = rng_array((2, 4))
    (y,) = fn(x)  # the Engine object is gone; its compiled code is not
    np.testing.assert_array_equal(y, np.maximum(x, 0))


def test_calls_from_threads(engine):
    fn = engine.compile(ADD, "add")
    a, b = rng_array((2, 3), seed=8), rng_array((2, 3), seed=9)
    failures = []

    def work():
        for _ in range(200):
            (c,) = fn(a, b)
            if not np.array_equal(c, a + b):
                failures.append(c)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures


def test_write_object(engine, tmp_path):
    fn = engine.compile(ADD, "add")
    path = tmp_path / "add.o"
    fn.write_object(path)
    data = path.read_bytes()
    assert len(data) > 0 and data[:4] == b"\x7fELF"


# --- the cache ----------------------------------------------------------------


def test_cache_hit(engine):
    assert engine.num_compilations == 0
    fn1 = engine.compile(ADD, "add")
    assert engine.num_compilations == 1
    fn2 = engine.compile(ADD, "add")
    assert engine.num_compilations == 1
    for _ in range(1000):  # cheap: no reparse on a hit
        engine.compile(ADD, "add")
    assert engine.num_compilations == 1
    a = rng_array((2, 3))
    np.testing.assert_array_equal(fn1(a, a)[0], fn2(a, a)[0])
    engine.compile(RELU, "relu")  # a different program is a miss
    assert engine.num_compilations == 2
    engine.compile(ADD, "add", name="other.mlir")  # the name is not in the key
    assert engine.num_compilations == 2


def test_engines_have_separate_caches():
    e1, e2 = _core.Engine(), _core.Engine(opt_level=0)
    e1.compile(ADD, "add")
    assert (e1.num_compilations, e2.num_compilations) == (1, 0)
    (c,) = e2.compile(ADD, "add")(np.ones((2, 3), np.float32), np.ones((2, 3), np.float32))
    np.testing.assert_array_equal(c, np.full((2, 3), 2, np.float32))


def test_bad_opt_level():
    with pytest.raises(ValueError, match="opt_level"):
        _core.Engine(opt_level=7)


CAUSAL = """
func.func @causal(%q: tensor<1x2x100x16xf32>, %k: tensor<1x2x100x16xf32>, %v: tensor<1x2x100x16xf32>) -> tensor<1x2x100x16xf32> {
  %o = tensor.empty() : tensor<1x2x100x16xf32>
  %r = seq.attention ins(%q, %k, %v : tensor<1x2x100x16xf32>, tensor<1x2x100x16xf32>, tensor<1x2x100x16xf32>)
    outs(%o : tensor<1x2x100x16xf32>) {mask = #seq.mask<causal>} -> tensor<1x2x100x16xf32>
  return %r : tensor<1x2x100x16xf32>
}
"""


def causal_attention_f64(q, k, v):
    """OPS.md section 2: softmax(q k^T / sqrt(E)) v with key j <= query i."""
    q, k, v = (a.astype(np.float64) for a in (q, k, v))
    s = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    s = np.where(np.tril(np.ones(s.shape[-2:], bool)), s, -np.inf)
    p = np.exp(s - s.max(-1, keepdims=True))
    return (p / p.sum(-1, keepdims=True)) @ v


@pytest.mark.parametrize("tiles", [(0, 0), (7, 16), (33, 100), (1000, 1000)])
def test_attention_tile_overrides(tiles):
    """User tile sizes (odd, larger than the problem) change the loop nest,
    not the result; target x86-64-avx2 is runnable on every x86-64 host
    these tests run on."""
    if platform.machine() not in ("x86_64", "AMD64"):
        pytest.skip("x86-64-avx2 is an x86-64 target model")
    engine = _core.Engine(target="x86-64-avx2", attention_query_tile=tiles[0],
                          attention_key_tile=tiles[1])
    q, k, v = (rng_array((1, 2, 100, 16), seed=s) for s in range(3))
    (out,) = engine.compile(CAUSAL, "causal")(q, k, v)
    np.testing.assert_allclose(out, causal_attention_f64(q, k, v), rtol=2e-5, atol=2e-5)


def test_bad_engine_options():
    with pytest.raises(ValueError, match="attention_query_tile"):
        _core.Engine(attention_key_tile=-1)
    with pytest.raises(_core.CompileError, match="unknown target 'z80'"):
        _core.Engine(target="z80").compile(ADD, "add")
    with pytest.raises(_core.CompileError, match="GPU model"):
        _core.Engine(target="sm_80").compile(ADD, "add")


# --- compile errors -----------------------------------------------------------


def test_compile_error_is_a_value_error():
    assert issubclass(_core.CompileError, ValueError)
    assert _core.CompileError.__module__ == "seq._core"


def test_parse_error(engine):
    with pytest.raises(_core.CompileError) as info:
        engine.compile("func.func @f(%a: tensor<2xf32>) {\n  %x = bogus.op\n}\n",
                       "f", name="prog.mlir")
    message = str(info.value)
    assert re.search(r"prog\.mlir:2:\d+: error: ", message), message
    assert engine.num_compilations == 0


def test_verify_error_on_compile(engine):
    with pytest.raises(_core.CompileError) as info:
        engine.compile(INVALID, "bad", name="invalid.mlir")
    message = str(info.value)
    assert re.search(r"invalid\.mlir:3:\d+: error: ", message), message


def test_unknown_entry(engine):
    with pytest.raises(_core.CompileError, match=r"no function @nope.*@add"):
        engine.compile(ADD, "nope")


def test_wrong_argument_count(engine):
    fn = engine.compile(ADD, "add")
    a = rng_array((2, 3))
    with pytest.raises(ValueError, match=r"@add expects 2 arguments, got 1"):
        fn(a)
    with pytest.raises(ValueError, match=r"@add expects 2 arguments, got 3"):
        fn(a, a, a)


def test_wrong_dtype(engine):
    fn = engine.compile(ADD, "add")
    a = rng_array((2, 3))
    with pytest.raises(ValueError) as info:
        fn(a, a.astype(np.float64))
    message = str(info.value)
    assert "argument #1" in message
    assert "tensor<2x3xf32>" in message
    assert "tensor<2x3xf64>" in message and "float64" in message


def test_unsupported_dtype(engine):
    fn = engine.compile(ADD, "add")
    with pytest.raises(ValueError, match=r"argument #0.*tensor<2x3xf32>.*uint8"):
        fn(np.zeros((2, 3), np.uint8), rng_array((2, 3)))


@pytest.mark.parametrize("dtype, mlir", [
    (np.float16, "f16"), (np.float64, "f64"), (np.complex64, "complex<f32>"),
    (np.complex128, "complex<f64>"), (np.bool_, "i1"), (np.int32, "i32"),
    (np.int64, "i64")])
def test_each_numpy_dtype_maps_to_its_mlir_type(engine, dtype, mlir):
    # An f32 function given another table dtype names what it got as MLIR
    # spells it: the kind-and-size lookup found the right entry.
    fn = engine.compile(ADD, "add")
    with pytest.raises(ValueError, match=r"argument #0.*got tensor<2x3x" + re.escape(mlir) + ">"):
        fn(np.zeros((2, 3), dtype), rng_array((2, 3)))


@pytest.mark.parametrize("dtype", [np.int8, np.uint16, np.uint32, np.longdouble,
                                   np.clongdouble, np.dtype([("a", np.float32)])])
def test_dtypes_outside_the_table_are_rejected(engine, dtype):
    fn = engine.compile(ADD, "add")
    # The message names the dtype as NumPy prints it.
    shown = str(np.dtype(dtype))
    with pytest.raises(ValueError, match=r"argument #0.*" + re.escape(shown) + ".*supported dtypes"):
        fn(np.zeros((2, 3), dtype), rng_array((2, 3)))


def test_wrong_shape(engine):
    fn = engine.compile(ADD, "add")
    a = rng_array((2, 3))
    with pytest.raises(ValueError) as info:
        fn(a, rng_array((3, 2)))
    message = str(info.value)
    assert "argument #1" in message and "tensor<2x3xf32>" in message
    assert "(3, 2)" in message
    with pytest.raises(ValueError, match=r"argument #0.*tensor<2x3xf32>.*\(6,\)"):
        fn(rng_array((6,)), a)  # wrong rank


def test_non_array_argument(engine):
    fn = engine.compile(ADD, "add")
    a = rng_array((2, 3))
    with pytest.raises(TypeError, match=r"argument #1.*numpy\.ndarray.*list"):
        fn(a, a.tolist())
    with pytest.raises(TypeError, match=r"argument #0.*float"):
        fn(1.0, a)


# --- verify() and lower() -----------------------------------------------------


def test_verify():
    assert _core.verify(ADD) is None
    assert _core.verify(RELU, name="relu.mlir") is None
    with pytest.raises(_core.CompileError) as info:
        _core.verify(INVALID, name="invalid.mlir")
    assert re.search(r"invalid\.mlir:3:\d+: error: ", str(info.value))
    with pytest.raises(_core.CompileError, match=LOCATION):
        _core.verify("func.func @f(")


STAGE_MARKERS = {
    "seq": "seq.feature_map",
    "loops": "scf.for",
    "buffers": "memref",
    "llvm": "llvm.func",
}


@pytest.mark.parametrize("stage", list(STAGE_MARKERS))
def test_lower_stages(stage):
    # The reference pipeline lowers seq ops to loops on tensors, then
    # bufferizes.
    text = _core.lower(RELU, stage, pipeline="reference")
    assert STAGE_MARKERS[stage] in text, text
    if stage != "seq":
        assert "seq.feature_map" not in text
    if stage in ("seq", "loops"):
        assert "tensor<2x4xf32>" in text
    if stage == "buffers":
        assert "tensor<" not in text
        assert "func.func @relu(%arg0: memref<2x4xf32>, %arg1: memref<2x4xf32>)" in text
    if stage == "llvm":
        assert "func.func" not in text and "scf." not in text


@pytest.mark.parametrize("stage", ["tiled", "loops", "buffers", "llvm"])
def test_lower_stages_tiled(stage):
    # The tiled pipeline bufferizes first and lowers the seq ops no schedule
    # took to loops over their buffers.
    text = _core.lower(RELU, stage)
    if stage == "tiled":
        assert "tensor<2x4xf32>" in text
    else:
        assert "seq.feature_map" not in text and "tensor<" not in text
    if stage == "loops":
        assert "scf.for" in text and "memref<2x4xf32>" in text
    if stage == "llvm":
        assert "llvm.func" in text and "func.func" not in text


def test_lower_names_the_stages():
    assert _core.STAGES == ("seq", "tiled", "loops", "buffers", "llvm")
    with pytest.raises(ValueError) as info:
        _core.lower(RELU, "asm")
    assert not isinstance(info.value, _core.CompileError)
    message = str(info.value)
    assert "'asm'" in message
    for stage in _core.STAGES:
        assert f"'{stage}'" in message


def test_lower_errors():
    with pytest.raises(_core.CompileError) as info:
        _core.lower(INVALID, "llvm", name="invalid.mlir")
    assert re.search(r"invalid\.mlir:3:\d+: error: ", str(info.value))
    with pytest.raises(_core.CompileError, match=LOCATION):
        _core.lower("func.func @f(", "seq")


def test_lower_matches_what_compile_runs(engine):
    # The 'llvm' stage is the pipeline the engine compiles with.
    text = _core.lower(ADD, "llvm")
    assert "llvm.func @add" in text
    assert engine.compile(ADD, "add") is not None


# --- documentation ------------------------------------------------------------


def test_docstrings():
    assert _core.__doc__
    for obj in (_core.Engine, _core.Engine.compile, _core.Engine.num_compilations,
                _core.Function, _core.Function.__call__, _core.Function.name,
                _core.Function.inputs, _core.Function.outputs,
                _core.Function.write_object, _core.lower, _core.verify,
                _core.CompileError):
        assert obj.__doc__, obj
