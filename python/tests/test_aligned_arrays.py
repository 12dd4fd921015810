"""Tests of seq.empty_aligned, seq.byte_align and seq.is_aligned: arrays whose
data starts on a cache line, and compiled functions reading them.

Run from a build tree with
    PYTHONPATH=<build>/python_packages python3 -m pytest python/tests/test_aligned_arrays.py
"""

import numpy as np
import pytest

import seq


def misaligned(array, offset):
    """A copy of `array` whose data starts `offset` bytes past a 64-byte line."""
    raw = np.empty(array.nbytes + 128, dtype=np.uint8)
    start = (-raw.ctypes.data) % 64 + offset
    out = raw[start:start + array.nbytes].view(array.dtype).reshape(array.shape)
    out[...] = array
    return out


@pytest.mark.parametrize("alignment", [16, 64, 128, 4096])
@pytest.mark.parametrize("shape,dtype", [((3, 5), np.float32), ((1000,), np.float64),
                                         ((2, 0, 4), np.complex64), (7, np.int32)])
def test_empty_aligned(shape, dtype, alignment):
    a = seq.empty_aligned(shape, dtype, alignment=alignment)
    # A zero-size array has no data whose start could be aligned.
    assert a.size == 0 or a.ctypes.data % alignment == 0
    assert a.shape == ((shape,) if np.isscalar(shape) else shape)
    assert a.dtype == np.dtype(dtype)
    assert a.flags.c_contiguous and a.flags.writeable
    a[...] = 1
    assert np.all(a == 1)
    assert a.size == 0 or seq.is_aligned(a, alignment)


def test_byte_align_keeps_aligned_arrays_and_copies_others():
    rng = np.random.default_rng(0)
    a = seq.empty_aligned((4, 16), np.float32)
    a[...] = rng.standard_normal(a.shape)
    assert seq.byte_align(a) is a
    for offset in (4, 16, 48):
        m = misaligned(a, offset)
        assert not seq.is_aligned(m)
        b = seq.byte_align(m)
        assert b is not m and seq.is_aligned(b)
        np.testing.assert_array_equal(b, a)
    # A non-contiguous view is copied into a contiguous aligned array.
    t = seq.byte_align(a.T)
    assert t.flags.c_contiguous and seq.is_aligned(t)
    np.testing.assert_array_equal(t, a.T)


@pytest.mark.parametrize("bad", [0, -64, 48, 2.0, "64"])
def test_bad_alignment_raises(bad):
    with pytest.raises(ValueError, match="alignment must be a positive power of two"):
        seq.empty_aligned((4,), np.float32, alignment=bad)
    with pytest.raises(ValueError, match="alignment must be a positive power of two"):
        seq.byte_align(np.zeros(4, np.float32), alignment=bad)


def test_compiled_ema_same_on_aligned_and_misaligned_inputs():
    """The same compiled CEMA on x at 0, 4 and 16 bytes past a line: equal
    results (alignment changes only how the vectors are loaded), and equal to
    the result on the NumPy array itself."""
    rng = np.random.default_rng(1)
    b, length, d, n = 1, 37, 48, 4
    x = rng.standard_normal((b, length, d)).astype(np.float32)
    wl = rng.standard_normal((d, n)).astype(np.float32)
    dl = rng.standard_normal((d, n)).astype(np.float32)
    gamma = rng.standard_normal((d, n, 2)).astype(np.float32)
    omega = rng.standard_normal(d).astype(np.float32)
    theta = rng.standard_normal(d).astype(np.float32)

    @seq.jit
    def cema(x, wl, dl, gamma, omega, theta):
        return seq.ema(x, wl, dl, gamma, omega, kind="complex", theta=theta)

    expected = cema(x, wl, dl, gamma, omega, theta)
    for xs in (seq.byte_align(x), misaligned(x, 4), misaligned(x, 16)):
        np.testing.assert_array_equal(cema(xs, wl, dl, gamma, omega, theta), expected)
    assert seq.is_aligned(expected)
