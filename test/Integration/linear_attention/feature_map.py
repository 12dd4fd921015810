# RUN: %python %s
# RUN: env SEQ_TEST_PIPELINE=reference %python %s
"""seq.feature_map: every kind against the float64 reference, the taylor2
dot-product identity on the compiled features, a dynamic-shape run and f16 /
bf16 inputs."""

import math

import ml_dtypes
import numpy as np

import common
import seq_ref as ref

KINDS = ["identity", "relu", "elu_plus_one", "taylor2"]


def out_shape(shape, kind):
    d = shape[-1]
    return shape[:-1] + ((1 + d + d * d) if kind == "taylor2" else d,)


def program(x, kind, dynamic=False):
    """`@f(x) -> feature_map<kind>(x)`; with `dynamic`, the op sees a tensor
    whose dims are all dynamic (the destination sized with tensor.dim)."""
    xt = common.ttype(x)
    ot = common.tensor_type(out_shape(x.shape, kind), x.dtype)
    el = common.element_type(x.dtype)
    if not dynamic:
        return f"""
func.func @f(%x: {xt}) -> {ot} {{
  %o = tensor.empty() : {ot}
  %r = seq.feature_map <{kind}> ins(%x : {xt}) outs(%o : {ot}) -> {ot}
  return %r : {ot}
}}"""
    rank = x.ndim
    dt = "tensor<" + "?x" * rank + el + ">"
    dims = "\n".join(f"  %c{i} = arith.constant {i} : index\n"
                     f"  %d{i} = tensor.dim %xd, %c{i} : {dt}" for i in range(rank))
    last = f"%d{rank - 1}"
    if kind == "taylor2":
        last_out = f"""  %sq = arith.muli {last}, {last} : index
  %one = arith.constant 1 : index
  %lin = arith.addi %one, {last} : index
  %fo = arith.addi %lin, %sq : index"""
    else:
        last_out = f"  %fo = arith.addi {last}, %c0 : index"
    sizes = ", ".join([f"%d{i}" for i in range(rank - 1)] + ["%fo"])
    return f"""
func.func @f(%x: {xt}) -> {ot} {{
  %xd = tensor.cast %x : {xt} to {dt}
{dims}
{last_out}
  %o = tensor.empty({sizes}) : {dt}
  %r = seq.feature_map <{kind}> ins(%xd : {dt}) outs(%o : {dt}) -> {dt}
  %rs = tensor.cast %r : {dt} to {ot}
  return %rs : {ot}
}}"""


def run(x, kind, dynamic=False):
    (y,) = common.run(program(x, kind, dynamic), "f", [x], num_outputs=1)
    # seq-run writes bf16 results as raw 16-bit words ('<u2').
    return y.view(ml_dtypes.bfloat16) if y.dtype == np.uint16 else y


rng = np.random.default_rng(1234)

# Every kind on assorted shapes: rank 1, d = 1, a prime d, Based's d = 16.
for shape in [(5,), (3, 1), (2, 3, 7), (1, 2, 9, 16)]:
    x = (2.0 * rng.standard_normal(shape)).astype(np.float32)
    for kind in KINDS:
        common.check(f"feature_map {kind} f32 {shape}", run(x, kind),
                     ref.feature_map(x, kind), 1e-6)

# elu_plus_one across its branches: large negatives (exp underflows towards
# 0), zero, tiny values on both sides, large positives.
x = np.array([-100.0, -20.0, -1.0, -1e-8, 0.0, 1e-8, 0.5, 3.0, 50.0],
             dtype=np.float32)
for kind in ["relu", "elu_plus_one"]:
    common.check(f"feature_map {kind} edge values", run(x, kind),
                 ref.feature_map(x, kind), 1e-7)

# f64 keeps f64 precision.
x = rng.standard_normal((2, 4, 6))
for kind in KINDS:
    common.check(f"feature_map {kind} f64", run(x, kind),
                 ref.feature_map(x, kind), 1e-14)

# Dynamic dims (taylor2 takes its divisors from the runtime d).
x = rng.standard_normal((2, 3, 5)).astype(np.float32)
for kind in KINDS:
    common.check(f"feature_map {kind} dynamic", run(x, kind, dynamic=True),
                 ref.feature_map(x, kind), 1e-6)

# taylor2 (Based): phi(q) . phi(k) = 1 + s + s^2/2 with s = q . k / sqrt(d),
# on the compiled features.
for d in [1, 7, 16]:
    q = rng.standard_normal((64, d)).astype(np.float32)
    k = rng.standard_normal((64, d)).astype(np.float32)
    fq = run(q, "taylor2").astype(np.float64)
    fk = run(k, "taylor2").astype(np.float64)
    s = np.einsum("id,jd->ij", q.astype(np.float64), k.astype(np.float64)) / math.sqrt(d)
    common.check(f"taylor2 identity phi(q).phi(k) = 1+s+s^2/2, d={d}",
                 fq @ fk.T, 1.0 + s + 0.5 * s * s, 1e-6)

# Half precisions: compute in f32, round once to the destination type, so the
# error is at most about half an ulp of the output type.
x = rng.standard_normal((2, 5, 4)).astype(np.float16)
for kind in KINDS:
    common.check(f"feature_map {kind} f16", run(x, kind),
                 ref.feature_map(x.astype(np.float64), kind), 1e-3)
x = rng.standard_normal((3, 8)).astype(ml_dtypes.bfloat16)
for kind in KINDS:
    common.check(f"feature_map {kind} bf16", run(x, kind),
                 ref.feature_map(x.astype(np.float64), kind), 8e-3)
