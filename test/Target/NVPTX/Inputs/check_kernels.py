"""Assembles every kernel of seq programs with ptxas and checks resources.

    check_kernels.py --tools DIR --chips sm_80,sm_90a [--jobs N] FILE.mlir...

For each program and chip: seq-compile --cubin (ptxas -v on every kernel),
then per kernel: 0 spill bytes, no device malloc, and static + dynamic
shared memory within the chip's model (seq-opt --seq-print-target). Prints
one summary line per chip and every violation; exits 1 on any.
"""

import argparse
import concurrent.futures
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

# The tools are instrumented themselves: under scripts/sanitize.sh they must
# not inherit the ASan runtime this Python preloads (test/lit.cfg.py).
os.environ.pop("LD_PRELOAD", None)


def entry_of(path):
    with open(path) as f:
        match = re.search(r"func\.func @(\w+)", f.read())
    return match.group(1)


def shared_limit(tools, chip):
    out = subprocess.run([os.path.join(tools, "seq-opt"),
                          f"--seq-print-target={chip}"],
                         check=True, capture_output=True, text=True).stdout
    return int(re.search(r"shared-bytes-per-block: (\d+)", out).group(1))


def compile_one(tools, path, chip):
    """(path, chip, kernel descriptors with their PTX, error text)."""
    with tempfile.TemporaryDirectory() as out:
        run = subprocess.run([os.path.join(tools, "seq-compile"), path,
                              "-e", entry_of(path), "--chip", chip, "--cubin",
                              "--output-dir", out],
                             capture_output=True, text=True)
        if run.returncode != 0:
            return path, chip, [], run.stderr.strip()
        kernels = []
        program = json.load(open(os.path.join(out, entry_of(path) + ".json")))
        for name in program["launches"]:
            kernel = json.load(open(os.path.join(out, name + ".json")))
            with open(os.path.join(out, name + ".ptx")) as f:
                kernel["ptx_text"] = f.read()
            kernels.append(kernel)
        return path, chip, kernels, ""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tools", required=True)
    parser.add_argument("--chips", default="sm_80,sm_90a")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    chips = args.chips.split(",")
    limits = {chip: shared_limit(args.tools, chip) for chip in chips}
    jobs = [(path, chip) for chip in chips for path in args.files]
    results = []
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for result in pool.map(lambda job: compile_one(args.tools, *job), jobs):
            results.append(result)

    failures = []
    for chip in chips:
        programs = kernels = spills = over = mma = local = 0
        for path, c, descriptors, error in results:
            if c != chip:
                continue
            name = os.path.basename(path)
            if error:
                failures.append(f"{chip} {name}: {error.splitlines()[-1]}")
                continue
            programs += 1
            for k in descriptors:
                kernels += 1
                report = k["ptxas"]
                dynamic = int(k["dynamic_shared_bytes"]) if k["dynamic_shared_bytes"].isdigit() else 0
                shared = report["shared_bytes"] + dynamic
                if report["spill_store_bytes"] or report["spill_load_bytes"]:
                    spills += 1
                    failures.append(f"{chip} {name} {k['name']}: spills "
                                    f"{report['spill_store_bytes']} + {report['spill_load_bytes']} bytes")
                if shared > limits[chip]:
                    over += 1
                    failures.append(f"{chip} {name} {k['name']}: {shared} bytes of "
                                    f"shared memory, the model allows {limits[chip]}")
                if "malloc" in k["ptx_text"]:
                    failures.append(f"{chip} {name} {k['name']}: calls malloc")
                if k["mma_sync"] or k["wgmma"]:
                    mma += 1
                if report["stack_frame_bytes"]:
                    local += 1
        print(f"{chip}: {programs} programs, {kernels} kernels assembled, "
              f"{spills} with spills, {over} over the shared-memory limit, "
              f"{mma} with tensor-core MMA, {local} with a per-thread stack")
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
