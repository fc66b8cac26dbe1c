#!/usr/bin/python3
"""Conformance runner: compiles each ONNX backend node test with hetcc, runs it with hetrun on every device,
compares with the expected outputs, and reports per test, per target and per op.

Tolerance: the ONNX backend tests' own defaults, |got - want| <= atol + rtol * |want| with rtol = 1e-3 and
atol = 1e-7, NaN where NaN is expected; integer and boolean outputs must match exactly; dtype and shape must match.

Modes:
  --expected FILE      run the tests listed in FILE and fail (exit 1) if any of them does not pass everywhere
  --all                run every test of the suite
  --write-report FILE  write the markdown conformance table (docs/conformance.md)
  --update-expected    rewrite the --expected file with every test that passed on all devices
The last line printed is "N passed, N failed".
"""
import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
from onnx import numpy_helper

RTOL = 1e-3
ATOL = 1e-7
# Tests whose expected output comes from a random generator: no deterministic answer exists.
NONDETERMINISTIC_PREFIXES = ("test_bernoulli", "test_randomnormal", "test_randomuniform")
COMPILE_TIMEOUT_S = 120
# hetcc asks for a graph input it needs as a compile-time constant (a Reshape shape, Slice starts, ...) with this.
INPUT_CONSTANT_REQUEST = re.compile(r"--input-constant (\S+)=FILE\.pb")
RUN_TIMEOUT_S = 120


def first_line(text):
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:240]
    return ""


def load_tensor(path):
    tensor = onnx.TensorProto()
    with open(path, "rb") as f:
        tensor.ParseFromString(f.read())
    return numpy_helper.to_array(tensor)


def compare(got, want):
    """Returns None when `got` matches `want`, else a short reason."""
    if got.dtype != want.dtype:
        return f"dtype {got.dtype} != expected {want.dtype}"
    if got.shape != want.shape:
        return f"shape {got.shape} != expected {want.shape}"
    if want.dtype.kind in "biu":
        if not np.array_equal(got, want):
            bad = np.argwhere(got != want)[0]
            return f"value at {tuple(bad)}: {got[tuple(bad)]} != expected {want[tuple(bad)]}"
        return None
    if want.dtype.kind in "fc":
        ok = np.isclose(got, want, rtol=RTOL, atol=ATOL, equal_nan=True)
        if not ok.all():
            bad = tuple(np.argwhere(~ok)[0])
            return f"value at {bad}: {got[bad]} != expected {want[bad]} (rtol {RTOL}, atol {ATOL})"
        return None
    if not np.array_equal(got, want):
        return "values differ"
    return None


def primary_op(model):
    types = [node.op_type for node in model.graph.node]
    if not types:
        return "(none)"
    if len(set(types)) == 1:
        return types[0]
    return "(composite)"


def run_test(name, args):
    """Compiles and runs one test; returns a result dict."""
    test_dir = os.path.join(args.suite_dir, name)
    result = {"name": name, "op": "?", "compile": "", "devices": {}, "ptx": "", "compile_s": 0.0, "bound": []}
    try:
        model = onnx.load(os.path.join(test_dir, "model.onnx"))
    except Exception as error:  # a model the installed onnx cannot read
        result["compile"] = f"unreadable model: {error}"
        return result
    result["op"] = primary_op(model)
    initializers = {init.name for init in model.graph.initializer}
    input_names = [i.name for i in model.graph.input if i.name not in initializers]
    data_dir = os.path.join(test_dir, "test_data_set_0")

    work = tempfile.mkdtemp(prefix=f"het-{name}-")
    try:
        hetbin = os.path.join(work, "model.hetbin")
        input_files = {name: os.path.join(data_dir, f"input_{index}.pb") for index, name in enumerate(input_names)}
        # Inputs hetcc needs as constants are bound to the test's own data at compile time and left out at run
        # time; the report lists them.
        bound = []
        started = time.monotonic()
        while True:
            command = [os.path.join(args.bin_dir, "hetcc"), os.path.join(test_dir, "model.onnx"), "-o", hetbin]
            for name in bound:
                command += ["--input-constant", f"{name}={input_files[name]}"]
            try:
                compiled = subprocess.run(command, capture_output=True, text=True, timeout=COMPILE_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                result["compile"] = f"timeout after {COMPILE_TIMEOUT_S} s"
                return result
            request = INPUT_CONSTANT_REQUEST.search(compiled.stderr)
            if compiled.returncode == 0 or not request or request.group(1) in bound \
                    or request.group(1) not in input_files or not os.path.exists(input_files[request.group(1)]):
                break
            bound.append(request.group(1))
        result["compile_s"] = time.monotonic() - started
        result["bound"] = bound
        if compiled.returncode != 0:
            result["compile"] = first_line(compiled.stderr) or f"exit {compiled.returncode}"
            return result
        result["compile"] = "ok"
        result["ptx"] = ptx_status(hetbin, args)

        inputs = []
        for input_name, path in input_files.items():
            if os.path.exists(path) and input_name and input_name not in bound:
                inputs += ["--input", f"{input_name}={path}"]
        expected = []
        index = 0
        while os.path.exists(os.path.join(data_dir, f"output_{index}.pb")):
            expected.append(load_tensor(os.path.join(data_dir, f"output_{index}.pb")))
            index += 1

        for device in args.devices:
            out_dir = os.path.join(work, f"out-{device}")
            try:
                ran = subprocess.run([os.path.join(args.bin_dir, "hetrun"), hetbin, *inputs, "--output-dir", out_dir,
                                      f"--device={device}"], capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                result["devices"][device] = f"timeout after {RUN_TIMEOUT_S} s"
                continue
            if ran.returncode != 0:
                result["devices"][device] = "run error: " + (first_line(ran.stderr) or f"exit {ran.returncode}")
                continue
            result["devices"][device] = check_outputs(out_dir, expected)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return result


def run_test_safely(name, args):
    """run_test, with a tool that cannot be started recorded as the test's failure rather than ending the run."""
    try:
        return run_test(name, args)
    except OSError as error:
        return {"name": name, "op": "?", "compile": f"cannot run a tool: {error}", "devices": {}, "ptx": "",
                "compile_s": 0.0, "bound": []}


def check_outputs(out_dir, expected):
    try:
        with open(os.path.join(out_dir, "outputs.json")) as f:
            outputs = json.load(f)
    except (OSError, ValueError) as error:
        return f"bad outputs.json: {error}"
    if len(outputs) != len(expected):
        return f"{len(outputs)} outputs, expected {len(expected)}"
    for entry, want in zip(outputs, expected):
        got = np.load(os.path.join(out_dir, entry["file"]), allow_pickle=False)
        reason = compare(got, want)
        if reason:
            return f"mismatch in '{entry['name']}': {reason}"
    return "pass"


def ptx_status(hetbin, args):
    """'ptxas ok' when every PTX variant has a cubin sibling (hetcc assembles each PTX with ptxas and fails the
    compile if ptxas rejects it); 'not checked' without ptxas; 'no kernels' for a graph without dispatches."""
    dump = subprocess.run([os.path.join(args.bin_dir, "hetbin-dump"), "--json", hetbin], capture_output=True,
                          text=True)
    if dump.returncode != 0:
        return "dump failed"
    kernels = json.loads(dump.stdout)["manifest"].get("kernels", [])
    if not kernels:
        return "no kernels"
    ptx = cubin = 0
    for kernel in kernels:
        formats = [variant.get("format") for variant in kernel.get("variants", [])]
        ptx += formats.count("PTX_TEXT")
        cubin += formats.count("CUBIN")
    if ptx == 0:
        return "no PTX"
    if not args.ptxas:
        return "not checked"
    return "ptxas ok" if cubin >= ptx else f"{ptx - cubin} PTX without cubin"


def passed_everywhere(result, devices):
    return result["compile"] == "ok" and all(result["devices"].get(d) == "pass" for d in devices)


def write_report(path, results, args, elapsed):
    devices = args.devices
    counted = [r for r in results if not r["name"].startswith(NONDETERMINISTIC_PREFIXES)]
    lines = ["# ONNX backend node test conformance", "",
             "Generated by `test/conformance/run_node_tests.py --all --write-report docs/conformance.md` "
             "(see `docs/contributing.md`). Do not edit by hand.", "",
             f"Suite: `{args.suite_dir}` ({len(results)} tests; {len(results) - len(counted)} with random outputs "
             "are listed but not counted).",
             f"Tolerance: |got - expected| <= {ATOL} + {RTOL} * |expected| for floating point (the ONNX backend "
             "test defaults); exact for integers and booleans; dtype and shape must match.",
             "PTX: `ptxas ok` means every PTX variant of the test was assembled by `ptxas` into a cubin during "
             "compilation; no NVIDIA GPU was available, so PTX was never executed.",
             "Constant inputs: graph inputs a kernel needs as compile-time values (a Reshape shape, Slice "
             "bounds) are bound to the test's data with `hetcc --input-constant` and left out at run time.", ""]
    lines.append("## Summary")
    lines.append("")
    compiled = sum(1 for r in counted if r["compile"] == "ok")
    lines.append(f"- compiled: {compiled} / {len(counted)}")
    for device in devices:
        lines.append(f"- pass on `{device}`: {sum(1 for r in counted if r['devices'].get(device) == 'pass')}")
    lines.append(f"- pass on all of {', '.join(devices)}: {sum(1 for r in counted if passed_everywhere(r, devices))}")
    lines.append(f"- PTX accepted by ptxas: {sum(1 for r in counted if r['ptx'] == 'ptxas ok')}")
    lines.append(f"- runner wall time: {elapsed:.0f} s")
    lines.append("")
    lines.append("## By op")
    lines.append("")
    lines.append("| op | tests | compiled | " + " | ".join(f"pass {d}" for d in devices) + " |")
    lines.append("|---|---|---|" + "---|" * len(devices))
    by_op = {}
    for r in counted:
        by_op.setdefault(r["op"], []).append(r)
    for op in sorted(by_op):
        group = by_op[op]
        cells = [str(sum(1 for r in group if r["devices"].get(d) == "pass")) for d in devices]
        lines.append(f"| {op} | {len(group)} | {sum(1 for r in group if r['compile'] == 'ok')} | "
                     + " | ".join(cells) + " |")
    lines.append("")
    lines.append("## By test")
    lines.append("")
    lines.append("| test | op | compile | " + " | ".join(devices) + " | ptx |")
    lines.append("|---|---|---|" + "---|" * len(devices) + "---|")
    for r in results:
        note = " (random: not counted)" if r["name"].startswith(NONDETERMINISTIC_PREFIXES) else ""
        compile_cell = "ok" if r["compile"] == "ok" else r["compile"].replace("|", "\\|")
        if r["bound"]:
            compile_cell += " (constant inputs: " + ", ".join(r["bound"]) + ")"
        cells = [r["devices"].get(d, "-").replace("|", "\\|") for d in devices]
        lines.append(f"| {r['name']}{note} | {r['op']} | {compile_cell} | " + " | ".join(cells)
                     + f" | {r['ptx'] or '-'} |")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--suite-dir", default="/usr/share/libonnx-testdata/data/node")
    parser.add_argument("--bin-dir", required=True, help="folder holding hetcc, hetrun and hetbin-dump")
    parser.add_argument("--devices", default="cpu,fpga-sim")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    selection = parser.add_mutually_exclusive_group(required=True)
    selection.add_argument("--expected", help="file listing the tests that must pass, one per line")
    selection.add_argument("--all", action="store_true")
    selection.add_argument("--tests", nargs="+", help="run these tests")
    parser.add_argument("--write-report", help="write the markdown table here")
    parser.add_argument("--update-expected", help="rewrite this list with every test that passed everywhere")
    parser.add_argument("--verbose", action="store_true", help="print every test's result")
    args = parser.parse_args()
    args.devices = [d for d in args.devices.split(",") if d]
    args.ptxas = shutil.which("ptxas") or os.path.exists("/usr/local/cuda/bin/ptxas")

    if not os.path.isdir(args.suite_dir):
        print(f"run_node_tests: the suite folder {args.suite_dir} does not exist "
              "(apt-get install libonnx-testdata)", file=sys.stderr)
        return 2
    if args.expected:
        with open(args.expected) as f:
            names = [line.strip() for line in f if line.strip() and not line.startswith("#")]
    elif args.tests:
        names = args.tests
    else:
        names = sorted(entry for entry in os.listdir(args.suite_dir)
                       if os.path.isfile(os.path.join(args.suite_dir, entry, "model.onnx")))
    missing = [n for n in names if not os.path.isdir(os.path.join(args.suite_dir, n))]
    if missing:
        print(f"run_node_tests: unknown tests: {', '.join(missing[:10])}", file=sys.stderr)
        return 2

    started = time.monotonic()
    results = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for result in pool.map(lambda n: run_test_safely(n, args), names):
            results.append(result)
            ok = passed_everywhere(result, args.devices)
            if args.verbose or (args.expected and not ok):
                detail = result["compile"] if result["compile"] != "ok" else "; ".join(
                    f"{d}: {result['devices'].get(d)}" for d in args.devices)
                print(f"{'PASS' if ok else 'FAIL'}: {result['name']} ({detail}; ptx: {result['ptx'] or '-'})",
                      flush=True)
    elapsed = time.monotonic() - started

    if args.write_report:
        write_report(args.write_report, results, args, elapsed)
    counted = [r for r in results if not r["name"].startswith(NONDETERMINISTIC_PREFIXES)]
    passed = [r["name"] for r in counted if passed_everywhere(r, args.devices)]
    if args.update_expected:
        with open(args.update_expected, "w") as f:
            f.write("# ONNX node tests that must pass on every device (cpu, fpga-sim); written by\n"
                    "# test/conformance/run_node_tests.py --update-expected. This list may only grow.\n")
            f.write("\n".join(sorted(passed)) + "\n")
    compile_times = sorted(r["compile_s"] for r in counted if r["compile"] == "ok")
    if compile_times:
        print(f"compile time per test: median {compile_times[len(compile_times) // 2]:.2f} s, "
              f"max {compile_times[-1]:.2f} s; total wall time {elapsed:.0f} s")
    print(f"{len(passed)} passed, {len(counted) - len(passed)} failed")
    return 0 if len(passed) == len(counted) or not args.expected else 1


if __name__ == "__main__":
    sys.exit(main())
