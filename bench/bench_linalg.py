"""Benchmark of the DSL's contractions on the tiled path (the `matmul`
schedule) against NumPy (OpenBLAS) and PyTorch, on 1 and 2 threads.

For each case (square matmuls 256..2048, a transposed operand, odd sizes,
an einsum projection, the small batched GEMMs of the FFT's Monarch stages)
and each thread count it
  * compiles the DSL function with a fresh engine whose code runs on that
    many threads (SEQ_NUM_THREADS at compile time),
  * checks seq against NumPy float64 (normwise max relative error; above
    1e-4 the row says FAIL and the script exits 1),
  * times seq, NumPy (threadpoolctl limits OpenBLAS to the same thread
    count) and PyTorch when importable (torch.set_num_threads), in
    interleaved blocks of calls with a pause between sides (so neither
    side's spinning worker threads steal the other's cores), N calls per
    side and round with N = clamp(ceil(target / one call), 3, 200),
  * reports median and minimum times, GFLOP/s (2·M·N·K per product) and
    the ratios seq/NumPy and seq/PyTorch of the medians and of the minima.

OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are removed from this process's
environment before NumPy loads OpenBLAS (they can force slow kernels), and
the kernel OpenBLAS chose is recorded (threadpoolctl). Results go to
bench/results/linalg.json and a Markdown table to bench/results/linalg.md.

    bash bench/setup.sh
    PYTHONPATH=build/python_packages .venv-bench/bin/python bench/bench_linalg.py [--quick]
"""

import os
import sys

# Before NumPy (and its OpenBLAS) is loaded: no forced kernel or cache size.
REMOVED_ENV = {k: os.environ.pop(k, None)
               for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}

import argparse  # noqa: E402
import datetime  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench_ops  # noqa: E402  (machine description helpers; imports seq)

import seq  # noqa: E402
from seq import _core  # noqa: E402

try:
    import threadpoolctl
except ImportError:  # pragma: no cover - the bench environment has it
    threadpoolctl = None
try:
    import torch
except ImportError:
    torch = None

TOLERANCE = 1e-4


# --------------------------------------------------------------------------
# The cases: DSL functions and their operands
# --------------------------------------------------------------------------

def matmul(a, b):
    return a @ b


def matmul_bt(a, b):
    return seq.einsum("mk,nk->mn", a, b)


def projection(x, w):
    return seq.einsum("bld,de->ble", x, w)


def batched(a, b):
    return a @ b


def make_cases(quick):
    cases = []

    def add(name, fn, shapes, flops, numpy_fn, torch_fn):
        cases.append(dict(name=name, fn=fn, shapes=shapes, flops=flops,
                          numpy_fn=numpy_fn, torch_fn=torch_fn))

    sizes = [64, 128] if quick else [256, 512, 1024, 2048]
    for n in sizes:
        add(f"matmul {n}x{n}x{n}", matmul, [(n, n), (n, n)], 2 * n ** 3,
            np.matmul, lambda a, b: torch.matmul(a, b))
    n = 96 if quick else 1024
    add(f"matmul A·Bᵀ {n}x{n}x{n}", matmul_bt, [(n, n), (n, n)], 2 * n ** 3,
        lambda a, b: a @ b.T, lambda a, b: torch.matmul(a, b.T))
    n = 63 if quick else 1023
    add(f"matmul {n}x{n}x{n} (odd)", matmul, [(n, n), (n, n)], 2 * n ** 3,
        np.matmul, lambda a, b: torch.matmul(a, b))
    b, l, d, e = (1, 64, 32, 48) if quick else (4, 1024, 512, 512)
    add(f"einsum bld,de->ble {b}x{l}x{d}x{e}", projection,
        [(b, l, d), (d, e)], 2 * b * l * d * e,
        lambda x, w: np.einsum("bld,de->ble", x, w, optimize=True),
        lambda x, w: torch.einsum("bld,de->ble", x, w))
    for r, m in ([(64, 16)] if quick else [(4096, 16), (1024, 32)]):
        add(f"batched {r}x{m}x{m}x{m}", batched, [(r, m, m), (r, m, m)],
            2 * r * m ** 3, np.matmul, lambda a, b: torch.matmul(a, b))
    return cases


# --------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------

# Wall time of each of `count` calls: the same helper as bench_ops.py's.
call_times = bench_ops._call_times


def time_sides(sides, opts):
    """Interleaved blocks of calls of each side; returns name -> times."""
    counts = {}
    for name, (fn, args) in sides.items():
        one = min(call_times(fn, args, 2))
        counts[name] = int(min(200, max(3, math.ceil(opts.target / max(one, 1e-7)))))
    times = {name: [] for name in sides}
    for r in range(opts.rounds):
        for name, (fn, args) in sides.items():
            n = counts[name] // opts.rounds + (r < counts[name] % opts.rounds)
            time.sleep(opts.pause)
            times[name] += call_times(fn, args, max(1, n))
    return times


def blas_kernel():
    if threadpoolctl is None:
        return bench_ops._openblas_runtime()
    return [dict(api=p.get("internal_api"), arch=p.get("architecture"),
                 threads=p.get("num_threads"), version=p.get("version"),
                 library=os.path.basename(p.get("filepath", "")))
            for p in threadpoolctl.threadpool_info()
            if p.get("user_api") == "blas"]


def run_case(case, threads, opts, rng):
    arrays = [rng.standard_normal(s).astype(np.float32) for s in case["shapes"]]
    # A fresh engine per thread count: the thread count is fixed when the
    # code is compiled.
    os.environ["SEQ_NUM_THREADS"] = str(threads)
    engine = _core.Engine()
    text = seq.jit(case["fn"]).lower(*arrays).as_text()
    t0 = time.perf_counter()
    compiled = engine.compile(text, case["fn"].__name__)
    compile_s = time.perf_counter() - t0

    def seq_call(*args):
        return compiled(*args)[0]

    out = seq_call(*arrays)
    expected = case["numpy_fn"](*[a.astype(np.float64) for a in arrays])
    err = float(np.max(np.abs(out - expected)) / np.max(np.abs(expected)))

    sides = {"seq": (seq_call, arrays), "numpy": (case["numpy_fn"], arrays)}
    if torch is not None:
        torch.set_num_threads(threads)
        tensors = [torch.from_numpy(a) for a in arrays]
        sides["torch"] = (case["torch_fn"], tensors)
    limiter = (threadpoolctl.threadpool_limits(limits=threads, user_api="blas")
               if threadpoolctl else None)
    try:
        times = time_sides(sides, opts)
        kernel = blas_kernel()
    finally:
        if limiter is not None:
            limiter.unregister()

    result = dict(case=case["name"], threads=threads, flops=case["flops"],
                  compile_s=compile_s, max_rel_err=err,
                  ok=bool(np.isfinite(err) and err <= TOLERANCE),
                  blas=kernel)
    for name, ts in times.items():
        result[name] = dict(median_ms=1e3 * float(np.median(ts)),
                            min_ms=1e3 * float(np.min(ts)), calls=len(ts),
                            gflops_median=case["flops"] / float(np.median(ts)) / 1e9,
                            gflops_best=case["flops"] / float(np.min(ts)) / 1e9)
    for peer in ("numpy", "torch"):
        if peer in result:
            result[f"seq_over_{peer}_median"] = (result["seq"]["median_ms"] /
                                                 result[peer]["median_ms"])
            result[f"seq_over_{peer}_min"] = (result["seq"]["min_ms"] /
                                              result[peer]["min_ms"])
    return result


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------

def markdown(results):
    head = ["case", "threads", "seq GFLOP/s (median / best)",
            "NumPy GFLOP/s", "seq/NumPy time (median / min)"]
    if torch is not None:
        head += ["PyTorch GFLOP/s", "seq/PyTorch time (median / min)"]
    head += ["max rel err"]
    rows = [head]
    for r in results:
        row = [r["case"], str(r["threads"]),
               f"{r['seq']['gflops_median']:.1f} / {r['seq']['gflops_best']:.1f}",
               f"{r['numpy']['gflops_median']:.1f} / {r['numpy']['gflops_best']:.1f}",
               f"{r['seq_over_numpy_median']:.2f} / {r['seq_over_numpy_min']:.2f}"]
        if torch is not None:
            row += [f"{r['torch']['gflops_median']:.1f} / {r['torch']['gflops_best']:.1f}",
                    f"{r['seq_over_torch_median']:.2f} / {r['seq_over_torch_min']:.2f}"]
        row += [f"{r['max_rel_err']:.1e}" + ("" if r["ok"] else " FAIL")]
        rows.append(row)
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(rows[0], widths)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    for row in rows[1:]:
        lines.append("| " + " | ".join(c.ljust(w) if i == 0 else c.rjust(w)
                                       for i, (c, w) in enumerate(zip(row, widths))) + " |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, short runs")
    parser.add_argument("--threads", default="1,2",
                        help="comma-separated thread counts (default 1,2)")
    parser.add_argument("--target", type=float, default=None,
                        help="seconds of calls per side and case (default 1.0)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pause", type=float, default=0.3,
                        help="seconds between blocks of different sides")
    parser.add_argument("--only", default=None, help="cases whose name contains this")
    parser.add_argument("--json", default=os.path.join(HERE, "results", "linalg.json"))
    parser.add_argument("--markdown", default=os.path.join(HERE, "results", "linalg.md"))
    parser.add_argument("--seed", type=int, default=0)
    opts = parser.parse_args(argv)
    if opts.target is None:
        opts.target = 0.05 if opts.quick else 1.0
    if opts.quick:
        opts.pause = min(opts.pause, 0.01)

    machine = bench_ops.machine_info()
    machine["seq_codegen"] = ("tiled path (seq-to-cpu default): the target's matmul "
                              "schedule, OpenMP threads, LLVM -O2 for the host CPU")
    machine["removed_env"] = REMOVED_ENV
    machine["blas_kernel"] = blas_kernel()
    machine["torch"] = torch.__version__ if torch is not None else None
    machine["load_average"] = os.getloadavg()
    print("seq contractions (tiled path) vs NumPy/OpenBLAS"
          + (" and PyTorch" if torch is not None else " (PyTorch not importable: skipped)"))
    print(bench_ops.describe(machine))
    print(f"removed   : {', '.join(f'{k}={v}' for k, v in REMOVED_ENV.items() if v) or 'nothing'}")
    print(f"BLAS      : {machine['blas_kernel']}")
    print(f"load avg  : {machine['load_average']}\n", flush=True)

    rng = np.random.default_rng(opts.seed)
    results = []
    threads = [int(t) for t in opts.threads.split(",")]
    for case in make_cases(opts.quick):
        if opts.only and opts.only not in case["name"]:
            continue
        for t in threads:
            r = run_case(case, t, opts, rng)
            results.append(r)
            peers = f"numpy {r['numpy']['gflops_median']:7.1f}"
            if torch is not None:
                peers += f"  torch {r['torch']['gflops_median']:7.1f}"
            print(f"  {r['case']:34s} {t} thr  seq {r['seq']['gflops_median']:7.1f} GFLOP/s "
                  f"(best {r['seq']['gflops_best']:6.1f})  {peers}  "
                  f"seq/numpy {r['seq_over_numpy_median']:5.2f} (min {r['seq_over_numpy_min']:.2f})"
                  f"  err {r['max_rel_err']:.1e}" + ("" if r["ok"] else "  FAIL"), flush=True)
    table = markdown(results)
    print("\n" + table)
    machine["load_average_end"] = os.getloadavg()
    doc = dict(schema="seq-bench-linalg/1",
               date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
               command=" ".join([os.path.basename(sys.executable)] + sys.argv),
               quick=opts.quick, tolerance=TOLERANCE,
               timing=dict(target_s=opts.target, rounds=opts.rounds, pause_s=opts.pause),
               machine=machine, results=results)
    for path, text in ((opts.json, json.dumps(doc, indent=2, default=str) + "\n"),
                       (opts.markdown, table + "\n")):
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
    print(f"\nresults written to {opts.json} and {opts.markdown}")
    return 1 if any(not r["ok"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
