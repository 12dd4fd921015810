# Usage: bash bench/setup.sh && PYTHONPATH=build/python_packages .venv-bench/bin/python bench/bench_subquadratic.py [--quick]
"""Benchmark of issue 8, the subquadratic ops: seq's tiled pipeline (FFTs as
GEMM stages, FFT long convolutions, chunked scans, EMA and linear attention)
against NumPy, SciPy, FFTW, PyTorch and JAX, side by side in one run.

Families (f32 / complex64; every size is checked against a float64 NumPy
result, normwise max relative error <= 1e-3, or the run fails):
  conv     causal long convolution, B=1, 64 channels, K = L = 1K .. 1M:
           seq.long_conv vs np.fft, scipy.fft, pyFFTW (FFTW_MEASURE plans),
           torch.fft, jnp.fft (each padded to >= 2L - 1, filter spectrum
           computed in every call, as seq does); and, with the filters'
           spectrum rfft(k, 2L) computed once outside the timed call (as
           FlashFFTConv and Hyena cache it), seq.long_conv taking the
           spectrum ("seq k_f cached") vs torch.fft and pyFFTW doing the same;
  fft      complex FFT alone, 128 rows x N = 1K .. 1M (rows reduced above
           --fft-elements so one array stays within memory): seq.fft vs the
           same five libraries;
  fft-mixed  the same at lengths that are not powers of two: 3K, 5K, 6000,
           9K, 12000, 15K (mixed-radix stages) and the prime 65521
           (Bluestein), 128 rows (no scaling exponent: not one algorithm);
  cema     MEGALODON's complex EMA, B=1, D=1024, N=16, L = 4K .. 64K:
           seq.ema vs PyTorch (MEGALODON's kernel + FFT convolution), JAX
           lax.scan (the recurrence) and lax.associative_scan;
  linattn  chunked linear attention, B=1, H=8, L = 1K .. 16K, Based
           (F = 273 Taylor features, normalized), GLA (per-key decay,
           K = V = 64) and Mamba-2 (per-head decay, N = 128, P = 64):
           seq.linear_attention vs a chunked PyTorch implementation (below)
           and JAX lax.associative_scan over (decay, k v^T) pairs;
  scan     seq.scan, B=1, L = 64K, 64 channels (and 4K channels), vs JAX
           lax.scan and lax.associative_scan, in GB/s against the copy
           bandwidth measured in the same run.

Inputs start on a 64-byte cache line (seq.byte_align), the same arrays for
every implementation; the CEMA rows also time seq on x where NumPy put it
("seq, x as NumPy put it", 16 bytes past a line).

Every family runs at each thread count of --threads (default 1 and 2) in a
worker process pinned to that many cores, with seq (SEQ_NUM_THREADS), OpenMP,
OpenBLAS, PyTorch and JAX told the count. Timings are the median (and min) of
repeated calls after a warm-up call (compile time reported apart), the
implementations interleaved in rounds so that load from other processes hits
all alike. Scaling exponents are least-squares slopes of log(time) against
log(size); GB/s counts the bytes each op must read and write once, and
GFLOP/s a nominal flop count per case (nominal_flops; FFTs, convolutions
and CEMA), set against NumPy's sgemm at 2048^2, the compute limit, measured
by each worker at its start and end as the copy bandwidth is the memory
limit. A size an
implementation would need more than --max-call-s seconds (extrapolated from
its previous size) or more than --max-bytes of memory for is skipped and
marked so. Results: bench/results/subquadratic.{json,md,png}.
"""

import os
import sys

# OpenBLAS overrides (a forced core type or L2 size) can select slow kernels:
# the benchmark runs without them, re-executing itself before NumPy loads,
# and records what it removed and which kernel ran.
BLAS_OVERRIDES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
if __name__ == "__main__" and any(k in os.environ for k in BLAS_OVERRIDES):
    env = {k: v for k, v in os.environ.items() if k not in BLAS_OVERRIDES}
    env["SEQ_BENCH_UNSET"] = ",".join(f"{k}={os.environ[k]}" for k in BLAS_OVERRIDES
                                      if k in os.environ)
    os.execve(sys.executable, [sys.executable] + sys.argv, env)

if os.environ.get("SEQ_BENCH_CORES"):
    os.sched_setaffinity(0, [int(c) for c in os.environ["SEQ_BENCH_CORES"].split(",")])

import argparse  # noqa: E402
import datetime  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
F32, C64 = np.float32, np.complex64
TOLERANCE = 1e-3
GIB = 1 << 30


# ==========================================================================
# Peers (each optional)
# ==========================================================================

class Peers:
    """The libraries that could be imported, configured for `threads`."""

    def __init__(self, threads):
        self.threads = threads
        self.missing = {}
        self.seq = self._load("seq", lambda: __import__("seq"))
        self.scipy_fft = self._load("scipy", lambda: __import__("scipy.fft", fromlist=["fft"]))
        self.pyfftw = self._load("pyfftw", self._pyfftw)
        self.torch = self._load("torch", self._torch)
        self.jax = self._load("jax", self._jax)

    def _load(self, name, loader):
        try:
            return loader()
        except Exception as e:  # ImportError, or a broken install
            self.missing[name] = f"{type(e).__name__}: {e}"
            print(f"  [skip] {name} is not available ({self.missing[name]})", flush=True)
            return None

    def _pyfftw(self):
        import pyfftw
        pyfftw.interfaces.cache.disable()
        return pyfftw

    def _torch(self):
        import torch
        torch.set_num_threads(self.threads)
        return torch

    def _jax(self):
        import jax
        jax.config.update("jax_enable_x64", False)
        return jax


# ==========================================================================
# Reference implementations of the peers (f32) and float64 checks
# ==========================================================================

def fft_conv_f64(u, k):
    """Causal conv of u (B, L, C) with k (C, K) by float64 np.fft, K <= L."""
    b, l, c = u.shape
    n = 2 * l
    uf = np.fft.rfft(u.astype(np.float64), n=n, axis=1)
    kf = np.fft.rfft(k.astype(np.float64).T, n=n, axis=0)
    return np.fft.irfft(uf * kf[None], n=n, axis=1)[:, :l]


def cema_coefficients(wl, dl, gamma, theta, n):
    """MEGALODON CEMA (u, q, eta) (D, N) in float64 (OPS.md 1.2)."""
    sig = lambda x: 1.0 / (1.0 + np.exp(-x.astype(np.float64)))  # noqa: E731
    p = sig(wl)
    mag = 1.0 - p * sig(dl)
    phi = (np.arange(n) + 1.0)[None, :] * sig(theta)[:, None] * (2 * math.pi / n)
    q = mag * np.exp(1j * phi)
    eta = (gamma[..., 0] + 1j * gamma[..., 1]) / math.sqrt(n)
    return p, q, eta


def cema_f64(x, wl, dl, gamma, omega, theta):
    """CEMA output by its kernel and a float64 FFT convolution."""
    b, l, d = x.shape
    p, q, eta = cema_coefficients(wl, dl, gamma, theta, wl.shape[1])
    t = np.arange(l)
    # k[d, t] = Re sum_n p eta q^t, powers as exp(t log q), chunked over t.
    kernel = np.empty((d, l))
    logq = np.log(q)
    for s in range(0, l, 4096):
        tt = t[s:s + 4096]
        kernel[:, s:s + 4096] = np.real(np.einsum("dn,dnt->dt", p * eta,
                                                  np.exp(logq[..., None] * tt)))
    return fft_conv_f64(x, kernel) + omega.astype(np.float64) * x


def linattn_f64(q, k, v, log_decay, scale, normalize, eps):
    """Linear attention by chunks of 64 in float64 (the decayed forms by the
    plain exp(G_i - G_j) mask, fine in float64 at these decays)."""
    q, k, v = (a.astype(np.float64) for a in (q, k, v))
    b, h, l, f = q.shape
    e = v.shape[-1]
    if log_decay is None:
        g = np.zeros((b, h, l, f))
    elif log_decay.ndim == 3:
        g = np.broadcast_to(log_decay.astype(np.float64)[..., None], (b, h, l, f))
    else:
        g = log_decay.astype(np.float64)
    s = np.zeros((b, h, f, e))
    z = np.zeros((b, h, f))
    out = np.empty((b, h, l, e))
    c = 64
    for c0 in range(0, l, c):
        qc, kc, vc, gc = q[:, :, c0:c0 + c], k[:, :, c0:c0 + c], v[:, :, c0:c0 + c], g[:, :, c0:c0 + c]
        cum = np.cumsum(gc, axis=2)
        n = qc.shape[2]
        tri = np.tril(np.ones((n, n), dtype=bool))
        dec = np.exp(np.where(tri[..., None], cum[:, :, :, None] - cum[:, :, None], -np.inf))
        a = np.einsum("bhif,bhjf,bhijf->bhij", qc, kc, dec)
        qd = qc * np.exp(cum)
        num = np.einsum("bhij,bhje->bhie", a, vc) + np.einsum("bhif,bhfe->bhie", qd, s)
        if normalize:
            den = a.sum(-1) + np.einsum("bhif,bhf->bhi", qd, z)
            out[:, :, c0:c0 + c] = scale * num / (scale * den + eps)[..., None]
        else:
            out[:, :, c0:c0 + c] = scale * num
        last = cum[:, :, -1]
        kd = kc * np.exp(last[:, :, None] - cum)
        s = np.exp(last)[..., None] * s + np.einsum("bhjf,bhje->bhfe", kd, vc)
        z = np.exp(last) * z + kd.sum(2)
    return out


# ==========================================================================
# Cases: (family, label, size, inputs, bytes, reference, implementations)
# ==========================================================================

def conv_impls(p, u, k):
    b, l, c = u.shape
    n = 2 * l
    impls = {}
    seq = p.seq
    if seq:
        @seq.jit
        def seq_conv(u, k):
            return seq.long_conv(u, k)
        impls["seq"] = (seq_conv, (u, k))
        # The spectrum computed once, outside the timed call.
        kf = np.fft.rfft(k, n=n, axis=1).astype(C64)
        impls["seq k_f cached"] = (seq_conv, (u, kf))
    impls["numpy"] = (lambda: np.fft.irfft(np.fft.rfft(u, n=n, axis=1)
                                           * np.fft.rfft(k.T, n=n, axis=0)[None],
                                           n=n, axis=1)[:, :l], ())
    if p.scipy_fft:
        sf, w = p.scipy_fft, p.threads
        nf = sf.next_fast_len(2 * l - 1, real=True)
        impls["scipy"] = (lambda: sf.irfft(sf.rfft(u, n=nf, axis=1, workers=w)
                                           * sf.rfft(k.T, n=nf, axis=0, workers=w)[None],
                                           n=nf, axis=1, workers=w)[:, :l], ())
    if p.pyfftw:
        fw = p.pyfftw
        nf = fw.next_fast_len(2 * l - 1)
        ua = fw.empty_aligned((b, nf, c), dtype=F32)
        ka = fw.empty_aligned((nf, c), dtype=F32)
        fu = fw.builders.rfft(ua, n=nf, axis=1, threads=p.threads, planner_effort="FFTW_MEASURE")
        fk = fw.builders.rfft(ka, n=nf, axis=0, threads=p.threads, planner_effort="FFTW_MEASURE")
        prod = fw.empty_aligned(fu.output_shape, dtype=C64)
        inv = fw.builders.irfft(prod, n=nf, axis=1, threads=p.threads,
                                planner_effort="FFTW_MEASURE")

        def fftw_conv():
            ua[:, :l] = u
            ua[:, l:] = 0
            ka[:l] = k.T
            ka[l:] = 0
            np.multiply(fu(), fk()[None], out=prod)
            return inv()[:, :l]
        impls["pyfftw"] = (fftw_conv, ())
        ka[:l] = k.T
        ka[l:] = 0
        fk_cached = fk().copy()

        def fftw_conv_cached():
            ua[:, :l] = u
            ua[:, l:] = 0
            np.multiply(fu(), fk_cached[None], out=prod)
            return inv()[:, :l]
        impls["pyfftw k_f cached"] = (fftw_conv_cached, ())
    if p.torch:
        t = p.torch
        tu, tk = t.from_numpy(u), t.from_numpy(np.ascontiguousarray(k.T))

        def torch_conv():
            with t.no_grad():
                y = t.fft.irfft(t.fft.rfft(tu, n=n, dim=1) * t.fft.rfft(tk, n=n, dim=0)[None],
                                n=n, dim=1)[:, :l]
            return y.numpy()
        impls["torch"] = (torch_conv, ())
        with t.no_grad():
            tkf = t.fft.rfft(tk, n=n, dim=0)

        def torch_conv_cached():
            with t.no_grad():
                y = t.fft.irfft(t.fft.rfft(tu, n=n, dim=1) * tkf[None], n=n, dim=1)[:, :l]
            return y.numpy()
        impls["torch k_f cached"] = (torch_conv_cached, ())
    if p.jax:
        import jax.numpy as jnp
        jf = p.jax.jit(lambda u, k: jnp.fft.irfft(jnp.fft.rfft(u, n=n, axis=1)
                                                   * jnp.fft.rfft(k.T, n=n, axis=0)[None],
                                                   n=n, axis=1)[:, :l])
        ju, jk = p.jax.device_put(u), p.jax.device_put(k)
        impls["jax"] = (lambda: np.asarray(jf(ju, jk).block_until_ready()), ())
    return impls


def fft_impls(p, x):
    impls = {}
    seq = p.seq
    if seq:
        @seq.jit
        def seq_fft(x):
            return seq.fft(x)
        impls["seq"] = (seq_fft, (x,))
    impls["numpy"] = (lambda: np.fft.fft(x), ())
    if p.scipy_fft:
        impls["scipy"] = (lambda: p.scipy_fft.fft(x, workers=p.threads), ())
    if p.pyfftw:
        a = p.pyfftw.empty_aligned(x.shape, dtype=C64)
        plan = p.pyfftw.builders.fft(a, threads=p.threads, planner_effort="FFTW_MEASURE")

        def fftw():
            a[...] = x
            return plan()
        impls["pyfftw"] = (fftw, ())
    if p.torch:
        tx = p.torch.from_numpy(x)
        impls["torch"] = (lambda: p.torch.fft.fft(tx).numpy(), ())
    if p.jax:
        import jax.numpy as jnp
        jf = p.jax.jit(jnp.fft.fft)
        jx = p.jax.device_put(x)
        impls["jax"] = (lambda: np.asarray(jf(jx).block_until_ready()), ())
    return impls


def cema_impls(p, x, wl, dl, gamma, omega, theta, max_bytes):
    b, l, d = x.shape
    n = wl.shape[1]
    impls = {}
    seq = p.seq
    if seq:
        @seq.jit
        def seq_cema(x, wl, dl, gamma, omega, theta):
            return seq.ema(x, wl, dl, gamma, omega, kind="complex", theta=theta)
        impls["seq"] = (seq_cema, (x, wl, dl, gamma, omega, theta))
    pc, qc, etac = cema_coefficients(wl, dl, gamma, theta, n)
    if p.torch:
        t = p.torch
        tx = t.from_numpy(x)
        tpe = t.from_numpy((pc * etac).astype(C64))
        tlogq = t.from_numpy(np.log(qc).astype(C64))
        tom = t.from_numpy(omega)
        nfft = 2 * l

        def torch_cema():
            # MEGALODON's path: kernel Re sum_n p eta q^t (powers exp(t log q)),
            # then an FFT convolution padded to 2L, + omega x.
            with t.no_grad():
                tt = t.arange(l, dtype=t.float32)
                kernel = t.einsum("dn,dnt->dt", tpe, t.exp(tlogq[..., None] * tt)).real
                y = t.fft.irfft(t.fft.rfft(tx, n=nfft, dim=1)
                                * t.fft.rfft(kernel.T, n=nfft, dim=0)[None], n=nfft, dim=1)[:, :l]
                return (y + tom * tx).numpy()
        if d * n * l * 8 * 2 <= max_bytes:
            impls["torch (FFT)"] = (torch_cema, ())
    if p.jax:
        import jax.numpy as jnp
        lax = p.jax.lax
        jq = jnp.asarray(qc.astype(C64))
        ju = jnp.asarray(pc.astype(F32))
        jeta = jnp.asarray(etac.astype(C64))
        jom = jnp.asarray(omega)

        def step(h, xt):
            h = jq * h + ju * xt[:, None]
            return h, jnp.real(jnp.sum(jeta * h, axis=-1))

        @p.jax.jit
        def jax_scan(x):
            _, ys = lax.scan(step, jnp.zeros((d, n), C64), x[0])
            return (ys + jom * x[0])[None]

        @p.jax.jit
        def jax_assoc(x):
            a = jnp.broadcast_to(jq, (l, d, n))
            bb = (ju * x[0][..., None]).astype(C64)
            _, h = lax.associative_scan(lambda e0, e1: (e1[0] * e0[0], e1[0] * e0[1] + e1[1]),
                                        (a, bb))
            return (jnp.real(jnp.sum(jeta * h, axis=-1)) + jom * x[0])[None]
        jx = p.jax.device_put(x)
        impls["jax lax.scan"] = (lambda: np.asarray(jax_scan(jx).block_until_ready()), ())
        if 3 * l * d * n * 8 <= max_bytes:
            impls["jax associative_scan"] = (
                lambda: np.asarray(jax_assoc(jx).block_until_ready()), ())
    return impls


def torch_chunked_linattn(t, q, k, v, log_decay, scale, normalize, eps, chunk=64):
    """Chunked linear attention in PyTorch (f32), the same algorithm as seq's:
    intra-chunk masked (decayed) scores times V plus the inter-chunk state,
    per chunk in order; per-key decays by the exp(G_i - G_j) mask over the
    features (fine at these decays, no sub-chunking)."""
    b, h, l, f = q.shape
    e = v.shape[-1]
    s = q.new_zeros(b, h, f, e)
    z = q.new_zeros(b, h, f)
    outs = []
    for c0 in range(0, l, chunk):
        qc, kc, vc = q[:, :, c0:c0 + chunk], k[:, :, c0:c0 + chunk], v[:, :, c0:c0 + chunk]
        n = qc.shape[2]
        tri = t.tril(t.ones(n, n, dtype=t.bool))
        if log_decay is None:
            a = (qc @ kc.transpose(-1, -2)).masked_fill(~tri, 0.0)
            qd, kd, last = qc, kc, None
        elif log_decay.dim() == 3:
            g = t.cumsum(log_decay[:, :, c0:c0 + chunk], dim=-1)
            dec = t.exp((g[..., :, None] - g[..., None, :]).masked_fill(~tri, -math.inf))
            a = (qc @ kc.transpose(-1, -2)) * dec
            qd = qc * t.exp(g)[..., None]
            last = g[..., -1]
            kd = kc * t.exp(last[..., None] - g)[..., None]
            last = last[..., None]
        else:
            g = t.cumsum(log_decay[:, :, c0:c0 + chunk], dim=2)
            diff = (g[:, :, :, None] - g[:, :, None]).masked_fill(~tri[..., None], -math.inf)
            a = t.einsum("bhif,bhjf,bhijf->bhij", qc, kc, t.exp(diff))
            qd = qc * t.exp(g)
            last = g[:, :, -1]
            kd = kc * t.exp(last[:, :, None] - g)
        num = a @ vc + qd @ s
        if normalize:
            den = a.sum(-1) + (qd * z[:, :, None]).sum(-1)
            outs.append(scale * num / (scale * den + eps)[..., None])
        else:
            outs.append(scale * num)
        if last is None:
            s = s + kd.transpose(-1, -2) @ vc
            z = z + kd.sum(2)
        else:
            s = t.exp(last)[..., None] * s + kd.transpose(-1, -2) @ vc
            z = t.exp(last) * z + kd.sum(2)
    return t.cat(outs, dim=2)


def linattn_impls(p, q, k, v, log_decay, scale, normalize, eps, max_bytes):
    b, h, l, f = q.shape
    e = v.shape[-1]
    impls = {}
    seq = p.seq
    if seq:
        if log_decay is None:
            @seq.jit
            def seq_la(q, k, v):
                return seq.linear_attention(q, k, v, scale=scale, normalize=normalize, eps=eps)
            impls["seq"] = (seq_la, (q, k, v))
        else:
            @seq.jit
            def seq_la_d(q, k, v, g):
                return seq.linear_attention(q, k, v, log_decay=g, scale=scale,
                                            normalize=normalize, eps=eps)
            impls["seq"] = (seq_la_d, (q, k, v, log_decay))
    if p.torch:
        t = p.torch
        tq, tk, tv = t.from_numpy(q), t.from_numpy(k), t.from_numpy(v)
        tg = t.from_numpy(log_decay) if log_decay is not None else None

        def torch_la():
            with t.no_grad():
                return torch_chunked_linattn(t, tq, tk, tv, tg, scale, normalize, eps).numpy()
        impls["torch chunked"] = (torch_la, ())
    if p.jax and log_decay is not None and not normalize and b * h * l * f * e * 4 * 3 <= max_bytes:
        import jax.numpy as jnp
        lax = p.jax.lax
        per_key = log_decay.ndim == 4

        @p.jax.jit
        def jax_assoc(q, k, v, g):
            dec = jnp.exp(g) if per_key else jnp.exp(g)[..., None]       # (B,H,L,F)
            kv = k[..., :, None] * v[..., None, :]                         # (B,H,L,F,E)
            _, states = lax.associative_scan(
                lambda e0, e1: (e1[0] * e0[0], e1[0][..., None] * e0[1] + e1[1]),
                (jnp.broadcast_to(dec, kv.shape[:-1]), kv), axis=2)
            return scale * jnp.einsum("bhlf,bhlfe->bhle", q, states)
        jargs = [p.jax.device_put(a) for a in (q, k, v, log_decay)]
        impls["jax associative_scan"] = (
            lambda: np.asarray(jax_assoc(*jargs).block_until_ready()), ())
    return impls


def scan_impls(p, a, bb, max_bytes):
    impls = {}
    seq = p.seq
    if seq:
        @seq.jit
        def seq_scan(a, b):
            return seq.scan(a, b)
        impls["seq"] = (seq_scan, (a, bb))
    if p.jax:
        lax = p.jax.lax
        import jax.numpy as jnp

        @p.jax.jit
        def jax_scan(a, b):
            _, hs = lax.scan(lambda h, ab: ((ab[0] * h + ab[1]),) * 2,
                             jnp.zeros(a.shape[::2], a.dtype), (a.swapaxes(0, 1), b.swapaxes(0, 1)))
            return hs.swapaxes(0, 1)

        @p.jax.jit
        def jax_assoc(a, b):
            return lax.associative_scan(lambda e0, e1: (e1[0] * e0[0], e1[0] * e0[1] + e1[1]),
                                        (a, b), axis=1)[1]
        ja, jb = p.jax.device_put(a), p.jax.device_put(bb)
        impls["jax lax.scan"] = (lambda: np.asarray(jax_scan(ja, jb).block_until_ready()), ())
        if a.nbytes * 4 <= max_bytes:
            impls["jax associative_scan"] = (
                lambda: np.asarray(jax_assoc(ja, jb).block_until_ready()), ())
    return impls


def scan_f64(a, b):
    h = np.zeros((a.shape[0],) + a.shape[2:])
    out = np.empty(a.shape)
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    for t in range(a.shape[1]):
        h = a64[:, t] * h + b64[:, t]
        out[:, t] = h
    return out


def line_aligned(p, *arrays):
    """The arrays, each starting on a 64-byte cache line (seq.byte_align):
    every implementation reads the same aligned inputs. NumPy puts large
    arrays 16 bytes past a line, where every 64-byte vector load straddles
    two lines."""
    if not p.seq:
        return arrays
    return tuple(p.seq.byte_align(a) for a in arrays)


def nominal_flops(family, rows, n):
    """The nominal flops of a case, one count for every implementation (as
    FFTW's benchmarks count): a complex FFT of n points 5 n log2 n, a real
    one half of that; a convolution three real FFTs of its padded size n and
    the spectrum product (6 flops per complex bin); CEMA 12 per state and
    step (h = q h + p x, a complex multiply-add, and Re(eta h) added to y)."""
    if family == "fft":
        return rows * 5 * n * math.log2(n)
    if family == "conv":
        return rows * (3 * 2.5 * n * math.log2(n) + 6 * (n // 2 + 1))
    if family == "cema":
        return 12 * rows * n
    raise ValueError(family)


def make_cases(opts):
    """Yields (family, label, size, bytes, flops, build) where build(peers,
    rng) returns (implementations, float64 reference thunk) and flops is the
    case's nominal flop count (see nominal_flops) or None."""
    quick = opts.quick
    fams = set(opts.only.split(",")) if opts.only else None

    def want(f):
        return fams is None or f in fams

    if want("conv"):
        lengths = [1 << e for e in ((10, 11) if quick else range(10, 21))]
        for l in lengths:
            c = 64

            def build(p, rng, l=l, c=c):
                u = rng.standard_normal((1, l, c), dtype=F32)
                k = (rng.standard_normal((c, l), dtype=F32)
                     * np.exp(-np.arange(l) / (l / 8.0))[None].astype(F32) / math.sqrt(l)).astype(F32)
                u, k = line_aligned(p, u, k)
                return conv_impls(p, u, k), lambda: fft_conv_f64(u, k)
            yield ("conv", f"B=1 C={c} L=K={l}", l, (2 * l * c + c * l) * 4,
                   nominal_flops("conv", c, 2 * l), build)
    def fft_cases(family, sizes):
        for n in sizes:
            rows = max(1, min(8 if quick else 128, opts.fft_elements // n))

            def build(p, rng, n=n, rows=rows):
                x = (rng.standard_normal((rows, n), dtype=F32)
                     + 1j * rng.standard_normal((rows, n), dtype=F32)).astype(C64)
                x, = line_aligned(p, x)
                return fft_impls(p, x), lambda: np.fft.fft(x.astype(np.complex128))
            yield (family, f"{rows} x N={n}", n, 2 * rows * n * 8,
                   nominal_flops("fft", rows, n), build)

    if want("fft"):
        yield from fft_cases("fft", [1 << e for e in ((10, 12) if quick else range(10, 21))])
    if want("fft-mixed"):
        # Lengths that are not powers of two: mixed-radix stages (3, 5, 9,
        # 15 with powers of two) and a prime (Bluestein's algorithm).
        yield from fft_cases("fft-mixed", (3072, 6000) if quick else
                             (3072, 5120, 6000, 9216, 12000, 15360, 65521))
    if want("cema"):
        d, n = (64, 16) if quick else (1024, 16)
        for l in ((512, 1024) if quick else (4096, 8192, 16384, 32768, 65536)):
            def build(p, rng, l=l, d=d, n=n):
                x_numpy = rng.standard_normal((1, l, d), dtype=F32)
                x, = line_aligned(p, x_numpy)
                wl = (0.2 * rng.standard_normal((d, n))).astype(F32)
                dl = (0.2 * rng.standard_normal((d, n))).astype(F32)
                gamma = np.stack([rng.standard_normal((d, n)), np.zeros((d, n))], -1).astype(F32)
                omega = (0.25 * rng.standard_normal(d)).astype(F32)
                f = rng.permutation(d ** (-np.arange(1, d + 1) / d))
                theta = np.log(f / (1 - f)).astype(F32)
                args = (x, wl, dl, gamma, omega, theta)
                impls = cema_impls(p, *args, opts.max_bytes)
                if "seq" in impls and x_numpy.ctypes.data % 64:
                    # The same compiled function on x where NumPy put it.
                    impls[SEQ_UNALIGNED] = (impls["seq"][0], (x_numpy,) + args[1:])
                impls[COPY_PROBE] = copy_probe(2 * l * d * 4)
                return impls, lambda: cema_f64(*args)
            yield ("cema", f"B=1 D={d} N={n} L={l}", l, 2 * l * d * 4,
                   nominal_flops("cema", l * d, n), build)
    if want("linattn"):
        forms = {"Based": dict(f=273, e=64, decay=None, normalize=True, scale=1.0),
                 "GLA": dict(f=64, e=64, decay="key", normalize=False, scale=0.125),
                 "Mamba-2": dict(f=128, e=64, decay="head", normalize=False, scale=1.0)}
        for name, form in forms.items():
            for l in ((256, 512) if quick else (1024, 2048, 4096, 8192, 16384)):
                h = 2 if quick else 8

                def build(p, rng, l=l, h=h, form=form):
                    f, e = form["f"], form["e"]
                    if form["normalize"]:
                        q = rng.uniform(0, 1, (1, h, l, f)).astype(F32)
                        k = rng.uniform(0, 1, (1, h, l, f)).astype(F32)
                    else:
                        q = (rng.standard_normal((1, h, l, f)) / math.sqrt(f)).astype(F32)
                        k = (rng.standard_normal((1, h, l, f)) / math.sqrt(f)).astype(F32)
                    v = rng.standard_normal((1, h, l, e), dtype=F32)
                    g = None
                    if form["decay"] == "key":
                        g = np.log(rng.uniform(0.9, 1.0, (1, h, l, f))).astype(F32)
                    elif form["decay"] == "head":
                        g = np.log(rng.uniform(0.9, 1.0, (1, h, l))).astype(F32)
                    q, k, v = line_aligned(p, q, k, v)
                    if g is not None:
                        g, = line_aligned(p, g)
                    eps = 1e-6
                    impls = linattn_impls(p, q, k, v, g, form["scale"], form["normalize"], eps,
                                          opts.max_bytes)
                    return impls, lambda: linattn_f64(q, k, v, g, form["scale"], form["normalize"], eps)
                nbytes = (2 * l * form["f"] + 2 * l * form["e"]) * h * 4
                yield (f"linattn {name}", f"H={h} F={form['f']} E={form['e']} L={l}", l, nbytes,
                       None, build)
    if want("scan"):
        for l, s in (((4096, 64),) if quick else ((65536, 64), (65536, 4096))):
            def build(p, rng, l=l, s=s):
                a = rng.uniform(0.9, 1.0, (1, l, s)).astype(F32)
                b = rng.standard_normal((1, l, s), dtype=F32)
                a, b = line_aligned(p, a, b)
                impls = scan_impls(p, a, b, opts.max_bytes)
                impls[COPY_PROBE] = copy_probe(3 * l * s * 4)
                return impls, lambda: scan_f64(a, b)
            yield "scan", f"B=1 L={l} S={s}", l * s, 3 * l * s * 4, None, build


# ==========================================================================
# Timing (a worker: one thread count)
# ==========================================================================

def max_rel_error(actual, expected):
    actual = np.asarray(actual)
    expected = np.asarray(expected)
    if actual.shape != expected.shape:
        return float("inf")
    scale = np.max(np.abs(expected))
    diff = np.max(np.abs(actual.astype(expected.dtype) - expected))
    return float(diff / scale) if scale > 0 else float(diff)


def call(fn, args):
    return fn(*args)




COPY_PROBE = "copy (same bytes)"
# The sgemm size that measures the compute limit (as bench_attention's).
SGEMM_N = 2048
# seq's CEMA on the input as NumPy allocated it (16 bytes past a line),
# next to the row's aligned inputs: what seq.byte_align saves.
SEQ_UNALIGNED = "seq, x as NumPy put it"


def copy_probe(nbytes):
    """np.copyto of nbytes / 2 into a preallocated array: the case's bytes
    read and written by a plain copy, timed in the same interleaved rounds
    as the implementations (this VM's memory bandwidth drifts by up to 2x
    within minutes, so a bandwidth taken once at the start is not the
    bandwidth a row ran against)."""
    src = np.ones(nbytes // 8, dtype=F32)
    dst = np.empty_like(src)
    return (lambda: np.copyto(dst, src)), ()


def best_of(fn, calls=5):
    """The shortest of `calls` timed calls of fn, in seconds."""
    best = float("inf")
    for _ in range(calls):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def copy_bandwidth(nbytes=256 << 20):
    """Read + write GB/s of np.copyto on a large f32 array (best of 5)."""
    copy, _ = copy_probe(2 * nbytes)
    return 2 * nbytes / best_of(copy) / 1e9


def sgemm_gflops(n=SGEMM_N):
    """GFLOP/s of NumPy's (OpenBLAS) f32 n x n matmul, best of 5: the
    machine's practical compute limit, as the copy is its memory limit."""
    a = np.ones((n, n), dtype=F32)
    b = np.ones((n, n), dtype=F32)
    c = np.empty((n, n), dtype=F32)
    np.matmul(a, b, out=c)
    return 2 * n ** 3 / best_of(lambda: np.matmul(a, b, out=c)) / 1e9


def worker(opts):
    threads = opts.worker
    peers = Peers(threads)
    bandwidth = copy_bandwidth()
    sgemm_start = sgemm_gflops()
    print(f"  [threads={threads}] copy bandwidth {bandwidth:.1f} GB/s, "
          f"sgemm {SGEMM_N}^2 {sgemm_start:.1f} GFLOP/s", flush=True)
    rng = np.random.default_rng(opts.seed)
    results = []
    last = {}  # (family, impl) -> (size, seconds) of the previous size
    for family, label, size, nbytes, flops, build in make_cases(opts):
        if threads != max(opts.thread_list) and not family.startswith("linattn"):
            continue  # only linear attention is measured at every thread count
        try:
            impls, reference = build(peers, rng)
        except Exception:
            print(f"  [error] building {family} {label}:\n{traceback.format_exc()}", flush=True)
            continue
        expected = reference()
        row = dict(family=family, label=label, size=size, bytes=nbytes, flops=flops,
                   threads=threads, impls={})
        live = {}
        for name, (fn, args) in impls.items():
            prev = last.get((family, name))
            if prev and prev[1] * (size / prev[0]) ** 1.2 > opts.max_call_s:
                row["impls"][name] = dict(skipped=f"estimated over {opts.max_call_s:g} s per call")
                continue
            try:
                t0 = time.perf_counter()
                out = call(fn, args)
                first = time.perf_counter() - t0
            except Exception as e:
                row["impls"][name] = dict(skipped=f"failed: {type(e).__name__}: {e}")
                print(f"  [error] {family} {label} {name}: {e}", flush=True)
                continue
            if name == COPY_PROBE:
                row["impls"][name] = dict(first_call_s=first, max_rel_err=0.0, ok=True,
                                          probe=True, times=[])
            else:
                err = max_rel_error(out, expected)
                row["impls"][name] = dict(first_call_s=first, max_rel_err=err,
                                          ok=bool(np.isfinite(err) and err <= TOLERANCE),
                                          times=[])
            live[name] = (fn, args)
        # Interleaved rounds until each implementation has its repeats.
        for name in live:
            r = row["impls"][name]
            t0 = time.perf_counter()
            call(*live[name])
            r["times"].append(time.perf_counter() - t0)
        for rnd in range(opts.rounds):
            for name, (fn, args) in live.items():
                r = row["impls"][name]
                one = min(r["times"])
                want_n = max(opts.min_repeats, min(opts.max_repeats, math.ceil(opts.target / max(one, 1e-6))))
                per_round = max(1, math.ceil((want_n - 1) / opts.rounds))
                for _ in range(per_round):
                    t0 = time.perf_counter()
                    call(fn, args)
                    r["times"].append(time.perf_counter() - t0)
        for name in live:
            r = row["impls"][name]
            r["median_s"] = float(np.median(r["times"]))
            r["min_s"] = float(np.min(r["times"]))
            r["gbps"] = nbytes / r["median_s"] / 1e9
            if flops and not r.get("probe"):
                r["gflops"] = flops / r["median_s"] / 1e9
            r["compile_s"] = max(0.0, r["first_call_s"] - r["min_s"])
            last[(family, name)] = (size, r["median_s"])
        results.append(row)
        line = "  ".join(f"{n} {r['median_s'] * 1e3:.2f} ms" + ("" if r["ok"] else " FAIL")
                         for n, r in row["impls"].items() if "median_s" in r)
        print(f"  [{threads}t] {family:18s} {label:28s} {line}", flush=True)
    sgemm_end = sgemm_gflops()
    print(f"  [threads={threads}] sgemm {SGEMM_N}^2 {sgemm_end:.1f} GFLOP/s (again, at the end)",
          flush=True)
    return dict(threads=threads, copy_gbps=bandwidth, sgemm_gflops=max(sgemm_start, sgemm_end),
                sgemm_n=SGEMM_N, missing=peers.missing, results=results)


# ==========================================================================
# Driver: machine, workers, tables, plot
# ==========================================================================

def machine():
    info = {}
    try:
        from bench_ops import machine_info
        info = machine_info()
        info.pop("seq_codegen", None)
    except Exception as e:
        info["error"] = str(e)
    info["unset_env"] = os.environ.get("SEQ_BENCH_UNSET", "")
    try:
        load = os.getloadavg()
        info["load_average_at_start"] = [round(x, 2) for x in load]
    except OSError:
        pass
    info["seq_pipeline"] = "tiled (seq-to-cpu default): issue-8 decompositions, schedules, OpenMP"
    return info


def fit_exponent(points):
    """Least-squares slope of log(time) vs log(size)."""
    if len(points) < 2:
        return None
    x = np.log([p[0] for p in points])
    y = np.log([p[1] for p in points])
    return float(np.polyfit(x, y, 1)[0])


def blas_kernel(info):
    """The BLAS kernel NumPy runs (OpenBLAS core type), from bench_ops'
    runtime probe (threadpoolctl pools or OpenBLAS's own C API)."""
    runtime = info.get("openblas_runtime", {})
    if "corename" in runtime:
        return f"{runtime['corename']} ({runtime.get('num_threads')} threads)"
    for pool in runtime.get("pools", []):
        if pool.get("user_api") == "blas":
            return (f"{pool.get('internal_api')} {pool.get('version')} "
                    f"{pool.get('architecture')} ({pool.get('num_threads')} threads)")
    return "unknown"


def markdown(doc):
    m = doc["machine"]
    cpu = m.get("cpu", {})
    lines = [f"# seq subquadratic benchmark ({doc['date']})", "",
             f"Machine: {cpu.get('model', '?')} (SIMD {' '.join(cpu.get('simd', []))}), "
             f"{m.get('usable_cores', '?')} usable cores; load average at start "
             f"{m.get('load_average_at_start')}, at end {doc.get('load_average_at_end')}; "
             f"OpenBLAS overrides unset for this run: {m.get('unset_env') or 'none were set'}; "
             f"BLAS kernel that ran: {blas_kernel(m)}; seq {m.get('seq_git')}.", ""]
    for w in doc["workers"]:
        sgemm = (f"; sgemm {w['sgemm_n']}² {w['sgemm_gflops']:.1f} GFLOP/s (the better of the "
                 "worker's start and end)" if w.get("sgemm_gflops") else "")
        lines.append(f"Copy bandwidth at {w['threads']} thread(s): {w['copy_gbps']:.1f} GB/s "
                     f"(read + write){sgemm}. Missing peers: {', '.join(w['missing']) or 'none'}.")
    lines.append("")
    lines.append(f"% copy BW: GB/s over the row's own `{COPY_PROBE}` (a plain np.copyto of "
                 "the case's bytes, timed in the same interleaved rounds) where the row has "
                 "one (scan, cema), else over the copy bandwidth above. GFLOP/s: the case's "
                 "nominal flops (one count for every implementation: 5 N log2 N per complex "
                 "FFT, three real FFTs of the padded 2L and the spectrum product per conv "
                 "channel, 12 per CEMA state and step) over the median; % sgemm: over the "
                 "sgemm above, the compute limit (none for scan and linattn).")
    lines.append("")
    lines.append("| family | size | threads | implementation | median (ms) | min (ms) | vs seq | GB/s | % copy BW | GFLOP/s | % sgemm | max rel err |")
    lines.append("|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for w in doc["workers"]:
        for row in w["results"]:
            seq_ms = row["impls"].get("seq", {}).get("median_s")
            copy_gbps = row["impls"].get(COPY_PROBE, {}).get("gbps") or w["copy_gbps"]
            for name, r in row["impls"].items():
                if "median_s" not in r:
                    lines.append(f"| {row['family']} | {row['label']} | {w['threads']} | {name} | "
                                 f"skipped: {r['skipped']} | | | | | | | |")
                    continue
                ratio = f"{r['median_s'] / seq_ms:.2f}" if seq_ms else ""
                gflops, sgemm = r.get("gflops"), w.get("sgemm_gflops")
                gflops_cell = f"{gflops:.1f}" if gflops else ""
                sgemm_cell = f"{100 * gflops / sgemm:.1f}" if gflops and sgemm else ""
                lines.append(
                    f"| {row['family']} | {row['label']} | {w['threads']} | {name} | "
                    f"{r['median_s'] * 1e3:.3f} | {r['min_s'] * 1e3:.3f} | {ratio} | "
                    f"{r['gbps']:.2f} | {100 * r['gbps'] / copy_gbps:.1f} | "
                    f"{gflops_cell} | {sgemm_cell} | "
                    f"{r['max_rel_err']:.1e}{'' if r['ok'] else ' FAIL'} |")
    lines += ["", "Fitted scaling exponents (slope of log time vs log size; conv fitted "
              "from L = 4K up):", "", "| family | threads | implementation | exponent | sizes |",
              "|---|---:|---|---:|---:|"]
    for fam, thr, name, exp, count in doc["exponents"]:
        lines.append(f"| {fam} | {thr} | {name} | {exp:.2f} | {count} |")
    return "\n".join(lines) + "\n"


def exponents(workers):
    out = []
    for w in workers:
        series = {}
        for row in w["results"]:
            for name, r in row["impls"].items():
                # Mixed-radix lengths are not one algorithm's scaling.
                if ("median_s" in r and not r.get("probe") and row["family"] != "fft-mixed"
                        and (row["family"] != "conv" or row["size"] >= 4096)):
                    series.setdefault((row["family"], name), []).append((row["size"], r["median_s"]))
        for (fam, name), pts in sorted(series.items()):
            e = fit_exponent(pts)
            if e is not None:
                out.append((fam, w["threads"], name, e, len(pts)))
    return out


def plot(doc, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("  [skip] plot: matplotlib is not available")
        return
    families = sorted({row["family"] for w in doc["workers"] for row in w["results"]})
    if not families:
        return
    cols = min(3, len(families))
    rows = math.ceil(len(families) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(6 * cols, 4.2 * rows), squeeze=False)
    for ax, fam in zip(axes.flat, families):
        for w in doc["workers"]:
            series = {}
            for row in w["results"]:
                if row["family"] != fam:
                    continue
                for name, r in row["impls"].items():
                    if "median_s" in r:
                        series.setdefault(name, []).append((row["size"], r["median_s"] * 1e3))
            for name, pts in sorted(series.items()):
                if len(pts) < 1:
                    continue
                xs, ys = zip(*pts)
                style = "-o" if name == "seq" else "--."
                ax.plot(xs, ys, style, label=f"{name} ({w['threads']}t)")
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_title(fam)
        ax.set_xlabel("size (L, N or L x S)")
        ax.set_ylabel("median ms per call")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    for ax in list(axes.flat)[len(families):]:
        ax.axis("off")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"plot written to {path}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (a smoke test)")
    parser.add_argument("--only", default=None,
                        help="comma-separated families: conv,fft,fft-mixed,cema,linattn,scan")
    parser.add_argument("--threads", default=None,
                        help="thread counts, comma-separated (default 1,2 or 1)")
    parser.add_argument("--target", type=float, default=None,
                        help="seconds of timed calls per implementation and case (default 1)")
    parser.add_argument("--min-repeats", type=int, default=3)
    parser.add_argument("--max-repeats", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--max-call-s", type=float, default=30.0,
                        help="skip a size an implementation needs longer than this for")
    parser.add_argument("--max-bytes", type=int, default=2 * GIB,
                        help="skip implementations needing more intermediate memory")
    parser.add_argument("--fft-elements", type=int, default=1 << 24,
                        help="at most this many complex elements per FFT case (rows reduced)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=os.path.join(HERE, "results", "subquadratic"),
                        help="output path prefix (.json, .md, .png)")
    parser.add_argument("--worker", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--thread-list", default=None, help=argparse.SUPPRESS)
    opts = parser.parse_args(argv)
    if opts.target is None:
        opts.target = 0.2 if opts.quick else 1.0

    if opts.worker is not None:
        opts.thread_list = [int(t) for t in opts.thread_list.split(",")]
        result = worker(opts)
        with open(opts.out + f".worker{opts.worker}.json", "w") as f:
            json.dump(result, f, default=str)
        return 0

    cores = sorted(os.sched_getaffinity(0))
    thread_list = ([int(t) for t in opts.threads.split(",")] if opts.threads
                   else ([1, 2] if len(cores) >= 2 else [1]))
    start = time.perf_counter()
    info = machine()
    print("seq subquadratic benchmark" + (" (--quick)" if opts.quick else ""))
    print(f"  machine: {info.get('cpu', {}).get('model', '?')}, {len(cores)} usable cores, "
          f"load {info.get('load_average_at_start')}; unset: {info['unset_env'] or 'none'}")
    workers = []
    os.makedirs(os.path.dirname(opts.out), exist_ok=True)
    for threads in thread_list:
        env = dict(os.environ)
        env.update(SEQ_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads),
                   OPENBLAS_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads),
                   SEQ_BENCH_CORES=",".join(map(str, cores[:threads])))
        # JAX sizes its thread pool from the cores it may use (the affinity
        # above); one thread also turns Eigen's multi-threading off.
        if threads == 1:
            env["XLA_FLAGS"] = (env.get("XLA_FLAGS", "") + " --xla_cpu_multi_thread_eigen=false").strip()
        cmd = [sys.executable, os.path.abspath(__file__), "--worker", str(threads),
               "--thread-list", ",".join(map(str, thread_list))] + [
            a for a in (argv if argv is not None else sys.argv[1:])]
        proc = subprocess.run(cmd, env=env)
        path = opts.out + f".worker{threads}.json"
        if proc.returncode != 0 or not os.path.exists(path):
            print(f"  worker with {threads} thread(s) failed ({proc.returncode})")
            continue
        with open(path) as f:
            workers.append(json.load(f))
        os.remove(path)
    doc = dict(schema="seq-bench-subquadratic/1",
               date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
               command=" ".join([os.path.basename(sys.executable)] + sys.argv),
               machine=info, workers=workers, tolerance=TOLERANCE,
               timing=dict(target_s=opts.target, min_repeats=opts.min_repeats,
                           max_repeats=opts.max_repeats, rounds=opts.rounds,
                           max_call_s=opts.max_call_s),
               load_average_at_end=[round(x, 2) for x in os.getloadavg()],
               total_runtime_s=time.perf_counter() - start)
    doc["exponents"] = exponents(workers)
    with open(opts.out + ".json", "w") as f:
        json.dump(doc, f, indent=1, default=str)
    with open(opts.out + ".md", "w") as f:
        f.write(markdown(doc))
    plot(doc, opts.out + ".png")
    print(markdown(doc))
    failures = [(w["threads"], row["family"], row["label"], n) for w in workers
                for row in w["results"] for n, r in row["impls"].items()
                if "ok" in r and not r["ok"]]
    for f in failures:
        print(f"FAIL: {f}")
    return 1 if failures or not workers else 0


if __name__ == "__main__":
    sys.exit(main())
