"""@seq.jit functions that return one value several times, their inputs,
views of their inputs and results that alias each other (issue 10: returning a
computed value twice crashed the process in buffer-results-to-out-params).

Every output is checked against NumPy, on both pipelines, and must be an
array of its own: writing into one output changes no other output and no
input."""

import os
import sys

import numpy as np
import pytest

import seq

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "test",
                                "Integration", "reference"))
import seq_ref  # noqa: E402

RNG = np.random.default_rng(10)
X = RNG.standard_normal((2, 3)).astype(np.float32)
Y = RNG.standard_normal((2, 3)).astype(np.float32)
Q = RNG.standard_normal((1, 2, 5, 4)).astype(np.float32)
K = RNG.standard_normal((1, 1, 5, 4)).astype(np.float32)
V = RNG.standard_normal((1, 1, 5, 4)).astype(np.float32)


def twice(x):
    y = x * 2.0
    return y, y


def three_times(x):
    y = x + 1.0
    return y, x, y, y


def inputs(x, y):
    return x, y, x


def views_of_input(x, y):
    return x[:, 1:], x.reshape((3, 2)), x, x[1], y


def aliases(x, y):
    z = x * y
    return z.reshape((6,)), z, z[:, :2], z.reshape((6,))


def result_is_input(x, y):
    return x + y, x


def attention_twice(q, k, v):
    o = seq.attention(q, k, v, mask="causal")
    return o, o


def attention_lse(q, k, v):
    o, lse = seq.attention(q, k, v, mask="causal", return_lse=True)
    return o, lse, o


def zeros_twice(x):
    z = seq.zeros((3, 2), "f64")
    return z, z, x


def _attention(*returned):
    o, lse = seq_ref.attention(Q.astype(np.float64), K.astype(np.float64),
                               V.astype(np.float64), mask="causal",
                               return_lse=True)
    return [o if r == "o" else lse for r in returned]


CASES = [
    (twice, (X,), lambda: [2 * X, 2 * X]),
    (three_times, (X,), lambda: [X + 1, X, X + 1, X + 1]),
    (inputs, (X, Y), lambda: [X, Y, X]),
    (views_of_input, (X, Y), lambda: [X[:, 1:], X.reshape(3, 2), X, X[1], Y]),
    (aliases, (X, Y), lambda: [(X * Y).reshape(6), X * Y, (X * Y)[:, :2],
                               (X * Y).reshape(6)]),
    (result_is_input, (X, Y), lambda: [X + Y, X]),
    (attention_twice, (Q, K, V), lambda: _attention("o", "o")),
    (attention_lse, (Q, K, V), lambda: _attention("o", "lse", "o")),
    (zeros_twice, (X,), lambda: [np.zeros((3, 2)), np.zeros((3, 2)), X]),
]


@pytest.mark.parametrize("pipeline", ["tiled", "reference"])
@pytest.mark.parametrize("fn,args,expected", CASES, ids=[c[0].__name__ for c in CASES])
def test_return_pattern(fn, args, expected, pipeline):
    args = [a.copy() for a in args]
    saved = [a.copy() for a in args]
    outputs = seq.jit(fn, pipeline=pipeline)(*args)
    expected = expected()
    assert isinstance(outputs, tuple) and len(outputs) == len(expected)
    for i, (out, want) in enumerate(zip(outputs, expected)):
        assert out.shape == want.shape, f"output #{i}"
        np.testing.assert_allclose(out, want, rtol=2e-6, atol=2e-6,
                                   err_msg=f"output #{i}")
    # Each output owns its memory: no output shares it with another output
    # or with an input, so writing one changes nothing else.
    for i, out in enumerate(outputs):
        for j, other in enumerate(list(outputs[:i]) + args):
            assert not np.shares_memory(out, other), f"output #{i} and #{j}"
    for out in outputs:
        out[...] = 7
    for a, s in zip(args, saved):
        np.testing.assert_array_equal(a, s)
