# RUN: %python %s
# RUN: env SEQ_TEST_PIPELINE=reference %python %s
"""Every way a function can return values, through seq-run on both pipelines.

The program is test/Tools/Inputs/return_patterns.mlir: a computed value
returned twice and three times (interleaved with the input), attention's
output twice and as (o, lse, o), a fill and a dense constant twice without
inputs, an input twice with a slice and a reshape of it, and a computed value
with its reshape and slice next to the input. Each output is checked against
NumPy (attention against the float64 reference), and every output must be its
own array: writing one does not change another (each is a separate .npy file
read back, and out-parameters are distinct buffers).
"""

import os
import subprocess
import sys
import tempfile

import numpy as np

import common
import seq_ref

PROGRAM = os.path.join(os.path.dirname(__file__), "..", "..", "Tools", "Inputs",
                       "return_patterns.mlir")


def run(entry, inputs, pipeline):
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [common.SEQ_RUN, PROGRAM, "-e", entry, "--output-dir", tmp,
               f"--pipeline={pipeline}"]
        for i, array in enumerate(inputs):
            path = os.path.join(tmp, f"in{i}.npy")
            np.save(path, array)
            cmd += ["--input", path]
        proc = subprocess.run(cmd, capture_output=True, text=True,
                              env=common.TOOL_ENV)
        if proc.returncode != 0:
            raise AssertionError(f"{entry} ({pipeline}): seq-run exited "
                                 f"{proc.returncode}:\n{proc.stderr}")
        outputs = []
        while os.path.exists(os.path.join(tmp, f"out{len(outputs)}.npy")):
            outputs.append(np.load(os.path.join(tmp, f"out{len(outputs)}.npy")))
        return outputs


def expect(name, outputs, expected, tol=0.0):
    assert len(outputs) == len(expected), f"{name}: {len(outputs)} outputs, expected {len(expected)}"
    for i, (a, e) in enumerate(zip(outputs, expected)):
        assert a.dtype == e.dtype and a.shape == e.shape, \
            f"{name} #{i}: {a.dtype}{a.shape} != {e.dtype}{e.shape}"
        common.check(f"{name} #{i}", a, e, tol)


rng = np.random.default_rng(10)
x = rng.standard_normal((2, 3)).astype(np.float32)
w = np.array([4, -1, 0, 2**40], np.int64)
q = rng.standard_normal((1, 2, 4, 8)).astype(np.float32)
k = rng.standard_normal((1, 1, 4, 8)).astype(np.float32)
v = rng.standard_normal((1, 1, 4, 8)).astype(np.float32)
o_ref, lse_ref = seq_ref.attention(q.astype(np.float64), k.astype(np.float64),
                                   v.astype(np.float64), mask="causal",
                                   return_lse=True)

for pipeline in ("tiled", "reference"):
    print(f"-- {pipeline}")
    y = 2 * x
    expect("twice", run("twice", [x], pipeline), [y, y])
    y = x + 1
    expect("mixed", run("mixed", [x], pipeline), [y, x, y, x, y])
    o = run("attention_twice", [q, k, v], pipeline)
    expect("attention_twice", o, [o_ref.astype(np.float32)] * 2, 2e-6)
    np.testing.assert_array_equal(o[0], o[1])
    o = run("attention_lse", [q, k, v], pipeline)
    expect("attention_lse", o, [o_ref.astype(np.float32),
                                lse_ref.astype(np.float32),
                                o_ref.astype(np.float32)], 2e-6)
    np.testing.assert_array_equal(o[0], o[2])
    expect("zeros_twice", run("zeros_twice", [], pipeline), [np.zeros(3)] * 2)
    expect("constant_twice", run("constant_twice", [], pipeline),
           [np.array([7, -3], np.int32)] * 2)
    expect("views_of_inputs", run("views_of_inputs", [x, w], pipeline),
           [x, x, x[:, 1:3], x.reshape(6), w, x[:, 1:3]])
    y = -x
    expect("aliases", run("aliases", [x], pipeline),
           [y.reshape(6), y, y[1:2], x, y.reshape(6)])
print("ok")
sys.exit(0)
