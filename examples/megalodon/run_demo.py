#!/usr/bin/env python3
"""MEGALODON block demo: compile and run the seq program, check it against float64.

    python3 examples/megalodon/run_demo.py --tools build/bin

1. draws random weights (fixed seed, MEGALODON-like init scales) and writes
   the block input and every weight as .npy files;
2. prints the seq IR of the block (seq-opt's output of megalodon_block.mlir);
3. runs it with seq-run (seq-to-cpu + JIT) and times it (`--bench`, median);
4. compares with the NumPy float64 reference (reference.py) and exits
   non-zero if the max relative error exceeds the tolerance (1e-4).

The tools directory is `--tools DIR`, else $SEQ_TOOLS_DIR, else build/bin.
`--seq-len` other than 64 generates the program for that length from
megalodon_mlir.py instead of using the checked-in .mlir.
"""

import argparse
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from megalodon_mlir import Config, argument_specs, block_mlir  # noqa: E402
import reference  # noqa: E402

MLIR_FILE = os.path.join(HERE, "megalodon_block.mlir")
ENTRY = "megalodon_block"
TOLERANCE = 1e-4


def make_params(cfg, seed=0):
    """Random block input and weights (float32), keyed by argument name.

    Init scales follow the MEGALODON code (OPS.md §1.2-1.5): CEMA alpha/delta
    N(0, 0.2), theta = logit of the permuted frequencies D^(-j/D), gamma
    N(0, 1), omega trunc-normal(0, 0.25, [-1, 1]); linear layers kaiming-normal
    with a = sqrt(5), i.e. std 1/sqrt(3 fan_in). Parameters that the code
    zero-initializes (norm weights stored as scale - 1, biases, q/k gamma and
    beta, the imaginary part of the CEMA gamma) get small random values instead,
    so that every term of the block contributes.
    """
    rng = np.random.default_rng(seed)
    D = cfg.D

    def normal(shape, std):
        return rng.normal(0.0, std, size=shape)

    def linear(shape):                                  # (fan_in, fan_out)
        return normal(shape, 1.0 / math.sqrt(3.0 * shape[0]))

    def small(shape):
        return normal(shape, 0.1)

    freqs = D ** (-np.arange(1, D + 1) / D)
    freqs = freqs[rng.permutation(D)]
    gamma = normal((D, cfg.N, 2), 1.0)
    gamma[..., 1] *= 0.1
    omega = normal((D,), 0.25)
    while np.any(np.abs(omega) > 1.0):                  # truncated normal on [-1, 1]
        bad = np.abs(omega) > 1.0
        omega[bad] = normal((int(bad.sum()),), 0.25)

    values = {
        "x": normal((cfg.B, cfg.L, D), 1.0),
        "tn_weight": small((D,)), "tn_bias": small((D,)),
        "ema_alpha": normal((D, cfg.N), 0.2), "ema_delta": normal((D, cfg.N), 0.2),
        "ema_theta": np.log(freqs / (1.0 - freqs)),
        "ema_gamma": gamma, "ema_omega": omega,
        "rms_weight": small((D,)),
        "w_z": linear((D, cfg.S)), "b_z": small((cfg.S,)),
        "qk_gamma": small((2, cfg.S)), "qk_beta": small((2, cfg.S)),
        "w_v": linear((D, cfg.E)), "b_v": small((cfg.E,)),
        "w_r": linear((D, cfg.E)), "b_r": small((cfg.E,)),
        "w_h1": linear((D, D)), "b_h1": small((D,)),
        "w_h2": linear((cfg.E, D)),
        "ln_weight": small((D,)), "ln_bias": small((D,)),
        "w_1": linear((D, cfg.F)), "w_2": linear((cfg.F, D)),
    }
    params = {}
    for name, shape in argument_specs(cfg):
        assert values[name].shape == tuple(shape), (name, values[name].shape, shape)
        params[name] = values[name].astype(np.float32)
    return params


def tools_dir(arg=None):
    return arg or os.environ.get("SEQ_TOOLS_DIR") or os.path.join("build", "bin")


def _tool(tools, name):
    path = os.path.join(tools, name)
    if not os.path.exists(path):
        raise SystemExit(f"error: {path} not found (build it, or pass --tools DIR)")
    return path


def max_rel_error(actual, expected):
    """max |actual - expected| / max |expected|."""
    actual = np.asarray(actual, dtype=np.float64)
    if actual.shape != expected.shape or not np.all(np.isfinite(actual)):
        return float("inf")
    return float(np.max(np.abs(actual - expected)) / np.max(np.abs(expected)))


def run_block(cfg=Config(), tools=None, seed=0, bench=5, print_ir=True, work_dir=None,
              out=sys.stdout):
    """Runs the whole check for one block shape. Returns a dict with the
    errors (`error`: block output; `branch_error`: Out - X, the part the block
    adds to its input) and the median run time in seconds (`seconds`, or None
    without bench)."""
    tools = tools_dir(tools)
    seq_opt, seq_run = _tool(tools, "seq-opt"), _tool(tools, "seq-run")
    own_dir = work_dir is None
    work_dir = work_dir or tempfile.mkdtemp(prefix="megalodon-")
    os.makedirs(work_dir, exist_ok=True)
    try:
        # The program: the checked-in file for the default shape, else generated.
        if cfg == Config():
            mlir_path = MLIR_FILE
        else:
            mlir_path = os.path.join(work_dir, f"megalodon_block_L{cfg.L}.mlir")
            with open(mlir_path, "w") as f:
                f.write(block_mlir(cfg))

        # Inputs as .npy, in argument order.
        params = make_params(cfg, seed)
        inputs = []
        for name, _ in argument_specs(cfg):
            path = os.path.join(work_dir, f"{name}.npy")
            np.save(path, params[name])
            inputs.append(path)

        ir = subprocess.run([seq_opt, mlir_path], capture_output=True, text=True)
        if ir.returncode != 0:
            raise RuntimeError(f"seq-opt failed on {mlir_path}:\n{ir.stderr}")
        if print_ir:
            print(f"== seq IR of @{ENTRY} (seq-opt {os.path.relpath(mlir_path)}) ==", file=out)
            print(ir.stdout, file=out)

        cmd = [seq_run, mlir_path, "-e", ENTRY, "--output-dir", work_dir]
        for path in inputs:
            cmd += ["--input", path]
        if bench:
            cmd += ["--bench", str(bench)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"seq-run failed ({proc.returncode}):\n{proc.stderr}")
        result = np.load(os.path.join(work_dir, "out0.npy"))
        seconds = None
        match = re.search(r"median ([0-9.eE+-]+) s", proc.stdout)
        if bench and match:
            seconds = float(match.group(1))

        expected = reference.megalodon_block(params, cfg)
        x = params["x"].astype(np.float64)
        error = max_rel_error(result, expected)
        branch_error = max_rel_error(result.astype(np.float64) - x, expected - x)
        return dict(error=error, branch_error=branch_error, seconds=seconds,
                    output_shape=result.shape)
    finally:
        if own_dir:
            shutil.rmtree(work_dir, ignore_errors=True)


def report(cfg, res, tol=TOLERANCE, out=sys.stdout):
    """Prints one result line per check; returns True when all are within tol."""
    ok = res["error"] <= tol and res["branch_error"] <= tol
    shape = f"B={cfg.B} L={cfg.L} D={cfg.D} (chunks of {cfg.c}: {max(1, cfg.L // cfg.c)})"
    print(f"MEGALODON block {shape}: output {tuple(res['output_shape'])}", file=out)
    print(f"  max rel error vs float64 reference: {res['error']:.3e}  (tol {tol:.0e})", file=out)
    print(f"  max rel error of the block's update Out - X: {res['branch_error']:.3e}", file=out)
    if res["seconds"] is not None:
        print(f"  seq-run time: {res['seconds'] * 1e3:.3f} ms (median)", file=out)
    print("  " + ("PASS" if ok else "FAIL"), file=out)
    return ok


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tools", help="directory of seq-opt and seq-run "
                    "(default: $SEQ_TOOLS_DIR or build/bin)")
    ap.add_argument("--seq-len", type=int, default=Config().L,
                    help="sequence length L (default 64; L < 16 or a multiple of 16)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--bench", type=int, default=5, help="timed seq-run runs (median)")
    ap.add_argument("--work-dir", help="keep the .npy inputs and outputs here "
                    "(default: a temporary directory)")
    ap.add_argument("--no-ir", action="store_true", help="do not print the seq IR")
    args = ap.parse_args(argv)

    cfg = Config(L=args.seq_len)
    res = run_block(cfg, tools=args.tools, seed=args.seed, bench=args.bench,
                    print_ir=not args.no_ir, work_dir=args.work_dir)
    if args.work_dir:
        print(f"inputs and out0.npy in {args.work_dir}")
    return 0 if report(cfg, res) else 1


if __name__ == "__main__":
    sys.exit(main())
