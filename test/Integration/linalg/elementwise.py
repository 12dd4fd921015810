# RUN: %python %s
# RUN: env SEQ_TEST_PIPELINE=reference %python %s
"""The tiled path's `elementwise` schedule (vectorized elementwise ops and
reductions, threads for large ops) against NumPy float64, through the DSL:
softmax (row max, sum of exponentials, normalize), RMS and layer norms,
SiLU, GELU, a reduction over an outer axis, a full reduction, a transpose,
and broadcasting arithmetic, at sizes that are
not multiples of the vector tile (1, 7, 63, 65, 1023) and sizes large
enough to run on several threads. lit runs it on both pipelines
(SEQ_TEST_PIPELINE); both must match the float64 result.
"""

import math
import os

import numpy as np

import seq

PIPELINE = os.environ.get("SEQ_TEST_PIPELINE", "tiled")

RNG = np.random.default_rng(11)
TOL = 2e-6


def check(name, actual, expected, tol=TOL):
    actual = np.asarray(actual, np.float64)
    err = float(np.max(np.abs(actual - expected)) / max(np.max(np.abs(expected)), 1e-30))
    status = "ok" if err <= tol else "FAIL"
    print(f"{name}: max rel err {err:.3e} (tol {tol:.0e}) {status}")
    if not err <= tol:
        raise AssertionError(f"{name}: {err:.3e} > {tol:.0e}")


def softmax(x):
    m = seq.max(x, axis=-1, keepdims=True)
    e = seq.exp(x - m)
    return e / seq.sum(e, axis=-1, keepdims=True)


def rms_norm(x, w):
    ms = seq.mean(x * x, axis=-1, keepdims=True)
    return x * seq.rsqrt(ms + 1e-6) * w


def layer_norm(x, w, b):
    mu = seq.mean(x, axis=-1, keepdims=True)
    var = seq.var(x, axis=-1, keepdims=True)
    return (x - mu) * seq.rsqrt(var + 1e-5) * w + b


def silu_gate(x, g):
    return seq.silu(g) * x


def gelu(x):
    return seq.gelu(x)


def column_sum(x):
    return seq.sum(x, axis=0)


def total(x):
    return seq.sum(x)


def transpose_add(x, y):
    return seq.transpose(x, (1, 0)) + y


def np_softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def np_gelu(x):
    return 0.5 * x * (1.0 + np.vectorize(math.erf)(x / math.sqrt(2.0)))


def np_silu(v):
    return v / (1.0 + np.exp(-v))


CASES = [
    ("softmax", softmax, lambda s: [s],
     lambda x: np_softmax(x)),
    ("rms_norm", rms_norm, lambda s: [s, (s[-1],)],
     lambda x, w: x / np.sqrt((x * x).mean(-1, keepdims=True) + 1e-6) * w),
    ("layer_norm", layer_norm, lambda s: [s, (s[-1],), (s[-1],)],
     lambda x, w, b: (x - x.mean(-1, keepdims=True))
     / np.sqrt(x.var(-1, keepdims=True) + 1e-5) * w + b),
    ("silu_gate", silu_gate, lambda s: [s, s],
     lambda x, g: np_silu(g) * x),
    ("gelu", gelu, lambda s: [s], np_gelu),
    ("column_sum", column_sum, lambda s: [s], lambda x: x.sum(0)),
    ("total", total, lambda s: [s], lambda x: np.array(x.sum())),
    ("transpose_add", transpose_add, lambda s: [s, s[::-1]],
     lambda x, y: x.T + y),
]

SHAPES = [(1, 1), (7, 7), (3, 63), (5, 65), (2, 1023), (64, 1000), (257, 1023),
          (4, 33, 130)]

for name, fn, shapes_of, reference in CASES:
    jit = seq.jit(fn, pipeline=PIPELINE)
    for shape in SHAPES:
        if name == "transpose_add" and len(shape) != 2:
            continue
        if name == "gelu" and np.prod(shape) > 100_000:
            shape = (7, 1023)  # the float64 reference is a Python loop
        args = [RNG.standard_normal(s).astype(np.float32) for s in shapes_of(shape)]
        if name in ("rms_norm", "layer_norm"):
            args[1:] = [1.0 + 0.1 * a for a in args[1:]]
        expected = reference(*[a.astype(np.float64) for a in args])
        out = jit(*args)
        tol = TOL if name != "total" else 1e-5
        check(f"{name} {shape} [{PIPELINE}]", out, expected, tol)
