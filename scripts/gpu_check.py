"""GPU check: seq's kernels on a real GPU against the CPU (see gpu-check.sh).

For each problem: the same @seq.jit program compiled for the CPU and for the
GPU (device="cuda"), run on the same random inputs; prints the GPU's error
against a float64 NumPy reference and against the CPU result, and the time
per call (GPU: device time from CUDA events, mean of --repeats runs after a
warm-up; CPU: wall time of one run after the compiling one). Exit status: 0 when every error is
within its tolerance, 1 otherwise, 2 without a GPU.
"""

import argparse
import math
import sys
import time

import ml_dtypes
import numpy as np

import seq


def reference_attention(q, k, v):
    """Causal softmax attention in float64, one head at a time (L x L)."""
    b, h, l, e = q.shape
    out = np.empty((b, h, l, v.shape[-1]))
    mask = np.tril(np.ones((l, l), bool))
    for bi in range(b):
        for hi in range(h):
            s = q[bi, hi].astype(np.float64) @ k[bi, hi].astype(np.float64).T / math.sqrt(e)
            s = np.where(mask, s, -np.inf)
            p = np.exp(s - s.max(axis=-1, keepdims=True))
            out[bi, hi] = (p / p.sum(axis=-1, keepdims=True)) @ v[bi, hi].astype(np.float64)
    return out


def reference_long_conv(u, k):
    """Causal per-channel convolution y[t, c] = sum_s k[c, s] u[t - s, c]."""
    length = u.shape[1]
    n = 2 * length
    uf = np.fft.rfft(u.astype(np.float64), n=n, axis=1)
    kf = np.fft.rfft(k.astype(np.float64).T, n=n, axis=0)
    return np.fft.irfft(uf * kf[None], n=n, axis=1)[:, :length]


def rel_error(x, ref):
    x = np.asarray(x, np.float64)
    return float(np.max(np.abs(x - ref)) / max(np.max(np.abs(ref)), 1e-30))


def run(name, fn, args, reference, tolerance, repeats):
    cpu = seq.jit(fn, name=name)
    gpu = seq.jit(fn, name=name, device="cuda")
    cpu_out = cpu(*args)                      # compiles
    start = time.perf_counter()
    cpu_out = cpu(*args)
    cpu_seconds = time.perf_counter() - start
    gpu_out = gpu(*args)                      # compiles, copies, runs
    compiled = gpu.compile(*args)
    _, gpu_ms = compiled._function.timed(*args, repeats=repeats)
    ref = reference(*args)
    err_ref = rel_error(gpu_out, ref)
    err_cpu = rel_error(gpu_out, np.asarray(cpu_out, np.float64))
    cpu_err_ref = rel_error(cpu_out, ref)
    ok = err_ref <= tolerance
    print(f"{name:34s} GPU vs float64 {err_ref:9.2e} (CPU {cpu_err_ref:9.2e}, "
          f"tolerance {tolerance:.0e})  GPU vs CPU {err_cpu:9.2e}  "
          f"GPU {gpu_ms:9.3f} ms  CPU {cpu_seconds * 1e3:10.1f} ms  "
          f"{'ok' if ok else 'FAIL'}")
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--length", type=int, default=4096)
    parser.add_argument("--heads", type=int, default=8)
    parser.add_argument("--head-dim", type=int, default=64)
    parser.add_argument("--channels", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    if not seq.cuda_available():
        try:
            seq._jit.cuda_engine()
        except seq.Error as e:
            print(f"gpu-check: {e}", file=sys.stderr)
        print("gpu-check: needs an NVIDIA GPU and driver; nothing was run",
              file=sys.stderr)
        return 2
    engine = seq._jit.cuda_engine()
    print(f"device: {engine.device}  (seq compiles for {engine.chip})")

    rng = np.random.default_rng(0)
    b, h, l, e = 1, args.heads, args.length, args.head_dim
    ok = True
    # FlashAttention tolerances: f16/bf16 storage of inputs and output (unit
    # roundoff 2^-11 / 2^-8), P rounded to the input type for P.V.
    for dtype, tol in ((np.float16, 2e-2), (ml_dtypes.bfloat16, 1e-1)):
        q, k, v = (rng.standard_normal((b, h, l, e)).astype(dtype) for _ in range(3))
        ok &= run(f"attention causal {np.dtype(dtype).name} L={l}",
                  lambda q, k, v: seq.attention(q, k, v, mask="causal"),
                  (q, k, v), reference_attention, tol, args.repeats)
    c = args.channels
    u = rng.standard_normal((1, l, c)).astype(np.float32)
    kernel = (rng.standard_normal((c, l)) * np.exp(-np.arange(l) / 256.0)).astype(np.float32)
    ok &= run(f"long_conv f32 L={l} C={c}", lambda u, k: seq.long_conv(u, k),
              (u, kernel), reference_long_conv, 1e-4, args.repeats)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
