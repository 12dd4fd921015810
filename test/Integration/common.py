"""Shared helpers of the integration tests.

Each integration test builds a small seq program, runs it through `seq-run`
(the JIT: seq-to-cpu + ExecutionEngine) on random NumPy inputs, and compares
the outputs with the independent float64 reference in reference/seq_ref.py.
"""

import os
import subprocess
import sys
import tempfile

import numpy as np

TOOLS_DIR = os.environ.get(
    "SEQ_TOOLS_DIR",
    os.path.join(os.path.dirname(__file__), "..", "..", "build", "bin"))
SEQ_RUN = os.path.join(TOOLS_DIR, "seq-run")
# The seq-to-cpu path the tests compile with: "tiled" (the default) or
# "reference"; lit runs every integration test on both.
PIPELINE = os.environ.get("SEQ_TEST_PIPELINE", "tiled")
# The CPU target model of the tiled path: the host's, or (SEQ_TEST_TARGET) a
# narrower one the host can run, so that an AVX-512 machine also tests the
# AVX2 schedules.
TARGET = os.environ.get("SEQ_TEST_TARGET", "host")

# The tools run without LD_PRELOAD: under scripts/sanitize.sh this Python
# preloads the ASan runtime, which the instrumented tools link themselves.
TOOL_ENV = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}

# The element types seq exchanges, from the one table in C++
# (seq/Runtime/Tensor.h, exported by the Python extension): NumPy name ->
# MLIR name.
from seq import _core as _seq_core  # noqa: E402

_MLIR_ELEMENT = {numpy: mlir for mlir, numpy, _, _ in _seq_core.DTYPES}


def element_type(dtype):
    """MLIR element type of a NumPy dtype (bf16 via ml_dtypes)."""
    return _MLIR_ELEMENT[np.dtype(dtype).name]


def numpy_dtype(element):
    """The NumPy dtype of an MLIR element type (bf16 via ml_dtypes)."""
    numpy = next(n for m, n, _, _ in _seq_core.DTYPES if m == element)
    if numpy == "bfloat16":
        import ml_dtypes
        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(numpy)


def accumulation_type(dtype):
    """The type seq computes in for data of a NumPy dtype (the rule of
    mlir::seq::getAccumulationType): 'f64' for float64, 'f32' otherwise."""
    return _seq_core.accumulation_type(element_type(dtype))


def tensor_type(shape, dtype):
    """`tensor<2x3xf32>` for a shape and a NumPy dtype."""
    dims = "".join(f"{d}x" for d in shape)
    return f"tensor<{dims}{element_type(dtype)}>"


def ttype(array):
    return tensor_type(array.shape, array.dtype)


def run_long_convs(entry, cases):
    """Runs one function `entry` returning seq.long_conv of every case side by
    side. A case is (u, filter, extra, attr): `extra` maps "skip", "pregate"
    and "postgate" to arrays (the optional operands), `attr` is an attribute
    dictionary text such as "{method = #seq.conv_method<fft>}" or "".
    Returns the outputs, one per case."""
    args, body, results, inputs = [], [], [], []
    for i, (u, k, extra, attr) in enumerate(cases):
        tu, tk = ttype(u), ttype(k)
        args += [f"%u{i}: {tu}", f"%k{i}: {tk}"]
        inputs += [u, k]
        clauses = ""
        for opt in ("skip", "pregate", "postgate"):
            if opt in extra:
                t = ttype(extra[opt])
                args.append(f"%{opt}{i}: {t}")
                inputs.append(extra[opt])
                clauses += f" {opt}(%{opt}{i} : {t})"
        body.append(f"%e{i} = tensor.empty() : {tu}")
        body.append(f"%y{i} = seq.long_conv ins(%u{i}, %k{i} : {tu}, {tk}){clauses} "
                    f"outs(%e{i} : {tu}){' ' + attr if attr else ''} -> {tu}")
        results.append((f"%y{i}", tu))
    types = ", ".join(t for _, t in results)
    mlir = (f"func.func @{entry}({', '.join(args)}) -> ({types}) {{\n  "
            + "\n  ".join(body)
            + f"\n  return {', '.join(n for n, _ in results)} : {types}\n}}\n")
    return run(mlir, entry, inputs, num_outputs=len(cases))


def run(mlir, entry, inputs, num_outputs=None):
    """JIT-runs `entry` of the MLIR text on the NumPy `inputs` via seq-run and
    returns the list of output arrays."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "prog.mlir")
        with open(path, "w") as f:
            f.write(mlir)
        cmd = [SEQ_RUN, path, "-e", entry, "--output-dir", tmp,
               "--pipeline", PIPELINE, "--target", TARGET]
        for i, array in enumerate(inputs):
            name = os.path.join(tmp, f"in{i}.npy")
            # (np.ascontiguousarray would turn a 0-d array into shape (1,))
            np.save(name, np.asarray(array, order="C"))
            cmd += ["--input", name]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=TOOL_ENV)
        if proc.returncode != 0:
            raise RuntimeError(
                f"seq-run failed ({proc.returncode}):\n{proc.stderr}\n--- program ---\n{mlir}")
        outputs = []
        i = 0
        while os.path.exists(os.path.join(tmp, f"out{i}.npy")):
            out = np.load(os.path.join(tmp, f"out{i}.npy"))
            if out.dtype == np.uint16:  # seq-run writes bf16 as its raw bits
                import ml_dtypes
                out = out.view(ml_dtypes.bfloat16)
            outputs.append(out)
            i += 1
        if num_outputs is not None and len(outputs) != num_outputs:
            raise RuntimeError(f"expected {num_outputs} outputs, got {len(outputs)}")
        return outputs


def max_rel_error(actual, expected):
    """Normwise relative error max|a - e| / max|e| (absolute when e == 0).
    Non-finite values must match exactly (same inf, NaN where NaN)."""
    actual = np.asarray(actual).astype(np.complex128 if np.iscomplexobj(actual) or np.iscomplexobj(expected) else np.float64)
    expected = np.asarray(expected)
    if actual.shape != expected.shape:
        raise AssertionError(f"shape {actual.shape} != expected {expected.shape}")
    finite = np.isfinite(expected)
    if not np.array_equal(np.isfinite(actual), finite) or not np.array_equal(
            actual[~finite], expected[~finite]):
        return float("inf")
    if not finite.any():
        return 0.0
    diff = np.max(np.abs(actual[finite] - expected[finite]))
    scale = np.max(np.abs(expected[finite]))
    return float(diff / scale) if scale > 0 else float(diff)


def check(name, actual, expected, tol):
    """Prints the error of one comparison and fails the test above `tol`."""
    err = max_rel_error(actual, expected)
    status = "ok" if err <= tol else "FAIL"
    print(f"{name}: max rel err {err:.3e} (tol {tol:.0e}) {status}")
    if not err <= tol:
        sys.stdout.flush()
        raise AssertionError(f"{name}: max rel err {err:.3e} > {tol:.0e}")
    return err
