"""Regression tests of what the program fuzzer (fuzz/seq_fuzz.py) found,
each checked against NumPy on both pipelines."""

import numpy as np
import pytest

import seq

RNG = np.random.default_rng(7)

# Integer indices drop dimensions while another dimension has a step: the
# bufferized rank-reducing subview crashed expand-strided-metadata (SIGSEGV)
# until seq-rank-preserving-slices (fuzz seed 0, programs 11, 143, 262, 277;
# seed 7, program 246).
SLICES = [
    ((2, 5, 16, 1), np.s_[1:2:3, 0, 1::2, :]),
    ((7, 16, 7), np.s_[-4, 0:, 1:3:2]),
    ((4, 5, 6, 3), np.s_[:1, 0:, 0:-1:2, -2]),
    ((5, 6, 4, 3), np.s_[0::2, ::-2, -2, -1]),
    ((3, 4, 5), np.s_[1, 2:3:4, ::3]),
    ((2, 3, 4), np.s_[..., 1:2:5]),
]


@pytest.mark.parametrize("pipeline", ["tiled", "reference"])
@pytest.mark.parametrize("shape,index", SLICES, ids=[str(i) for i in range(len(SLICES))])
def test_rank_reducing_slices_with_steps(shape, index, pipeline):
    x = RNG.standard_normal(shape).astype(np.float32)
    out = seq.jit(lambda x: x[index] * 2.0, pipeline=pipeline)(x)
    np.testing.assert_array_equal(out, x[index] * 2.0)
    # The slice returned as it is (a view of the input, copied out).
    out = seq.jit(lambda x: (x[index],), pipeline=pipeline)(x)[0]
    np.testing.assert_array_equal(out, x[index])



# An integer einsum filled its accumulator from the float 0.0, which the
# builder's integer constant could not take ("Unable to cast Python instance
# of type float", fuzz seed 1, programs 1, 9, 30, ...).
@pytest.mark.parametrize("pipeline", ["tiled", "reference"])
@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.float32])
def test_integer_einsum_accumulator(dtype, pipeline):
    x = RNG.integers(-50, 50, size=(4, 6)).astype(dtype)
    out = seq.jit(lambda x: seq.einsum("ab->a", x), pipeline=pipeline)(x)
    np.testing.assert_array_equal(out, x.sum(axis=1))


def test_constant_of_the_wrong_kind_is_a_named_error():
    with pytest.raises(seq.Error, match="not an integer"):
        seq.jit(lambda x: x + seq.full(x.shape, 0.5, dtype="int32"))(
            np.zeros(3, np.int32))


# Boolean masks are one byte per element in memory, but a vector of i1 is
# loaded and stored as packed bits: vectorized `where`s and comparisons
# read the wrong mask bits (fuzz seed 1, program 11; seed 20261130,
# programs 130, 141, 151; the DCFormer example's causal mask).
@pytest.mark.parametrize("pipeline", ["tiled", "reference"])
def test_boolean_masks_of_vectorized_ops(pipeline):
    mask = RNG.standard_normal((7, 8, 2, 64)) > 0
    a = RNG.integers(-9, 9, (8, 2, 64)).astype(np.int32)
    b = RNG.integers(-9, 9, (7, 8, 2, 64)).astype(np.int32)
    x = RNG.standard_normal((7, 8, 2, 64)).astype(np.float32)
    where, less = seq.jit(lambda m, a, b, x: (seq.where(m, a, b), x < 0.5),
                          pipeline=pipeline)(mask, a, b, x)
    np.testing.assert_array_equal(where, np.where(mask, a, b))
    np.testing.assert_array_equal(less, x < 0.5)


# An op with an empty dimension was cut into parallel tiles whose slices
# started past the end of that dimension ("offset 3 is out-of-bounds: 0 >=
# 0"; fuzz seed 1, programs 62, 77; seed 20261130, program 29).
@pytest.mark.parametrize("pipeline", ["tiled", "reference"])
def test_empty_op_with_large_operands(pipeline):
    x = np.zeros((4, 7, 7, 0), np.float32)
    w1 = RNG.standard_normal((4, 7, 16, 7)).astype(np.float32)
    w2 = RNG.standard_normal((4, 7, 16, 7)).astype(np.float32)
    gate = RNG.standard_normal((4, 7, 7)).astype(np.float32)
    out = seq.jit(lambda x, w1, w2, g: seq.compose_heads(x, query_w1=w1, query_w2=w2,
                                                        query_gate=g),
                  pipeline=pipeline)(x, w1, w2, gate)
    assert out.shape == (4, 7, 7, 0)


# A contraction whose reduction only one operand reads (einsum 'ab,->b':
# a sum over the rows scaled by a scalar) sent the matmul schedule to
# extents[-1] (UBSan under scripts/sanitize.sh, fuzz seed 2, program 27).
@pytest.mark.parametrize("pipeline", ["tiled", "reference"])
def test_einsum_reduction_of_one_operand(pipeline):
    a = RNG.standard_normal((300, 200)).astype(np.float32)
    s = np.array(1.5, np.float32)
    out = seq.jit(lambda a, s: seq.einsum("ab,->b", a, s), pipeline=pipeline)(a, s)
    np.testing.assert_allclose(out, (a.astype(np.float64) * 1.5).sum(0), rtol=1e-4, atol=1e-4)
