#!/usr/bin/env python3
"""Crash-freedom check of seq-opt on truncated and mutated inputs.

For every .mlir file under the given test root (found at run time), this makes
variants of the text -- cuts at evenly spaced byte offsets, a cut inside a
token, a cut inside an attribute, and a few seeded mutations (a deleted line,
f32 -> i32, a changed dimension) -- and runs seq-opt on each (with
-split-input-file when the original has `// -----` separators). The unchanged
file is also run once, and when it parses it is run again through
--convert-seq-to-loops.

Every run must end with exit code 0 or 1 (never a signal or a timeout), must
not print an LLVM crash banner, and a failing run must report an `error:` at a
`file:line:col` location.

usage: truncate_inputs.py <seq-opt> <test-root> [--max-variants N] [--max-runs N]
                          [--jobs N]
"""

import argparse
import concurrent.futures
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

# The tools are instrumented themselves: under scripts/sanitize.sh they must
# not inherit the ASan runtime this Python preloads (test/lit.cfg.py).
os.environ.pop("LD_PRELOAD", None)

SEED = 20240611
NUM_EVEN_CUTS = 8
TIMEOUT_SECONDS = 30
CRASH_MARKERS = ("LLVM ERROR", "Assertion", "Stack dump",
                 "PLEASE submit a bug report", "Segmentation fault",
                 "UNREACHABLE executed")
LOCATED_ERROR = re.compile(r"^\S.*?:\d+:\d+: error: ", re.MULTILINE)
SPLIT_MARKER = re.compile(r"^// -----", re.MULTILINE)
TOKEN = re.compile(rb"[A-Za-z_][A-Za-z0-9_.$]{3,}")
ATTRIBUTE = re.compile(rb"#seq\.[a-z_]+<[a-z_]+>|\{[^{}\n]*=[^{}\n]*\}|array<i64:[^>]*>")
# f32 as a type: standalone (`: f32`) or as a tensor element (`4x8xf32`).
FLOAT_TYPE = re.compile(rb"(?:(?<![A-Za-z0-9_])|(?<=x))f32\b")
TENSOR_DIM = re.compile(rb"tensor<(\d+)x")


def find_inputs(root):
    inputs = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith(".mlir"):
                inputs.append(os.path.join(dirpath, name))
    return inputs


def make_variants(text, rng, max_variants):
    """Returns (label, bytes) pairs: cuts first, then mutations."""
    variants = []
    n = len(text)
    for i in range(1, NUM_EVEN_CUTS + 1):
        cut = i * n // (NUM_EVEN_CUTS + 1)
        variants.append(("cut@%d" % cut, text[:cut]))

    tokens = [m for m in TOKEN.finditer(text)]
    if tokens:
        m = rng.choice(tokens)
        cut = m.start() + rng.randrange(1, m.end() - m.start())
        variants.append(("cut-in-token@%d" % cut, text[:cut]))
    attrs = [m for m in ATTRIBUTE.finditer(text)]
    if attrs:
        m = rng.choice(attrs)
        cut = m.start() + rng.randrange(1, m.end() - m.start())
        variants.append(("cut-in-attribute@%d" % cut, text[:cut]))

    lines = text.split(b"\n")
    code_lines = [i for i, line in enumerate(lines)
                  if line.strip() and not line.lstrip().startswith(b"//")]
    if code_lines:
        drop = rng.choice(code_lines)
        variants.append(("delete-line-%d" % (drop + 1),
                         b"\n".join(lines[:drop] + lines[drop + 1:])))
    floats = [m for m in FLOAT_TYPE.finditer(text)]
    if floats:
        m = rng.choice(floats)
        variants.append(("f32->i32@%d" % m.start(),
                         text[:m.start()] + b"i32" + text[m.end():]))
    dims = [m for m in TENSOR_DIM.finditer(text)]
    if dims:
        m = rng.choice(dims)
        old = int(m.group(1))
        new = rng.choice([d for d in (0, 1, 3, old + 1, 2 * old + 5) if d != old])
        variants.append(("dim %d->%d@%d" % (old, new, m.start(1)),
                         text[:m.start(1)] + str(new).encode() + text[m.end(1):]))

    if max_variants and len(variants) > max_variants:
        variants = rng.sample(variants, max_variants)
    return variants


def run(tool, path, extra_args):
    cmd = [tool, path] + extra_args
    try:
        proc = subprocess.run(cmd, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        return cmd, None, "timed out after %d s" % TIMEOUT_SECONDS
    return cmd, proc.returncode, proc.stderr.decode("utf-8", "replace")


def check(cmd, code, stderr):
    """Returns a failure description, or None when the run is acceptable."""
    if code is None:
        return stderr
    if code not in (0, 1):
        return "exit code %d (a negative code is a signal)" % code
    for marker in CRASH_MARKERS:
        if marker in stderr:
            return "stderr contains %r" % marker
    if code != 0 and not LOCATED_ERROR.search(stderr):
        return "failed without an 'error:' at a file:line:col location"
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("tool", help="seq-opt, as a path or a name on PATH")
    parser.add_argument("root", help="directory searched for .mlir files")
    parser.add_argument("--max-variants", type=int, default=16,
                        help="variants per file (0 = all)")
    parser.add_argument("--max-runs", type=int, default=320,
                        help="overall budget of variant runs; the variants "
                             "per file shrink (to at least 4) to fit it")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    tool = args.tool if os.sep in args.tool else shutil.which(args.tool)
    if not tool or not os.access(tool, os.X_OK):
        print("error: cannot find the tool %r" % args.tool)
        return 2
    inputs = find_inputs(args.root)
    if not inputs:
        print("error: no .mlir files under %s" % args.root)
        return 2

    per_file = args.max_variants
    if args.max_runs:
        per_file = max(4, min(per_file or args.max_runs,
                              args.max_runs // len(inputs)))

    start = time.time()
    rng = random.Random(SEED)
    workdir = tempfile.mkdtemp(prefix="seq-fuzz-")
    jobs = []  # (description, path, extra args)
    try:
        for index, source in enumerate(inputs):
            with open(source, "rb") as f:
                text = f.read()
            split = ["-split-input-file"] if SPLIT_MARKER.search(
                text.decode("utf-8", "replace")) else []
            rel = os.path.relpath(source, args.root)
            jobs.append(("%s (unchanged)" % rel, source, split, True))
            for number, (label, data) in enumerate(
                    make_variants(text, rng, per_file)):
                path = os.path.join(workdir, "f%d_v%d.mlir" % (index, number))
                with open(path, "wb") as f:
                    f.write(data)
                jobs.append(("%s [%s]" % (rel, label), path, split, False))

        failures = []
        runs = 0
        lowered = 0

        def do(job):
            desc, path, split, lower = job
            results = []
            cmd, code, err = run(tool, path, split)
            results.append((desc, cmd, code, err))
            if lower and code == 0:
                cmd, code, err = run(tool, path, split + ["--convert-seq-to-loops"])
                results.append((desc + " --convert-seq-to-loops", cmd, code, err))
            return results

        with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as pool:
            for results in pool.map(do, jobs):
                for desc, cmd, code, err in results:
                    runs += 1
                    if cmd[-1] == "--convert-seq-to-loops":
                        lowered += 1
                    problem = check(cmd, code, err)
                    if problem:
                        failures.append((desc, cmd, problem, err))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    elapsed = time.time() - start
    print("seq-opt fuzz: %d files, %d variants, %d runs (%d with "
          "--convert-seq-to-loops), %d failures, %.1f s"
          % (len(inputs), len(jobs) - len(inputs), runs, lowered,
             len(failures), elapsed))
    for desc, cmd, problem, err in failures:
        print("FAIL: %s: %s" % (desc, problem))
        print("  command: %s" % " ".join(cmd))
        tail = err.strip().splitlines()[-15:]
        for line in tail:
            print("  | " + line)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
