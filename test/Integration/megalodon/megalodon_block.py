# The MEGALODON block demo (examples/megalodon) against its float64 reference:
# the checked-in program (L = 64, 4 chunks of 16) and a generated L = 48
# (3 chunks), max relative error <= 1e-4 on the block output and on the
# block's update Out - X.
#
# REQUIRES: seq-run
# RUN: %python %s %seq_src_root
# RUN: env SEQ_TEST_PIPELINE=reference %python %s %seq_src_root

import os
import sys

# This test runs the tools only (seq-opt, seq-run, both instrumented under
# scripts/sanitize.sh): they must not inherit the ASan runtime that lit's
# %python preloads there.
os.environ.pop("LD_PRELOAD", None)

src_root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "..")
sys.path.insert(0, os.path.join(src_root, "examples", "megalodon"))

import megalodon_mlir  # noqa: E402
import run_demo  # noqa: E402

# The checked-in program is the generator's default instance.
with open(run_demo.MLIR_FILE) as f:
    if f.read() != megalodon_mlir.block_mlir(megalodon_mlir.Config()):
        sys.exit("examples/megalodon/megalodon_block.mlir differs from "
                 "megalodon_mlir.py's output; regenerate it")

ok = True
for length in (64, 48):
    cfg = megalodon_mlir.Config(L=length)
    res = run_demo.run_block(cfg, bench=0, print_ir=False)
    ok = run_demo.report(cfg, res, tol=1e-4) and ok
sys.exit(0 if ok else 1)
