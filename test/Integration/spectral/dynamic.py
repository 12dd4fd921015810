# RUN: %python %s
# RUN: env SEQ_TEST_PIPELINE=reference %python %s
"""The spectral ops on dynamically shaped tensors: the inputs are cast to
dynamic shapes inside the function (seq-run wants static signatures), so the
lowering takes every size, N included, from tensor.dim / memref.dim at run time.
"""

import numpy as np

import common
import seq_ref


def dyn(rank, element):
    return f"tensor<{'?x' * rank}{element}>"


def main():
    rng = np.random.default_rng(11)
    x = (rng.standard_normal((3, 7)) + 1j * rng.standard_normal((3, 7))).astype(np.complex64)
    r = rng.standard_normal((2, 10)).astype(np.float32)
    u = rng.standard_normal((2, 9, 3)).astype(np.float32)
    k = rng.standard_normal((3, 4)).astype(np.float32)
    d = rng.standard_normal(3).astype(np.float32)
    tx, tr, tu, tk, td = map(common.ttype, (x, r, u, k, d))
    th = common.tensor_type((2, 6), np.complex64)
    cx, cr, cu, ck, cd = dyn(2, "complex<f32>"), dyn(2, "f32"), dyn(3, "f32"), dyn(2, "f32"), dyn(1, "f32")
    mlir = f"""func.func @dyn(%x: {tx}, %r: {tr}, %u: {tu}, %k: {tk}, %d: {td})
    -> ({tx}, {th}, {tr}, {tu}) {{
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c6 = arith.constant 6 : index
  %xd = tensor.cast %x : {tx} to {cx}
  %rd = tensor.cast %r : {tr} to {cr}
  %ud = tensor.cast %u : {tu} to {cu}
  %kd = tensor.cast %k : {tk} to {ck}
  %dd = tensor.cast %d : {td} to {cd}

  %x0 = tensor.dim %xd, %c0 : {cx}
  %x1 = tensor.dim %xd, %c1 : {cx}
  %ex = tensor.empty(%x0, %x1) : {cx}
  %fx = seq.fft ins(%xd : {cx}) outs(%ex : {cx}) {{norm = #seq.fft_norm<ortho>}} -> {cx}

  %r0 = tensor.dim %rd, %c0 : {cr}
  %r1 = tensor.dim %rd, %c1 : {cr}
  %eh = tensor.empty(%r0, %c6) : {cx}
  %er = tensor.empty(%r0, %r1) : {cr}
  %fr = seq.rfft ins(%rd : {cr}) outs(%eh : {cx}) -> {cx}
  %ir = seq.irfft ins(%fr : {cx}) outs(%er : {cr}) {{norm = #seq.fft_norm<forward>}} -> {cr}

  %u0 = tensor.dim %ud, %c0 : {cu}
  %u1 = tensor.dim %ud, %c1 : {cu}
  %u2 = tensor.dim %ud, %c2 : {cu}
  %eu = tensor.empty(%u0, %u1, %u2) : {cu}
  %y = seq.long_conv ins(%ud, %kd : {cu}, {ck}) skip(%dd : {cd}) outs(%eu : {cu}) -> {cu}

  %o0 = tensor.cast %fx : {cx} to {tx}
  %o1 = tensor.cast %fr : {cx} to {th}
  %o2 = tensor.cast %ir : {cr} to {tr}
  %o3 = tensor.cast %y : {cu} to {tu}
  return %o0, %o1, %o2, %o3 : {tx}, {th}, {tr}, {tu}
}}
"""
    fx, fr, ir, y = common.run(mlir, "dyn", [x, r, u, k, d], num_outputs=4)
    common.check("fft ortho dynamic (3, 7)", fx, seq_ref.fft(x, "ortho"), 1e-5)
    common.check("rfft dynamic (2, 10)", fr, seq_ref.rfft(r), 1e-5)
    # rfft (backward) then irfft (forward) scales by N.
    common.check("irfft forward dynamic (2, 10)", ir, 10 * r.astype(np.float64), 1e-5)
    common.check("long_conv+skip dynamic (2, 9, 3) K=4", y, seq_ref.long_conv(u, k, d), 1e-5)


main()
