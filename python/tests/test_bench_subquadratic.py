"""Keeps bench/bench_subquadratic.py from rotting: runs it with --quick on
the scan and CEMA families (tiny sizes) in this environment, where the
peers may be absent, and checks what it wrote: seq's results within the
tolerance, and each row's copy probe (the bandwidth its "% copy BW" column
is taken against, timed in the same rounds).

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
    rows = [row for w in doc["workers"] for row in w["results"]]
    assert {row["family"] for row in rows} == {"scan", "cema"}
    for row in rows:
        seq = row["impls"]["seq"]
        assert seq["ok"], (row["label"], seq["max_rel_err"])
        probe = row["impls"][PROBE]
        assert probe["probe"] and probe["median_s"] > 0 and probe["gbps"] > 0
    table = (tmp_path / "subquadratic.md").read_text()
    assert f"own `{PROBE}`" in table
    assert all(name != PROBE for _, _, name, _, _ in doc["exponents"])
