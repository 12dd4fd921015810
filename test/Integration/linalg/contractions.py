# RUN: %python %s
# RUN: env SEQ_TEST_PIPELINE=reference %python %s
"""Contractions through the tiled path's `matmul` schedule against NumPy
float64: linalg.matmul (plain and with transposing indexing maps),
linalg.batch_matmul (plain, shared left operand), and the linalg.generic
contractions seq.matmul / seq.einsum emit, with every operand layout (NN, NT,
TN, TT), batch and broadcast dimensions, matrix-vector and vector-matrix
products, f64 and f16/bf16 inputs accumulated in f32, at sizes that are not
multiples of any tile (1, 7, 63, 65, 1023, primes) and sizes that are.
lit runs it on both pipelines (SEQ_TEST_PIPELINE); both must match the
float64 result.
"""

import os
import resource
import subprocess
import tempfile

import numpy as np

import common

RNG = np.random.default_rng(7)


def run_program(mlir, entry, inputs, pipeline):
    """JIT-runs `entry` through seq-run on `pipeline` ('tiled' or
    'reference'); returns the outputs."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "prog.mlir")
        with open(path, "w") as f:
            f.write(mlir)
        cmd = [common.SEQ_RUN, path, "-e", entry, "--output-dir", tmp,
               "--pipeline", pipeline]
        for i, array in enumerate(inputs):
            name = os.path.join(tmp, f"in{i}.npy")
            np.save(name, np.asarray(array, order="C"))
            cmd += ["--input", name]
        # A schedule whose rewrites do not converge would grow without
        # bound: fail the case instead of the machine. (Not under ASan,
        # whose shadow memory reserves far more address space.)
        limit = lambda: resource.setrlimit(resource.RLIMIT_AS, (4 << 30,) * 2)
        sanitized = "LD_PRELOAD" in os.environ  # set by lit under sanitize.sh
        proc = subprocess.run(cmd, capture_output=True, text=True,
                              env=common.TOOL_ENV,
                              preexec_fn=None if sanitized else limit,
                              timeout=300)
        if proc.returncode != 0:
            raise RuntimeError(f"seq-run failed:\n{proc.stderr}\n{mlir}")
        outputs, i = [], 0
        while os.path.exists(os.path.join(tmp, f"out{i}.npy")):
            outputs.append(np.load(os.path.join(tmp, f"out{i}.npy")))
            i += 1
        return outputs
TOL = {"f32": 2e-6, "f64": 1e-13}


def letters_shape(letters, sizes):
    return tuple(sizes[l] for l in letters)


def einsum_program(spec, sizes, in_dtype, acc="f32"):
    """A linalg.generic contraction for `spec` ("mk,kn->mn"): as the DSL
    emits it (output dims first, then the reduced ones), inputs of
    `in_dtype` extended to `acc`."""
    lhs, out = spec.split("->")
    ins = lhs.split(",")
    reduced = [l for l in dict.fromkeys("".join(ins)) if l not in out]
    order = list(out) + reduced
    pos = {l: i for i, l in enumerate(order)}
    dims = ", ".join(f"d{i}" for i in range(len(order)))
    maps = [f"affine_map<({dims}) -> ({', '.join(f'd{pos[l]}' for l in t)})>"
            for t in ins + [out]]
    iters = ", ".join(['"parallel"'] * len(out) + ['"reduction"'] * len(reduced))
    tin = [common.tensor_type(letters_shape(t, sizes), in_dtype) for t in ins]
    tin = [t.replace(common.element_type(in_dtype), acc_name(in_dtype)) for t in tin]
    tout = f"tensor<{''.join(f'{sizes[l]}x' for l in out)}{acc}>"
    ext = ""
    a, b = "%a", "%b"
    if acc_name(in_dtype) != acc:
        ext = f"      %ea = arith.extf %a : {acc_name(in_dtype)} to {acc}\n" \
              f"      %eb = arith.extf %b : {acc_name(in_dtype)} to {acc}\n"
        a, b = "%ea", "%eb"
    return f"""
func.func @f(%x: {tin[0]}, %y: {tin[1]}) -> {tout} {{
  %e = tensor.empty() : {tout}
  %z = arith.constant 0.0 : {acc}
  %c = linalg.fill ins(%z : {acc}) outs(%e : {tout}) -> {tout}
  %r = linalg.generic {{indexing_maps = [{', '.join(maps)}], iterator_types = [{iters}]}}
      ins(%x, %y : {tin[0]}, {tin[1]}) outs(%c : {tout}) {{
    ^bb0(%a: {acc_name(in_dtype)}, %b: {acc_name(in_dtype)}, %o: {acc}):
{ext}      %p = arith.mulf {a}, {b} : {acc}
      %s = arith.addf %o, %p : {acc}
      linalg.yield %s : {acc}
  }} -> {tout}
  return %r : {tout}
}}
"""


def acc_name(dtype):
    return common.element_type(dtype)


def named_program(op, ta, tb, tc, maps=None):
    attr = ""
    if maps:
        attr = " indexing_maps = [" + ", ".join(maps) + "]"
    return f"""
func.func @f(%x: {ta}, %y: {tb}) -> {tc} {{
  %e = tensor.empty() : {tc}
  %z = arith.constant 0.0 : f32
  %c = linalg.fill ins(%z : f32) outs(%e : {tc}) -> {tc}
  %r = linalg.{op}{attr} ins(%x, %y : {ta}, {tb}) outs(%c : {tc}) -> {tc}
  return %r : {tc}
}}
"""


def random(shape, dtype):
    return RNG.standard_normal(shape).astype(dtype)


def run_both(name, program, inputs, expected, tol):
    (out,) = run_program(program, "f", inputs, common.PIPELINE)
    common.check(f"{name} [{common.PIPELINE}]", out, expected, tol)


def einsum_case(spec, sizes, dtype=np.float32):
    ins = spec.split("->")[0].split(",")
    arrays = [random(letters_shape(t, sizes), dtype) for t in ins]
    expected = np.einsum(spec, *[a.astype(np.float64) for a in arrays])
    acc = "f64" if dtype == np.float64 else "f32"
    program = einsum_program(spec, sizes, dtype, acc)
    label = " ".join(f"{l}={sizes[l]}" for l in sizes)
    run_both(f"einsum {spec} {label} {np.dtype(dtype).name}", program, arrays,
             expected, TOL[acc])


# Plain matmuls at sizes that divide no tile, and some that do.
for m, n, k in [(1, 1, 1), (7, 7, 7), (1, 64, 1), (6, 64, 3), (63, 65, 67),
                (65, 63, 64), (13, 200, 301), (97, 130, 1),
                (257, 1023, 129), (1023, 1, 9), (1, 1023, 257),
                (256, 256, 256), (300, 17, 1000)]:
    einsum_case("mk,kn->mn", {"m": m, "n": n, "k": k})

# Operand layouts.
for spec in ["mk,nk->mn", "km,kn->mn", "km,nk->mn", "nk,mk->mn", "kn,km->mn"]:
    for m, n, k in [(7, 9, 5), (65, 130, 67), (128, 64, 96)]:
        einsum_case(spec, {"m": m, "n": n, "k": k})

# Batches, broadcasts, several free / reduced dimensions, vectors.
einsum_case("bmk,bkn->bmn", {"b": 3, "m": 17, "n": 33, "k": 9})
einsum_case("bmk,bkn->bmn", {"b": 64, "m": 16, "n": 16, "k": 16})
einsum_case("bmk,bkn->bmn", {"b": 33, "m": 32, "n": 32, "k": 32})
einsum_case("bmk,kn->bmn", {"b": 2, "m": 63, "n": 70, "k": 31})
einsum_case("mk,bkn->bmn", {"b": 5, "m": 16, "n": 48, "k": 16})
einsum_case("bld,de->ble", {"b": 2, "l": 37, "d": 24, "e": 40})
einsum_case("bhld,bhmd->bhlm", {"b": 1, "h": 3, "l": 19, "m": 21, "d": 8})
einsum_case("ijk,jkl->il", {"i": 9, "j": 4, "k": 5, "l": 33})
einsum_case("mk,k->m", {"m": 65, "k": 33})
einsum_case("k,kn->n", {"k": 65, "n": 100})
einsum_case("k,k->", {"k": 1000})

# Other element types.
einsum_case("mk,kn->mn", {"m": 33, "n": 70, "k": 17}, np.float64)
einsum_case("mk,kn->mn", {"m": 33, "n": 70, "k": 17}, np.float16)
einsum_case("bmk,bkn->bmn", {"b": 2, "m": 9, "n": 20, "k": 11}, np.float16)

# Named ops: linalg.matmul (plain, transposed maps) and batch_matmul (plain,
# transposed A, shared left operand as the FFT stages build them).
for m, n, k in [(7, 9, 5), (64, 64, 64), (100, 129, 63)]:
    a, b = random((m, k), np.float32), random((k, n), np.float32)
    t = lambda s: common.tensor_type(s, np.float32)
    run_both(f"linalg.matmul {m}x{n}x{k}",
             named_program("matmul", t((m, k)), t((k, n)), t((m, n))), [a, b],
             a.astype(np.float64) @ b, TOL["f32"])
    bt = random((n, k), np.float32)
    maps = ["affine_map<(m, n, k) -> (m, k)>", "affine_map<(m, n, k) -> (n, k)>",
            "affine_map<(m, n, k) -> (m, n)>"]
    run_both(f"linalg.matmul B^T {m}x{n}x{k}",
             named_program("matmul", t((m, k)), t((n, k)), t((m, n)), maps),
             [a, bt], a.astype(np.float64) @ bt.T, TOL["f32"])
for r, m, n, k in [(4, 16, 16, 16), (7, 32, 32, 32), (3, 5, 70, 9)]:
    t = lambda s: common.tensor_type(s, np.float32)
    a, b = random((r, m, k), np.float32), random((r, k, n), np.float32)
    run_both(f"linalg.batch_matmul {r}x{m}x{n}x{k}",
             named_program("batch_matmul", t((r, m, k)), t((r, k, n)),
                           t((r, m, n))), [a, b],
             np.matmul(a.astype(np.float64), b), TOL["f32"])
    at = random((r, k, m), np.float32)
    maps = ["affine_map<(r, m, n, k) -> (r, k, m)>",
            "affine_map<(r, m, n, k) -> (r, k, n)>",
            "affine_map<(r, m, n, k) -> (r, m, n)>"]
    run_both(f"linalg.batch_matmul A^T {r}x{m}x{n}x{k}",
             named_program("batch_matmul", t((r, k, m)), t((r, k, n)),
                           t((r, m, n)), maps), [at, b],
             np.matmul(at.astype(np.float64).transpose(0, 2, 1), b), TOL["f32"])
    shared = random((m, k), np.float32)
    maps = ["affine_map<(r, m, n, k) -> (m, k)>",
            "affine_map<(r, m, n, k) -> (r, k, n)>",
            "affine_map<(r, m, n, k) -> (r, m, n)>"]
    run_both(f"linalg.batch_matmul shared A {r}x{m}x{n}x{k}",
             named_program("batch_matmul", t((m, k)), t((r, k, n)),
                           t((r, m, n)), maps), [shared, b],
             np.matmul(shared.astype(np.float64), b), TOL["f32"])
