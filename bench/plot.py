# Usage: python3 bench/plot.py [results.json] [-o out.png]
"""Bar chart of a bench_ops.py results file: median time per case, seq vs
NumPy, log scale, with the seq/numpy ratio written over each pair."""

import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="?",
                        default=os.path.join(HERE, "results", "latest.json"),
                        help="results JSON from bench_ops.py (default bench/results/latest.json)")
    parser.add_argument("-o", "--output", default=None,
                        help="PNG to write (default: the JSON path with .png)")
    opts = parser.parse_args(argv)

    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("plot.py needs matplotlib: pip install -r bench/requirements.txt",
              file=sys.stderr)
        return 1

    with open(opts.results) as f:
        doc = json.load(f)
    results = doc["results"]
    if not results:
        print(f"{opts.results}: no results", file=sys.stderr)
        return 1
    out = opts.output or os.path.splitext(opts.results)[0] + ".png"

    labels = [f"{r['op']}\n{r['label']}" for r in results]
    seq_ms = [r["seq"]["median_ms"] for r in results]
    np_ms = [r["numpy"]["median_ms"] for r in results]
    # Whiskers down to the fastest call (the median is the bar).
    seq_lo = [r["seq"]["median_ms"] - r["seq"]["min_ms"] for r in results]
    np_lo = [r["numpy"]["median_ms"] - r["numpy"]["min_ms"] for r in results]

    n = len(results)
    width = 0.38
    xs = list(range(n))
    fig, ax = plt.subplots(figsize=(max(9.0, 1.15 * n + 2), 6.5))
    ax.bar([x - width / 2 for x in xs], seq_ms, width, label="seq (reference lowering)",
           color="#d55e00", yerr=[seq_lo, [0] * n], capsize=2, ecolor="#444444")
    ax.bar([x + width / 2 for x in xs], np_ms, width, label="NumPy float32 baseline",
           color="#0072b2", yerr=[np_lo, [0] * n], capsize=2, ecolor="#444444")
    ax.set_yscale("log")
    ax.set_ylabel("median time per call (ms, log scale)")
    ax.set_xticks(xs)
    ax.set_xticklabels(labels, rotation=40, ha="right", fontsize=7.5)
    top = max(max(seq_ms), max(np_ms))
    ax.set_ylim(min(min(seq_ms), min(np_ms)) / 3, top * 6)
    for x, r in zip(xs, results):
        ratio = r["ratio_seq_over_numpy"]
        text = f"{ratio:.2f}x" if ratio < 10 else f"{ratio:.0f}x"
        ax.annotate(text, (x, max(r["seq"]["median_ms"], r["numpy"]["median_ms"]) * 1.3),
                    ha="center", fontsize=7.5,
                    color="#d55e00" if ratio > 1 else "#009e73", fontweight="bold")
        if not r.get("ok", True):
            ax.annotate("FAIL", (x, top * 3), ha="center", color="red", fontweight="bold")
    ax.grid(axis="y", which="both", alpha=0.25)
    ax.legend(loc="upper left", fontsize=8)

    m = doc.get("machine", {})
    cpu = m.get("cpu", {}).get("model", "?")
    blas = m.get("openblas_runtime", {})
    coretype = (m.get("env", {}) or {}).get("OPENBLAS_CORETYPE") or "unset"
    ax.set_title(
        f"seq vs NumPy (labels: seq/numpy time ratio)"
        + ("  [--quick sizes]" if doc.get("quick") else "") + "\n"
        f"{cpu}, {m.get('logical_cores', '?')} cores; NumPy {m.get('numpy', '?')} "
        f"({m.get('numpy_blas', {}).get('name', '?')}, core {blas.get('corename', '?')}, "
        f"{blas.get('num_threads', '?')} threads, OPENBLAS_CORETYPE={coretype}); "
        f"LLVM {m.get('llvm', '?')}; seq {m.get('seq_git', '?')}, {doc.get('date', '')[:10]}",
        fontsize=9)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
