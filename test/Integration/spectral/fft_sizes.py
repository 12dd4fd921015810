# RUN: %python %s
"""FFTs of every size class on the default (tiled) pipeline against the
float64 O(N log N) references of seq_ref (fft_fast & co., themselves checked
against the direct DFT sums in test_reference.py):

  * every power of two from 2 to 2^22 (the Monarch stages, 1 to 6 of them),
  * smooth sizes made of odd stages (3·5·7·11·13 = 15015, 6000),
  * sizes with a large prime factor, by Bluestein (65521, 2·4099),
  * rfft / irfft of even sizes (the half-length complex trick, 2^20 and 1000),
    of an even size whose half is Bluestein's (4098 = 2·3·683), of an odd
    size (99999 = 3²·41·271),
  * complex128 for a power of two and a prime.

Batches shrink as N grows so each size moves a few MB at most. One seq-run
per group keeps each compiled function small.
"""

import numpy as np

import common
import seq_ref

TOL = {np.complex64: 1e-5, np.complex128: 1e-12, np.float32: 1e-5,
       np.float64: 1e-12}


def rows_for(n):
    return max(1, min(4, (1 << 18) // n))


def random_complex(rng, shape, dtype):
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype)


def run_group(name, specs, seed):
    """specs: (op, input array, output shape, output dtype, norm)."""
    args, body, results = [], [], []
    inputs = []
    for i, (op, x, out_shape, out_dtype, norm) in enumerate(specs):
        t_in = common.ttype(x)
        t_out = common.tensor_type(out_shape, out_dtype)
        args.append(f"%x{i}: {t_in}")
        attr = "" if norm == "backward" else f" {{norm = #seq.fft_norm<{norm}>}}"
        body.append(f"%e{i} = tensor.empty() : {t_out}")
        body.append(f"%y{i} = seq.{op} ins(%x{i} : {t_in}) outs(%e{i} : {t_out}){attr} -> {t_out}")
        results.append((f"%y{i}", t_out))
        inputs.append(x)
    types = ", ".join(t for _, t in results)
    mlir = (f"func.func @{name}({', '.join(args)}) -> ({types}) {{\n  "
            + "\n  ".join(body)
            + f"\n  return {', '.join(n for n, _ in results)} : {types}\n}}\n")
    outs = common.run(mlir, name, inputs, num_outputs=len(specs))
    worst = 0.0
    for (op, x, out_shape, out_dtype, norm), y in zip(specs, outs):
        assert y.dtype == out_dtype, f"{op}: dtype {y.dtype}"
        n = out_shape[-1] if op == "irfft" else x.shape[-1]
        if op == "irfft":
            ref = seq_ref.irfft_fast(x, n, norm)
        else:
            ref = getattr(seq_ref, f"{op}_fast")(x, norm)
        label = f"{op} {np.dtype(x.dtype).name} {x.shape} N={n} norm={norm}"
        worst = max(worst, common.check(label, y, ref, TOL[np.dtype(out_dtype).type]))
    print(f"{name}: worst max rel err {worst:.3e}")


def main():
    rng = np.random.default_rng(0)
    c64, c128 = np.complex64, np.complex128

    # Powers of two, split in two groups (small sizes compile, big ones run).
    small = [2 ** e for e in range(1, 13)]
    big = [2 ** e for e in range(13, 23)]
    for name, sizes in (("pow2_small", small), ("pow2_big", big)):
        specs = []
        for j, n in enumerate(sizes):
            op = "fft" if j % 2 == 0 else "ifft"
            x = random_complex(rng, (rows_for(n), n), c64)
            specs.append((op, x, x.shape, c64, ["backward", "ortho", "forward"][j % 3]))
        run_group(name, specs, 1)

    # Odd-stage smooth sizes and Bluestein sizes.
    specs = []
    for j, n in enumerate([15015, 6000, 65521, 2 * 4099, 127, 131]):
        op = "fft" if j % 2 == 0 else "ifft"
        x = random_complex(rng, (2, n), c64)
        specs.append((op, x, x.shape, c64, "backward"))
    run_group("non_pow2", specs, 2)

    # Real transforms.
    specs = []
    for j, n in enumerate([1 << 20, 1000, 4098, 99999]):
        xr = rng.standard_normal((1, n)).astype(np.float32)
        specs.append(("rfft", xr, (1, n // 2 + 1), c64, "backward"))
        spec = random_complex(rng, (1, n // 2 + 1), c64)
        specs.append(("irfft", spec, (1, n), np.float32, ["backward", "forward"][j % 2]))
    run_group("real", specs, 3)

    # Double precision.
    specs = [("fft", random_complex(rng, (2, 1 << 16), c128), (2, 1 << 16), c128, "backward"),
             ("ifft", random_complex(rng, (2, 65521), c128), (2, 65521), c128, "ortho"),
             ("rfft", rng.standard_normal((2, 4098)), (2, 2050), c128, "backward")]
    run_group("double", specs, 4)


main()
