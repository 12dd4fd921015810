#!/usr/bin/env python3
"""seq's program fuzzer: random well-typed programs through the whole
pipeline, the tiled path checked against the reference path.

    fuzz/seq_fuzz.py --seed 1 --count 200            # 200 programs of seed 1
    fuzz/seq_fuzz.py --seed 1 --time 600             # as many as fit in 10 min
    fuzz/seq_fuzz.py --replay fuzz-out/crash-1-17    # replay a reproducer
    fuzz/seq_fuzz.py --show 1 17                     # print program 17 of seed 1

Each program (fuzz/generator.py) is DSL source over NumPy inputs. A worker
process traces it with `seq.jit`, writes the program, its MLIR and inputs to
a scratch directory, compiles and runs it with each pipeline, and compares
the results. The parent survives the worker: a worker killed by a signal is a
crash, one that does not answer within --timeout is a hang. Failures:

  crash          the worker died (SIGSEGV, SIGABRT, SIGFPE, ...)
  hang           no answer within --timeout seconds
  compile-error  the engine refused a program the DSL accepted (a verifier
                 failure after a pass, a failed lowering, ...)
  dsl-error      the DSL raised seq.Error on a program built by its own rules
  exception      any other Python exception while tracing or running
  type           a result's shape or dtype differs from the documented rule
  aliasing       a result shares memory with another result or an input
  mismatch       the tiled results differ from the reference results beyond
                 the tolerance of their dtype (see compare())
  generator      the generator itself failed (a bug in fuzz/generator.py)

Each failure is saved to <out>/<kind>-<seed>-<index>/: program.py (the DSL
source), program.mlir (the traced IR), in<i>.npy, verdict.txt and replay.sh,
whose one line `$PYTHON fuzz/seq_fuzz.py --replay <dir>` (the interpreter
that found it, unless PYTHON is set) reruns the .mlir on
the inputs with seq-run for both pipelines and compares again.

The last line is `fuzz: N programs, M failed` (exit status 1 on a failure).
"""

import argparse
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback


import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import generator  # noqa: E402

PIPELINES = ("tiled", "reference")  # candidate first, oracle last

# Tolerances of the tiled path against the reference path, relative to the
# largest finite magnitude of the reference output (normwise): the tiled
# path may reorder sums and fuse operations, so results differ by rounding.
# A result gets the tolerance of its own type or of the least precise float
# type anywhere in its program, whichever is looser (an f64 result computed
# from an f32 value differs at f32 rounding). Integers and booleans must be
# equal.
RTOL = {"f16": 2e-2, "bf16": 1e-1, "f32": 1e-4, "f64": 1e-10,
        "complex<f32>": 1e-4, "complex<f64>": 1e-10}


def compare(candidate, oracle, dtype, precision=None):
    """None if `candidate` agrees with `oracle`, else a one-line reason.

    NaN and infinity rules: every NaN of the oracle must be a NaN in the
    candidate and vice versa, and every +inf/-inf must be the same infinity
    (compared per real/imaginary part for complex values); only finite
    entries are compared with the tolerance."""
    if candidate.shape != oracle.shape or candidate.dtype != oracle.dtype:
        return (f"{candidate.dtype}{list(candidate.shape)} vs "
                f"{oracle.dtype}{list(oracle.shape)}")
    if dtype not in RTOL:
        bad = np.flatnonzero(candidate != oracle)
        if bad.size:
            i = bad[0]
            return (f"{bad.size} of {oracle.size} elements differ, first at "
                    f"flat index {i}: {candidate.reshape(-1)[i]!r} vs "
                    f"{oracle.reshape(-1)[i]!r}")
        return None
    wide = np.complex128 if generator.is_complex(dtype) else np.float64
    a, r = candidate.astype(wide), oracle.astype(wide)
    parts = [(a.real, r.real), (a.imag, r.imag)] if generator.is_complex(dtype) else [(a, r)]
    for pa, pr in parts:
        if not np.array_equal(np.isnan(pa), np.isnan(pr)):
            return "NaN positions differ"
        inf = np.isinf(pr) | np.isinf(pa)
        if not np.array_equal(pa[inf], pr[inf]):
            return "infinities differ"
    finite = np.isfinite(r) if not generator.is_complex(dtype) else (
        np.isfinite(r.real) & np.isfinite(r.imag))
    if not finite.any():
        return None
    scale = np.max(np.abs(r[finite]))
    err = np.max(np.abs(a[finite] - r[finite]))
    rtol = max(RTOL[dtype], RTOL.get(precision, 0.0))
    tol = rtol * (scale if scale > 0 else 1.0)
    if not err <= tol:
        return f"max abs error {err:.3e} > {tol:.3e} (rtol {rtol:g} x max {scale:.3e})"
    return None


# --------------------------------------------------------------------------
# The worker: runs one program at a time for the parent.
# --------------------------------------------------------------------------

def mlir_dtype(array):
    name = array.dtype.name
    return {"bfloat16": "bf16", "float16": "f16", "float32": "f32",
            "float64": "f64", "complex64": "complex<f32>",
            "complex128": "complex<f64>", "int32": "i32", "int64": "i64",
            "bool": "i1"}.get(name, name)


def run_program(program, scratch, pipelines):
    """Traces, compiles and runs `program`; returns a verdict dict."""
    import seq
    os.makedirs(scratch, exist_ok=True)
    stage = os.path.join(scratch, "stage")

    def at(text):  # so a crash says where it happened
        with open(stage, "w") as f:
            f.write(text)

    path = os.path.join(scratch, "program.py")
    with open(path, "w") as f:
        f.write(program.source)
    arrays = program.arrays()
    for i, a in enumerate(arrays):
        np.save(os.path.join(scratch, f"in{i}.npy"), a)
    with open(os.path.join(scratch, "program.json"), "w") as f:
        f.write(program.to_json())

    at("trace")
    namespace = {"__name__": "fuzz_program"}
    try:
        exec(compile(program.source, path, "exec"), namespace)
        fn = namespace["fuzz"]
        jitted = {p: seq.jit(fn, name="fuzz", pipeline=p) for p in pipelines}
        # The traced IR, parsed and verified (the DSL's public inspection).
        text = jitted[pipelines[0]].ir(*arrays)
    except seq.Error as e:
        return {"kind": "dsl-error", "detail": str(e)}
    except Exception:
        return {"kind": "exception", "detail": traceback.format_exc()}
    with open(os.path.join(scratch, "program.mlir"), "w") as f:
        f.write(text)

    outputs = {}
    for p in pipelines:
        at(f"compile and run ({p})")
        copies = [a.copy() for a in arrays]
        try:
            result = jitted[p](*copies)
        except seq.Error as e:
            kind = "compile-error" if "not a valid program" not in str(e) else "dsl-error"
            return {"kind": kind, "detail": f"[{p}] {e}"}
        except Exception:
            return {"kind": "exception", "detail": f"[{p}] " + traceback.format_exc()}
        for i, (a, c) in enumerate(zip(arrays, copies)):
            if a.tobytes() != c.tobytes():  # bit for bit (NaNs too)
                return {"kind": "aliasing", "detail": f"[{p}] input #{i} was modified"}
        result = list(result)
        for i, r in enumerate(result):
            for j, other in enumerate(result[:i] + copies):
                if np.shares_memory(r, other):
                    what = f"result #{j}" if j < i else f"input #{j - i}"
                    return {"kind": "aliasing",
                            "detail": f"[{p}] result #{i} shares memory with {what}"}
        if len(result) != len(program.results):
            return {"kind": "type", "detail": f"[{p}] {len(result)} results, "
                    f"expected {len(program.results)}"}
        for i, (r, want) in enumerate(zip(result, program.results)):
            got = (list(r.shape), mlir_dtype(r))
            if got != (want["shape"], want["dtype"]):
                return {"kind": "type", "detail": f"[{p}] result #{i} is "
                        f"{got[1]}{got[0]}, the documented rule gives "
                        f"{want['dtype']}{want['shape']}"}
        outputs[p] = result
    at("compare")
    oracle = outputs[pipelines[-1]]
    for p in pipelines[:-1]:
        for i, (c, r) in enumerate(zip(outputs[p], oracle)):
            reason = compare(c, r, program.results[i]["dtype"], program.precision)
            if reason:
                for name, arrays_ in ((p, outputs[p]), (pipelines[-1], oracle)):
                    np.save(os.path.join(scratch, f"{name}-out{i}.npy"), arrays_[i])
                return {"kind": "mismatch",
                        "detail": f"result #{i} ({program.results[i]['dtype']}): "
                                  f"{p} vs {pipelines[-1]}: {reason}"}
    return {"kind": "ok"}


def worker_main(pipelines):
    """Reads one JSON job per line, answers one JSON verdict per line."""
    inject = os.environ.get("SEQ_FUZZ_INJECT", "")  # self-tests of the runner
    for line in sys.stdin:
        job = json.loads(line)
        program = generator.Program.from_json(job["program"])
        target = f"{program.seed}/{program.index}"
        if inject.startswith("crash:") and inject[6:] == target:
            os.kill(os.getpid(), signal.SIGSEGV)
        if inject.startswith("hang:") and inject[5:] == target:
            time.sleep(3600)
        verdict = run_program(program, job["scratch"], pipelines)
        if inject.startswith("mismatch:") and inject[9:] == target and verdict["kind"] == "ok":
            verdict = {"kind": "mismatch", "detail": "injected by SEQ_FUZZ_INJECT"}
        sys.stdout.write(json.dumps(verdict) + "\n")
        sys.stdout.flush()


# --------------------------------------------------------------------------
# The parent: generates programs, feeds the worker, saves reproducers.
# --------------------------------------------------------------------------

class Worker:
    def __init__(self, pipelines):
        env = dict(os.environ)
        env.setdefault("PYTHONPATH", os.path.join(ROOT, "build", "python_packages"))
        self.proc = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--worker",
             "--pipelines", ",".join(pipelines)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, env=env, start_new_session=True)
        self.stderr_tail = ""

    def run(self, job, timeout):
        """The verdict, or a crash/hang verdict if the worker fails."""
        try:
            self.proc.stdin.write(json.dumps(job) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            pass
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            self.kill()
            return {"kind": "hang", "detail": f"no answer within {timeout:g} s"}
        line = self.proc.stdout.readline()
        if not line:
            code = self.proc.wait()
            err = self.proc.stderr.read()[-4000:]
            what = (f"killed by signal {signal.Signals(-code).name}" if code < 0
                    else f"exited with status {code}")
            return {"kind": "crash", "detail": f"worker {what}\n{err}"}
        return json.loads(line)

    def kill(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


def save_reproducer(out_dir, scratch, program, verdict):
    name = f"{verdict['kind']}-{program.seed}-{program.index}"
    dest = os.path.join(out_dir, name)
    shutil.rmtree(dest, ignore_errors=True)
    if os.path.isdir(scratch):
        shutil.copytree(scratch, dest)
    os.makedirs(dest, exist_ok=True)
    # A worker that died early may not have written everything.
    for file, text in (("program.py", program.source), ("program.json", program.to_json())):
        if not os.path.exists(os.path.join(dest, file)):
            with open(os.path.join(dest, file), "w") as f:
                f.write(text)
    for i, array in enumerate(program.arrays()):
        if not os.path.exists(os.path.join(dest, f"in{i}.npy")):
            np.save(os.path.join(dest, f"in{i}.npy"), array)
    stage = ""
    if os.path.exists(os.path.join(dest, "stage")):
        with open(os.path.join(dest, "stage")) as f:
            stage = f.read()
    with open(os.path.join(dest, "verdict.txt"), "w") as f:
        f.write(f"{verdict['kind']} (seed {program.seed}, program {program.index}"
                f"{', during ' + stage if stage and verdict['kind'] in ('crash', 'hang') else ''})\n"
                f"{verdict['detail']}\n\nops: {', '.join(program.ops)}\n")
    rel = os.path.relpath(dest, ROOT)
    with open(os.path.join(dest, "replay.sh"), "w") as f:
        f.write("#!/bin/sh\n# Reruns program.mlir on the inputs with seq-run, both pipelines.\n"
                f"cd \"$(dirname \"$0\")\" && cd \"$(git rev-parse --show-toplevel)\" && "
                f"\"${{PYTHON:-{sys.executable}}}\" fuzz/seq_fuzz.py --replay {rel}\n")
    os.chmod(os.path.join(dest, "replay.sh"), 0o755)
    return dest


def fuzz(args):
    pipelines = args.pipelines.split(",")
    os.makedirs(args.out, exist_ok=True)
    scratch_root = tempfile.mkdtemp(prefix="seq-fuzz-")
    worker = Worker(pipelines)
    start = time.monotonic()
    ran = failed = 0
    counts = {}
    coverage = {}
    index = args.start
    try:
        while True:
            if args.count is not None and ran >= args.count:
                break
            if args.time is not None and time.monotonic() - start >= args.time:
                break
            try:
                program = generator.generate(args.seed, index, args.max_steps)
            except Exception:
                # A generator bug: reported like any failure, then go on.
                ran += 1
                failed += 1
                counts["generator"] = counts.get("generator", 0) + 1
                print(f"FAIL generator: seed {args.seed} program {index}:\n"
                      f"{traceback.format_exc(limit=4)}", flush=True)
                index += 1
                continue
            for op in program.ops:
                coverage[op] = coverage.get(op, 0) + 1
            scratch = os.path.join(scratch_root, str(index))
            verdict = worker.run({"program": program.to_json(), "scratch": scratch},
                                 args.timeout)
            ran += 1
            counts[verdict["kind"]] = counts.get(verdict["kind"], 0) + 1
            if verdict["kind"] != "ok":
                failed += 1
                dest = save_reproducer(args.out, scratch, program, verdict)
                lines = verdict["detail"].strip().splitlines() or [""]
                first = next((l for l in lines if "error" in l.lower()), lines[0])
                print(f"FAIL {verdict['kind']}: seed {args.seed} program {index}: "
                      f"{first[:300]}\n     reproducer: {dest}", flush=True)
                if verdict["kind"] in ("crash", "hang"):
                    worker = Worker(pipelines)
            elif args.verbose:
                print(f"ok   seed {args.seed} program {index}: {', '.join(program.ops)}",
                      flush=True)
            shutil.rmtree(scratch, ignore_errors=True)
            index += 1
    finally:
        worker.close()
        shutil.rmtree(scratch_root, ignore_errors=True)
    elapsed = time.monotonic() - start
    summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    print(f"seed {args.seed}: {ran} programs in {elapsed:.0f} s ({summary})")
    if args.coverage:
        print("ops generated: " + ", ".join(f"{k} {v}" for k, v in sorted(coverage.items())))
    print(f"fuzz: {ran} programs, {failed} failed")
    return 1 if failed else 0


# --------------------------------------------------------------------------
# Replay of a reproducer through seq-run.
# --------------------------------------------------------------------------

def replay(directory, tools):
    seq_run = os.path.join(tools, "seq-run")
    mlir = os.path.join(directory, "program.mlir")
    if not os.path.exists(mlir):
        print(f"{directory}: no program.mlir (the program did not trace); "
              f"run python3 {os.path.join(directory, 'program.py')} instead")
        return 1
    with open(os.path.join(directory, "program.json")) as f:
        program = generator.Program.from_json(f.read())
    inputs = sorted((p for p in os.listdir(directory) if p.startswith("in") and p.endswith(".npy")),
                    key=lambda p: int(p[2:-4]))
    outputs = {}
    for p in PIPELINES:
        out = os.path.join(directory, f"replay-{p}")
        shutil.rmtree(out, ignore_errors=True)
        cmd = [seq_run, mlir, "-e", "fuzz", f"--pipeline={p}", "--output-dir", out]
        for name in inputs:
            cmd += ["--input", os.path.join(directory, name)]
        print("$ " + " ".join(cmd))
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            what = (f"killed by signal {signal.Signals(-proc.returncode).name}"
                    if proc.returncode < 0 else f"exit status {proc.returncode}")
            print(f"FAIL: seq-run --pipeline={p}: {what}\n{proc.stderr[-4000:]}")
            return 1
        results = []
        for i, want in enumerate(program.results):
            r = np.load(os.path.join(out, f"out{i}.npy"))
            if want["dtype"] == "bf16":
                r = r.view(generator.numpy_dtype("bf16"))
            results.append(r)
        outputs[p] = results
    for i, want in enumerate(program.results):
        reason = compare(outputs[PIPELINES[0]][i], outputs[PIPELINES[-1]][i], want["dtype"],
                         program.precision)
        if reason:
            print(f"FAIL: result #{i}: {reason}")
            return 1
    print("replay: both pipelines ran and agree")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--start", type=int, default=0, help="first program index")
    parser.add_argument("--count", type=int, help="number of programs")
    parser.add_argument("--time", type=float, help="stop starting programs after this many seconds")
    parser.add_argument("--timeout", type=float, default=120.0,
                        help="seconds one program may take before it counts as a hang")
    parser.add_argument("--max-steps", type=int, default=8, help="operations per program at most")
    parser.add_argument("--out", default=os.path.join(ROOT, "fuzz-out"),
                        help="directory for reproducers")
    parser.add_argument("--pipelines", default=",".join(PIPELINES),
                        help="pipelines to run, the oracle last")
    parser.add_argument("--coverage", action="store_true", help="print how often each op was generated")
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--replay", metavar="DIR", help="rerun a reproducer with seq-run")
    parser.add_argument("--tools", default=os.environ.get("SEQ_TOOLS_DIR", os.path.join(ROOT, "build", "bin")))
    parser.add_argument("--show", nargs=2, type=int, metavar=("SEED", "INDEX"),
                        help="print a program's source and inputs")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker_main(args.pipelines.split(","))
        return 0
    if args.replay:
        return replay(args.replay, args.tools)
    if args.show:
        program = generator.generate(args.show[0], args.show[1], args.max_steps)
        print(program.source)
        for spec, fill in program.inputs:
            print(f"# {spec['name']}: {spec['dtype']}{spec['shape']} ({fill})")
        return 0
    if args.count is None and args.time is None:
        args.count = 100
    return fuzz(args)


if __name__ == "__main__":
    sys.exit(main())
