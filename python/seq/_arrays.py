"""Arrays whose data starts on a cache line.

NumPy's allocator aligns large arrays to 16 bytes only (malloc's header puts
them 16 bytes past a page), so every 64-byte vector that seq's compiled code
loads from a row straddles two cache lines. The row-vector kernels (seq.ema,
seq.scan) run up to a fifth slower on such inputs. These helpers give arrays
that start on a line, as pyFFTW's `empty_aligned` and `byte_align` do.
Results of compiled functions are aligned already.
"""

import numpy as np

#: Alignment (bytes) of the helpers by default: one cache line, one
#: AVX-512 vector.
DEFAULT_ALIGNMENT = 64


def _check_alignment(alignment):
    if not isinstance(alignment, (int, np.integer)) or alignment <= 0 or \
            alignment & (alignment - 1):
        raise ValueError(f"alignment must be a positive power of two, got {alignment!r}")
    return int(alignment)


def empty_aligned(shape, dtype=np.float32, alignment=DEFAULT_ALIGNMENT):
    """An uninitialized C-contiguous array of `shape` and `dtype` whose data
    starts at a multiple of `alignment` bytes (a power of two; a zero-size
    array has no data to align)."""
    alignment = _check_alignment(alignment)
    dtype = np.dtype(dtype)
    shape = (shape,) if np.isscalar(shape) else tuple(shape)
    nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    raw = np.empty(nbytes + alignment, dtype=np.uint8)
    start = (-raw.ctypes.data) % alignment
    return raw[start:start + nbytes].view(dtype).reshape(shape)


def is_aligned(array, alignment=DEFAULT_ALIGNMENT):
    """Whether `array`'s data starts at a multiple of `alignment` bytes."""
    alignment = _check_alignment(alignment)
    return np.asarray(array).ctypes.data % alignment == 0


def byte_align(array, alignment=DEFAULT_ALIGNMENT):
    """`array` itself when it is C-contiguous and starts at a multiple of
    `alignment` bytes, else a C-contiguous copy that does."""
    alignment = _check_alignment(alignment)
    array = np.asarray(array)
    if array.flags.c_contiguous and array.ctypes.data % alignment == 0:
        return array
    out = empty_aligned(array.shape, array.dtype, alignment)
    np.copyto(out, array)
    return out
