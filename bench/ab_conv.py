#!/usr/bin/env python3
"""A/B timing of seq builds on the long convolution, in alternating processes.

This VM's timings drift by up to 2x between processes and over minutes, so
two builds are compared by running them in turn, several rounds, each round
a fresh process per build, and taking medians of the per-process medians.

    # one build per python_packages copy, e.g. before and after a change:
    cp -r build/python_packages /tmp/pkg_before   # (at the old commit)
    cp -r build/python_packages /tmp/pkg_after
    python3 bench/ab_conv.py /tmp/pkg_before /tmp/pkg_after \\
        --sizes 262144 1048576 --rounds 2 --calls 5

Each process JIT-compiles `seq.long_conv(u, k)` (B = 1, C channels, K = L
taps, or with --spectrum the cached rfft(k, 2L)), checks four channels
against bench_subquadratic's float64 NumPy FFT convolution, and times
--calls calls; with --versus-fft it also times `seq.fft` of the C/2 pair
rows of 2L points, alternating, for the convolution's cost in FFTs of its
own rows. The workers run without the OpenBLAS overrides, as the other
benchmarks do.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bench_subquadratic import BLAS_OVERRIDES, fft_conv_f64, max_rel_error  # noqa: E402


def worker(pkg, length, channels, calls, spectrum, versus_fft):
    """One process's measurement of one build: a JSON line on stdout."""
    sys.path.insert(0, pkg)
    import numpy as np
    import seq
    rng = np.random.default_rng(0)
    u = rng.standard_normal((1, length, channels)).astype(np.float32)
    k = (rng.standard_normal((channels, length)) / np.sqrt(length)).astype(np.float32)
    arg = (np.fft.rfft(k.astype(np.float64), 2 * length).astype(np.complex64)
           if spectrum else k)
    conv = seq.jit(lambda u, k: seq.long_conv(u, k))
    checked = [0, 1, channels // 2, channels - 1]
    result = {"err": max_rel_error(np.asarray(conv(u, arg))[:, :, checked],
                                   fft_conv_f64(u[:, :, checked], k[checked]))}
    if versus_fft:
        # The FFT of the pair rows the convolution transforms: (C/2, 2L).
        x = (rng.standard_normal((channels // 2, 2 * length))
             + 1j * rng.standard_normal((channels // 2, 2 * length))).astype(np.complex64)
        fft = seq.jit(lambda x: seq.fft(x), name="fft_rows")
        fft(x)
    tc, tf = [], []
    for _ in range(calls):
        t0 = time.perf_counter()
        conv(u, arg)
        tc.append(time.perf_counter() - t0)
        if versus_fft:
            t0 = time.perf_counter()
            fft(x)
            tf.append(time.perf_counter() - t0)
    result["median_ms"] = float(np.median(tc)) * 1e3
    if versus_fft:
        result["fft_ms"] = float(np.median(tf)) * 1e3
        result["conv_over_fft"] = float(np.median(np.array(tc) / np.array(tf)))
    print(json.dumps(result))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("packages", nargs="+",
                    help="python_packages directories (one per build)")
    ap.add_argument("--sizes", type=int, nargs="+", default=[262144, 1048576])
    ap.add_argument("--channels", type=int, default=64)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--calls", type=int, default=5)
    ap.add_argument("--spectrum", action="store_true",
                    help="pass the cached spectrum rfft(k, 2L) instead of taps")
    ap.add_argument("--versus-fft", action="store_true",
                    help="also time seq.fft of the C/2 pair rows of 2L points "
                         "in the same process, alternating, and print the "
                         "convolution's time over the FFT's")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        (length,) = args.sizes
        return worker(args.packages[0], length, args.channels, args.calls,
                      args.spectrum, args.versus_fft)
    for pkg in args.packages:
        if not os.path.isdir(os.path.join(pkg, "seq")):
            sys.exit(f"ab_conv: {pkg} holds no seq package (a build's "
                     "python_packages directory is expected)")
    env = {k: v for k, v in os.environ.items() if k not in BLAS_OVERRIDES}
    for length in args.sizes:
        runs = {pkg: [] for pkg in args.packages}
        for _ in range(args.rounds):
            for pkg in args.packages:
                command = [sys.executable, os.path.abspath(__file__), "--worker",
                           pkg, "--sizes", str(length),
                           "--channels", str(args.channels),
                           "--calls", str(args.calls)]
                command += ["--spectrum"] * args.spectrum
                command += ["--versus-fft"] * args.versus_fft
                out = subprocess.run(command, capture_output=True, text=True,
                                     env=env)
                if out.returncode != 0:
                    sys.exit(f"ab_conv: {pkg} at L={length} failed:\n{out.stderr}")
                runs[pkg].append(json.loads(out.stdout.strip().splitlines()[-1]))
        for pkg, results in runs.items():
            times = [r["median_ms"] for r in results]
            line = (f"L={length} {pkg}: {statistics.median(times):.1f} ms "
                    f"(per process: {', '.join(f'{t:.1f}' for t in times)}; "
                    f"max rel err {max(r['err'] for r in results):.1e}")
            if args.versus_fft:
                line += (f"; fft of the pair rows "
                         f"{statistics.median(r['fft_ms'] for r in results):.1f} ms, "
                         f"conv / fft "
                         f"{statistics.median(r['conv_over_fft'] for r in results):.2f}")
            print(line + ")", flush=True)


if __name__ == "__main__":
    main()
