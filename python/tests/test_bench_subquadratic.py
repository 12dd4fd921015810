"""Keeps bench/bench_subquadratic.py from rotting: runs it with --quick on
the scan and CEMA families (tiny sizes) in this environment, where the
peers may be absent, and checks what it wrote: seq's results within the
tolerance, each row's copy probe (the bandwidth its "% copy BW" column is
taken against, timed in the same rounds), and the compute side: the
workers' sgemm limit and the CEMA rows' nominal GFLOP/s (12 flops per state
and step; the scan rows have no flop count).

Run from a build tree with
    PYTHONPATH=<build>/python_packages python3 -m pytest python/tests/test_bench_subquadratic.py
"""

import json
import os
import subprocess
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SCRIPT = os.path.join(ROOT, "bench", "bench_subquadratic.py")
PROBE = "copy (same bytes)"


def test_quick_scan_and_cema(tmp_path):
    out = tmp_path / "subquadratic"
    forced = {"OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_L2_SIZE": "512"}
    proc = subprocess.run([sys.executable, SCRIPT, "--quick", "--only", "scan,cema",
                           "--threads", "2", "--out", str(out)],
                          capture_output=True, text=True, env=dict(os.environ, **forced),
                          timeout=600)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    doc = json.loads((tmp_path / "subquadratic.json").read_text())
    assert doc["machine"]["unset_env"] == ",".join(f"{k}={v}" for k, v in forced.items())
    for w in doc["workers"]:
        assert w["sgemm_gflops"] > 0 and w["sgemm_n"] == 2048
    rows = [row for w in doc["workers"] for row in w["results"]]
    assert {row["family"] for row in rows} == {"scan", "cema"}
    for row in rows:
        seq = row["impls"]["seq"]
        assert seq["ok"], (row["label"], seq["max_rel_err"])
        probe = row["impls"][PROBE]
        assert probe["probe"] and probe["median_s"] > 0 and probe["gbps"] > 0
        assert "gflops" not in probe
        if row["family"] == "cema":
            # B=1, D=64, N=16 (--quick): 12 flops per state and step.
            assert row["flops"] == 12 * row["size"] * 64 * 16
            assert abs(seq["gflops"] - row["flops"] / seq["median_s"] / 1e9) < 1e-9 * seq["gflops"]
        else:
            assert row["flops"] is None and "gflops" not in seq
    table = (tmp_path / "subquadratic.md").read_text()
    assert f"own `{PROBE}`" in table and "| GFLOP/s | % sgemm |" in table
    assert all(name != PROBE for _, _, name, _, _ in doc["exponents"])
