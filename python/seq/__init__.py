"""seq: write sequence layers in Python, compile them with MLIR, run them on
NumPy arrays.

    import numpy as np, seq

    @seq.jit
    def attention(q, k, v):
        return seq.attention(q, k, v, mask="causal")

    out = attention(q, k, v)          # NumPy in, NumPy out
    print(attention.ir(q, k, v))      # the seq IR it compiled
"""

from . import _ops, _tracer
from ._arrays import byte_align, empty_aligned, is_aligned
from ._jit import (Compiled, JitFunction, Lowered, ShapeDtype,
                   buffer_cache_stats, cuda_available, engine, jit,
                   release_buffer_cache)
from ._ops import (abs, add, astype, broadcast_to, complex, concat, conj,
                   constant, cos, div, flip, floor, floor_divide, mod,
                   einsum, erf, exp, full, gelu, getitem, group_norm, imag,
                   layer_norm, log, log1p, map, matmul, max, maximum, mean,
                   merge_heads, split_heads,
                   min, minimum, mul, neg, pad, power, real, reshape, rms_norm,
                   rsqrt, sigmoid, silu, sin, softmax, softplus, sqrt, sub,
                   sum, tanh, transpose, var, where, zeros)
from ._scalar import Scalar
from ._seqops import (attention, compose_heads, ema, feature_map, fft, ifft,
                      irfft, linear_attention, long_conv, rfft, rotary, scan,
                      timestep_norm)
from ._tracer import Error, Tensor

_tracer.bind_operations(_ops)

__all__ = [
    "Error", "Tensor", "Scalar", "JitFunction", "Lowered", "Compiled",
    "ShapeDtype", "jit", "engine", "cuda_available", "buffer_cache_stats",
    "release_buffer_cache", "empty_aligned", "byte_align", "is_aligned",
    # seq ops
    "attention", "compose_heads", "scan", "ema", "long_conv", "fft", "ifft",
    "rfft", "irfft", "linear_attention", "feature_map", "timestep_norm", "rotary",
    # tensor ops
    "map", "add", "sub", "mul", "div", "floor_divide", "mod", "neg", "power",
    "maximum", "minimum", "floor",
    "where", "exp", "log", "log1p", "sqrt", "rsqrt", "tanh", "sin", "cos", "abs",
    "erf", "sigmoid", "silu", "softplus", "gelu", "astype", "real", "imag",
    "complex", "conj", "constant", "full", "zeros", "broadcast_to", "flip", "sum", "mean", "max", "min", "var",
    "einsum", "matmul", "reshape", "transpose", "getitem", "concat", "pad",
    "softmax", "layer_norm", "rms_norm", "group_norm", "split_heads", "merge_heads",
]
