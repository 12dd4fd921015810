"""Self-tests of the program fuzzer: the generator is deterministic and
reaches every op, the comparison rules hold, and the runner turns a crash,
a hang, a mismatch and a wrong result type into a saved, replayable
reproducer (faults injected with SEQ_FUZZ_INJECT)."""

import os
import subprocess
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import generator  # noqa: E402
import seq_fuzz  # noqa: E402

SCRIPT = os.path.join(HERE, "seq_fuzz.py")

# Every seq op and every DSL operation family the generator must reach.
EVERY_OP = {
    "attention", "compose_heads", "scan", "ema", "long_conv", "fft", "ifft",
    "rfft", "irfft", "linear_attention", "feature_map", "timestep_norm",
    "rotary",
    "exp", "log", "sqrt", "tanh", "sigmoid", "silu", "gelu", "add", "sub",
    "mul", "div", "maximum", "minimum", "power", "neg", "less", "where",
    "astype", "real", "imag", "conj", "complex", "map", "constant", "full",
    "zeros", "sum", "mean", "max", "min", "var", "softmax", "layer_norm",
    "rms_norm", "group_norm", "matmul", "einsum", "reshape", "transpose",
    "getitem", "flip", "broadcast_to", "concat", "pad", "split_heads",
    "merge_heads",
}


def test_generator_is_deterministic():
    for index in range(20):
        a, b = generator.generate(3, index), generator.generate(3, index)
        assert a.source == b.source and a.inputs == b.inputs
        for x, y in zip(a.arrays(), b.arrays()):
            assert x.tobytes() == y.tobytes()
    assert generator.generate(3, 0).source != generator.generate(4, 0).source


def test_generator_reaches_every_op_shape_and_dtype():
    ops, dtypes, zero, one, repeated = set(), set(), False, False, False
    for index in range(400):
        program = generator.generate(0, index)
        ops.update(program.ops)
        for spec, _ in program.inputs:
            dtypes.add(spec["dtype"])
            zero |= 0 in spec["shape"]
            one |= 1 in spec["shape"]
        names = [r["name"] for r in program.results]
        repeated |= len(set(names)) < len(names)
    assert EVERY_OP <= ops, sorted(EVERY_OP - ops)
    assert set(generator.FLOATS + generator.COMPLEXES + generator.INTS) <= dtypes
    assert generator.BOOL in dtypes
    assert zero and one and repeated


def test_inputs_are_arrays_of_the_declared_type():
    for index in range(50):
        program = generator.generate(9, index)
        for (spec, _), array in zip(program.inputs, program.arrays()):
            assert isinstance(array, np.ndarray)
            assert list(array.shape) == spec["shape"]
            assert seq_fuzz.mlir_dtype(array) == spec["dtype"]


def test_compare_rules():
    f32 = np.array([1.0, -2.0, np.nan, np.inf], np.float32)
    assert seq_fuzz.compare(f32, f32.copy(), "f32") is None
    near = f32.copy()
    near[0] += 1e-5
    assert seq_fuzz.compare(near, f32, "f32") is None
    far = f32.copy()
    far[1] = -2.01
    assert "max abs error" in seq_fuzz.compare(far, f32, "f32")
    moved = f32.copy()
    moved[2], moved[0] = 1.0, np.nan
    assert seq_fuzz.compare(moved, f32, "f32") == "NaN positions differ"
    flipped = f32.copy()
    flipped[3] = -np.inf
    assert seq_fuzz.compare(flipped, f32, "f32") == "infinities differ"
    c = np.array([1 + 1j, np.nan + 0j], np.complex64)
    assert seq_fuzz.compare(c, c.copy(), "complex<f32>") is None
    assert seq_fuzz.compare(np.array([1 + 1j, 0j], np.complex64), c, "complex<f32>")
    i = np.array([1, 2, 3], np.int32)
    assert seq_fuzz.compare(i, i.copy(), "i32") is None
    assert "1 of 3 elements differ" in seq_fuzz.compare(i + np.int32(1) * (i == 3), i, "i32")
    assert seq_fuzz.compare(i.astype(np.int64), i, "i32")  # dtype differs
    assert seq_fuzz.compare(np.zeros(0, np.float64), np.zeros(0, np.float64), "f64") is None
    # An f64 result of a program that went through f32 gets f32's tolerance.
    f64 = np.array([1.0, 2.0])
    assert seq_fuzz.compare(f64 + 1e-6, f64, "f64") is not None
    assert seq_fuzz.compare(f64 + 1e-6, f64, "f64", precision="f32") is None
    assert generator.loosest_float(["f64", "complex<f32>", "i32"]) == "f32"
    assert generator.loosest_float(["i1", "i64"]) is None


def run_fuzzer(tmp_path, *args, inject=""):
    env = dict(os.environ, SEQ_FUZZ_INJECT=inject)
    return subprocess.run(
        [sys.executable, SCRIPT, "--out", str(tmp_path / "out"), *args],
        capture_output=True, text=True, env=env, timeout=600)


@pytest.mark.parametrize("kind,extra", [("crash", []), ("hang", ["--timeout", "5"]),
                                        ("mismatch", [])])
def test_runner_saves_a_reproducer(tmp_path, kind, extra):
    proc = run_fuzzer(tmp_path, "--seed", "1", "--count", "3", *extra,
                      inject=f"{kind}:1/1")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"FAIL {kind}: seed 1 program 1" in proc.stdout
    assert proc.stdout.rstrip().endswith("fuzz: 3 programs, 1 failed"), proc.stdout
    dest = tmp_path / "out" / f"{kind}-1-1"
    for name in ("program.py", "verdict.txt", "replay.sh"):
        assert (dest / name).exists(), name
    assert (dest / "verdict.txt").read_text().startswith(kind)
    # The programs after a crash or hang ran in a fresh worker.
    assert "seed 1: 3 programs" in proc.stdout


def test_replay_runs_both_pipelines_with_seq_run(tmp_path):
    proc = run_fuzzer(tmp_path, "--seed", "1", "--count", "2", inject="mismatch:1/0")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    dest = tmp_path / "out" / "mismatch-1-0"
    assert (dest / "program.mlir").exists() and (dest / "in0.npy").exists()
    replay = subprocess.run([sys.executable, SCRIPT, "--replay", str(dest)],
                            capture_output=True, text=True, timeout=600)
    # The injected mismatch is not in the program: seq-run agrees.
    assert replay.returncode == 0, replay.stdout + replay.stderr
    assert "--pipeline=tiled" in replay.stdout and "--pipeline=reference" in replay.stdout
    assert "both pipelines ran and agree" in replay.stdout


def test_a_wrong_result_type_is_a_failure(tmp_path):
    program = generator.generate(2, 0)
    program.results[0] = dict(program.results[0], dtype="i64" if
                              program.results[0]["dtype"] != "i64" else "f32")
    verdict = seq_fuzz.run_program(program, str(tmp_path), seq_fuzz.PIPELINES)
    assert verdict["kind"] == "type", verdict


def test_a_refused_program_is_a_failure(tmp_path):
    program = generator.generate(2, 0)
    program.source = program.source.replace("def fuzz(", "def fuzz(unused, ", 1)
    verdict = seq_fuzz.run_program(program, str(tmp_path), seq_fuzz.PIPELINES)
    assert verdict["kind"] in ("exception", "dsl-error"), verdict
