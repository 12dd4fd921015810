"""Keeps bench/bench_attention.py from rotting: runs it with --quick (tiny
sizes, a few seconds of timing) in this environment, where PyTorch and JAX
may be absent, and checks what it wrote; and checks its NumPy attention
baseline against float64 on shapes its blocking must handle.

Run from a build tree with
    PYTHONPATH=<build>/python_packages python3 -m pytest python/tests/test_bench_attention.py
"""

import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SCRIPT = os.path.join(ROOT, "bench", "bench_attention.py")


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_attention", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("causal", [True, False])
@pytest.mark.parametrize("lq,lk", [(200, 200), (130, 300)])
def test_numpy_baseline_matches_float64(causal, lq, lk):
    """Blocks of 64 queries, L not a multiple of the block, and Lq < Lk
    (bottom-right causal alignment)."""
    bench = load_bench()
    rng = np.random.default_rng(1)
    q = rng.standard_normal((1, 3, lq, 16), dtype=np.float32)
    k = rng.standard_normal((1, 3, lk, 16), dtype=np.float32)
    v = rng.standard_normal((1, 3, lk, 8), dtype=np.float32)
    got = bench.numpy_attention(q, k, v, causal, rows=64)
    want = bench.float64_attention(q, k, v, causal)
    assert bench.max_rel_error(got, want) < 1e-5


def test_quick_run(tmp_path):
    out = tmp_path / "attention.json"
    # The bench must drop both (whatever this machine's own environment has).
    forced = {"OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_L2_SIZE": "512"}
    env = dict(os.environ, **forced)
    proc = subprocess.run([sys.executable, SCRIPT, "--quick", "--json", str(out)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    doc = json.loads(out.read_text())
    assert doc["machine"]["removed_env"] == forced
    for name in forced:
        assert doc["machine"]["blas_env_now"][name] is None
    assert doc["failures"] == []

    kinds = {r["case"]["kind"] for r in doc["results"]}
    assert kinds == {"sgemm", "copy", "attention", "matmul", "megalodon"}
    for r in doc["results"]:
        for threads, res in r["threads"].items():
            for impl in ("seq", "seq_ref", "numpy"):
                if impl in res:
                    assert res[impl]["status"] == "ok", (r["label"], threads, impl, res[impl])
                    assert res[impl]["median_ms"] > 0
                    if r["case"]["kind"] != "sgemm" and r["case"]["kind"] != "copy":
                        assert res[impl]["max_rel_err"] <= doc["tolerance"]
        if r["case"]["kind"] == "attention":
            assert r["memory"]["seq"]["status"] == "ok"
            assert r["memory"]["seq"]["extra_bytes"] > 0   # at least the output
    assert [t["status"] in ("PASS", "FAIL", "n/a") for t in doc["targets"]] == [True] * 7

    for peer, name in (("torch", "PyTorch"), ("jax", "JAX")):
        if importlib.util.find_spec(peer) is None:
            assert f"skipping {name}: {name} not importable" in proc.stdout
            att = next(r for r in doc["results"] if r["case"]["kind"] == "attention")
            assert all(res[peer]["status"] == "skipped" for res in att["threads"].values())

    md = (tmp_path / "attention.md").read_text()
    assert "## Targets (issue 7)" in md and "## Attention" in md


def test_mismatch_fails_loudly(tmp_path):
    """A result off from NumPy's by more than --tolerance fails the run (here
    any difference at all: --tolerance 0)."""
    out = tmp_path / "attention.json"
    proc = subprocess.run([sys.executable, SCRIPT, "--quick", "--only", "attention causal",
                           "--threads", "1", "--impls", "seq", "--no-memory",
                           "--tolerance", "0", "--json", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stdout[-4000:] + proc.stderr[-4000:]
    assert "FAIL: attention causal D=32 L=128, seq tiled, 1 thread(s): max rel err" in proc.stdout
    doc = json.loads(out.read_text())
    # seq against NumPy, and the NumPy baseline against float64.
    assert len(doc["failures"]) == 2
    assert "the NumPy baseline is off from the float64 direct attention" in doc["failures"][1]
    att = next(r for r in doc["results"] if r["case"]["kind"] == "attention")
    assert att["threads"]["1"]["seq"]["ok"] is False
    assert att["threads"]["1"]["numpy"]["ok"] is True
