"""seq._core's IR-building API (python/src/IRBuilder.cpp): result types come
from the C++ ops, attributes are checked by the ops' property conversion,
errors carry the location, and the tables the DSL reads are the C++ ones."""

import numpy as np
import pytest

from seq import _core

LOC = (__file__, 1, 1)


def module(*arg_types):
    m = _core.Module("f")
    return m, [m.add_argument(t, LOC) for t in arg_types]


def test_inferred_result_types():
    m, (x, i) = module("tensor<4xf32>", "index")
    (s,) = m.create("arith.addf", [x, x], loc=LOC)
    assert s.type == "tensor<4xf32>" and s.shape == (4,) and s.element_type == "f32"
    c = m.compare("slt", i, i, LOC)
    assert c.type == "i1" and c.shape is None
    (e,) = m.create("tensor.extract", [x, [i]], loc=LOC)
    assert e.type == "f32"


def test_seq_op_destinations_come_from_the_op():
    m, (q, k, x, c) = module("tensor<2x8x5x4xbf16>", "tensor<2x2x7x4xbf16>",
                             "tensor<3x10xf64>", "tensor<3x6xcomplex<f32>>")
    out, lse = m.create_seq("seq.attention", [q, k, k, None], {}, 2, regions=[None, None],
                            loc=LOC)
    assert out.type == "tensor<2x8x5x4xbf16>"
    assert lse.type == "tensor<2x8x5xf32>"           # the accumulation type
    (spec,) = m.create_seq("seq.rfft", [x], loc=LOC)
    assert spec.type == "tensor<3x6xcomplex<f64>>"
    (real,) = m.create_seq("seq.irfft", [c], loc=LOC)
    assert real.type == "tensor<3x10xf32>"
    (feat,) = m.create_seq("seq.feature_map", [x], {"kind": "#seq.feature_map_kind<taylor2>"},
                           loc=LOC)
    assert feat.shape == (3, 1 + 10 + 100)
    m.finish([out, lse, spec, real, feat], LOC)
    m.verify()
    assert "seq.attention" in str(m) and "loc(" in m.text(debug_info=True)


def test_wrongly_typed_attribute_is_an_error_not_dropped():
    m, (q,) = module("tensor<1x2x4x8xf32>")
    with pytest.raises(_core.CompileError, match="Invalid attribute `scale`"):
        m.create_seq("seq.attention", [q, q, q, None], {"scale": 2}, regions=[None, None],
                     loc=(__file__, 40, 5))
    with pytest.raises(_core.CompileError, match="not an MLIR attribute"):
        m.create_seq("seq.attention", [q, q, q, None], {"mask": "#seq.mask<"},
                     regions=[None, None], loc=LOC)


def _line(marker):
    with open(__file__) as f:
        return next(n for n, text in enumerate(f, 1)
                    if f"# {marker}" in text and "_line(" not in text)


def test_verifier_errors_at_creation_carry_the_location():
    m, (q, k) = module("tensor<1x3x4x8xf32>", "tensor<1x2x4x8xf32>")
    with pytest.raises(_core.CompileError) as info:
        line = _line("HERE")
        m.create_seq("seq.attention", [q, k, k, None], regions=[None, None], loc=(__file__, line, 9))  # HERE
    text = str(info.value)
    assert f"{__file__}:{line}:9: error: 'seq.attention' op query heads (3)" in text
    # The source line and a caret follow (the file is read from disk).
    assert "m.create_seq" in text and "^" in text


def test_destination_inference_errors():
    m, (x,) = module("tensor<4x8xf32>")
    with pytest.raises(_core.CompileError,
                       match="cannot infer the destination types: 'query' must have rank 4"):
        m.create_seq("seq.attention", [x, x, x, None], regions=[None, None], loc=LOC)
    with pytest.raises(_core.CompileError, match="expects 1 or 2 destinations"):
        m.create_seq("seq.scan", [x, x, None], {}, 3, loc=LOC)
    with pytest.raises(_core.CompileError, match="does not infer its destination"):
        m.create_seq("arith.addf", [x, x], loc=LOC)


def test_unknown_ops_and_foreign_values():
    m, (x,) = module("tensor<4xf32>")
    with pytest.raises(_core.CompileError, match="unknown operation 'seq.nothing'"):
        m.create("seq.nothing", [x], loc=LOC)
    other, (y,) = module("tensor<4xf32>")
    with pytest.raises(ValueError, match="another module"):
        m.create("arith.addf", [x, y], loc=LOC)
    with pytest.raises(_core.CompileError, match="not an MLIR type"):
        m.add_argument("tensor<4xfloat>", LOC)


def test_regions_are_built_in_detached_blocks():
    m, (x,) = module("tensor<4xf32>")
    block = m.block(["f32"], LOC)
    m.push(block)
    (a,) = block.arguments
    (d,) = m.create("arith.mulf", [a, a], loc=LOC)
    m.add_block_argument(block, "f32", LOC)
    m.create("linalg.yield", [[d]], loc=LOC)
    m.pop()
    init = m.empty([4], "f32", LOC)
    (y,) = m.create_dps("linalg.generic", [[x]], [init],
                        {"indexing_maps": ["affine_map<(d0) -> (d0)>"] * 2,
                         "iterator_types": ["#linalg.iterator_type<parallel>"]},
                        regions=[block], loc=LOC)
    assert y.type == "tensor<4xf32>"
    with pytest.raises(_core.CompileError, match="already used"):
        m.create_dps("linalg.generic", [[x]], [init], {}, regions=[block], loc=LOC)
    m.finish([y], LOC)
    m.verify()
    with pytest.raises(ValueError, match="pop"):
        m.pop()


def test_constants():
    m, _ = module()
    inf = m.constant(float("inf"), "bf16", LOC)
    c = m.constant(1.5 - 2j, "complex<f64>", LOC)
    d = m.dense(np.arange(6.0).reshape(2, 3), "f16", LOC)
    b = m.dense(np.array([True, False]), "i1", LOC)
    assert (inf.type, c.type, d.type, b.type) == ("bf16", "complex<f64>", "tensor<2x3xf16>",
                                                 "tensor<2xi1>")
    text = str(m)
    assert "0x7F80" in text and "[1.500000e+00, -2.000000e+00]" in text


def test_shape_builders_check_their_arguments():
    m, (x,) = module("tensor<2x3x4xf32>")
    s = m.extract_slice(x, [0, 1, 0], [2, 1, 2], [1, 1, 2], [1], LOC)
    assert s.shape == (2, 2)
    with pytest.raises(_core.CompileError, match="out-of-bounds"):
        m.extract_slice(x, [0, 1, 0], [2, 1, 4], [1, 1, 2], [1], LOC)
    with pytest.raises(_core.CompileError, match="unit dimensions"):
        m.extract_slice(x, [0, 0, 0], [2, 2, 4], [1, 1, 1], [1], LOC)
    with pytest.raises(_core.CompileError, match="3 offsets"):
        m.extract_slice(x, [0], [2], [1], [], LOC)
    flat = m.collapse_shape(x, [[0, 1, 2]], LOC)
    assert flat.shape == (24,)
    assert m.expand_shape(flat, [4, 6], [[0, 1]], LOC).shape == (4, 6)
    with pytest.raises(_core.CompileError, match="in order"):
        m.collapse_shape(x, [[1, 0], [2]], LOC)
    assert m.concat(1, [x, x, x], LOC).shape == (2, 9, 4)
    with pytest.raises(_core.CompileError, match="one rank"):
        m.concat(0, [x, flat], LOC)


def test_tables_come_from_cpp():
    names = [d[0] for d in _core.DTYPES]
    assert names == ["f16", "bf16", "f32", "f64", "complex<f32>", "complex<f64>",
                     "i1", "i32", "i64"]
    assert {d[1] for d in _core.DTYPES} >= {"float32", "bfloat16", "bool", "complex64"}
    assert _core.ENUMS["mask"] == ("none", "causal", "sliding_window", "chunk_causal",
                                   "prefix", "chunk")
    assert _core.ENUMS["conv_method"] == ("auto", "direct", "fft")
    assert [_core.accumulation_type(t) for t in ("f16", "bf16", "f32", "f64",
                                                 "complex<f64>")] == \
        ["f32", "f32", "f32", "f64", "f64"]
    with pytest.raises(ValueError):
        _core.accumulation_type("i32")


def test_lower_a_built_module():
    m, (x,) = module("tensor<4x8xcomplex<f32>>")
    (y,) = m.create_seq("seq.fft", [x], loc=LOC)
    m.finish([y], LOC)
    assert "scf.for" in m.lower("loops") and "seq.fft" in str(m)
    assert "llvm.func" in m.lower("llvm", "reference")
    with pytest.raises(ValueError, match="unknown stage"):
        m.lower("nowhere")
