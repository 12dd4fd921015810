# RUN: %python %s
# RUN: env SEQ_TEST_PIPELINE=reference %python %s
"""seq.rotary: both pairings, base, position offset, chunk restarts (with the
MEGALODON per-chunk cross-check), long sequences, dynamic shapes and half
precisions, against the float64 reference."""

import ml_dtypes
import numpy as np

import common
import seq_ref as ref


def attrs_text(base=None, position_offset=None, chunk_size=None, pairing=None):
    attrs = []
    if base is not None:
        attrs.append(f"base = {float(base)!r} : f64")
    if position_offset is not None:
        attrs.append(f"position_offset = {position_offset} : i64")
    if chunk_size is not None:
        attrs.append(f"chunk_size = {chunk_size} : i64")
    if pairing is not None:
        attrs.append(f"pairing = #seq.rotary_pairing<{pairing}>")
    return "{" + ", ".join(attrs) + "}" if attrs else ""


def program(x, dynamic=False, **attrs):
    xt = common.ttype(x)
    a = attrs_text(**attrs)
    if not dynamic:
        return f"""
func.func @f(%x: {xt}) -> {xt} {{
  %o = tensor.empty() : {xt}
  %r = seq.rotary ins(%x : {xt}) outs(%o : {xt}) {a} -> {xt}
  return %r : {xt}
}}"""
    dt = "tensor<" + "?x" * x.ndim + common.element_type(x.dtype) + ">"
    dims = "\n".join(f"  %c{i} = arith.constant {i} : index\n"
                     f"  %d{i} = tensor.dim %xd, %c{i} : {dt}" for i in range(x.ndim))
    sizes = ", ".join(f"%d{i}" for i in range(x.ndim))
    return f"""
func.func @f(%x: {xt}) -> {xt} {{
  %xd = tensor.cast %x : {xt} to {dt}
{dims}
  %o = tensor.empty({sizes}) : {dt}
  %r = seq.rotary ins(%xd : {dt}) outs(%o : {dt}) {a} -> {dt}
  %rs = tensor.cast %r : {dt} to {xt}
  return %rs : {xt}
}}"""


def run(x, dynamic=False, **attrs):
    (y,) = common.run(program(x, dynamic, **attrs), "f", [x], num_outputs=1)
    # seq-run writes bf16 results as raw 16-bit words ('<u2').
    return y.view(ml_dtypes.bfloat16) if y.dtype == np.uint16 else y


rng = np.random.default_rng(2024)

# Both pairings with the defaults, base, offsets and chunk sizes; shapes with
# rank 2..5, L = 1, primes, powers of two, d = 2.
cases = [
    ((1, 2), {}),
    ((7, 2), {"pairing": "halves"}),
    ((3, 13, 6), {}),
    ((3, 13, 6), {"pairing": "halves"}),
    ((1, 4, 16, 8), {"base": 500000.0}),
    ((1, 4, 16, 8), {"base": 500000.0, "pairing": "halves"}),
    ((2, 3, 11, 10), {"position_offset": 37}),
    ((2, 3, 11, 10), {"position_offset": 37, "pairing": "halves"}),
    ((2, 1, 2, 9, 4), {"chunk_size": 4}),
    ((2, 2, 17, 12), {"chunk_size": 5, "position_offset": 3, "pairing": "halves"}),
    ((1, 1, 64), {"chunk_size": 1}),
]
for shape, attrs in cases:
    x = rng.standard_normal(shape).astype(np.float32)
    common.check(f"rotary f32 {shape} {attrs}", run(x, **attrs),
                 ref.rotary(x, **attrs), 1e-6)

# f64 data gets f64 angles and rotations.
x = rng.standard_normal((2, 2, 33, 16))
for pairing in ["interleaved", "halves"]:
    common.check(f"rotary f64 offset+chunk {pairing}",
                 run(x, position_offset=100, chunk_size=8, pairing=pairing),
                 ref.rotary(x, position_offset=100, chunk_size=8, pairing=pairing),
                 1e-14)

# MEGALODON: positions restart in every chunk, so rotary with chunk_size = c
# over L = n c equals plain rotary applied to each chunk separately (here as
# a (B, H, n, c, d) tensor with the chunk as the sequence dimension).
B, H, n, c, d = 2, 2, 4, 16, 8
x = rng.standard_normal((B, H, n * c, d)).astype(np.float32)
for pairing in ["interleaved", "halves"]:
    chunked = run(x, chunk_size=c, pairing=pairing)
    separate = run(x.reshape(B, H, n, c, d), pairing=pairing).reshape(x.shape)
    common.check(f"rotary chunk restart {pairing} == per-chunk rotary",
                 chunked, separate, 0.0)
    common.check(f"rotary chunk restart {pairing} vs reference", chunked,
                 ref.rotary(x, chunk_size=c, pairing=pairing), 1e-6)
# Generation inside a chunk: offset = cached length, positions wrap at c.
x = rng.standard_normal((1, 2, 8, d)).astype(np.float32)
common.check("rotary generation offset within chunk",
             run(x, position_offset=3 * c + 12, chunk_size=c),
             ref.rotary(x, position_offset=3 * c + 12, chunk_size=c), 1e-6)

# Long sequences: angles up to ~4096 rad (and ~1e4 with an offset) must stay
# accurate in f32 data; the angles are reduced in f64.
x = rng.standard_normal((1, 1, 4096, 64)).astype(np.float32)
for pairing in ["interleaved", "halves"]:
    common.check(f"rotary L=4096 {pairing}", run(x, pairing=pairing),
                 ref.rotary(x, pairing=pairing), 1e-6)
x = rng.standard_normal((1, 1, 256, 64)).astype(np.float32)
common.check("rotary positions 10000..10255", run(x, position_offset=10000),
             ref.rotary(x, position_offset=10000), 1e-6)

# Dynamic dims.
x = rng.standard_normal((2, 3, 9, 6)).astype(np.float32)
for pairing in ["interleaved", "halves"]:
    common.check(f"rotary dynamic {pairing}",
                 run(x, dynamic=True, position_offset=5, chunk_size=4, pairing=pairing),
                 ref.rotary(x, position_offset=5, chunk_size=4, pairing=pairing), 1e-6)

# Half precisions: f32 compute, one rounding to the output type.
x = rng.standard_normal((2, 3, 40, 16)).astype(np.float16)
common.check("rotary f16", run(x, position_offset=1000),
             ref.rotary(x.astype(np.float64), position_offset=1000), 1e-3)
x = rng.standard_normal((2, 3, 40, 16)).astype(ml_dtypes.bfloat16)
common.check("rotary bf16 halves", run(x, pairing="halves", chunk_size=16),
             ref.rotary(x.astype(np.float64), pairing="halves", chunk_size=16), 8e-3)
