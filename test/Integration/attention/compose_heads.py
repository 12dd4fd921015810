# RUN: %python %s
# RUN: env SEQ_TEST_PIPELINE=reference %python %s
"""seq.compose_heads (DCFormer DCMHA) against seq_ref.

Each optional term alone (static, query-wise, key-wise, query gate, key
gate), none of them (out = A), and all together, on shapes with T != S,
different ranks on the two sides, H = 1 and T = S = 1. The compiled op is
checked against both reference forms: the efficient one (seq_ref
.compose_heads) and the per-(t, s) H x H matrix one (compose_heads_naive).
f32 and f64, and bf16 (within bf16 rounding of the reference, and exactly
the f32 result rounded once).
"""

import os
import sys

import ml_dtypes
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
import common
import seq_ref
from attention_mlir import Program

BF16 = ml_dtypes.bfloat16
TOL = {np.float32: 1e-6, np.float64: 1e-14, BF16: 5e-3}

TERMS = ["static", "query_w", "key_w", "query_gate", "key_gate"]
SUBSETS = [[]] + [[t] for t in TERMS] + [TERMS]
# (B, H, T, S, Rq, Rk)
SHAPES = [(2, 4, 5, 7, 2, 3), (1, 16, 13, 11, 2, 2), (1, 1, 3, 4, 1, 2), (2, 3, 1, 1, 2, 1)]


def operands(rng, shape, terms, dtype):
    B, H, T, S, Rq, Rk = shape

    def rnd(*dims):
        return rng.standard_normal(dims).astype(dtype)
    ops = {"scores": rnd(B, H, T, S)}
    if "static" in terms:
        ops["static"] = rnd(H, H)
    if "query_w" in terms:
        ops["query_w"] = (rnd(B, T, Rq, H), rnd(B, T, Rq, H))
    if "key_w" in terms:
        ops["key_w"] = (rnd(B, S, Rk, H), rnd(B, S, Rk, H))
    if "query_gate" in terms:
        ops["query_gate"] = rnd(B, T, H)
    if "key_gate" in terms:
        ops["key_gate"] = rnd(B, S, H)
    return ops


def ref_kwargs(ops, cast=np.float64):
    kw = {}
    for key, val in ops.items():
        if key in ("query_w", "key_w"):
            side = key.split("_")[0]
            kw[f"{side}_w1"] = val[0].astype(cast)
            kw[f"{side}_w2"] = val[1].astype(cast)
        elif key != "scores":
            kw[key] = val.astype(cast)
    return kw


def upcast(ops):
    return {k: (tuple(x.astype(np.float32) for x in v) if isinstance(v, tuple)
                else v.astype(np.float32)) for k, v in ops.items()}


def main():
    rng = np.random.default_rng(31)
    prog = Program()
    cases = []
    # Every subset on every shape in f32; f64 and bf16 on fewer combinations
    # (each op costs JIT time).
    combos = [(np.float32, shape, terms) for shape in SHAPES for terms in SUBSETS]
    combos += [(np.float64, SHAPES[0], terms) for terms in SUBSETS]
    combos += [(np.float64, shape, TERMS) for shape in SHAPES[1:]]
    combos += [(BF16, shape, terms) for shape in SHAPES[:2] for terms in ([], TERMS)]
    for dtype, shape, terms in combos:
        ops = operands(rng, shape, terms, dtype)
        args = {k: v for k, v in ops.items() if k != "scores"}
        idx = prog.result(*prog.compose_heads(ops["scores"], **args))
        twin = None
        if dtype == BF16:
            up = upcast(ops)
            twin = prog.result(*prog.compose_heads(
                up["scores"], **{k: v for k, v in up.items() if k != "scores"}))
        cases.append((dtype, shape, terms, ops, idx, twin))
    outs = prog.run()

    worst = {}
    for dtype, shape, terms, ops, idx, twin in cases:
        name = f"{np.dtype(dtype).name} {shape} {'+'.join(terms) or 'identity'}"
        out = outs[idx]
        if out.dtype == np.uint16:
            out = out.view(dtype)
        A = ops["scores"].astype(np.float64)
        ref = seq_ref.compose_heads(A, **ref_kwargs(ops))
        naive = seq_ref.compose_heads_naive(A, **ref_kwargs(ops))
        err = max(common.max_rel_error(out, ref), common.max_rel_error(out, naive))
        key = np.dtype(dtype).name
        worst[key] = max(worst.get(key, 0.0), err)
        if err > TOL[dtype]:
            common.check(name + " vs ref", out, ref, TOL[dtype])
            common.check(name + " vs naive", out, naive, TOL[dtype])
        if not terms:
            assert np.array_equal(out, ops["scores"]), name + ": identity must copy A"
        if twin is not None:
            rounded = outs[twin].astype(dtype)
            assert np.array_equal(out.view(np.uint16), rounded.view(np.uint16)), \
                name + ": not the f32 result rounded once"
    for key, err in worst.items():
        dtype = {"float32": np.float32, "float64": np.float64, "bfloat16": BF16}[key]
        count = sum(np.dtype(c[0]).name == key for c in combos)
        print(f"{key}: {count} compositions vs compose_heads and "
              f"compose_heads_naive: max rel err {err:.3e} (tol {TOL[dtype]:.0e})")
    print("bfloat16: every result is the f32 result rounded once")


if __name__ == "__main__":
    main()
