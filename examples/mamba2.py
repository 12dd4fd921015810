# Usage: python3 examples/mamba2.py
"""Mamba-2 mixer (mamba_ssm Mamba2Simple, unfused path), OPS.md 7.2: in_proj,
causal dwconv4 + silu, SSD as seq.linear_attention (C queries, B keys, x*dt
values, per-head log_decay dt*A), + D skip, rmsnorm(y * silu(z)), out_proj.
Checked vs two float64 NumPy references — the sequential recurrence and the
chunked SSD (ssd_minimal_discrete, segsum) — with decays near 1 (~0.9999)."""

import argparse
import math
import sys

import numpy as np

import seq
from seq.testing import max_rel_error, timed

BATCH, LENGTH, D_MODEL = 2, 128, 64
EXPAND, HEADDIM, D_STATE, D_CONV = 2, 32, 32, 4   # d_inner 128 -> 4 heads of 32
CHUNK = 32                                       # chunk of the SSD reference
TOLERANCE = 1e-4


# --------------------------------------------------------------------------
# The model, in seq
# --------------------------------------------------------------------------

@seq.jit
def mamba2_mixer(u, w_in, conv_weight, conv_bias, dt_bias, a_log, d_skip,
                 norm_weight, w_out, d_state):
    b, l, _ = u.shape
    h = a_log.shape[0]
    d_inner = w_out.shape[0]
    p = d_inner // h
    zxbcdt = u @ w_in
    z, xbc, dt = (zxbcdt[:, :, :d_inner], zxbcdt[:, :, d_inner:2 * d_inner + 2 * d_state],
                  zxbcdt[:, :, 2 * d_inner + 2 * d_state:])
    # nn.Conv1d taps (cross-correlation) -> seq.long_conv taps (reversed).
    k = conv_weight.shape[1]
    taps = seq.concat([conv_weight[:, j:j + 1] for j in reversed(range(k))], axis=1)
    xbc = seq.silu(seq.long_conv(xbc, taps) + conv_bias)
    x = xbc[:, :, :d_inner].reshape(b, l, h, p).transpose(0, 2, 1, 3)     # (B,H,L,P)
    keys = xbc[:, :, d_inner:d_inner + d_state].reshape(b, 1, l, d_state)
    queries = xbc[:, :, d_inner + d_state:].reshape(b, 1, l, d_state)
    dt = seq.softplus(dt + dt_bias).transpose(0, 2, 1)                    # (B,H,L)
    log_decay = dt * (-seq.exp(a_log)).reshape(1, h, 1)                   # a = dt*A
    y = seq.linear_attention(seq.concat([queries] * h, axis=1),          # ngroups = 1:
                             seq.concat([keys] * h, axis=1),             # B, C shared
                             x * dt.reshape(b, h, l, 1), log_decay=log_decay)
    y = y + x * d_skip.reshape(1, h, 1, 1)
    y = y.transpose(0, 2, 1, 3).reshape(b, l, d_inner)
    out = seq.rms_norm(y * seq.silu(z), norm_weight, eps=1e-5) @ w_out
    return out, y                        # y: the SSD + D output, before the gated norm


# --------------------------------------------------------------------------
# NumPy float64 references
# --------------------------------------------------------------------------

def ref_softplus(x):
    return np.log1p(np.exp(-np.abs(x))) + np.maximum(x, 0)


def ref_silu(x):
    return x / (1.0 + np.exp(-x))


def ref_ssd_recurrent(x, dt, A, B, C):
    """h_t = exp(dt_t A) h_{t-1} + (dt_t x_t) B_t^T, y_t = h_t C_t.
    x (b,l,h,p), dt (b,l,h), A (h), B/C (b,l,n)."""
    b, l, h, p = x.shape
    state = np.zeros((b, h, p, B.shape[-1]))
    y = np.zeros_like(x)
    for t in range(l):
        decay = np.exp(dt[:, t] * A)                                   # (b,h)
        state = (decay[:, :, None, None] * state
                 + (dt[:, t, :, None] * x[:, t])[..., None] * B[:, t, None, None, :])
        y[:, t] = np.einsum("bhpn,bn->bhp", state, C[:, t])
    return y


def ref_segsum(a):
    """Stable segment sum (mamba_ssm ssd_minimal.segsum): out[..., i, j] =
    sum_{j < k <= i} a[..., k], -inf above the diagonal."""
    t = a.shape[-1]
    rep = np.repeat(a[..., None], t, axis=-1)                          # [..., k, j] = a_k
    rep = np.where(np.tril(np.ones((t, t), bool), -1), rep, 0.0)
    out = np.cumsum(rep, axis=-2)
    return np.where(np.tril(np.ones((t, t), bool)), out, -np.inf)


def ref_ssd_chunked(X, A, B, C, block_len):
    """ssd_minimal_discrete (ngroups 1). X (b,l,h,p) = x*dt, A (b,l,h) = dt*A,
    B/C (b,l,n)."""
    b, l, h, p = X.shape
    c = l // block_len
    X = X.reshape(b, c, block_len, h, p)
    B = B.reshape(b, c, block_len, -1)
    C = C.reshape(b, c, block_len, -1)
    A = A.reshape(b, c, block_len, h).transpose(0, 3, 1, 2)            # (b,h,c,l)
    A_cumsum = np.cumsum(A, axis=-1)
    Lmat = np.exp(ref_segsum(A))                                       # (b,h,c,l,s)
    Y_diag = np.einsum("bcln,bcsn,bhcls,bcshp->bclhp", C, B, Lmat, X)
    decay_states = np.exp(A_cumsum[..., -1:] - A_cumsum)
    states = np.einsum("bcln,bhcl,bclhp->bchpn", B, decay_states, X)
    states = np.concatenate([np.zeros_like(states[:, :1]), states], axis=1)
    chunk_ends = np.pad(A_cumsum[..., -1], [(0, 0), (0, 0), (1, 0)])
    decay_chunk = np.exp(ref_segsum(chunk_ends))                       # (b,h,c+1,c+1)
    new_states = np.einsum("bhzc,bchpn->bzhpn", decay_chunk, states)[:, :-1]
    Y_off = np.einsum("bcln,bchpn,bhcl->bclhp", C, new_states, np.exp(A_cumsum))
    return (Y_diag + Y_off).reshape(b, l, h, p)


def ref_mamba2_mixer(u, w_in, conv_weight, conv_bias, dt_bias, a_log, d_skip,
                     norm_weight, w_out, d_state, ssd):
    b, l, _ = u.shape
    h = a_log.shape[0]
    d_inner = w_out.shape[0]
    zxbcdt = u @ w_in
    z = zxbcdt[..., :d_inner]
    xbc = zxbcdt[..., d_inner:2 * d_inner + 2 * d_state]
    dt = ref_softplus(zxbcdt[..., 2 * d_inner + 2 * d_state:] + dt_bias)
    k = conv_weight.shape[1]
    padded = np.concatenate([np.zeros((b, k - 1, xbc.shape[-1])), xbc], axis=1)
    conv = sum(conv_weight[:, m] * padded[:, m:m + l] for m in range(k)) + conv_bias
    xbc = ref_silu(conv)
    x = xbc[..., :d_inner].reshape(b, l, h, -1)
    B, C = xbc[..., d_inner:d_inner + d_state], xbc[..., d_inner + d_state:]
    A = -np.exp(a_log)
    if ssd == "recurrent":
        y = ref_ssd_recurrent(x, dt, A, B, C)
    else:
        y = ref_ssd_chunked(x * dt[..., None], A * dt, B, C, CHUNK)
    y = (y + x * d_skip[:, None]).reshape(b, l, d_inner)
    g = y * ref_silu(z)                                                # norm_before_gate=False
    g = g / np.sqrt(np.mean(g * g, axis=-1, keepdims=True) + 1e-5) * norm_weight
    return g @ w_out, y


# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------

def init_params(rng, d_model):
    """Mamba2Simple's init (bias=False, conv_bias=True, A ~ U[1,16],
    dt log-uniform in [1e-3, 0.1], D = 1, RMSNorm weight 1); nn.Linear /
    nn.Conv1d default uniform inits. Head 0 gets A = 1 and dt ~ 1e-4 so its
    decay exp(dt*A) is ~0.9999 (near 1); head 1 gets A = 16, dt ~ 0.1."""
    d_inner = EXPAND * d_model
    h = d_inner // HEADDIM
    d_in_proj = 2 * d_inner + 2 * D_STATE + h
    conv_dim = d_inner + 2 * D_STATE
    lin = lambda i, o: rng.uniform(-1, 1, (i, o)) / math.sqrt(i)
    dt = np.exp(rng.uniform(math.log(1e-3), math.log(0.1), h))
    dt = np.maximum(dt, 1e-4)
    A = rng.uniform(1, 16, h)
    dt[0], A[0] = 1e-4, 1.0
    dt[1], A[1] = 0.1, 16.0
    return dict(
        w_in=lin(d_model, d_in_proj),
        conv_weight=rng.uniform(-1, 1, (conv_dim, D_CONV)) / math.sqrt(D_CONV),
        conv_bias=rng.uniform(-1, 1, conv_dim) / math.sqrt(D_CONV),
        dt_bias=dt + np.log(-np.expm1(-dt)),                           # softplus^-1(dt)
        a_log=np.log(A),
        d_skip=np.ones(h),
        norm_weight=np.ones(d_inner),
        w_out=lin(d_inner, d_model))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    opts = parser.parse_args(argv)
    rng = np.random.default_rng(opts.seed)
    u = rng.standard_normal((BATCH, LENGTH, D_MODEL))
    params = init_params(rng, D_MODEL)
    args = [u] + list(params.values())
    h = params["a_log"].shape[0]
    print(f"Mamba-2 mixer: B={BATCH} L={LENGTH} D={D_MODEL} d_inner={EXPAND * D_MODEL} "
          f"heads={h} headdim={HEADDIM} d_state={D_STATE} d_conv={D_CONV}")

    args32 = [a.astype(np.float32) for a in args]
    (out, y), first, median = timed(mamba2_mixer, *args32, D_STATE, repeats=opts.repeats)

    out_rec, y_rec = ref_mamba2_mixer(*args, D_STATE, ssd="recurrent")
    out_chunk, y_chunk = ref_mamba2_mixer(*args, D_STATE, ssd="chunked")
    refs_agree = max(max_rel_error(out_chunk, out_rec), max_rel_error(y_chunk, y_rec))
    err_rec = max(max_rel_error(out, out_rec), max_rel_error(y, y_rec))
    err_chunk = max(max_rel_error(out, out_chunk), max_rel_error(y, y_chunk))
    print(f"references: chunked SSD (chunk {CHUNK}) vs recurrence  max rel err {refs_agree:.2e}")
    print(f"seq vs recurrent reference (output, SSD+D y)  max rel err {err_rec:.2e}")
    print(f"seq vs chunked SSD reference (output, SSD+D y) max rel err {err_chunk:.2e}")
    dt = ref_softplus((u @ params["w_in"])[..., -h:] + params["dt_bias"])   # (B,L,H)
    decay = np.exp(-dt * np.exp(params["a_log"]))
    print("per-head decay exp(dt*A) ranges: "
          + ", ".join(f"[{decay[..., i].min():.5f}, {decay[..., i].max():.5f}]" for i in range(h)))
    print(f"median {median * 1e3:.2f} ms   (first call incl. compile {first:.2f} s)")
    worst = max(err_rec, err_chunk)
    ok = worst <= TOLERANCE and refs_agree <= 1e-10
    print(f"{'PASS' if ok else 'FAIL'}: worst error {worst:.2e} (tolerance {TOLERANCE:g})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
