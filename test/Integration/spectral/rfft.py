# RUN: %python %s
# RUN: env SEQ_TEST_PIPELINE=reference %python %s
"""seq.rfft and seq.irfft against the float64 direct DFT (seq_ref) and np.fft.

Every length of LENGTHS (odd and even, N = 1) with every norm, f32 and f64,
with 0, 1 and 2 batch dimensions. irfft gets arbitrary half-spectra whose bin 0
and (even N) bin N/2 have non-zero imaginary parts, which must be ignored. The
round trip irfft(rfft(x)) == x runs through the compiled ops for every norm.
"""

import numpy as np

import common
import seq_ref

LENGTHS = [1, 2, 3, 5, 7, 8, 12, 16, 31, 64, 100, 256]
NORMS = ["backward", "forward", "ortho"]
BATCHES = [(), (3,), (2, 3)]
COMPLEX = {np.float32: np.complex64, np.float64: np.complex128}
TOL = {np.float32: 1e-5, np.float64: 1e-12}


def norm_attr(norm):
    # backward is the default: leave it implicit to cover the default value.
    return "" if norm == "backward" else f" {{norm = #seq.fft_norm<{norm}>}}"


def build(reals, spectra):
    """rfft of each real input and irfft of each half-spectrum under every norm,
    and irfft(rfft(x)) with the same norm both ways."""
    args, body, results, outputs = [], [], [], []
    for i, (x, y) in enumerate(zip(reals, spectra)):
        tr, tc = common.ttype(x), common.ttype(y)
        args += [f"%x{i}: {tr}", f"%y{i}: {tc}"]
        body += [f"%er{i} = tensor.empty() : {tr}", f"%ec{i} = tensor.empty() : {tc}"]
        for norm in NORMS:
            a = norm_attr(norm)
            body.append(f"%rfft_{norm}_{i} = seq.rfft ins(%x{i} : {tr}) outs(%ec{i} : {tc}){a} -> {tc}")
            body.append(f"%irfft_{norm}_{i} = seq.irfft ins(%y{i} : {tc}) outs(%er{i} : {tr}){a} -> {tr}")
            body.append(f"%rt_{norm}_{i} = seq.irfft ins(%rfft_{norm}_{i} : {tc}) outs(%er{i} : {tr}){a} -> {tr}")
            results += [(f"%rfft_{norm}_{i}", tc), (f"%irfft_{norm}_{i}", tr), (f"%rt_{norm}_{i}", tr)]
            outputs += [("rfft", norm, i), ("irfft", norm, i), ("roundtrip", norm, i)]
    types = ", ".join(t for _, t in results)
    mlir = (f"func.func @spectral({', '.join(args)}) -> ({types}) {{\n  "
            + "\n  ".join(body)
            + f"\n  return {', '.join(n for n, _ in results)} : {types}\n}}\n")
    return mlir, outputs


def check_dtype(dtype, seed):
    rng = np.random.default_rng(seed)
    reals, spectra = [], []
    for j, n in enumerate(LENGTHS):
        batch = BATCHES[j % 3]
        reals.append(rng.standard_normal(batch + (n,)).astype(dtype))
        m = n // 2 + 1
        spectra.append((rng.standard_normal(batch + (m,))
                        + 1j * rng.standard_normal(batch + (m,))).astype(COMPLEX[dtype]))
    inputs = [a for pair in zip(reals, spectra) for a in pair]
    mlir, outputs = build(reals, spectra)
    results = common.run(mlir, "spectral", inputs, num_outputs=len(outputs))
    tol = TOL[dtype]
    tag = np.dtype(dtype).name
    worst = 0.0
    for (op, norm, i), out in zip(outputs, results):
        x, y = reals[i], spectra[i]
        n = x.shape[-1]
        name = f"{op} {tag} {x.shape} norm={norm}"
        if op == "rfft":
            assert out.dtype == COMPLEX[dtype], f"{name}: dtype {out.dtype}"
            ref = seq_ref.rfft(x, norm)
            np_ref = np.fft.rfft(x.astype(np.float64), norm=norm)
        elif op == "irfft":
            assert out.dtype == dtype, f"{name}: dtype {out.dtype}"
            ref = seq_ref.irfft(y, n, norm)
            np_ref = np.fft.irfft(y.astype(np.complex128), n, norm=norm)
        else:
            worst = max(worst, common.check(name, out, x, tol))
            continue
        worst = max(worst, common.check(name, out, ref, tol))
        worst = max(worst, common.check(name + " vs np.fft", out, np_ref, tol))
    print(f"rfft/irfft {tag}: worst max rel err {worst:.3e}")


def check_ignored_imaginary_parts():
    # Changing only Im(bin 0) and Im(bin N/2) must not change irfft at all.
    rng = np.random.default_rng(5)
    for n in (6, 7):
        m = n // 2 + 1
        y = rng.standard_normal((2, m)) + 1j * rng.standard_normal((2, m))
        z = y.copy()
        z[:, 0] += 3j
        if n % 2 == 0:
            z[:, -1] -= 2j
        tc, tr = common.ttype(y), common.tensor_type((2, n), np.float64)
        mlir = f"""func.func @ir(%y: {tc}) -> {tr} {{
  %e = tensor.empty() : {tr}
  %x = seq.irfft ins(%y : {tc}) outs(%e : {tr}) -> {tr}
  return %x : {tr}
}}
"""
        a, = common.run(mlir, "ir", [y])
        b, = common.run(mlir, "ir", [z])
        assert np.array_equal(a, b), f"irfft N={n}: imaginary parts of bin 0 / N/2 were used"
        common.check(f"irfft f64 N={n} with Im(bin 0, N/2) != 0", b, seq_ref.irfft(z, n), 1e-12)


check_dtype(np.float32, 0)
check_dtype(np.float64, 1)
check_ignored_imaginary_parts()
