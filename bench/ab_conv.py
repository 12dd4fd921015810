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
against a float64 NumPy FFT convolution, and times --calls calls; with
--versus-fft it also times `seq.fft` of the C/2 pair rows of 2L points,
alternating, for the convolution's cost in FFTs of its own rows. The
OpenBLAS overrides are irrelevant here (no BLAS call) and left alone.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

WORKER = r"""
import json, sys, time
pkg, L, C, calls, spectrum, versus_fft = (sys.argv[1], int(sys.argv[2]), int(sys.argv[3]),
                                          int(sys.argv[4]), sys.argv[5] == "1", sys.argv[6] == "1")
sys.path.insert(0, pkg)
import numpy as np, seq
rng = np.random.default_rng(0)
u = rng.standard_normal((1, L, C)).astype(np.float32)
k = (rng.standard_normal((C, L)) / np.sqrt(L)).astype(np.float32)
arg = np.fft.rfft(k.astype(np.float64), 2 * L).astype(np.complex64) if spectrum else k
f = seq.jit(lambda u, k: seq.long_conv(u, k))
y = np.asarray(f(u, arg))
c = [0, 1, C // 2, C - 1]
ref = np.fft.irfft(np.fft.rfft(u[0, :, c].astype(np.float64), 2 * L)
                   * np.fft.rfft(k[c].astype(np.float64), 2 * L), 2 * L)[:, :L]
err = float(np.abs(y[0, :, c] - ref).max() / np.abs(ref).max())
result = {"err": err}
if versus_fft:
    # The FFT of the pair rows the convolution transforms: (C/2, 2L) complex.
    x = (rng.standard_normal((C // 2, 2 * L))
         + 1j * rng.standard_normal((C // 2, 2 * L))).astype(np.complex64)
    fft = seq.jit(lambda x: seq.fft(x), name="fft_rows")
    fft(x)
ts, tf = [], []
for _ in range(calls):
    t0 = time.perf_counter(); f(u, arg); ts.append(time.perf_counter() - t0)
    if versus_fft:
        t0 = time.perf_counter(); fft(x); tf.append(time.perf_counter() - t0)
result["median_ms"] = float(np.median(ts)) * 1e3
if versus_fft:
    result["fft_ms"] = float(np.median(tf)) * 1e3
    result["conv_over_fft"] = float(np.median(np.array(ts) / np.array(tf)))
print(json.dumps(result))
"""


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
    args = ap.parse_args()
    for pkg in args.packages:
        if not os.path.isdir(os.path.join(pkg, "seq")):
            sys.exit(f"ab_conv: {pkg} holds no seq package (a build's "
                     "python_packages directory is expected)")
    for L in args.sizes:
        times = {pkg: [] for pkg in args.packages}
        ratios = {pkg: [] for pkg in args.packages}
        errs = {pkg: 0.0 for pkg in args.packages}
        for _ in range(args.rounds):
            for pkg in args.packages:
                out = subprocess.run(
                    [sys.executable, "-c", WORKER, pkg, str(L),
                     str(args.channels), str(args.calls),
                     "1" if args.spectrum else "0",
                     "1" if args.versus_fft else "0"],
                    capture_output=True, text=True)
                if out.returncode != 0:
                    sys.exit(f"ab_conv: {pkg} at L={L} failed:\n{out.stderr}")
                r = json.loads(out.stdout.strip().splitlines()[-1])
                times[pkg].append(r["median_ms"])
                if "conv_over_fft" in r:
                    ratios[pkg].append(r["conv_over_fft"])
                errs[pkg] = max(errs[pkg], r["err"])
        for pkg in args.packages:
            per = ", ".join(f"{t:.1f}" for t in times[pkg])
            versus = ""
            if ratios[pkg]:
                versus = (f"; conv / fft of the pair rows "
                          f"{statistics.median(ratios[pkg]):.2f}")
            print(f"L={L} {pkg}: {statistics.median(times[pkg]):.1f} ms "
                  f"(per process: {per}; max rel err {errs[pkg]:.1e}{versus})",
                  flush=True)


if __name__ == "__main__":
    main()
