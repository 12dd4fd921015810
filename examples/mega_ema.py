# Usage: python3 examples/mega_ema.py
"""MEGA's MultiHeadEMA (facebookresearch/mega, OPS.md §1.1) as a seq program:
silu(damped multi-dimensional EMA(x) + ω⊙x), with MEGA's parameterization
(p = σ(delta), q = 1 − p·σ(alpha): the code's `delta` is seq's weight_logit).
Checked against a float64 NumPy transcription of the official FFT-kernel form
(`_compute_kernel` + irfft(rfft)), and the carried state: two half-length calls
that pass the EMA state equal one full call, and the state matches MEGA's `step`.
"""

import argparse
import math
import sys

import numpy as np

import seq
from seq.testing import max_rel_error, timed, verdict


# --------------------------------------------------------------------------
# The model: one seq op plus the activation.
# --------------------------------------------------------------------------

@seq.jit
def mega_ema(x, delta, alpha, beta, gamma, omega, h0):
    """x (B,L,D); delta/alpha/beta/gamma (D,N); omega (D); h0 (B,D,N) or None.
    Returns silu(EMA(x) + ω⊙x) and the final EMA state."""
    y, h = seq.ema(x, delta, alpha, gamma, omega, kind="damped", beta=beta,
                   initial=h0, return_final=True)
    return seq.silu(y), h


# --------------------------------------------------------------------------
# Independent float64 reference, mirroring MultiHeadEMA's PyTorch code
# (tensors (D,N,1) for delta/alpha/beta as in the module; layout L x B x D).
# --------------------------------------------------------------------------

def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _silu(z):
    return z * _sigmoid(z)


def ref_coeffs(P):
    p = _sigmoid(P["delta"])                    # (D,N,1)   code: p = σ(delta)
    q = 1.0 - p * _sigmoid(P["alpha"])          #           code: q = 1 − p·σ(alpha)
    return p, q


def ref_forward(x_lbd, P):
    """MultiHeadEMA.forward (unidirectional, no truncation, no padding)."""
    L = x_lbd.shape[0]
    scale = math.sqrt(1.0 / P["gamma"].shape[1])
    residual = x_lbd * P["omega"]
    x = np.transpose(x_lbd, (1, 2, 0))                                  # B x D x L
    p, q = ref_coeffs(P)
    vander = np.arange(L).reshape(1, 1, L) * np.log(q)                  # D x N x L
    kernel = (p * P["beta"]) * np.exp(vander)
    k = np.einsum("dnl,dn->dl", kernel, P["gamma"] * scale)             # D x L
    fft_len = L
    k_f = np.fft.rfft(k, n=2 * fft_len)
    x_f = np.fft.rfft(x, n=2 * fft_len)
    out = np.fft.irfft(x_f * k_f, n=2 * fft_len)[..., :L]               # B x D x L
    return _silu(np.transpose(out, (2, 0, 1)) + residual)


def ref_step(x_lbd, P, hx=None):
    """MultiHeadEMA.step (incremental, length > 1) + the forward's silu/residual.
    Returns (out L x B x D, new state B x D x N)."""
    L = x_lbd.shape[0]
    scale = math.sqrt(1.0 / P["gamma"].shape[1])
    residual = x_lbd * P["omega"]
    x = np.transpose(x_lbd, (1, 2, 0))
    p, q = ref_coeffs(P)
    vander = np.exp(np.arange(L + 1).reshape(1, 1, L + 1) * np.log(q))  # D x N x L+1
    ox = hh = None
    if hx is not None:
        kk = vander[:, :, 1:] * (P["gamma"] * scale)[..., None]
        ox = np.einsum("bdn,dnl->bdl", hx, kk)
        hh = vander[:, :, -1] * hx
    vander = vander[:, :, :-1]
    kernel = (p * P["beta"]) * vander
    k = np.einsum("dnl,dn->dl", kernel, P["gamma"] * scale)
    out = np.fft.irfft(np.fft.rfft(x, n=2 * L) * np.fft.rfft(k, n=2 * L), n=2 * L)[..., :L]
    if ox is not None:
        out = out + ox
    h = np.einsum("bdl,dnl->bdn", x, np.flip(kernel, axis=2))
    if hh is not None:
        h = h + hh
    return _silu(np.transpose(out, (2, 0, 1)) + residual), h


# --------------------------------------------------------------------------

def init_params(rng, D, N):
    """MultiHeadEMA.reset_parameters."""
    val = np.ones((N, 1))
    val[1::2] = -1.0                                      # beta ~ N(0,.02) + [1,-1,...]
    return {
        "delta": rng.normal(0.0, 0.2, (D, N, 1)),
        "alpha": rng.normal(0.0, 0.2, (D, N, 1)),
        "beta": rng.normal(0.0, 0.02, (D, N, 1)) + val,
        "gamma": rng.normal(0.0, 1.0, (D, N)),
        "omega": rng.normal(0.0, 1.0, (D,)),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batch", type=int, default=2)
    ap.add_argument("--length", type=int, default=256)
    ap.add_argument("--dim", type=int, default=64)
    ap.add_argument("--ndim", type=int, default=16)     # mega_lm decoder_n_dim
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--tol", type=float, default=1e-4)
    args = ap.parse_args(argv)
    B, L, D, N = args.batch, args.length, args.dim, args.ndim
    if L % 2:
        ap.error("--length must be even (the streaming check splits it in halves)")

    rng = np.random.default_rng(args.seed)
    P = init_params(rng, D, N)
    x = rng.normal(0.0, 1.0, (B, L, D))

    f32 = lambda a: np.ascontiguousarray(a, dtype=np.float32)
    w = [f32(P["delta"][..., 0]), f32(P["alpha"][..., 0]), f32(P["beta"][..., 0]),
         f32(P["gamma"]), f32(P["omega"])]

    # One call over the whole sequence.
    (y, h_final), t_compile, t_run = timed(mega_ema, f32(x), *w, None)

    # Streaming: first half, then the second half from the carried state.
    half = L // 2
    y1, h1 = mega_ema(f32(x[:, :half]), *w, None)
    y2, h2 = mega_ema(f32(x[:, half:]), *w, h1)
    y_stream = np.concatenate([y1, y2], axis=1)

    # Reference (MEGA layout L x B x D).
    x_lbd = np.transpose(x, (1, 0, 2))
    e = np.transpose(ref_forward(x_lbd, P), (1, 0, 2))
    e1, s1 = ref_step(x_lbd[:half], P)
    e2, s2 = ref_step(x_lbd[half:], P, s1)
    e_step = np.transpose(np.concatenate([e1, e2], axis=0), (1, 0, 2))

    errors = {
        "forward vs MEGA fft kernel form": max_rel_error(y, e),
        "2 halves w/ carried state vs one call": max_rel_error(y_stream, e),
        "final state vs MEGA step()": max_rel_error(h_final, s2),
        "half state vs MEGA step()": max_rel_error(h1, s1),
        "reference self-check: step() vs forward()": max_rel_error(e_step, e),
        "2nd half state vs one-call state": max_rel_error(h2, h_final),
    }
    print(f"MEGA MultiHeadEMA  B={B} L={L} D={D} N={N}  (f32)")
    for name, err in errors.items():
        print(f"  max rel error  {name:42s} {err:.2e}")
    print(f"  compile+first call {t_compile * 1e3:8.1f} ms   median call {t_run * 1e3:8.3f} ms")
    return verdict(errors, args.tol)


if __name__ == "__main__":
    sys.exit(main())
