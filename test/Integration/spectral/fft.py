# RUN: %python %s
# RUN: env SEQ_TEST_PIPELINE=reference %python %s
"""seq.fft and seq.ifft against the float64 direct DFT (seq_ref) and np.fft.

Every length of LENGTHS (powers of two, primes, composites, N = 1) with every
norm, complex<f32> and complex<f64>, with 0, 1 and 2 batch dimensions. One
function per dtype holds all the transforms, so each dtype costs one JIT run.
Also checked: ifft(fft(x)) == x through the compiled ops, and a long prime
length (N = 4099) where twiddle angles would lose accuracy if n·k were not
reduced mod N exactly.
"""

import numpy as np

import common
import seq_ref

# 256 = 16 x 16 and 272 = 16 x 17, 51 = 3 x 17: pair stages of 16 and more
# points computed from their mirrored digits' sums and differences (even and
# odd stage sizes).
LENGTHS = [1, 2, 3, 5, 7, 8, 12, 16, 31, 51, 64, 100, 256, 272]
NORMS = ["backward", "forward", "ortho"]
BATCHES = [(), (3,), (2, 3)]
# Normwise max relative error; what is measured is printed by common.check.
TOL = {np.complex64: 1e-5, np.complex128: 1e-12}


def random_complex(rng, shape, dtype):
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype)


def transform(op, value, type_, norm):
    # backward is the default: leave it implicit to cover the default value.
    attr = "" if norm == "backward" else f" {{norm = #seq.fft_norm<{norm}>}}"
    return (f"seq.{op} ins({value} : {type_}) outs(%empty_{type_tag(type_)} : {type_})"
            f"{attr} -> {type_}")


def type_tag(type_):
    return "".join(c if c.isalnum() else "_" for c in type_)


def build(inputs):
    """One function: every input gets fft and ifft under each norm, plus the
    round trip ifft(fft(x)); returns (mlir, [(op, norm, input index)])."""
    args, body, results, outputs = [], [], [], []
    seen = set()
    for i, x in enumerate(inputs):
        t = common.ttype(x)
        args.append(f"%x{i}: {t}")
        if t not in seen:
            seen.add(t)
            body.append(f"%empty_{type_tag(t)} = tensor.empty() : {t}")
        for op in ("fft", "ifft"):
            for norm in NORMS:
                name = f"%{op}_{norm}_{i}"
                body.append(f"{name} = {transform(op, f'%x{i}', t, norm)}")
                results.append((name, t))
                outputs.append((op, norm, i))
        body.append(f"%roundtrip_{i} = {transform('ifft', f'%fft_backward_{i}', t, 'backward')}")
        results.append((f"%roundtrip_{i}", t))
        outputs.append(("roundtrip", "backward", i))
    mlir = (f"func.func @spectral({', '.join(args)}) -> ({', '.join(t for _, t in results)}) {{\n  "
            + "\n  ".join(body)
            + f"\n  return {', '.join(n for n, _ in results)} : {', '.join(t for _, t in results)}\n}}\n")
    return mlir, outputs


def check_dtype(dtype, seed):
    rng = np.random.default_rng(seed)
    inputs = [random_complex(rng, BATCHES[j % 3] + (n,), dtype)
              for j, n in enumerate(LENGTHS)]
    mlir, outputs = build(inputs)
    results = common.run(mlir, "spectral", inputs, num_outputs=len(outputs))
    tol = TOL[dtype]
    tag = np.dtype(dtype).name
    worst = 0.0
    for (op, norm, i), y in zip(outputs, results):
        x = inputs[i]
        name = f"{op} {tag} {x.shape} norm={norm}"
        assert y.dtype == dtype, f"{name}: dtype {y.dtype}"
        if op == "roundtrip":
            worst = max(worst, common.check(name, y, x, tol))
            continue
        ref = getattr(seq_ref, op)(x, norm)
        worst = max(worst, common.check(name, y, ref, tol))
        np_ref = getattr(np.fft, op)(x.astype(np.complex128), norm=norm)
        worst = max(worst, common.check(name + " vs np.fft", y, np_ref, tol))
    print(f"fft/ifft {tag}: worst max rel err {worst:.3e}")


def check_long_prime():
    # seq_ref's N×N twiddle matrix would be too large here: np.fft is the reference.
    rng = np.random.default_rng(7)
    n = 4099
    x64 = random_complex(rng, (n,), np.complex128)
    x32 = random_complex(rng, (2, n), np.complex64)
    t64, t32 = common.ttype(x64), common.ttype(x32)
    mlir = f"""func.func @long(%a: {t64}, %b: {t32}) -> ({t64}, {t32}) {{
  %ea = tensor.empty() : {t64}
  %eb = tensor.empty() : {t32}
  %fa = seq.fft ins(%a : {t64}) outs(%ea : {t64}) -> {t64}
  %fb = seq.ifft ins(%b : {t32}) outs(%eb : {t32}) {{norm = #seq.fft_norm<ortho>}} -> {t32}
  return %fa, %fb : {t64}, {t32}
}}
"""
    fa, fb = common.run(mlir, "long", [x64, x32], num_outputs=2)
    common.check(f"fft complex128 N={n} vs np.fft", fa, np.fft.fft(x64), 1e-12)
    common.check(f"ifft complex64 N={n} ortho vs np.fft", fb,
                 np.fft.ifft(x32.astype(np.complex128), norm="ortho"), 1e-5)


check_dtype(np.complex64, 0)
check_dtype(np.complex128, 1)
check_long_prime()
