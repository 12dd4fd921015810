# Usage: PYTHONPATH=build/python_packages .venv-bench/bin/python bench/bench_attention.py [--quick]
"""Attention benchmark of issue 7: seq's tiled attention against its reference
lowering, NumPy (BLAS), PyTorch CPU SDPA and JAX CPU attention, side by side.

One run measures, for f32, B=1, H=8, D in {64, 128}, L in {1K, 2K, 4K, 8K,
16K}, causal and full attention, at 1 and 2 threads (and all cores):
  * seq tiled: `seq.attention` in `@seq.jit` (the default `tiled` pipeline),
    compile time (trace + MLIR lowering + LLVM JIT) reported apart;
  * seq reference: `pipeline="reference"` (scalar O(L^2) loops; run only where
    the estimated time per call fits --reference-max-call-s);
  * NumPy: BLAS attention blocked over queries (memory O(block * L));
  * PyTorch: torch.nn.functional.scaled_dot_product_attention (CPU);
  * JAX: jax.nn.dot_product_attention under jax.jit (CPU);
plus NumPy's sgemm 2048^2 (the machine's practical compute limit) and a copy
bandwidth, the DSL matmul 1024^3 against NumPy, and the MEGALODON block of
examples/megalodon/megalodon.py at L=4096 against a float32 NumPy version and
a PyTorch version of the same block (written below). Every result is checked
against the NumPy result (normwise max relative error; the NumPy baselines
are themselves checked against float64); a mismatch fails the run.

How it runs: one worker process per thread count, restricted to that many
cores (sched_setaffinity) with every library told the count; cases are
compiled in all workers at once, then timed in interleaved rounds (each
worker in turn runs every implementation a few times; a pause between
implementations lets the previous one's spinning threads sleep). Peak memory
is the RSS high-water mark of one call in a fresh process per (case,
implementation). Results: bench/results/attention.{md,png,json}.
"""

import os
import sys

# OpenBLAS overrides force slow kernels on some machines: run without them.
# This must happen before NumPy is imported, so it is the first thing done.
BLAS_OVERRIDES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
REMOVED_ENV = "SEQ_BENCH_REMOVED_ENV"

if __name__ == "__main__" and any(k in os.environ for k in BLAS_OVERRIDES):
    import json as _json
    _removed = {k: os.environ[k] for k in BLAS_OVERRIDES if k in os.environ}
    _env = {k: v for k, v in os.environ.items() if k not in BLAS_OVERRIDES}
    _env[REMOVED_ENV] = _json.dumps(_removed)
    os.execve(sys.executable, [sys.executable, os.path.abspath(__file__)] + sys.argv[1:], _env)

# A worker restricted to some cores (set by the driver) restricts itself
# before any library sizes its thread pool from the cores it may use.
if os.environ.get("SEQ_BENCH_CPUS"):
    os.sched_setaffinity(0, [int(c) for c in os.environ["SEQ_BENCH_CPUS"].split(",")])

import argparse  # noqa: E402
import ctypes  # noqa: E402
import datetime  # noqa: E402
import functools  # noqa: E402
import gc  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
import zlib  # noqa: E402

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MEGALODON_PY = os.path.join(ROOT, "examples", "megalodon", "megalodon.py")
F32 = np.float32
MIB = 1 << 20

IMPL_NAMES = {"seq": "seq tiled", "seq_ref": "seq reference", "numpy": "NumPy",
              "torch": "PyTorch", "jax": "JAX"}
PEERS = ("numpy", "torch", "jax")


# ==========================================================================
# Cases (shared by the driver and the workers: plain dicts, sent as JSON)
# ==========================================================================

def attention_case(d, l, mask, h=8, b=1):
    return dict(kind="attention", B=b, H=h, L=l, D=d, mask=mask,
                impls=["seq", "seq_ref", "numpy", "torch", "jax"])


def mask_name(mask):
    """seq's mask = none is full attention."""
    return "full" if mask == "none" else mask


def label(case):
    k = case["kind"]
    if k == "attention":
        return f"attention {mask_name(case['mask'])} D={case['D']} L={case['L']}"
    if k in ("matmul", "sgemm"):
        return f"{k} {case['n']}^3"
    if k == "copy":
        return f"copy {case['mib']} MiB"
    if k == "megalodon":
        return f"megalodon L={case['L']} D={case['D']}"
    raise ValueError(k)


def flops(case):
    """Floating-point operations of one call (None where not meaningful).
    Attention: 2*B*H*Lq*Lk*(D + Dv) for full attention (q k^T and P v), half
    of that causal (the masked half is not work)."""
    k = case["kind"]
    if k == "attention":
        full = 2.0 * case["B"] * case["H"] * case["L"] * case["L"] * (2 * case["D"])
        return full / 2 if case["mask"] == "causal" else full
    if k in ("matmul", "sgemm"):
        return 2.0 * case["n"] ** 3
    return None


def io_bytes(case):
    """Bytes of the inputs and the output (attention: q, k, v, out)."""
    if case["kind"] == "attention":
        return 4 * case["B"] * case["H"] * case["L"] * case["D"] * 4
    if case["kind"] == "megalodon":
        return 4 * case["L"] * case["D"] * 2
    return 0


def estimated_bytes(case, impl):
    """A rough peak-memory estimate, to skip what would not fit."""
    base = 2 * io_bytes(case)
    if case["kind"] != "attention":
        return base
    b, h, l = case["B"], case["H"], case["L"]
    if impl == "jax":            # XLA materializes the (B, H, L, L) logits and probabilities
        return base + 3 * b * h * l * l * 4
    if impl == "numpy":
        return base + 2 * b * h * numpy_block_rows(case) * l * 4
    return base


def numpy_block_rows(case, budget=64 * MIB):
    """Query rows per block of the NumPy attention: the largest power of two
    in [64, 512] whose (B, H, rows, L) f32 score block fits `budget`."""
    per_row = case["B"] * case["H"] * case["L"] * 4
    rows = 512
    while rows > 64 and rows * per_row > budget:
        rows //= 2
    return rows


def case_rng(case, seed):
    return np.random.default_rng([seed, zlib.crc32(label(case).encode())])


# ==========================================================================
# NumPy and PyTorch baselines
# ==========================================================================

def numpy_attention(q, k, v, causal, rows):
    """Attention in NumPy f32, blocked over queries so that memory stays
    O(rows * L): per block of `rows` queries, S = (q*scale) k^T (BLAS sgemm
    over B*H), causal blocks only against the keys up to their last row with
    the diagonal square masked, softmax in place, then P v / rowsum."""
    b, h, l, d = q.shape
    lk = k.shape[2]
    scale = F32(1.0 / math.sqrt(d))
    out = np.empty((b, h, l, v.shape[-1]), F32)
    kt = k.swapaxes(-1, -2)
    tri = np.triu(np.full((rows, rows), -np.inf, F32), 1)   # 0 on and below the diagonal
    for i0 in range(0, l, rows):
        i1 = min(l, i0 + rows)
        end = i1 + (lk - l) if causal else lk                 # bottom-right aligned
        s = np.matmul(q[:, :, i0:i1] * scale, kt[..., :end])
        if causal:
            s[..., end - (i1 - i0):end] += tri[:i1 - i0, :i1 - i0]
        s -= s.max(axis=-1, keepdims=True)
        np.exp(s, out=s)
        o = np.matmul(s, v[:, :, :end])
        o /= s.sum(axis=-1, keepdims=True)
        out[:, :, i0:i1] = o
    return out


def float64_attention(q, k, v, causal):
    """Direct float64 attention, one (b, h) at a time (the NumPy baseline's check)."""
    b, h, l, d = q.shape
    out = np.empty(q.shape[:3] + (v.shape[-1],))
    mask = np.tril(np.ones((l, k.shape[2]), bool), k.shape[2] - l)
    for i in range(b):
        for j in range(h):
            s = q[i, j].astype(np.float64) @ k[i, j].astype(np.float64).T / math.sqrt(d)
            if causal:
                s = np.where(mask, s, -np.inf)
            p = np.exp(s - s.max(-1, keepdims=True))
            out[i, j] = (p / p.sum(-1, keepdims=True)) @ v[i, j].astype(np.float64)
    return out


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def numpy_megalodon(p, G, H, c):
    """The MEGALODON block of examples/megalodon/megalodon.py in NumPy
    float32, vectorized the way the model's own code computes it: TimestepNorm
    from cumulative sums of the per-step group statistics, the complex EMA as
    an FFT convolution with its materialized kernel (_ema_kernel), the
    chunk-local attention as batched matmuls over (chunks, heads)."""
    x = p["x"]
    B, L, D = x.shape
    N = p["ema_alpha"].shape[1]
    one = F32(1)
    # TimestepNorm: running mean/variance = pooled statistics of steps 0..t.
    xg = x.reshape(B, L, G, D // G)
    mu, var = xg.mean(-1), xg.var(-1)
    count = np.arange(1, L + 1, dtype=F32)[None, :, None]
    mean = np.cumsum(mu, axis=1) / count
    s2 = np.cumsum(var + mu * mu, axis=1) / count - mean * mean
    xn = ((xg - mean[..., None]) / np.sqrt(s2[..., None] + F32(1e-5))).reshape(B, L, D)
    xn = xn * (p["tn_weight"] + one) + p["tn_bias"]
    # Complex EMA: y = K * xn (causal convolution) + omega xn.
    xc = xn * p["ema_omega"] + _ema_conv(np, xn, _ema_kernel(np, p, L, N))
    xp = _rms(np, xc) * (p["rms_weight"] + one)
    z = _rms(np, (xp @ p["w_z"] + p["b_z"]).reshape(B, L, H, -1))
    dz = z.shape[-1]
    gamma = p["qk_gamma"].reshape(2, H, dz)
    beta = p["qk_beta"].reshape(2, H, dz)
    q = z * ((gamma[0] + one) / F32(math.sqrt(dz))) + beta[0]
    k = z * ((gamma[1] + one) / F32(math.sqrt(dz))) + beta[1]
    v = _silu(np, xn @ p["w_v"] + p["b_v"]).reshape(B, L, H, -1)
    r = _silu(np, xp @ p["w_r"] + p["b_r"])
    o = _chunk_attention(np, q, k, v, c).reshape(B, L, -1)
    y = x + (xp @ p["w_h1"] + p["b_h1"] + (o * r) @ p["w_h2"])
    mu = y.mean(-1, keepdims=True)
    ln = (y - mu) / np.sqrt(y.var(-1, keepdims=True) + F32(1e-5))
    ln = ln * (p["ln_weight"] + one) + p["ln_bias"]
    return x + _silu(np, ln @ p["w_1"]) @ p["w_2"]


def _ema_kernel(xp, p, L, N):
    """The EMA's convolution kernel K[d, t] = Re(sum_n eta p q^t) (D, L) with
    q = r e^(i phi), in real arithmetic: sum_n r^t (Re(eta p) cos(phi t) -
    Im(eta p) sin(phi t)), the sum over n as a batched matmul."""
    sigmoid = _sigmoid if xp is np else xp.sigmoid
    P = sigmoid(p["ema_alpha"])                                      # (D, N)
    log_r = xp.log1p(-P * sigmoid(p["ema_delta"]))
    n = xp.arange(1, N + 1, dtype=log_r.dtype)
    # Python float constants: the arithmetic stays f32 in NumPy and PyTorch alike.
    phi = n * sigmoid(p["ema_theta"])[:, None] * (2 * math.pi / N)
    scale = P / math.sqrt(N)
    re, im = p["ema_gamma"][..., 0] * scale, p["ema_gamma"][..., 1] * scale
    t = xp.arange(L, dtype=log_r.dtype)
    decay = xp.exp(log_r[..., None] * t)                             # (D, N, L)
    angle = phi[..., None] * t
    return (re[:, None, :] @ (decay * xp.cos(angle))
            - im[:, None, :] @ (decay * xp.sin(angle)))[:, 0]


def _ema_conv(xp, x, kernel):
    """Causal convolution of x (B, L, D) with kernel (D, L) by FFT of size 2L."""
    L = x.shape[1]
    if xp is np:
        y = np.fft.irfft(np.fft.rfft(x, n=2 * L, axis=1) * np.fft.rfft(kernel.T, n=2 * L, axis=0),
                         n=2 * L, axis=1)
    else:
        fft = xp.fft
        y = fft.irfft(fft.rfft(x, n=2 * L, dim=1) * fft.rfft(kernel.T, n=2 * L, dim=0),
                      n=2 * L, dim=1)
    return y[:, :L]


def _rms(xp, x):
    return x / xp.sqrt((x * x).mean(-1, keepdims=True) + 1e-5)


def _silu(xp, x):
    return x / (1 + xp.exp(-x))


def _rope(xp, x, base=10000.0):
    """Interleaved RoPE on (n, c, H, d), positions 0..c-1 (restarting per chunk)."""
    c, d = x.shape[1], x.shape[-1]
    freqs = base ** (-np.arange(0, d, 2, dtype=np.float64) / d)
    angle = np.arange(c)[:, None] * freqs[None, :]
    cos, sin = np.cos(angle).astype(F32)[:, None], np.sin(angle).astype(F32)[:, None]
    if xp is not np:
        cos, sin = xp.from_numpy(cos), xp.from_numpy(sin)
    x0, x1 = x[..., 0::2], x[..., 1::2]
    return xp.stack([x0 * cos - x1 * sin, x0 * sin + x1 * cos], -1).reshape(x.shape)


def _perm(a, *axes):
    """a.transpose(axes) for NumPy, a.permute(axes) for PyTorch."""
    return a.permute(*axes) if hasattr(a, "permute") else a.transpose(axes)


def _chunk_attention(xp, q, k, v, chunk):
    """q, k (B, L, H, dz), v (B, L, H, dv): causal softmax attention within
    each chunk, scale 1, RoPE per chunk."""
    B, L, H, dz = q.shape
    c = min(chunk, L)
    n = B * L // c
    qc = _perm(_rope(xp, q.reshape(n, c, H, dz)), 0, 2, 1, 3)      # (n, H, c, dz)
    kt = _perm(_rope(xp, k.reshape(n, c, H, dz)), 0, 2, 3, 1)      # (n, H, dz, c)
    vc = _perm(v.reshape(n, c, H, -1), 0, 2, 1, 3)                 # (n, H, c, dv)
    tri = np.triu(np.full((c, c), -np.inf, F32), 1)
    s = qc @ kt + (tri if xp is np else xp.from_numpy(tri))
    s = xp.exp(s - s.max(-1, keepdims=True)) if xp is np else xp.exp(s - s.amax(-1, keepdim=True))
    o = (s / (s.sum(-1, keepdims=True) if xp is np else s.sum(-1, keepdim=True))) @ vc
    return _perm(o, 0, 2, 1, 3)


def torch_megalodon(torch, p, G, H, c):
    """numpy_megalodon in PyTorch (same algorithms, f32, eager CPU)."""
    x = p["x"]
    B, L, D = x.shape
    N = p["ema_alpha"].shape[1]
    xg = x.reshape(B, L, G, D // G)
    mu, var = xg.mean(-1), xg.var(-1, unbiased=False)
    count = torch.arange(1, L + 1, dtype=torch.float32)[None, :, None]
    mean = torch.cumsum(mu, 1) / count
    s2 = torch.cumsum(var + mu * mu, 1) / count - mean * mean
    xn = ((xg - mean[..., None]) / torch.sqrt(s2[..., None] + 1e-5)).reshape(B, L, D)
    xn = xn * (p["tn_weight"] + 1) + p["tn_bias"]
    kernel = _ema_kernel(torch, p, L, N)
    xc = xn * p["ema_omega"] + _ema_conv(torch, xn, kernel)
    xp = _rms(torch, xc) * (p["rms_weight"] + 1)
    z = _rms(torch, (xp @ p["w_z"] + p["b_z"]).reshape(B, L, H, -1))
    dz = z.shape[-1]
    gamma = p["qk_gamma"].reshape(2, H, dz)
    beta = p["qk_beta"].reshape(2, H, dz)
    q = z * ((gamma[0] + 1) / math.sqrt(dz)) + beta[0]
    k = z * ((gamma[1] + 1) / math.sqrt(dz)) + beta[1]
    v = torch.nn.functional.silu(xn @ p["w_v"] + p["b_v"]).reshape(B, L, H, -1)
    r = torch.nn.functional.silu(xp @ p["w_r"] + p["b_r"])
    o = _chunk_attention(torch, q, k, v, c).reshape(B, L, -1)
    y = x + (xp @ p["w_h1"] + p["b_h1"] + (o * r) @ p["w_h2"])
    ln = torch.nn.functional.layer_norm(y, (D,), p["ln_weight"] + 1, p["ln_bias"], 1e-5)
    return x + torch.nn.functional.silu(ln @ p["w_1"]) @ p["w_2"]


# ==========================================================================
# Worker side: inputs, implementations, timing
# ==========================================================================

class Skip(Exception):
    """An implementation that cannot run here (a peer that is not importable)."""


_modules = {}


def load_seq():
    if "seq" not in _modules:
        try:
            import seq
        except ImportError as e:
            raise Skip(f"seq not importable ({e}): run with PYTHONPATH=build/python_packages "
                       "after bash scripts/build.sh")
        _modules["seq"] = seq
    return _modules["seq"]


def load_torch(threads):
    if "torch" not in _modules:
        try:
            import torch
        except ImportError as e:
            raise Skip(f"PyTorch not importable ({e}); bash bench/setup.sh installs it")
        torch.set_num_threads(threads)
        _modules["torch"] = torch
    return _modules["torch"]


def load_jax():
    if "jax" not in _modules:
        try:
            import jax
        except ImportError as e:
            raise Skip(f"JAX not importable ({e}); bash bench/setup.sh installs it")
        _modules["jax"] = jax
    return _modules["jax"]


def load_megalodon():
    if "megalodon" not in _modules:
        spec = importlib.util.spec_from_file_location("megalodon_example", MEGALODON_PY)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _modules["megalodon"] = module
    return _modules["megalodon"]


def make_inputs(case, seed):
    """The case's inputs (deterministic in the case and the seed)."""
    rng = case_rng(case, seed)
    k = case["kind"]
    if k == "attention":
        shape = (case["B"], case["H"], case["L"], case["D"])
        return {n: rng.standard_normal(shape, dtype=F32) for n in "qkv"}
    if k in ("matmul", "sgemm"):
        n = case["n"]
        a, b = rng.standard_normal((n, n), dtype=F32), rng.standard_normal((n, n), dtype=F32)
        return dict(a=a, b=b, c=np.empty((n, n), F32))
    if k == "copy":
        src = rng.standard_normal(case["mib"] * MIB // 4, dtype=F32)
        return dict(src=src, dst=np.empty_like(src))
    if k == "megalodon":
        m = load_megalodon()
        D = case["D"]
        p = m.make_params(rng, 1, case["L"], D, case["N"], D // 2, 2 * D, 2 * D)
        return {name: a.astype(F32) for name, a in p.items()}
    raise ValueError(k)


class Runner:
    """One implementation of one case in a worker: `run()` computes it once
    (what is timed); `output(result)` converts the result to NumPy (not timed)."""

    def __init__(self, run, output=None, compile_s=None, trace_s=None, note=""):
        self.run = run
        self.output = output or (lambda r: r)
        self.compile_s, self.trace_s, self.note = compile_s, trace_s, note


def _seq_runner(fn, args, consts=()):
    """Compiles a JitFunction for `args` (trace, then MLIR lowering + LLVM JIT,
    timed apart) and returns a Runner calling the compiled function."""
    t0 = time.perf_counter()
    lowered = fn.lower(*args, *consts)
    t1 = time.perf_counter()
    compiled = lowered.compile()
    t2 = time.perf_counter()
    return Runner(lambda: compiled(*args, *consts), compile_s=t2 - t1, trace_s=t1 - t0)


def build(case, impl, data, threads):
    """The Runner of `impl` for `case` on inputs `data`."""
    kind = case["kind"]
    if kind == "attention":
        q, k, v = data["q"], data["k"], data["v"]
        causal = case["mask"] == "causal"
        if impl in ("seq", "seq_ref"):
            seq = load_seq()
            mask = "causal" if causal else "none"
            fn = seq.jit(lambda q, k, v: seq.attention(q, k, v, mask=mask),
                         name=f"attention_{mask}",
                         pipeline="tiled" if impl == "seq" else "reference")
            return _seq_runner(fn, (q, k, v))
        if impl == "numpy":
            rows = numpy_block_rows(case)
            return Runner(lambda: numpy_attention(q, k, v, causal, rows),
                          note=f"blocks of {rows} queries")
        if impl == "torch":
            torch = load_torch(threads)
            tq, tk, tv = (torch.from_numpy(a) for a in (q, k, v))
            sdpa = torch.nn.functional.scaled_dot_product_attention

            def run():
                with torch.inference_mode():
                    return sdpa(tq, tk, tv, is_causal=causal)
            return Runner(run, output=lambda r: r.numpy())
        if impl == "jax":
            jax = load_jax()
            # jax.nn.dot_product_attention takes (B, L, H, D).
            jq, jk, jv = (jax.device_put(np.ascontiguousarray(a.transpose(0, 2, 1, 3)))
                          for a in (q, k, v))
            fn = jax.jit(functools.partial(jax.nn.dot_product_attention, is_causal=causal))
            t0 = time.perf_counter()
            compiled = fn.lower(jq, jk, jv).compile()
            compile_s = time.perf_counter() - t0
            return Runner(lambda: compiled(jq, jk, jv).block_until_ready(),
                          output=lambda r: np.asarray(r).transpose(0, 2, 1, 3),
                          compile_s=compile_s)
    elif kind == "matmul":
        a, b = data["a"], data["b"]
        if impl == "seq":
            seq = load_seq()
            return _seq_runner(seq.jit(lambda a, b: a @ b, name="matmul"), (a, b))
        if impl == "numpy":
            return Runner(lambda: a @ b)
    elif kind == "sgemm":
        a, b, c = data["a"], data["b"], data["c"]
        return Runner(lambda: np.matmul(a, b, out=c))
    elif kind == "copy":
        src, dst = data["src"], data["dst"]
        return Runner(lambda: np.copyto(dst, src))
    elif kind == "megalodon":
        G, H, c = case["G"], case["heads"], case["chunk"]
        if impl == "seq":
            block = load_megalodon().megalodon_block
            return _seq_runner(block, tuple(data.values()), (G, H, c))
        if impl == "numpy":
            return Runner(lambda: numpy_megalodon(data, G, H, c),
                          note="EMA as an FFT convolution, TimestepNorm by cumulative sums")
        if impl == "torch":
            torch = load_torch(threads)
            tp = {k: torch.from_numpy(a) for k, a in data.items()}

            def run():
                with torch.inference_mode():
                    return torch_megalodon(torch, tp, G, H, c)
            return Runner(run, output=lambda r: r.numpy(),
                          note="EMA as an FFT convolution, TimestepNorm by cumulative sums")
    raise ValueError(f"no implementation {impl!r} of {kind}")


def max_rel_error(actual, expected):
    """Normwise max|actual - expected| / max|expected| (float64), inf on a
    shape mismatch or a non-finite value."""
    a = np.asarray(actual, np.float64)
    e = np.asarray(expected, np.float64)
    if a.shape != e.shape or not np.isfinite(a).all():
        return float("inf")
    return float(np.max(np.abs(a - e)) / max(np.max(np.abs(e)), 1e-30))


def baseline_check(case, data, expected):
    """The NumPy f32 baseline against float64 (where affordable)."""
    if case["kind"] == "attention" and case["L"] <= 2048:
        ref = float64_attention(data["q"], data["k"], data["v"], case["mask"] == "causal")
        return dict(against="float64 direct attention", err=max_rel_error(expected, ref))
    if case["kind"] == "megalodon":
        m = load_megalodon()
        p64 = {k: a.astype(np.float64) for k, a in data.items()}
        ref = m.reference(p64, case["G"], case["heads"], case["chunk"])
        return dict(against="examples/megalodon/megalodon.py float64 reference",
                    err=max_rel_error(expected, ref))
    if case["kind"] == "matmul":
        ref = data["a"].astype(np.float64) @ data["b"].astype(np.float64)
        return dict(against="float64 matmul", err=max_rel_error(expected, ref))
    return None


class Worker:
    """A worker process: holds one case at a time and answers the driver."""

    def __init__(self, threads, seed):
        self.threads, self.seed = threads, seed
        self.case = self.data = None
        self.runners = {}

    def info(self):
        out = dict(threads=self.threads, affinity=sorted(os.sched_getaffinity(0)),
                   env={k: os.environ.get(k) for k in THREAD_ENV},
                   blas=blas_runtime())
        try:
            out["seq"] = dict(version=getattr(load_seq(), "__version__", None))
        except Skip as e:
            out["seq"] = dict(error=str(e))
        try:
            torch = load_torch(self.threads)
            out["torch"] = dict(version=torch.__version__, num_threads=torch.get_num_threads(),
                                cpu_capability=torch.backends.cpu.get_cpu_capability(),
                                parallel=_first_line(torch.__config__.parallel_info(),
                                                     "ATen parallel backend"))
        except Skip as e:
            out["torch"] = dict(skipped=str(e))
        try:
            jax = load_jax()
            import jaxlib
            out["jax"] = dict(version=jax.__version__, jaxlib=jaxlib.__version__,
                              devices=[str(d) for d in jax.devices()])
        except Skip as e:
            out["jax"] = dict(skipped=str(e))
        return out

    def prepare(self, case, impls):
        """Inputs, the NumPy result every implementation is checked against,
        then per implementation: compile, one call, the check."""
        self.release()
        self.case, self.data = case, make_inputs(case, self.seed)
        reply, expected, numpy_runner = {}, None, None
        if case["kind"] in ("attention", "matmul", "megalodon"):
            numpy_runner = build(case, "numpy", self.data, self.threads)
            t0 = time.perf_counter()
            expected = numpy_runner.run()
            numpy_first = time.perf_counter() - t0
            check = baseline_check(case, self.data, expected)
            if check:
                reply["baseline_check"] = check
        for impl in impls:
            r = dict(status="ok")
            try:
                if impl == "numpy" and numpy_runner:     # its first call made `expected`
                    runner, out, first = numpy_runner, expected, numpy_first
                else:
                    runner = build(case, impl, self.data, self.threads)
                    t0 = time.perf_counter()
                    out = runner.run()
                    first = time.perf_counter() - t0
                r["first_call_ms"] = 1e3 * first
                if expected is not None:
                    r["max_rel_err"] = max_rel_error(runner.output(out), expected)
                r.update(compile_s=runner.compile_s, trace_s=runner.trace_s, note=runner.note)
                self.runners[impl] = runner
                del out
            except Skip as e:
                r = dict(status="skipped", reason=str(e))
            except Exception as e:            # a compile error or a crash in Python
                r = dict(status="error", reason=f"{type(e).__name__}: {e}",
                         traceback=traceback.format_exc())
            reply[impl] = r
        expected = None
        gc.collect()
        return reply

    def round(self, counts, settle_s):
        """Runs counts[impl] calls of each implementation in turn."""
        times = {}
        for impl, count in counts.items():
            runner = self.runners[impl]
            time.sleep(settle_s)          # let the previous implementation's threads sleep
            ts = []
            for _ in range(count):
                t0 = time.perf_counter()
                runner.run()
                ts.append(time.perf_counter() - t0)
            times[impl] = ts
        return times

    def release(self):
        self.case = self.data = None
        self.runners = {}
        gc.collect()


def worker_main(threads, seed):
    """The worker loop: one JSON command per line on stdin, one JSON reply per
    line on the original stdout. Everything else written to fd 1 (library
    messages) goes to stderr."""
    proto = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    worker = Worker(threads, seed)
    for line in sys.stdin:
        msg = json.loads(line)
        cmd = msg["cmd"]
        try:
            if cmd == "info":
                reply = worker.info()
            elif cmd == "prepare":
                reply = worker.prepare(msg["case"], msg["impls"])
            elif cmd == "round":
                reply = worker.round(msg["counts"], msg["settle_s"])
            elif cmd == "release":
                worker.release()
                reply = {}
            elif cmd == "quit":
                break
            else:
                reply = dict(error=f"unknown command {cmd!r}")
        except Exception:
            reply = dict(error=traceback.format_exc())
        proto.write(json.dumps(reply, default=_json_default) + "\n")
    return 0


def _proc_status():
    with open("/proc/self/status") as f:
        text = f.read()
    return {k: int(re.search(rf"^{k}:\s+(\d+) kB", text, re.M).group(1)) * 1024
            for k in ("VmRSS", "VmHWM")}


def memory_main(spec):
    """One fresh process per (case, implementation): inputs, compile, then
    the peak RSS of one call above the RSS just before it."""
    proto = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    msg = json.loads(spec)
    case, impl, threads = msg["case"], msg["impl"], msg["threads"]
    try:
        data = make_inputs(case, msg["seed"])
        runner = build(case, impl, data, threads)
        gc.collect()
        method = "VmHWM after resetting it (/proc/self/clear_refs 5)"
        try:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
        except OSError:
            method = "VmHWM since process start (clear_refs unavailable: includes compilation)"
        before = _proc_status()["VmRSS"]
        runner.run()
        peak = _proc_status()["VmHWM"]
        reply = dict(status="ok", baseline_bytes=before, peak_bytes=peak,
                     extra_bytes=max(0, peak - before), method=method)
    except Skip as e:
        reply = dict(status="skipped", reason=str(e))
    except Exception as e:
        reply = dict(status="error", reason=f"{type(e).__name__}: {e}")
    proto.write(json.dumps(reply) + "\n")
    return 0


def _json_default(x):
    if isinstance(x, (np.floating, np.integer)):
        return x.item()
    return str(x)


def _first_line(text, prefix):
    for line in text.splitlines():
        if line.strip().startswith(prefix):
            return line.strip()
    return None


# ==========================================================================
# Machine record
# ==========================================================================

THREAD_ENV = ("SEQ_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
              "MKL_NUM_THREADS", "XLA_FLAGS")


def blas_runtime():
    """Which OpenBLAS kernel NumPy runs, and with how many threads:
    threadpoolctl if installed, else OpenBLAS's C API."""
    try:
        import threadpoolctl
        pools = [{k: p.get(k) for k in ("internal_api", "prefix", "version", "architecture",
                                        "threading_layer", "num_threads", "filepath")}
                 for p in threadpoolctl.threadpool_info()]
        blas = [p for p in pools if p["internal_api"] in ("openblas", "mkl", "blis")]
        first = blas[0] if blas else {}
        return dict(source="threadpoolctl", kernel=first.get("architecture"),
                    library=first.get("internal_api"), version=first.get("version"),
                    num_threads=first.get("num_threads"), pools=pools)
    except ImportError:
        pass
    with open("/proc/self/maps") as f:
        paths = sorted({line.split()[-1] for line in f if "openblas" in line.lower()})
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix in ("scipy_openblas_", "openblas_"):
            for suffix in ("64_", ""):
                core = getattr(lib, prefix + "get_corename" + suffix, None)
                if core is None:
                    continue
                core.restype = ctypes.c_char_p
                threads = getattr(lib, prefix + "get_num_threads" + suffix)
                threads.restype = ctypes.c_int
                return dict(source="OpenBLAS C API", kernel=core().decode(),
                            library="openblas", num_threads=threads(), path=path)
    return dict(source="unavailable", kernel=None)


def _read(path, default=None):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return default


def cpu_info():
    info = {}
    for line in (_read("/proc/cpuinfo", "") or "").splitlines():
        if ":" not in line:
            if info:
                break                       # the first processor block
            continue
        key, value = (s.strip() for s in line.split(":", 1))
        info.setdefault(key, value)
    flags = set(info.get("flags", "").split())
    simd = [f for f in ("sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512dq",
                        "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16", "avx512_fp16",
                        "amx_tile", "amx_bf16") if f in flags]
    caches = []
    for index in sorted(os.listdir("/sys/devices/system/cpu/cpu0/cache")
                        if os.path.isdir("/sys/devices/system/cpu/cpu0/cache") else []):
        base = f"/sys/devices/system/cpu/cpu0/cache/{index}"
        if not index.startswith("index"):
            continue
        caches.append(dict(level=_read(f"{base}/level"), type=_read(f"{base}/type"),
                           size=_read(f"{base}/size"),
                           shared_with=_read(f"{base}/shared_cpu_list")))
    mem = re.search(r"MemTotal:\s+(\d+) kB", _read("/proc/meminfo", "") or "")
    cores = {(line.split(":")[1].strip()) for line in (_read("/proc/cpuinfo", "") or "")
             .splitlines() if line.startswith("core id")}
    return dict(model=info.get("model name", platform.processor() or "unknown"),
                vendor=info.get("vendor_id"), family=info.get("cpu family"),
                model_number=info.get("model"), mhz=info.get("cpu MHz"), simd=simd,
                caches=caches, logical_cores=os.cpu_count(),
                physical_cores=len(cores) or None,
                usable_cores=len(os.sched_getaffinity(0)),
                memory_bytes=int(mem.group(1)) * 1024 if mem else None)


def mem_available():
    m = re.search(r"MemAvailable:\s+(\d+) kB", _read("/proc/meminfo", "") or "")
    return int(m.group(1)) * 1024 if m else 8 << 30


def _version(module):
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        spec = None
    if spec is None:
        return None
    try:
        from importlib.metadata import version
        return version({"jax": "jax", "torch": "torch", "threadpoolctl": "threadpoolctl",
                        "matplotlib": "matplotlib"}.get(module, module))
    except Exception:
        return "installed"


def git_revision():
    def git(*args):
        return subprocess.run(["git", "-C", ROOT, *args], capture_output=True, text=True,
                              check=True).stdout.strip()
    try:
        rev = git("rev-parse", "--short=12", "HEAD")
        dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
        return rev + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return None


def llvm_version():
    for tool in ("llvm-config-22", "/usr/lib/llvm-22/bin/llvm-config", "llvm-config"):
        try:
            return subprocess.run([tool, "--version"], capture_output=True, text=True,
                                  check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            continue
    return None


def machine_info():
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    except Exception:
        blas = {}
    return dict(cpu=cpu_info(), platform=platform.platform(), python=platform.python_version(),
                numpy=np.__version__,
                numpy_blas_build=dict(name=blas.get("name"), version=blas.get("version")),
                versions={m: _version(m) for m in ("torch", "jax", "threadpoolctl",
                                                    "matplotlib")},
                llvm=llvm_version(), seq_git=git_revision(),
                removed_env=json.loads(os.environ.get(REMOVED_ENV, "{}")),
                blas_env_now={k: os.environ.get(k) for k in BLAS_OVERRIDES},
                loadavg_start=os.getloadavg())


# ==========================================================================
# Driver
# ==========================================================================

class WorkerProc:
    """A worker process for one thread count (JSON lines over pipes)."""

    def __init__(self, threads, opts, cpus):
        self.threads, self.opts, self.cpus = threads, opts, cpus
        self.env = worker_env(threads, cpus)
        self.proc = None
        self.start()

    def start(self):
        self.proc = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--worker", str(self.threads),
             "--seed", str(self.opts.seed)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=self.env)

    def send(self, msg):
        self.proc.stdin.write(json.dumps(msg) + "\n")
        self.proc.stdin.flush()

    def receive(self):
        line = self.proc.stdout.readline()
        if not line:
            code = self.proc.wait()
            self.start()                  # a fresh worker for the next case
            raise RuntimeError(f"the {self.threads}-thread worker died (exit code {code}); "
                               "its messages are above")
        reply = json.loads(line)
        if isinstance(reply, dict) and "error" in reply:
            raise RuntimeError(f"the {self.threads}-thread worker failed:\n{reply['error']}")
        return reply

    def request(self, msg):
        self.send(msg)
        return self.receive()

    def close(self):
        try:
            self.send(dict(cmd="quit"))
            self.proc.wait(timeout=30)
        except Exception:
            self.proc.kill()


def worker_cpus(threads):
    """The cores a worker of `threads` threads is restricted to: the first
    `threads` usable ones, or all of them (None: no restriction)."""
    usable = sorted(os.sched_getaffinity(0))
    return usable[:threads] if threads < len(usable) else None


def worker_env(threads, cpus):
    env = {k: v for k, v in os.environ.items() if k not in BLAS_OVERRIDES}
    env.update(SEQ_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads),
               OPENBLAS_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads),
               JAX_PLATFORMS="cpu", TF_CPP_MIN_LOG_LEVEL="2")
    env.pop(REMOVED_ENV, None)
    env.pop("SEQ_BENCH_CPUS", None)
    if cpus:
        env["SEQ_BENCH_CPUS"] = ",".join(str(c) for c in cpus)
    if threads == 1:   # XLA's CPU client has no thread-count option; this is its 1-thread mode
        env["XLA_FLAGS"] = (env.get("XLA_FLAGS", "") + " --xla_cpu_multi_thread_eigen=false"
                            " intra_op_parallelism_threads=1").strip()
    return env


def stats(times):
    return dict(median_ms=1e3 * float(np.median(times)), min_ms=1e3 * float(np.min(times)),
                repeats=len(times), times_ms=[1e3 * t for t in times])


class Bench:
    def __init__(self, opts):
        self.opts = opts
        self.workers = {}
        self.rates = {}        # (impl, threads, kind) -> FLOP/s of the last measurement
        self.results = []
        self.failures = []

    def start_workers(self):
        for t in self.opts.threads:
            self.workers[t] = WorkerProc(t, self.opts, worker_cpus(t))
        return {t: w.request(dict(cmd="info")) for t, w in self.workers.items()}

    def close(self):
        for w in self.workers.values():
            w.close()

    def plan(self, case, threads):
        """The implementations to run for `case` at `threads`, and why others are skipped."""
        run, skipped = [], {}
        for impl in case["impls"]:
            if self.opts.impls and impl not in self.opts.impls:
                continue
            budget = (self.opts.reference_max_call_s if impl == "seq_ref"
                      else self.opts.max_call_s)
            f = flops(case)
            rate = self.rates.get((impl, threads, case["kind"]))
            if rate is None and impl == "seq_ref":
                rate = 2e9             # a prior for the scalar reference, until measured
            if f and rate and f / rate > budget:
                skipped[impl] = dict(status="skipped", reason=(
                    f"estimated {f / rate:.1f} s per call > the {budget:g} s budget "
                    f"({'--reference-max-call-s' if impl == 'seq_ref' else '--max-call-s'})"))
                continue
            need, avail = estimated_bytes(case, impl), mem_available()
            if need > 0.7 * avail:
                skipped[impl] = dict(status="skipped", reason=(
                    f"would need ~{need / 2**30:.1f} GiB (JAX materializes the L x L scores)"
                    if impl == "jax" else f"would need ~{need / 2**30:.1f} GiB")
                    + f", {avail / 2**30:.1f} GiB available")
                continue
            run.append(impl)
        return run, skipped

    def run_case(self, case):
        opts = self.opts
        start = time.perf_counter()
        plans = {t: self.plan(case, t) for t in self.workers}
        # Prepare (inputs, compile, first call, check) in every worker at once.
        for t, w in self.workers.items():
            w.send(dict(cmd="prepare", case=case, impls=plans[t][0]))
        prepared = {}
        for t, w in self.workers.items():
            try:
                prepared[t] = w.receive()
            except RuntimeError as e:
                prepared[t] = {impl: dict(status="error", reason=str(e)) for impl in plans[t][0]}
        per_threads = {}
        for t in self.workers:
            res = dict(plans[t][1])
            res.update({k: v for k, v in prepared[t].items() if k != "baseline_check"})
            per_threads[t] = res
        result = dict(case=case, label=label(case), flops=flops(case), io_bytes=io_bytes(case),
                      threads={}, baseline_check={t: prepared[t].get("baseline_check")
                                                  for t in self.workers})
        # Timing: a calibration call each, then interleaved rounds.
        ready = {t: [i for i, r in per_threads[t].items() if r["status"] == "ok"]
                 for t in self.workers}
        times = {t: {i: [] for i in ready[t]} for t in self.workers}
        try:
            for t, w in self.workers.items():
                if ready[t]:
                    for i, ts in w.request(dict(cmd="round", counts={i: 1 for i in ready[t]},
                                                settle_s=opts.settle_s)).items():
                        times[t][i] += ts
            counts = {t: {i: max(0, int(min(opts.max_repeats, max(
                opts.min_repeats, math.ceil(opts.target / max(times[t][i][0], 1e-6))))) - 1)
                for i in ready[t]} for t in self.workers}
            for r in range(opts.rounds):
                for t, w in self.workers.items():
                    share = {i: n // opts.rounds + (r < n % opts.rounds)
                             for i, n in counts[t].items()}
                    share = {i: n for i, n in share.items() if n}
                    if share:
                        for i, ts in w.request(dict(cmd="round", counts=share,
                                                    settle_s=opts.settle_s)).items():
                            times[t][i] += ts
        except RuntimeError as e:
            for t in self.workers:
                for i in ready[t]:
                    per_threads[t][i].update(status="error", reason=str(e))
        for t, w in self.workers.items():
            try:
                w.request(dict(cmd="release"))
            except RuntimeError:
                pass
        # Statistics, checks, rates.
        for t in self.workers:
            res = per_threads[t]
            for i, r in res.items():
                if r["status"] == "ok" and times[t].get(i):
                    r.update(stats(times[t][i]))
                    if result["flops"]:
                        r["gflops"] = result["flops"] / r["median_ms"] / 1e6
                        self.rates[(i, t, case["kind"])] = result["flops"] / r["median_ms"] * 1e3
                    err = r.get("max_rel_err")
                    r["ok"] = err is None or (math.isfinite(err) and err <= opts.tolerance)
                    if not r["ok"]:
                        self.failures.append(
                            f"{label(case)}, {IMPL_NAMES.get(i, i)}, {t} thread(s): max rel err "
                            f"{err:.2e} > {opts.tolerance:g} against NumPy")
                elif r["status"] == "error":
                    self.failures.append(f"{label(case)}, {IMPL_NAMES.get(i, i)}, {t} thread(s):"
                                         f" {r['reason']}")
            seq_ms = res.get("seq", {}).get("median_ms")
            for i, r in res.items():
                if seq_ms and r.get("median_ms") and i != "seq":
                    r["time_over_seq"] = r["median_ms"] / seq_ms
            check = result["baseline_check"][t]
            if check and not check["err"] <= opts.tolerance:
                self.failures.append(f"{label(case)}: the NumPy baseline is off from the "
                                     f"{check['against']} by {check['err']:.2e}")
            result["threads"][str(t)] = res
        result["wall_s"] = time.perf_counter() - start
        self.results.append(result)
        return result

    def memory(self, case, impl, threads):
        """Peak memory of one call of `impl` on `case` in a fresh process."""
        spec = json.dumps(dict(case=case, impl=impl, threads=threads, seed=self.opts.seed))
        return subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--memory-worker", spec],
            stdout=subprocess.PIPE, text=True, env=worker_env(threads, worker_cpus(threads)))

    def measure_memory(self, jobs):
        """Runs the memory processes, --memory-jobs at a time (each measures
        only itself, so they may overlap)."""
        running = []
        queue = list(jobs)
        while queue or running:
            while queue and len(running) < self.opts.memory_jobs:
                result, impl, threads = queue.pop(0)
                running.append((result, impl, self.memory(result["case"], impl, threads)))
            result, impl, proc = running.pop(0)
            out, _ = proc.communicate()
            try:
                reply = json.loads(out.strip().splitlines()[-1])
            except (ValueError, IndexError):
                reply = dict(status="error", reason=f"the memory process died (exit code "
                                                    f"{proc.returncode})")
            result.setdefault("memory", {})[impl] = reply
            if reply["status"] == "error":
                self.failures.append(f"{result['label']}, {IMPL_NAMES.get(impl, impl)}, peak "
                                     f"memory process: {reply['reason']}")


def run_bench(opts):
    start = time.perf_counter()
    machine = machine_info()
    print("seq attention benchmark"
          + (" (--quick: tiny sizes, numbers are not meaningful)" if opts.quick else ""))
    print(describe_machine(machine))
    bench = Bench(opts)
    infos = bench.start_workers()
    for t, info in infos.items():
        print(f"threads {t}: cores {info['affinity']}; " + describe_worker(info))
    print(f"timing: median of N calls per implementation, N = clamp(ceil({opts.target:g} s / one "
          f"call), {opts.min_repeats}, {opts.max_repeats}), {opts.rounds} interleaved rounds, "
          f"{opts.settle_s:g} s pause between implementations\n", flush=True)
    for peer in ("torch", "jax"):
        reasons = {info[peer]["skipped"] for info in infos.values() if "skipped" in info[peer]}
        for reason in sorted(reasons):
            print(f"skipping {IMPL_NAMES[peer]}: {reason}")

    limit_cases = [dict(kind="sgemm", n=opts.sgemm_n, impls=["numpy"]),
                   dict(kind="copy", mib=opts.copy_mib, impls=["numpy"])]
    for case in limit_cases:
        r = bench.run_case(case)
        print("  " + progress_line(r, opts))
    for case in make_cases(opts):
        r = bench.run_case(case)
        print("  " + progress_line(r, opts), flush=True)
    end_sgemm = bench.run_case(dict(limit_cases[0], phase="end"))
    print("  " + progress_line(end_sgemm, opts) + " (again, at the end)")
    bench.close()

    if not opts.no_memory:
        tmax = max(opts.threads)
        jobs = []
        for r in bench.results:
            # (--quick: attention only; the MEGALODON block takes seconds to compile)
            if r["case"]["kind"] not in (("attention",) if opts.quick else
                                         ("attention", "megalodon")):
                continue
            for impl, res in r["threads"][str(tmax)].items():
                if res["status"] == "ok":
                    jobs.append((r, impl, tmax))
        print(f"\npeak memory: {len(jobs)} fresh processes ({tmax} threads), "
              f"{opts.memory_jobs} at a time", flush=True)
        bench.measure_memory(jobs)

    machine["loadavg_end"] = os.getloadavg()
    doc = dict(schema="seq-bench-attention/1",
               date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
               command=" ".join(["python", os.path.relpath(os.path.abspath(__file__), ROOT)]
                                + sys.argv[1:]),
               quick=opts.quick, tolerance=opts.tolerance, threads=opts.threads,
               timing=dict(target_s=opts.target, min_repeats=opts.min_repeats,
                           max_repeats=opts.max_repeats, rounds=opts.rounds,
                           settle_s=opts.settle_s),
               machine=machine, workers={str(t): i for t, i in infos.items()},
               results=bench.results, failures=bench.failures,
               total_runtime_s=time.perf_counter() - start)
    doc["targets"] = evaluate_targets(doc)
    return doc


def make_cases(opts):
    cases = []
    for d in opts.head_dims:
        for mask in opts.masks:
            for l in opts.lengths:
                cases.append(attention_case(d, l, mask, h=opts.heads))
    cases.append(dict(kind="matmul", n=opts.matmul_n, impls=["seq", "numpy"]))
    cases.append(dict(kind="megalodon", L=opts.megalodon_l, D=64, N=16, G=4, heads=2, chunk=32,
                      impls=["seq", "numpy", "torch"]))
    if opts.only:
        cases = [c for c in cases if any(o in label(c) for o in opts.only)]
    return cases


# ==========================================================================
# Targets
# ==========================================================================

def _find(doc, **want):
    for r in doc["results"]:
        c = r["case"]
        if all(c.get(k) == v for k, v in want.items()) and c.get("phase") != "end":
            return r
    return None


def _ms(r, threads, impl):
    res = (r or {}).get("threads", {}).get(str(threads), {}).get(impl, {})
    return res.get("median_ms") if res.get("status") == "ok" else None


def sgemm_gflops(doc, threads):
    """The higher of the sgemm medians measured at the start and the end."""
    best = None
    for r in doc["results"]:
        if r["case"]["kind"] == "sgemm":
            g = r["threads"].get(str(threads), {}).get("numpy", {}).get("gflops")
            if g and (best is None or g > best):
                best = g
    return best


def copy_gbps(doc, threads):
    r = _find(doc, kind="copy")
    ms = _ms(r, threads, "numpy")
    return 2 * r["case"]["mib"] * MIB / ms / 1e6 if ms else None


def target_sizes(doc):
    """The sizes the targets are judged at: the issue's, or the largest
    measured ones for --quick."""
    if doc["quick"]:
        ls = [r["case"]["L"] for r in doc["results"] if r["case"]["kind"] == "attention"]
        ds = [r["case"]["D"] for r in doc["results"] if r["case"]["kind"] == "attention"]
        mm = [r["case"]["n"] for r in doc["results"] if r["case"]["kind"] == "matmul"]
        return dict(L=max(ls, default=0), D=min(ds, default=0), big_L=max(ls, default=0),
                    matmul=max(mm, default=0))
    return dict(L=4096, D=64, big_L=4096, matmul=1024)


def evaluate_targets(doc):
    """The issue's targets as (status, text): PASS, FAIL or n/a (not measured)."""
    sizes = target_sizes(doc)
    cores = doc["machine"]["cpu"]["usable_cores"]
    tall = max(doc["threads"])
    all_cores = tall >= cores
    out = []

    def add(ok, text):
        out.append(dict(status="n/a" if ok is None else ("PASS" if ok else "FAIL"), text=text))

    L, D = sizes["L"], sizes["D"]
    where = f"L={L} D={D} causal, {tall} threads" + ("" if all_cores else
                                                      f" (not all {cores} cores)")
    r = _find(doc, kind="attention", L=L, D=D, mask="causal")
    seq = _ms(r, tall, "seq")
    g = r["threads"][str(tall)]["seq"].get("gflops") if seq else None
    sg = sgemm_gflops(doc, tall)
    if g and sg and all_cores:
        add(g >= 0.5 * sg, f"seq >= 50% of sgemm ({where}): seq {g:.1f} GFLOP/s = "
            f"{100 * g / sg:.0f}% of sgemm {sg:.1f} GFLOP/s")
    else:
        add(None, f"seq >= 50% of sgemm ({where}): not measured in this run")
    for peer in ("torch", "jax"):
        name = {"torch": "PyTorch SDPA", "jax": "JAX dot_product_attention"}[peer]
        p = _ms(r, tall, peer)
        if seq and p and all_cores:
            add(seq < p, f"seq faster than {name} ({where}): seq {seq:.1f} ms, "
                f"{IMPL_NAMES[peer]} {p:.1f} ms ({p / seq:.2f}x seq's time)")
        else:
            why = (doc["results"] and _peer_skip_reason(r, tall, peer)) or "not measured"
            add(None, f"seq faster than {name} ({where}): {why}")
    # Causal ~ half of full.
    pairs = []
    for rc in doc["results"]:
        c = rc["case"]
        if c["kind"] == "attention" and c["mask"] == "causal" and c["L"] >= sizes["big_L"]:
            rf = _find(doc, kind="attention", L=c["L"], D=c["D"], mask="none")
            a, b = _ms(rc, tall, "seq"), _ms(rf, tall, "seq")
            if a and b:
                pairs.append((c["D"], c["L"], a / b))
    text = (f"causal ~ half the time of full at L >= {sizes['big_L']} (seq, {tall} threads, "
            "causal/full <= 0.6)")
    if pairs:
        add(all(x <= 0.6 for _, _, x in pairs), text + ": " + ", ".join(
            f"D={d} L={l} {x:.2f}" for d, l, x in pairs))
    else:
        add(None, text + ": not measured")
    # Two threads vs one.
    speed = []
    for rc in doc["results"]:
        c = rc["case"]
        if c["kind"] == "attention" and c["L"] >= sizes["big_L"]:
            a, b = _ms(rc, 1, "seq"), _ms(rc, 2, "seq")
            if a and b:
                speed.append((mask_name(c["mask"]), c["D"], c["L"], a / b))
    text = f"2 threads >= 1.7x 1 thread (seq attention, L >= {sizes['big_L']})"
    if speed:
        load = doc["machine"].get("loadavg_start", [0])[0]
        add(min(x for *_, x in speed) >= 1.7, text + ": " + ", ".join(
            f"{m} D={d} L={l} {x:.2f}x" for m, d, l, x in speed)
            + f" (load average at start {load:.1f})")
    else:
        add(None, text + ": not measured (needs --threads with 1 and 2)")
    # Memory linear in L.
    mem = []
    for rc in doc["results"]:
        c = rc["case"]
        m = rc.get("memory", {}).get("seq")
        if c["kind"] == "attention" and m and m.get("status") == "ok":
            bound = 64 * MIB + 2 * rc["io_bytes"]
            mem.append((c, m["extra_bytes"], bound))
    text = ("peak memory linear in L (seq: extra RSS of one call <= 64 MiB + 2 x the bytes of "
            "q, k, v and the output, at every L)")
    if mem:
        worst = max(mem, key=lambda x: x[1] / x[2])
        c = worst[0]
        add(all(e <= b for _, e, b in mem), text + f": worst {mask_name(c['mask'])} D={c['D']} "
            f"L={c['L']} "
            f"{worst[1] / MIB:.1f} MiB of {worst[2] / MIB:.0f} MiB allowed "
            f"(the L x L f32 scores of all heads would be "
            f"{c['B'] * c['H'] * c['L'] ** 2 * 4 / MIB:.0f} MiB)")
    else:
        add(None, text + ": not measured")
    # DSL matmul.
    r = _find(doc, kind="matmul", n=sizes["matmul"])
    a, b = _ms(r, tall, "seq"), _ms(r, tall, "numpy")
    text = f"DSL matmul {sizes['matmul']}^3 within 1.3x of NumPy ({tall} threads)"
    if a and b:
        add(a <= 1.3 * b, text + f": seq {a:.2f} ms, NumPy {b:.2f} ms ({a / b:.2f}x)")
    else:
        add(None, text + ": not measured")
    return out


def _peer_skip_reason(r, threads, impl):
    res = (r or {}).get("threads", {}).get(str(threads), {}).get(impl)
    return res.get("reason") if res else None


# ==========================================================================
# Reports
# ==========================================================================

def fmt_ms(x):
    if x is None:
        return "-"
    return f"{x:.0f}" if x >= 100 else f"{x:.1f}" if x >= 10 else f"{x:.2f}" if x >= 1 \
        else f"{x:.3f}"


def describe_machine(m):
    c = m["cpu"]
    kind = {"Data": "d", "Instruction": "i"}
    caches = ", ".join(f"L{x['level']}{kind.get(x['type'], '')} {x['size']}" for x in c["caches"])
    removed = ", ".join(f"{k}={v}" for k, v in m["removed_env"].items())
    lines = [
        f"CPU     : {c['model']} (family {c['family']} model {c['model_number']}), "
        f"{c['logical_cores']} logical / {c['physical_cores']} physical cores, "
        f"{c['usable_cores']} usable; {' '.join(c['simd'])}",
        f"caches  : {caches or '?'}; memory {(c['memory_bytes'] or 0) / 2**30:.1f} GiB; "
        f"load average {m['loadavg_start'][0]:.2f} at start",
        f"software: Python {m['python']}, NumPy {m['numpy']} ({m['numpy_blas_build']['name']} "
        f"{m['numpy_blas_build']['version']}), PyTorch {m['versions']['torch'] or 'absent'}, "
        f"JAX {m['versions']['jax'] or 'absent'}, LLVM {m['llvm'] or '?'}, "
        f"seq {m['seq_git']}",
        "BLAS env: " + (f"removed {removed} for this run" if removed
                        else "OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE not set"),
    ]
    return "\n".join(lines)


def describe_worker(info):
    b = info["blas"]
    parts = [f"OpenBLAS kernel {b.get('kernel')} x{b.get('num_threads')} ({b.get('source')})"]
    if "num_threads" in info["torch"]:
        parts.append(f"torch {info['torch']['num_threads']} threads "
                     f"({info['torch']['cpu_capability']})")
    if "devices" in info["jax"]:
        parts.append("jax " + ("1 thread (XLA_FLAGS)" if info["threads"] == 1
                               else "cores of the affinity mask"))
    parts.append(f"SEQ_NUM_THREADS={info['env']['SEQ_NUM_THREADS']}")
    return ", ".join(parts)


def progress_line(r, opts):
    parts = [f"{r['label']:30s}"]
    for t, res in r["threads"].items():
        cells = []
        for impl, x in res.items():
            name = {"seq": "seq", "seq_ref": "ref"}.get(impl, impl)
            if x["status"] == "ok" and "median_ms" in x:
                cell = f"{name} {fmt_ms(x['median_ms'])}"
                if x.get("gflops") and impl == "seq":
                    cell += f" ({x['gflops']:.1f} GF/s)"
                if x.get("max_rel_err") is not None:
                    cell += f" e={x['max_rel_err']:.0e}" + ("" if x["ok"] else " FAIL")
                cells.append(cell)
            elif x["status"] == "error":
                cells.append(f"{name} ERROR")
        parts.append(f"T{t}: " + ", ".join(cells))
    tail = " ms"
    if r["case"]["kind"] == "sgemm":
        tail += " = " + ", ".join(f"T{t}: {res['numpy'].get('gflops', 0):.1f}"
                                  for t, res in r["threads"].items()) + " GFLOP/s"
    return " | ".join(parts) + tail + f"  [{r['wall_s']:.0f} s]"


def markdown_table(rows, left=1):
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    out = ["| " + " | ".join(str(c).ljust(w) for c, w in zip(rows[0], widths)) + " |",
           "|" + "|".join(("-" * (w + 2)) if i < left else ("-" * (w + 1) + ":")
                          for i, w in enumerate(widths)) + "|"]
    for row in rows[1:]:
        out.append("| " + " | ".join(str(c).ljust(w) if i < left else str(c).rjust(w)
                                     for i, (c, w) in enumerate(zip(row, widths))) + " |")
    return "\n".join(out)


def _cell(res, with_ratio=True):
    if res is None:
        return "-"
    if res.get("status") == "skipped":
        return "skip"
    if res.get("status") == "error":
        return "ERROR"
    ms = res.get("median_ms")
    text = fmt_ms(ms)
    if with_ratio and res.get("time_over_seq"):
        text += f" ({res['time_over_seq']:.2f}x)"
    if res.get("ok") is False:
        text += " FAIL"
    return text


def markdown(doc):
    m = doc["machine"]
    c = m["cpu"]
    threads = doc["threads"]
    out = [f"# seq attention benchmark" + (" (--quick: tiny sizes)" if doc["quick"] else ""),
           "", f"{doc['date']} · `{doc['command']}` · total {doc['total_runtime_s']:.0f} s · "
           f"seq {m['seq_git']}", "", "## Targets (issue 7)", ""]
    if doc["quick"]:
        out += ["(--quick: judged at the largest quick sizes, not the issue's.)", ""]
    for t in doc["targets"]:
        out.append(f"- **{t['status']}** {t['text']}")
    if doc["failures"]:
        out += ["", "## FAILURES", ""] + [f"- {f}" for f in doc["failures"]]
    caches = ", ".join(f"L{x['level']} {x['type'].lower()} {x['size']} (shared by cpus "
                       f"{x['shared_with']})" for x in c["caches"])
    removed = ", ".join(f"`{k}={v}`" for k, v in m["removed_env"].items())
    out += ["", "## Machine", "",
            f"- CPU: {c['model']} (vendor {c['vendor']}, family {c['family']}, model "
            f"{c['model_number']}), {c['logical_cores']} logical / {c['physical_cores']} "
            f"physical cores, {c['usable_cores']} usable; SIMD: {' '.join(c['simd'])}",
            f"- caches: {caches}; memory {(c['memory_bytes'] or 0) / 2**30:.1f} GiB",
            f"- load average: {m['loadavg_start'][0]:.2f} at the start, "
            f"{m.get('loadavg_end', [float('nan')])[0]:.2f} at the end",
            f"- software: Python {m['python']}, NumPy {m['numpy']} "
            f"({m['numpy_blas_build']['name']} {m['numpy_blas_build']['version']}), "
            f"PyTorch {m['versions']['torch'] or 'absent'}, "
            f"JAX {m['versions']['jax'] or 'absent'}, LLVM {m['llvm']}",
            "- OpenBLAS: " + ("removed " + removed + " from the environment for this run; "
                              if removed else "`OPENBLAS_CORETYPE`/`OPENBLAS_L2_SIZE` unset; ")
            + "kernel at run time: " + ", ".join(
                f"{t} thread(s): {w['blas'].get('kernel')} x{w['blas'].get('num_threads')}"
                for t, w in doc["workers"].items())]
    for t, w in doc["workers"].items():
        out.append(f"- {t} thread(s): cores {w['affinity']}; {describe_worker(w)}")
    limits = []
    for t in threads:
        sg, cp = sgemm_gflops(doc, t), copy_gbps(doc, t)
        limits.append(f"{t} thread(s): sgemm {doc_sgemm_n(doc)}² "
                      f"{sg:.1f} GFLOP/s" if sg else f"{t} thread(s): sgemm -")
        if cp:
            limits[-1] += f", copy {cp:.1f} GB/s"
    out.append("- practical limits (NumPy, this run; copy = read + write bytes of np.copyto, "
               "one thread): " + "; ".join(limits))
    tm = doc["timing"]
    out += [f"- timing: median of N calls, N = clamp(ceil({tm['target_s']:g} s / one call), "
            f"{tm['min_repeats']}, {tm['max_repeats']}), {tm['rounds']} interleaved rounds, "
            f"{tm['settle_s']:g} s pause between implementations", ""]

    att = [r for r in doc["results"] if r["case"]["kind"] == "attention"]
    if att:
        out += ["## Attention (f32, B=1, H=%d): median ms; (x) = time / seq's time" %
                att[0]["case"]["H"], ""]
        rows = [("mask", "D", "L", "threads", "seq", "GFLOP/s", "% sgemm", "seq reference",
                 "NumPy", "PyTorch", "JAX", "max rel err", "compile s")]
        for t in threads:
            sg = sgemm_gflops(doc, t)
            for r in att:
                res = r["threads"].get(str(t), {})
                s = res.get("seq", {})
                errs = [x["max_rel_err"] for x in res.values() if x.get("max_rel_err") is not None]
                rows.append((mask_name(r["case"]["mask"]), r["case"]["D"], r["case"]["L"], t,
                             _cell(s, False),
                             f"{s['gflops']:.1f}" if s.get("gflops") else "-",
                             f"{100 * s['gflops'] / sg:.0f}%" if s.get("gflops") and sg else "-",
                             _cell(res.get("seq_ref")), _cell(res.get("numpy")),
                             _cell(res.get("torch")), _cell(res.get("jax")),
                             f"{max(errs):.1e}" if errs else "-",
                             f"{s['compile_s'] + s['trace_s']:.2f}" if s.get("compile_s") else "-"))
        out += [markdown_table(rows, left=1), ""]
        # Scaling and causal skipping.
        if 1 in threads and 2 in threads:
            rows = [("mask", "D", "L") + tuple(f"{IMPL_NAMES[i]} 2T/1T" for i in
                                                ("seq", "numpy", "torch", "jax"))]
            for r in att:
                row = [mask_name(r["case"]["mask"]), r["case"]["D"], r["case"]["L"]]
                for i in ("seq", "numpy", "torch", "jax"):
                    a, b = _ms(r, 1, i), _ms(r, 2, i)
                    row.append(f"{a / b:.2f}x" if a and b else "-")
                rows.append(tuple(row))
            out += ["### Speedup of 2 threads over 1 (time at 1 / time at 2)", "",
                    markdown_table(rows), ""]
        tall = max(threads)
        rows = [("D", "L") + tuple(f"{IMPL_NAMES[i]} causal/full" for i in
                                   ("seq", "numpy", "torch", "jax"))]
        for r in att:
            if r["case"]["mask"] != "causal":
                continue
            rf = _find(doc, kind="attention", L=r["case"]["L"], D=r["case"]["D"], mask="none")
            if not rf:
                continue
            row = [r["case"]["D"], r["case"]["L"]]
            for i in ("seq", "numpy", "torch", "jax"):
                a, b = _ms(r, tall, i), _ms(rf, tall, i)
                row.append(f"{a / b:.2f}" if a and b else "-")
            rows.append(tuple(row))
        if len(rows) > 1:
            out += [f"### Causal time / full time ({tall} threads; 0.5 = masked tiles skipped)",
                    "", markdown_table(rows), ""]
        # Memory.
        impls = ("seq", "seq_ref", "numpy", "torch", "jax")
        rows = [("mask", "D", "L", "q,k,v,out MiB") + tuple(IMPL_NAMES[i] for i in impls)]
        for r in att:
            mem = r.get("memory")
            if not mem:
                continue
            rows.append((mask_name(r["case"]["mask"]), r["case"]["D"], r["case"]["L"],
                         f"{r['io_bytes'] / MIB:.0f}") + tuple(
                f"{mem[i]['extra_bytes'] / MIB:.1f}" if mem.get(i, {}).get("status") == "ok"
                else "-" for i in impls))
        if len(rows) > 1:
            method = next(iter(next(r for r in att if r.get("memory"))["memory"].values()))
            out += ["### Peak memory of one call (MiB above the RSS before the call)", "",
                    "A fresh process per case and implementation makes the inputs, compiles, "
                    f"then runs one call; the number is its peak RSS ({method.get('method')}) "
                    "minus the RSS just before the call: the output plus every temporary "
                    f"buffer. {max(threads)} threads.", "", markdown_table(rows), ""]
    other = [r for r in doc["results"] if r["case"]["kind"] in ("matmul", "megalodon")]
    if other:
        rows = [("case", "threads", "seq", "compile s", "NumPy", "PyTorch", "max rel err",
                 "peak MiB seq / NumPy / PyTorch")]
        for r in other:
            for t in threads:
                res = r["threads"].get(str(t), {})
                s = res.get("seq", {})
                errs = [x["max_rel_err"] for x in res.values() if x.get("max_rel_err") is not None]
                mem = r.get("memory", {})
                rows.append((r["label"], t, _cell(s, False),
                             f"{s['compile_s'] + s['trace_s']:.2f}" if s.get("compile_s") else "-",
                             _cell(res.get("numpy")), _cell(res.get("torch")),
                             f"{max(errs):.1e}" if errs else "-",
                             " / ".join(f"{mem[i]['extra_bytes'] / MIB:.0f}"
                                        if mem.get(i, {}).get("status") == "ok" else "-"
                                        for i in ("seq", "numpy", "torch"))
                             if t == max(threads) and mem else ""))
        out += ["## MEGALODON block and DSL matmul: median ms; (x) = time / seq's time", "",
                "MEGALODON: examples/megalodon/megalodon.py's block (B=1, D=64, 2 heads, chunks "
                "of 32, CEMA N=16) against the float32 NumPy and PyTorch versions in this file "
                "(EMA as an FFT convolution, TimestepNorm by cumulative sums).", "",
                markdown_table(rows), ""]
    skipped = sorted({f"{IMPL_NAMES.get(i, i)}: {x['reason']}" for r in doc["results"]
                      for res in r["threads"].values() for i, x in res.items()
                      if x.get("status") == "skipped" and "budget" not in x["reason"]
                      and "GiB" not in x["reason"]})
    budget = sorted({f"{r['label']}, {t} thread(s), {IMPL_NAMES.get(i, i)}: {x['reason']}"
                     for r in doc["results"] for t, res in r["threads"].items()
                     for i, x in res.items() if x.get("status") == "skipped"
                     and ("budget" in x["reason"] or "GiB" in x["reason"])})
    if skipped or budget:
        out += ["## Skipped", ""] + [f"- {s}" for s in skipped] + [f"- {s}" for s in budget] + [""]
    checks = sorted({f"{r['label']}: {c['err']:.1e} against the {c['against']}"
                     for r in doc["results"] for c in r["baseline_check"].values() if c})
    if checks:
        out += ["## NumPy baselines against float64", ""] + [f"- {s}" for s in checks] + [""]
    return "\n".join(out)


def doc_sgemm_n(doc):
    r = _find(doc, kind="sgemm")
    return r["case"]["n"] if r else "?"


def write_plot(doc, path):
    """GFLOP/s against L per implementation (one panel per D and mask; solid:
    the most threads, dashed: fewer), with NumPy's sgemm as the limit, and the
    peak extra memory against L."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.lines import Line2D
        from matplotlib.ticker import FuncFormatter
    except ImportError:
        print("plot skipped: matplotlib is not importable (bash bench/setup.sh installs it)")
        return False
    att = [r for r in doc["results"] if r["case"]["kind"] == "attention"]
    if not att:
        return False
    dims = sorted({r["case"]["D"] for r in att})
    masks = [m for m in ("causal", "none") if any(r["case"]["mask"] == m for r in att)]
    impls = ("seq", "seq_ref", "numpy", "torch", "jax")
    colors = {"seq": "#d55e00", "seq_ref": "#e69f00", "numpy": "#0072b2", "torch": "#cc79a7",
              "jax": "#009e73"}
    threads = sorted(doc["threads"], reverse=True)
    styles = dict(zip(threads, ("-", "--", ":", "-.")))
    widths = dict(zip(threads, (2.0, 1.2, 1.0, 1.0)))
    lengths = sorted({r["case"]["L"] for r in att})
    number = FuncFormatter(lambda y, _: f"{y:g}")
    minor = FuncFormatter(lambda y, _: f"{y:g}" if f"{y:g}"[0] in "25" else "")

    def x_axis(ax):
        ax.set_xscale("log", base=2)
        ax.set_xticks(lengths)
        ax.set_xticklabels([f"{l // 1024}K" if l % 1024 == 0 else str(l) for l in lengths])
        ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(number)
        ax.yaxis.set_minor_formatter(minor)
        ax.set_xlabel("L")
        ax.grid(alpha=0.3, which="both")

    ncol = len(masks) + 1
    fig, axes = plt.subplots(len(dims), ncol, figsize=(5.0 * ncol, 3.9 * len(dims) + 1.0),
                             squeeze=False)
    seen = set()
    for row, d in enumerate(dims):
        for col, mask in enumerate(masks):
            ax = axes[row][col]
            rs = sorted((r for r in att if r["case"]["D"] == d and r["case"]["mask"] == mask),
                        key=lambda r: r["case"]["L"])
            for t in threads:
                for impl in impls:
                    pts = [(r["case"]["L"], r["threads"][str(t)][impl]["gflops"]) for r in rs
                           if r["threads"].get(str(t), {}).get(impl, {}).get("gflops")]
                    if pts:
                        seen.add(impl)
                        ax.plot(*zip(*pts), styles[t], lw=widths[t], marker="o", ms=3,
                                color=colors[impl])
                sg = sgemm_gflops(doc, t)
                if sg:
                    ax.axhline(sg, color="#444444", ls=styles[t], lw=0.9)
            x_axis(ax)
            ax.set_ylabel("GFLOP/s (causal: half the FLOPs)")
            ax.set_title(f"{'causal' if mask == 'causal' else 'full'} attention, D={d}",
                         fontsize=10)
        ax = axes[row][ncol - 1]
        for mask in masks:
            rs = sorted((r for r in att if r["case"]["D"] == d and r["case"]["mask"] == mask
                         and r.get("memory")), key=lambda r: r["case"]["L"])
            for impl in impls:
                pts = [(r["case"]["L"], r["memory"][impl]["extra_bytes"] / MIB) for r in rs
                       if r["memory"].get(impl, {}).get("status") == "ok"]
                if pts:
                    ax.plot(*zip(*pts), "-" if mask == "causal" else ":",
                            marker="o" if mask == "causal" else "s", ms=3, color=colors[impl])
        ls = sorted({r["case"]["L"] for r in att if r["case"]["D"] == d})
        h = att[0]["case"]["H"]
        ax.plot(ls, [4 * h * l * d * 4 / MIB for l in ls], color="#999999", lw=3, alpha=0.5)
        ax.plot(ls, [h * l * l * 4 / MIB for l in ls], color="#999999", lw=1, ls="--")
        x_axis(ax)
        ax.set_ylabel("peak MiB above the inputs (one call)")
        ax.set_title(f"peak memory, D={d} (causal solid, full dotted)", fontsize=10)
    handles = [Line2D([], [], color=colors[i], lw=2, label=IMPL_NAMES[i]) for i in impls
               if i in seen]
    handles += [Line2D([], [], color="#444444", ls=styles[t], lw=widths[t],
                       label=f"{t} thread{'s' if t > 1 else ''}") for t in threads]
    handles += [Line2D([], [], color="#444444", lw=0.9, label="NumPy sgemm (limit)"),
                Line2D([], [], color="#999999", lw=3, alpha=0.5, label="bytes of q, k, v, out"),
                Line2D([], [], color="#999999", lw=1, ls="--", label="bytes of H L x L scores")]
    fig.legend(handles=handles, loc="lower center", ncol=min(len(handles), 6), fontsize=8,
               frameon=False)
    m = doc["machine"]
    status = ", ".join(t["status"] for t in doc["targets"])
    fig.suptitle(f"seq attention benchmark{' [--quick sizes]' if doc['quick'] else ''}: "
                 f"f32, B=1, H={att[0]['case']['H']}; {m['cpu']['model']}, "
                 f"{m['cpu']['usable_cores']} cores; seq {m['seq_git']}, {doc['date'][:10]}\n"
                 f"targets (see attention.md): {status}", fontsize=10)
    fig.tight_layout(rect=(0, 0.09 if len(dims) == 1 else 0.05, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def write_outputs(doc, json_path, write_json=True):
    base = os.path.splitext(json_path)[0]
    os.makedirs(os.path.dirname(os.path.abspath(json_path)), exist_ok=True)
    if write_json:
        with open(json_path, "w") as f:
            json.dump(doc, f, indent=1, default=_json_default)
            f.write("\n")
    text = markdown(doc)
    with open(base + ".md", "w") as f:
        f.write(text + "\n")
    print("\n" + text)
    plotted = write_plot(doc, base + ".png")
    print(f"\nwrote {json_path + ', ' if write_json else ''}{base}.md"
          + (f", {base}.png" if plotted else ""))


# ==========================================================================

def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true",
                   help="tiny sizes, short timing: a smoke test of the whole script")
    p.add_argument("--only", action="append", default=None, metavar="TEXT",
                   help="run only the cases whose label contains TEXT (repeatable), e.g. "
                        "'attention causal', 'L=4096', 'megalodon', 'matmul'; sgemm and copy "
                        "always run")
    p.add_argument("--threads", default=None,
                   help="thread counts, comma-separated (default 1,2 and all cores)")
    p.add_argument("--json", default=os.path.join(HERE, "results", "attention.json"),
                   help="results JSON; the .md and .png go next to it "
                        "(default bench/results/attention.json)")
    p.add_argument("--lengths", default=None, help="L values (default 1024,...,16384)")
    p.add_argument("--head-dims", default=None, help="D values (default 64,128)")
    p.add_argument("--masks", default="causal,full", help="causal and/or full")
    p.add_argument("--heads", type=int, default=8)
    p.add_argument("--impls", default=None,
                   help="implementations to run (default all: seq,seq_ref,numpy,torch,jax)")
    p.add_argument("--target", type=float, default=None,
                   help="seconds of timed calls per implementation and case (default 1)")
    p.add_argument("--min-repeats", type=int, default=None)
    p.add_argument("--max-repeats", type=int, default=200)
    p.add_argument("--rounds", type=int, default=None)
    p.add_argument("--settle-s", type=float, default=None,
                   help="pause before each implementation's block of calls (default 0.3 s)")
    p.add_argument("--max-call-s", type=float, default=120.0,
                   help="skip an implementation whose estimated call exceeds this")
    p.add_argument("--reference-max-call-s", type=float, default=3.0,
                   help="the same for the scalar reference pipeline")
    p.add_argument("--tolerance", type=float, default=1e-3,
                   help="max rel error against NumPy before a result fails")
    p.add_argument("--no-memory", action="store_true", help="skip the peak-memory processes")
    p.add_argument("--memory-jobs", type=int, default=None,
                   help="memory processes at a time (default: the number of usable cores)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--replot", metavar="JSON",
                   help="only rewrite the .md and .png of an earlier results JSON")
    p.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    p.add_argument("--memory-worker", help=argparse.SUPPRESS)
    opts = p.parse_args(argv)

    def ints(text):
        return [int(x) for x in text.split(",") if x.strip()]
    cores = len(os.sched_getaffinity(0))
    q = opts.quick
    opts.threads = sorted(set(ints(opts.threads) if opts.threads else [1, 2, cores]))
    opts.lengths = ints(opts.lengths) if opts.lengths else (
        [128] if q else [1024, 2048, 4096, 8192, 16384])
    opts.head_dims = ints(opts.head_dims) if opts.head_dims else ([32] if q else [64, 128])
    opts.masks = [{"full": "none"}.get(m.strip(), m.strip()) for m in opts.masks.split(",")]
    for m in opts.masks:
        if m not in ("causal", "none"):
            p.error(f"--masks: {m!r} is not causal or full")
    opts.impls = [i.strip() for i in opts.impls.split(",")] if opts.impls else None
    for i in opts.impls or []:
        if i not in IMPL_NAMES:
            p.error(f"--impls: unknown {i!r} (valid: {', '.join(IMPL_NAMES)})")
    if opts.impls and "numpy" not in opts.impls:
        opts.impls.append("numpy")        # the checks and ratios need it
    opts.target = opts.target if opts.target is not None else (0.02 if q else 1.0)
    opts.min_repeats = opts.min_repeats or (2 if q else 3)
    opts.rounds = opts.rounds or (2 if q else 3)
    opts.settle_s = opts.settle_s if opts.settle_s is not None else (0.01 if q else 0.3)
    opts.memory_jobs = opts.memory_jobs or cores
    opts.sgemm_n = 256 if q else 2048
    opts.copy_mib = 8 if q else 256
    opts.matmul_n = 128 if q else 1024
    opts.megalodon_l = 128 if q else 4096
    return opts


def main(argv=None):
    opts = parse_args(argv)
    if opts.worker is not None:
        return worker_main(opts.worker, opts.seed)
    if opts.memory_worker is not None:
        return memory_main(opts.memory_worker)
    if opts.replot:
        with open(opts.replot) as f:
            doc = json.load(f)
        doc["threads"] = [int(t) for t in doc["threads"]]
        doc["targets"] = evaluate_targets(doc)
        write_outputs(doc, opts.replot, write_json=False)
        return 0
    doc = run_bench(opts)
    write_outputs(doc, opts.json)
    if doc["failures"]:
        print("\n" + "!" * 78)
        for f in doc["failures"]:
            print(f"FAIL: {f}")
        print("!" * 78)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
