# Usage: PYTHONPATH=build/python_packages .venv/bin/python bench/bench_ops.py [--quick] [--json PATH]
"""Baseline benchmark of seq's compiled ops (@seq.jit, f32) against NumPy
float32 implementations of the same computation, timed side by side.

For every op family at one or two realistic sizes it
  * compiles the op with @seq.jit (compile time = trace + MLIR lowering + LLVM
    JIT, measured on the first signature, reported separately),
  * times seq and a NumPy float32 baseline written below (median and min of N
    repeats; N chosen so that each side of a case takes about --target seconds;
    the repeats of the two sides are interleaved in rounds so that load from
    other processes on the machine hits both alike),
  * checks seq's output against the NumPy output (normwise max relative error
    max|seq - numpy| / max|numpy|; > 1e-3 means a bug: the case is marked FAIL
    and the script exits non-zero),
and prints a table and writes everything, with a description of the machine,
to a JSON file (default bench/results/latest.json).

The NumPy baselines are the natural vectorized NumPy code for each op: BLAS
matmuls for attention, np.fft for rfft and for long_conv, cumulative sums for
timestep_norm, and -- where NumPy has no parallel primitive for a recurrence --
a Python loop over time with vectorized per-step updates (scan, ema,
linear_attention). Each baseline says which in its docstring.
"""

import argparse
import ctypes
import datetime
import json
import math
import os
import platform
import subprocess
import sys
import time

import numpy as np

try:
    import seq
    from seq.testing import max_rel_error
except ImportError as e:  # pragma: no cover - a usage error
    sys.exit(f"bench_ops.py: cannot import seq ({e}); run with "
             "PYTHONPATH=build/python_packages after `bash scripts/build.sh`")

HERE = os.path.dirname(os.path.abspath(__file__))
TOLERANCE = 1e-3
F32 = np.float32


# --------------------------------------------------------------------------
# The ops, compiled by seq (one op per function: the op is what is measured)
# --------------------------------------------------------------------------

@seq.jit
def seq_attention_causal(q, k, v):
    return seq.attention(q, k, v, mask="causal")


@seq.jit
def seq_linear_attention_normalized(q, k, v):
    return seq.linear_attention(q, k, v, normalize=True, eps=1e-6)


@seq.jit
def seq_linear_attention_decay(q, k, v, log_decay):
    return seq.linear_attention(q, k, v, log_decay=log_decay)


@seq.jit
def seq_scan(a, b):
    return seq.scan(a, b)


@seq.jit
def seq_ema_complex(x, weight_logit, damping_logit, gamma, omega, theta):
    return seq.ema(x, weight_logit, damping_logit, gamma, omega, kind="complex",
                   theta=theta)


@seq.jit
def seq_long_conv(u, k):
    return seq.long_conv(u, k)


@seq.jit
def seq_rfft(x):
    return seq.rfft(x)


@seq.jit
def seq_timestep_norm(x, weight, bias, num_groups):
    return seq.timestep_norm(x, weight, bias, num_groups)


@seq.jit
def seq_rotary(x):
    return seq.rotary(x)


# --------------------------------------------------------------------------
# NumPy float32 baselines
# --------------------------------------------------------------------------

def np_attention_causal(q, k, v):
    """Matmul form (BLAS sgemm, batched over B*H): scores = q k^T * scale,
    causal mask with -inf via np.where, softmax, P v. O(L^2) memory for the
    scores, like any non-fused implementation."""
    scale = F32(1.0 / math.sqrt(q.shape[-1]))
    s = np.matmul(q, k.swapaxes(-1, -2)) * scale                  # (B,H,L,L)
    l = q.shape[2]
    s = np.where(np.tri(l, dtype=bool), s, F32(-np.inf))
    s -= s.max(axis=-1, keepdims=True)
    np.exp(s, out=s)
    s /= s.sum(axis=-1, keepdims=True)
    return np.matmul(s, v)


def np_linear_attention_normalized(q, k, v, eps=1e-6):
    """Recurrent form: a Python loop over time, each step a vectorized update
    of the (B,H,F,E) state and a batched q_t^T S_t (matmul over B*H).
    (A chunked form with BLAS matmuls would be faster NumPy; the loop is the
    direct transcription of the recurrence seq's reference lowering runs.)"""
    b, h, l, f = q.shape
    e = v.shape[-1]
    state = np.zeros((b, h, f, e), F32)
    norm = np.zeros((b, h, f), F32)
    out = np.empty((b, h, l, e), F32)
    for t in range(l):
        kt = k[:, :, t]
        state += kt[..., :, None] * v[:, :, t, None, :]
        norm += kt
        qt = q[:, :, t]
        num = np.matmul(qt[..., None, :], state)[..., 0, :]        # (B,H,E)
        den = np.einsum("bhf,bhf->bh", qt, norm) + F32(eps)
        out[:, :, t] = num / den[..., None]
    return out


def np_linear_attention_decay(q, k, v, log_decay):
    """Recurrent form with a per-head decay g_t = exp(log_decay_t): Python loop
    over time, vectorized per-step S = g_t S + k_t v_t^T and q_t^T S."""
    b, h, l, f = q.shape
    e = v.shape[-1]
    g = np.exp(log_decay)                                         # (B,H,L)
    state = np.zeros((b, h, f, e), F32)
    out = np.empty((b, h, l, e), F32)
    for t in range(l):
        state *= g[:, :, t, None, None]
        state += k[:, :, t, :, None] * v[:, :, t, None, :]
        out[:, :, t] = np.matmul(q[:, :, t, None, :], state)[..., 0, :]
    return out


def np_scan(a, b):
    """Python loop over time, vectorized over (B, D) per step: h = a_t h + b_t.
    (A cumprod/cumsum closed form exists but is numerically unsafe, so the loop
    is the honest NumPy.)"""
    out = np.empty_like(b)
    h = np.zeros_like(b[:, 0])
    for t in range(a.shape[1]):
        h = a[:, t] * h + b[:, t]
        out[:, t] = h
    return out


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def np_ema_complex(x, weight_logit, damping_logit, gamma, omega, theta):
    """MEGALODON complex EMA as the recurrence: a Python loop over time with a
    vectorized complex64 update of the (B,D,N) state and y_t = Re(eta.h_t) +
    omega x_t. The coefficients are formed per call (seq does too).
    (MEGA/MEGALODON's own code computes the EMA as an FFT long convolution
    with the materialized kernel; that is a different algorithm, the kind of
    rewrite later seq work does.)"""
    b, l, d = x.shape
    n = weight_logit.shape[1]
    p = _sigmoid(weight_logit)
    phi = (np.arange(1, n + 1, dtype=F32) * _sigmoid(theta)[:, None]
           * F32(2.0 * math.pi / n))
    q = ((1 - p * _sigmoid(damping_logit)) * np.exp(1j * phi)).astype(np.complex64)
    eta = ((gamma[..., 0] + 1j * gamma[..., 1]) / math.sqrt(n)).astype(np.complex64)
    u = p.astype(F32)
    h = np.zeros((b, d, n), np.complex64)
    y = np.empty_like(x)
    for t in range(l):
        xt = x[:, t]
        h = u * xt[..., None] + q * h
        y[:, t] = np.einsum("bdn,dn->bd", h, eta).real + omega * xt
    return y


def np_long_conv(u, k):
    """FFT convolution (np.fft, float32 -> complex64): zero-pad input and
    filter to 2L, multiply the spectra, inverse, keep the first L outputs.
    O(L log L) per channel."""
    b, l, c = u.shape
    kk = k[:, :l] if k.shape[1] > l else k
    n = 2 * l
    uf = np.fft.rfft(u, n=n, axis=1)                              # (B, L+1, C)
    kf = np.fft.rfft(kk.T, n=n, axis=0)                           # (L+1, C)
    return np.fft.irfft(uf * kf, n=n, axis=1)[:, :l]


def np_rfft(x):
    """np.fft.rfft along the last axis (pocketfft, float32 -> complex64)."""
    return np.fft.rfft(x, axis=-1)


def np_timestep_norm(x, weight, bias, num_groups, eps=1e-5):
    """Cumulative form: the running (Welford) mean/variance over time equals
    the pooled statistics of the first t steps, so with per-step group means
    and variances it is two cumulative sums: m_t = cumsum(mu)/t,
    s_t = cumsum(var + mu^2)/t - m_t^2. Fully vectorized."""
    b, l, d = x.shape
    xg = x.reshape(b, l, num_groups, d // num_groups)
    mu = xg.mean(axis=-1)                                         # (B,L,G)
    var = xg.var(axis=-1)
    count = np.arange(1, l + 1, dtype=F32)[None, :, None]
    mean = np.cumsum(mu, axis=1) / count
    s = np.cumsum(var + mu * mu, axis=1) / count - mean * mean
    y = (xg - mean[..., None]) / np.sqrt(s[..., None] + F32(eps))
    return y.reshape(b, l, d) * (weight + F32(1)) + bias


def np_rotary(x, base=10000.0):
    """Interleaved RoPE: cos/sin tables of pos * base^(-2j/d) formed per call
    in float64 and rounded to float32 (as seq does), then elementwise rotation
    of the (even, odd) pairs."""
    l, d = x.shape[-2:]
    theta = np.arange(l)[:, None] * base ** (-2.0 * np.arange(d // 2) / d)
    cos, sin = np.cos(theta).astype(F32), np.sin(theta).astype(F32)
    x0, x1 = x[..., 0::2], x[..., 1::2]
    out = np.empty_like(x)
    out[..., 0::2] = x0 * cos - x1 * sin
    out[..., 1::2] = x0 * sin + x1 * cos
    return out


# --------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------

def normal(rng, *shape, std=1.0):
    return (rng.standard_normal(shape) * std).astype(F32)


def make_cases(quick):
    """[(op, label, size dict, seq fn, numpy fn, make_args(rng), note)].
    The make_* closures bind their sizes as default arguments: the names are
    reused from case to case."""
    cases = []

    def add(op, size, seq_fn, np_fn, make, note=""):
        label = " ".join(f"{k}={v}" for k, v in size.items())
        cases.append(dict(op=op, label=label, size=size, seq_fn=seq_fn,
                          np_fn=np_fn, make=make, note=note))

    # attention (causal), B=1 H=8 E=64
    for l in ((64,) if quick else (256, 1024)):
        def make(rng, l=l):
            return [normal(rng, 1, 8, l, 64) for _ in range(3)]
        add("attention causal", dict(B=1, H=8, L=l, E=64), seq_attention_causal,
            np_attention_causal, make)

    # linear attention, Based-like: positive features (elu+1 of a normal,
    # applied outside the timed op), F=64, normalized.
    h, l, f, e = (2, 64, 16, 16) if quick else (8, 2048, 64, 64)

    def make_based(rng, h=h, l=l, f=f, e=e):
        def phi(t):
            return np.where(t > 0, t + 1, np.exp(t)).astype(F32)
        return [phi(normal(rng, 1, h, l, f)), phi(normal(rng, 1, h, l, f)),
                normal(rng, 1, h, l, e)]
    add("linear_attention normalized (Based-like)", dict(B=1, H=h, L=l, F=f, E=e),
        seq_linear_attention_normalized, np_linear_attention_normalized,
        make_based, "F=64 raw (already feature-mapped) features, not taylor2")

    # linear attention, Mamba-2-like: per-head decay, C queries, B keys (state
    # N=F=64), x*dt values (head dim P=E=64); log decay = -dt*A.
    def make_mamba(rng, h=h, l=l, f=f, e=e):
        log_decay = -rng.uniform(0.001, 0.1, (1, h, l)).astype(F32)
        return [normal(rng, 1, h, l, f), normal(rng, 1, h, l, f),
                normal(rng, 1, h, l, e, std=0.1), log_decay]
    add("linear_attention decay (Mamba-2-like)", dict(B=1, H=h, L=l, N=f, P=e),
        seq_linear_attention_decay, np_linear_attention_decay, make_mamba)

    # scan: h_t = a_t h_{t-1} + b_t, B=1 L=4096 D=256
    l, d = (128, 32) if quick else (4096, 256)

    def make_scan(rng, l=l, d=d):
        return [rng.uniform(0.5, 1.0, (1, l, d)).astype(F32), normal(rng, 1, l, d)]
    add("scan", dict(B=1, L=l, D=d), seq_scan, np_scan, make_scan)

    # complex EMA (MEGALODON CEMA), B=1 L=2048 D=128 N=16, MEGALODON init scales
    l, d, n = (128, 16, 4) if quick else (2048, 128, 16)

    def make_ema(rng, l=l, d=d, n=n):
        freqs = rng.permutation(d ** (-np.arange(1, d + 1) / d))
        return [normal(rng, 1, l, d), normal(rng, d, n, std=0.2),
                normal(rng, d, n, std=0.2),
                np.stack([normal(rng, d, n), normal(rng, d, n, std=0.1)], axis=-1),
                np.clip(normal(rng, d, std=0.25), -1, 1).astype(F32),
                np.log(freqs / (1 - freqs)).astype(F32)]
    add("ema complex", dict(B=1, L=l, D=d, N=n), seq_ema_complex, np_ema_complex,
        make_ema)

    # long conv, B=1 C=128 K=L (Hyena/H3-style full-length filter)
    for l in ((128,) if quick else (1024, 4096)):
        c = 16 if quick else 128

        def make_conv(rng, l=l, c=c):
            decay = np.exp(-np.arange(l) / (l / 8.0))[None, :]
            return [normal(rng, 1, l, c), (normal(rng, c, l) * decay / math.sqrt(l)).astype(F32)]
        add("long_conv", dict(B=1, L=l, C=c, K=l), seq_long_conv, np_long_conv,
            make_conv, "seq: direct O(L^2) sum (reference); numpy: FFT, padded to 2L")

    # rfft, batch 128 rows
    for n in ((64,) if quick else (1024, 4096)):
        rows = 8 if quick else 128

        def make_rfft(rng, n=n, rows=rows):
            return [normal(rng, rows, n)]
        add("rfft", dict(batch=rows, N=n), seq_rfft, np_rfft, make_rfft,
            "seq: direct O(N^2) DFT (reference); numpy: pocketfft O(N log N)")

    # timestep norm, B=1 L=4096 D=256 G=32
    l, d, g = (128, 32, 4) if quick else (4096, 256, 32)

    def make_tn(rng, l=l, d=d, g=g):
        return [normal(rng, 1, l, d) + F32(0.5), normal(rng, d, std=0.1),
                normal(rng, d, std=0.1), g]
    add("timestep_norm", dict(B=1, L=l, D=d, G=g), seq_timestep_norm,
        np_timestep_norm, make_tn)

    # rotary, B=1 H=8 L=4096 d=64 (interleaved pairs)
    l = 128 if quick else 4096

    def make_rot(rng, l=l):
        return [normal(rng, 1, 8, l, 64)]
    add("rotary", dict(B=1, H=8, L=l, d=64), seq_rotary, np_rotary, make_rot)
    return cases


# --------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------

def _call_times(fn, args, count):
    times = []
    for _ in range(count):
        t0 = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - t0)
    return times


def run_case(case, opts, rng):
    args = case["make"](rng)
    arrays = [a for a in args if isinstance(a, np.ndarray)]
    seq_fn, np_fn = case["seq_fn"], case["np_fn"]

    # Compile time = trace + MLIR lowering + JIT module creation (timed on the
    # jit function's private _compiled, which is what a first call does before
    # running) + the LLVM code generation that the ORC JIT does lazily inside
    # the first call, estimated as first call - fastest steady call.
    # NumPy's first call is its warm-up.
    t0 = time.perf_counter()
    seq_fn._compiled(args)
    trace_lower_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    seq_out = seq_fn(*args)
    seq_first = time.perf_counter() - t0
    t0 = time.perf_counter()
    np_out = np_fn(*args)
    np_first = time.perf_counter() - t0

    err = max_rel_error(seq_out, np_out)
    ok = bool(np.isfinite(err) and err <= TOLERANCE)

    # Repeats: enough that each side takes about opts.target seconds, at least
    # opts.min_repeats, judged from a second (steady) call which is kept as a
    # sample; then `rounds` interleaved blocks of seq, then numpy.
    seq_times = _call_times(seq_fn, args, 1)
    np_times = _call_times(np_fn, args, 1)

    def repeats(one):
        return int(min(opts.max_repeats,
                       max(opts.min_repeats, math.ceil(opts.target / max(one, 1e-6)))))
    n_seq, n_np = repeats(seq_times[0]) - 1, repeats(np_times[0]) - 1
    rounds = max(1, min(opts.rounds, n_seq, n_np))
    for r in range(rounds):
        seq_times += _call_times(seq_fn, args, n_seq // rounds + (r < n_seq % rounds))
        np_times += _call_times(np_fn, args, n_np // rounds + (r < n_np % rounds))

    def stats(times, first):
        return dict(median_ms=1e3 * float(np.median(times)),
                    min_ms=1e3 * float(np.min(times)), repeats=len(times),
                    first_call_ms=1e3 * first)
    result = dict(op=case["op"], size=case["size"], label=case["label"],
                  note=case["note"],
                  numpy_method=" ".join((np_fn.__doc__ or "").split()).split(". ")[0],
                  seq=stats(seq_times, seq_first),
                  numpy=stats(np_times, np_first), max_rel_err=err, ok=ok)
    result["compile_trace_lower_s"] = trace_lower_s
    result["compile_first_call_extra_s"] = max(0.0, seq_first - float(np.min(seq_times)))
    result["compile_s"] = trace_lower_s + result["compile_first_call_extra_s"]
    result["ratio_seq_over_numpy"] = result["seq"]["median_ms"] / result["numpy"]["median_ms"]
    result["input_shapes"] = [list(a.shape) for a in arrays]
    result["inputs_bytes"] = int(sum(a.nbytes for a in arrays))
    return result


# --------------------------------------------------------------------------
# Machine description
# --------------------------------------------------------------------------

def _cpuinfo():
    info = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if ":" not in line:
                    if info:
                        break             # first processor block only
                    continue
                key, value = (s.strip() for s in line.split(":", 1))
                info.setdefault(key, value)
    except OSError:
        pass
    flags = set(info.get("flags", "").split())
    simd = [x for x in ("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw",
                        "avx512vl", "avx512_bf16") if x in flags]
    return dict(model=info.get("model name", platform.processor() or "unknown"),
                vendor=info.get("vendor_id"), family=info.get("cpu family"),
                model_number=info.get("model"), mhz=info.get("cpu MHz"),
                cache=info.get("cache size"), simd=simd)


def _openblas_runtime():
    """Core type and threads of the OpenBLAS that NumPy loaded, via its C API
    (threadpoolctl, if installed, is asked first)."""
    try:
        import threadpoolctl
        return dict(source="threadpoolctl",
                    pools=threadpoolctl.threadpool_info())
    except ImportError:
        pass
    paths = set()
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "openblas" in line.lower()}
    except OSError:
        pass
    for path in sorted(paths):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        out = dict(source="ctypes", library=path)
        for prefix in ("scipy_openblas_", "openblas_"):
            for suffix in ("64_", ""):
                def sym(name, restype):
                    f = getattr(lib, prefix + name + suffix, None)
                    if f is None:
                        return None
                    f.restype = restype
                    return f()
                core = sym("get_corename", ctypes.c_char_p)
                if core is None:
                    continue
                out["corename"] = core.decode()
                out["config"] = (sym("get_config", ctypes.c_char_p) or b"").decode()
                out["num_threads"] = sym("get_num_threads", ctypes.c_int)
                return out
    return dict(source="unavailable")


def _llvm_version():
    for tool in ("llvm-config-22", "/usr/lib/llvm-22/bin/llvm-config", "llvm-config"):
        try:
            return subprocess.run([tool, "--version"], capture_output=True,
                                  text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            continue
    try:                                      # the libLLVM seq's extension loaded
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "libLLVM" in line}
        return ", ".join(sorted(os.path.basename(p) for p in libs)) or "unknown"
    except OSError:
        return "unknown"


def _git_revision():
    try:
        return subprocess.run(["git", "-C", HERE, "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def machine_info():
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    except Exception:   # older NumPy: no mode="dicts"
        blas = {"name": "see np.show_config()"}
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = None
    return dict(
        cpu=_cpuinfo(), logical_cores=os.cpu_count(), usable_cores=affinity,
        platform=platform.platform(), python=platform.python_version(),
        numpy=np.__version__,
        numpy_blas=dict(name=blas.get("name"), version=blas.get("version"),
                        config=blas.get("openblas configuration")),
        openblas_runtime=_openblas_runtime(),
        env={k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS",
                                             "OMP_NUM_THREADS", "MKL_NUM_THREADS")},
        llvm=_llvm_version(), seq_git=_git_revision(),
        seq_codegen="reference lowering (convert-seq-to-loops) via seq-to-cpu; LLVM -O2 "
                    "IR passes without a target machine (no cost model, so no loop "
                    "vectorization), host-CPU codegen: scalar, single-threaded loops",
    )


def describe(m):
    blas_rt = m["openblas_runtime"]
    core = blas_rt.get("corename", "?")
    threads = blas_rt.get("num_threads", "?")
    lines = [
        f"CPU       : {m['cpu']['model']} ({m['cpu']['vendor']} family {m['cpu']['family']} "
        f"model {m['cpu']['model_number']}), {m['logical_cores']} logical cores "
        f"({m['usable_cores']} usable); SIMD {' '.join(m['cpu']['simd'])}",
        f"NumPy     : {m['numpy']}, BLAS {m['numpy_blas']['name']} {m['numpy_blas']['version']} "
        f"(runtime core {core}, {threads} threads)",
        f"env       : OPENBLAS_CORETYPE={m['env']['OPENBLAS_CORETYPE'] or '(unset)'}  "
        f"OPENBLAS_NUM_THREADS={m['env']['OPENBLAS_NUM_THREADS'] or '(unset)'}  "
        f"OMP_NUM_THREADS={m['env']['OMP_NUM_THREADS'] or '(unset)'}",
        f"LLVM      : {m['llvm']};  Python {m['python']};  seq {m['seq_git']}",
        f"seq code  : {m['seq_codegen']}",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------

def markdown_table(rows):
    """A Markdown table of string rows (header first): the two label columns
    left-aligned, the numbers right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    out = ["| " + " | ".join(c.ljust(w) for c, w in zip(rows[0], widths)) + " |",
           "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    for row in rows[1:]:
        out.append("| " + " | ".join(
            c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))
            + " |")
    return "\n".join(out)


COLUMNS = ("op", "size", "seq median (ms)", "numpy median (ms)", "seq/numpy",
           "max rel err")


def table(results):
    rows = [COLUMNS]
    for r in results:
        rows.append((r["op"], r["label"], f"{r['seq']['median_ms']:.3f}",
                     f"{r['numpy']['median_ms']:.3f}", f"{r['ratio_seq_over_numpy']:.2f}",
                     f"{r['max_rel_err']:.1e}" + ("" if r["ok"] else " FAIL")))
    return markdown_table(rows)


def detail_table(results):
    rows = [("op", "size", "compile (s)", "seq min (ms)", "numpy min (ms)",
             "repeats seq/numpy")]
    for r in results:
        rows.append((r["op"], r["label"], f"{r['compile_s']:.2f}",
                     f"{r['seq']['min_ms']:.3f}", f"{r['numpy']['min_ms']:.3f}",
                     f"{r['seq']['repeats']}/{r['numpy']['repeats']}"))
    return markdown_table(rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes and a short time target (a smoke test)")
    parser.add_argument("--json", default=os.path.join(HERE, "results", "latest.json"),
                        help="where to write the results (default bench/results/latest.json)")
    parser.add_argument("--target", type=float, default=None,
                        help="seconds of timed calls per side of each case "
                             "(default 1.0; 0.05 with --quick)")
    parser.add_argument("--min-repeats", type=int, default=3)
    parser.add_argument("--max-repeats", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3,
                        help="interleaved blocks of seq and numpy repeats")
    parser.add_argument("--only", default=None,
                        help="run only the cases whose op contains this text")
    parser.add_argument("--seed", type=int, default=0)
    opts = parser.parse_args(argv)
    if opts.target is None:
        opts.target = 0.05 if opts.quick else 1.0

    start = time.perf_counter()
    machine = machine_info()
    print("seq op benchmark: reference lowering vs NumPy float32"
          + (" (--quick: tiny sizes)" if opts.quick else ""))
    print(describe(machine))
    print(f"timing    : median/min of N calls, N = clamp(ceil({opts.target:g} s / first call), "
          f"{opts.min_repeats}, {opts.max_repeats}), in {opts.rounds} interleaved rounds\n",
          flush=True)

    seq.engine()                    # create the JIT engine outside any timing
    rng = np.random.default_rng(opts.seed)
    results = []
    for case in make_cases(opts.quick):
        if opts.only and opts.only not in case["op"]:
            continue
        r = run_case(case, opts, rng)
        results.append(r)
        print(f"  {r['op']:42s} {r['label']:26s} seq {r['seq']['median_ms']:10.3f} ms"
              f"  numpy {r['numpy']['median_ms']:9.3f} ms  x{r['ratio_seq_over_numpy']:7.2f}"
              f"  err {r['max_rel_err']:.1e}  compile {r['compile_s']:.2f} s"
              + ("" if r["ok"] else "   <-- FAIL"), flush=True)
    total = time.perf_counter() - start

    print()
    print(table(results))
    print()
    print(detail_table(results))
    print(f"\ntotal runtime {total:.1f} s")

    failures = [r for r in results if not r["ok"]]
    doc = dict(schema="seq-bench/1",
               date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
               command=" ".join([os.path.basename(sys.executable)] + sys.argv),
               quick=opts.quick, tolerance=TOLERANCE,
               timing=dict(target_s=opts.target, min_repeats=opts.min_repeats,
                           max_repeats=opts.max_repeats, rounds=opts.rounds),
               machine=machine, results=results, total_runtime_s=total,
               failures=[f"{r['op']} {r['label']}" for r in failures])
    os.makedirs(os.path.dirname(os.path.abspath(opts.json)), exist_ok=True)
    with open(opts.json, "w") as f:
        json.dump(doc, f, indent=2, default=str)
        f.write("\n")
    print(f"results written to {opts.json}")

    if failures:
        print("\n" + "!" * 72)
        for r in failures:
            print(f"FAIL: {r['op']} {r['label']}: max rel err {r['max_rel_err']:.2e} > "
                  f"{TOLERANCE:g} -- seq and NumPy disagree: a bug in seq or in the baseline")
        print("!" * 72)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
