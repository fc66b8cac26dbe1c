#!/usr/bin/python3
"""Conformance runner: compiles each ONNX backend test with hetcc, runs it with hetrun on every device on each of
its data sets, compares with the expected outputs, and reports per test, per target and per op.

Suites (--suite): `node`, the one-op node tests (data/node, named test_<x>), and `models`, the model tests
(data/pytorch-converted, data/pytorch-operator and data/simple, named <folder>/test_<x>).

Tolerance: the ONNX backend tests' own defaults, |got - want| <= atol + rtol * |want| with rtol = 1e-3 and
atol = 1e-7, NaN where NaN is expected; integer and boolean outputs must match exactly; dtype and shape must match.

Shapes: a graph input with a symbolic or unknown dimension is compiled with `hetcc --input-shape` at the shape of
the test's own input (of data set 0); the report lists such inputs.

Modes:
  --expected FILE      run the tests listed in FILE and fail (exit 1) if any of them does not pass everywhere
  --all                run every test of the suite
  --write-report FILE  write the suite's section of the markdown report (docs/conformance.md), keeping the other
                       suite's section of that file
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
# The folders of each suite under --data-dir, in report order.
SUITES = {"node": ("node",), "models": ("pytorch-converted", "pytorch-operator", "simple")}
SUITE_TITLES = {"node": "Node tests", "models": "Model tests"}
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


def compare(got, want, rtol=RTOL, atol=ATOL):
    """Returns None when `got` matches `want` within rtol and atol (floating point), else a short reason."""
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
        ok = np.isclose(got, want, rtol=rtol, atol=atol, equal_nan=True)
        if not ok.all():
            bad = tuple(np.argwhere(~ok)[0])
            return f"value at {bad}: {got[bad]} != expected {want[bad]} (rtol {rtol}, atol {atol})"
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


def test_dir(test_id, args):
    """A node test's id is its folder name; a model test's id starts with its suite folder."""
    return os.path.join(args.data_dir, *SUITES["node"], test_id) if args.suite == "node" \
        else os.path.join(args.data_dir, test_id)


def list_tests(args):
    ids = []
    for folder in SUITES[args.suite]:
        root = os.path.join(args.data_dir, folder)
        for entry in sorted(os.listdir(root)):
            if os.path.isfile(os.path.join(root, entry, "model.onnx")):
                ids.append(entry if args.suite == "node" else f"{folder}/{entry}")
    return ids


def data_sets(directory):
    index = 0
    while os.path.isdir(os.path.join(directory, f"test_data_set_{index}")):
        yield os.path.join(directory, f"test_data_set_{index}")
        index += 1


def static_shapes(model, input_files):
    """`--input-shape` values for the graph inputs with a symbolic or unknown dimension, from the test's data."""
    shapes = {}
    for value in model.graph.input:
        dims = value.type.tensor_type.shape.dim
        if value.name not in input_files or not os.path.exists(input_files[value.name]) or not dims:
            continue
        if any(dim.dim_param or not dim.HasField("dim_value") for dim in dims):
            shape = load_tensor(input_files[value.name]).shape
            if shape:
                shapes[value.name] = "x".join(str(extent) for extent in shape)
    return shapes


def run_test(name, args):
    """Compiles and runs one test; returns a result dict."""
    directory = test_dir(name, args)
    result = {"name": name, "op": "?", "compile": "", "devices": {}, "ptx": "", "compile_s": 0.0, "bound": [],
              "shaped": {}}
    try:
        model = onnx.load(os.path.join(directory, "model.onnx"))
    except Exception as error:  # a model the installed onnx cannot read
        result["compile"] = f"unreadable model: {error}"
        return result
    result["op"] = primary_op(model)
    initializers = {init.name for init in model.graph.initializer}
    input_names = [i.name for i in model.graph.input if i.name not in initializers]
    sets = list(data_sets(directory))
    if not sets:
        result["compile"] = "no test_data_set_0"
        return result

    work = tempfile.mkdtemp(prefix=f"het-{name.replace('/', '-')}-")
    try:
        hetbin = os.path.join(work, "model.hetbin")
        input_files = {name: os.path.join(sets[0], f"input_{index}.pb") for index, name in enumerate(input_names)}
        result["shaped"] = static_shapes(model, input_files)
        # Inputs hetcc needs as constants are bound to the test's own data (of data set 0) at compile time and
        # left out at run time; the report lists them.
        bound = []
        started = time.monotonic()
        while True:
            command = [os.path.join(args.bin_dir, "hetcc"), os.path.join(directory, "model.onnx"), "-o", hetbin]
            for input_name, shape in result["shaped"].items():
                command += ["--input-shape", f"{input_name}={shape}"]
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

        for device in args.devices:
            result["devices"][device] = run_data_sets(hetbin, device, sets, input_names, bound, work, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return result


def run_data_sets(hetbin, device, sets, input_names, bound, work, args):
    """Runs every data set on one device; returns "pass" or the first data set's failure."""
    for data_dir in sets:
        inputs = []
        for index, input_name in enumerate(input_names):
            path = os.path.join(data_dir, f"input_{index}.pb")
            if os.path.exists(path) and input_name and input_name not in bound:
                inputs += ["--input", f"{input_name}={path}"]
        expected = []
        while os.path.exists(os.path.join(data_dir, f"output_{len(expected)}.pb")):
            expected.append(load_tensor(os.path.join(data_dir, f"output_{len(expected)}.pb")))
        where = "" if len(sets) == 1 else f"{os.path.basename(data_dir)}: "
        out_dir = os.path.join(work, f"out-{device}-{os.path.basename(data_dir)}")
        try:
            ran = subprocess.run([os.path.join(args.bin_dir, "hetrun"), hetbin, *inputs, "--output-dir", out_dir,
                                  f"--device={device}"], capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            return f"{where}timeout after {RUN_TIMEOUT_S} s"
        if ran.returncode != 0:
            return f"{where}run error: " + (first_line(ran.stderr) or f"exit {ran.returncode}")
        outcome = check_outputs(out_dir, expected)
        if outcome != "pass":
            return where + outcome
    return "pass"


def run_test_safely(name, args):
    """run_test, with a tool that cannot be started recorded as the test's failure rather than ending the run."""
    try:
        return run_test(name, args)
    except OSError as error:
        return {"name": name, "op": "?", "compile": f"cannot run a tool: {error}", "devices": {}, "ptx": "",
                "compile_s": 0.0, "bound": [], "shaped": {}}


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


def failure_cause(result, devices):
    """The reason a test failed, without the names of its nodes and inputs, so that tests can be grouped by it."""
    if result["compile"] != "ok":
        message = result["compile"].split(" error: ", 1)[-1]
        message = re.sub(r"node '[^']*' \([^)]*\): ", "", message)
        message = re.sub(r"graph input '[^']*'", "graph input", message)
        return message.split("; ")[0]
    failing = [d for d in devices if result["devices"].get(d) != "pass"]
    outcomes = {re.sub(r"'[^']*'", "'...'", result["devices"].get(d, "not run")).split(":")[0] for d in failing}
    return f"{' / '.join(sorted(outcomes))} on {', '.join(failing)}"


def report_section(results, args, elapsed):
    """The markdown of one suite: summary, failures grouped by cause, per op (node) or per folder (models), per
    test."""
    devices = args.devices
    counted = [r for r in results if not r["name"].startswith(NONDETERMINISTIC_PREFIXES)]
    folders = ", ".join(f"`{os.path.join(args.data_dir, folder)}`" for folder in SUITES[args.suite])
    lines = [f"## {SUITE_TITLES[args.suite]}", "",
             f"Generated by `test/conformance/run_node_tests.py --suite {args.suite} --all --write-report "
             "docs/conformance.md`.", "",
             f"Suite: {folders} ({len(results)} tests; {len(results) - len(counted)} with random outputs "
             "are listed but not counted).", ""]
    lines.append("### Summary")
    lines.append("")
    compiled = sum(1 for r in counted if r["compile"] == "ok")
    lines.append(f"- compiled: {compiled} / {len(counted)}")
    for device in devices:
        lines.append(f"- pass on `{device}`: {sum(1 for r in counted if r['devices'].get(device) == 'pass')}")
    lines.append(f"- pass on all of {', '.join(devices)}: {sum(1 for r in counted if passed_everywhere(r, devices))}")
    lines.append(f"- PTX accepted by ptxas: {sum(1 for r in counted if r['ptx'] == 'ptxas ok')}")
    slowest = sorted((r for r in counted if r["compile"] == "ok"), key=lambda r: -r["compile_s"])[:3]
    if slowest:
        lines.append("- slowest compiles: " + ", ".join(f"{r['name']} {r['compile_s']:.1f} s" for r in slowest))
    lines.append(f"- runner wall time: {elapsed:.0f} s")
    lines.append("")
    causes = {}
    for r in counted:
        if not passed_everywhere(r, devices):
            causes.setdefault(failure_cause(r, devices), []).append(r["name"])
    if causes:
        lines.append("### Failures by cause")
        lines.append("")
        lines.append("| cause | tests | examples |")
        lines.append("|---|---|---|")
        for cause, names in sorted(causes.items(), key=lambda item: (-len(item[1]), item[0])):
            examples = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
            lines.append(f"| {cause.replace('|', chr(92) + '|')} | {len(names)} | {examples} |")
        lines.append("")
    group_name = "op" if args.suite == "node" else "folder"
    lines.append(f"### By {group_name}")
    lines.append("")
    lines.append(f"| {group_name} | tests | compiled | " + " | ".join(f"pass {d}" for d in devices) + " |")
    lines.append("|---|---|---|" + "---|" * len(devices))
    groups = {}
    for r in counted:
        groups.setdefault(r["op"] if args.suite == "node" else r["name"].split("/")[0], []).append(r)
    for key in sorted(groups):
        group = groups[key]
        cells = [str(sum(1 for r in group if r["devices"].get(d) == "pass")) for d in devices]
        lines.append(f"| {key} | {len(group)} | {sum(1 for r in group if r['compile'] == 'ok')} | "
                     + " | ".join(cells) + " |")
    lines.append("")
    lines.append("### By test")
    lines.append("")
    lines.append("| test | op | compile | " + " | ".join(devices) + " | ptx |")
    lines.append("|---|---|---|" + "---|" * len(devices) + "---|")
    for r in results:
        note = " (random: not counted)" if r["name"].startswith(NONDETERMINISTIC_PREFIXES) else ""
        compile_cell = "ok" if r["compile"] == "ok" else r["compile"].replace("|", "\\|")
        if r["bound"]:
            compile_cell += " (constant inputs: " + ", ".join(r["bound"]) + ")"
        if r["shaped"]:
            compile_cell += " (shapes from the data: " + ", ".join(f"{k}={v}" for k, v in r["shaped"].items()) + ")"
        cells = [r["devices"].get(d, "-").replace("|", "\\|") for d in devices]
        lines.append(f"| {r['name']}{note} | {r['op']} | {compile_cell} | " + " | ".join(cells)
                     + f" | {r['ptx'] or '-'} |")
    return "\n".join(lines) + "\n"


def write_report(path, results, args, elapsed):
    """Writes the common header and this suite's section into `path`, keeping the other suites' sections found
    there between their begin/end markers."""
    sections = {}
    if os.path.exists(path):
        with open(path) as f:
            for match in re.finditer(r"<!-- begin (\w+) -->\n(.*?)<!-- end \1 -->\n", f.read(), re.DOTALL):
                sections[match.group(1)] = match.group(2)
    sections[args.suite] = report_section(results, args, elapsed)
    lines = ["# ONNX backend test conformance", "",
             "Generated by `test/conformance/run_node_tests.py --suite SUITE --all --write-report "
             "docs/conformance.md`, one section per suite (see `docs/contributing.md`). Do not edit by hand.", "",
             f"Tolerance: |got - expected| <= {ATOL} + {RTOL} * |expected| for floating point (the ONNX backend "
             "test defaults); exact for integers and booleans; dtype and shape must match.",
             "PTX: `ptxas ok` means every PTX variant of the test was assembled by `ptxas` into a cubin during "
             "compilation; no NVIDIA GPU was available, so PTX was never executed.",
             "Constant inputs: graph inputs a kernel needs as compile-time values (a Reshape shape, Slice "
             "bounds) are bound to the test's data with `hetcc --input-constant` and left out at run time.",
             "Shapes from the data: graph inputs with a symbolic or unknown dimension are compiled with "
             "`hetcc --input-shape` at the shape of the test's input.", ""]
    for suite in SUITES:
        if suite in sections:
            lines += [f"<!-- begin {suite} -->", sections[suite].rstrip("\n"), f"<!-- end {suite} -->", ""]
    with open(path, "w") as f:
        f.write("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--suite", choices=sorted(SUITES), default="node",
                        help="node: the one-op node tests; models: the pytorch-converted, pytorch-operator and "
                             "simple model tests")
    parser.add_argument("--data-dir", default="/usr/share/libonnx-testdata/data",
                        help="the folder holding the suites' folders")
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

    absent = [folder for folder in SUITES[args.suite] if not os.path.isdir(os.path.join(args.data_dir, folder))]
    if absent:
        print(f"run_node_tests: the suite folder {os.path.join(args.data_dir, absent[0])} does not exist "
              "(apt-get install libonnx-testdata)", file=sys.stderr)
        return 2
    if args.expected:
        with open(args.expected) as f:
            names = [line.strip() for line in f if line.strip() and not line.startswith("#")]
    elif args.tests:
        names = args.tests
    else:
        names = list_tests(args)
    missing = [n for n in names if not os.path.isfile(os.path.join(test_dir(n, args), "model.onnx"))]
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
            f.write(f"# ONNX {SUITE_TITLES[args.suite].lower()} that must pass on "
                    f"every device ({', '.join(args.devices)}); written by\n"
                    f"# test/conformance/run_node_tests.py --suite {args.suite} --update-expected. This list may "
                    "only grow.\n")
            f.write("\n".join(sorted(passed)) + "\n")
    compile_times = sorted(r["compile_s"] for r in counted if r["compile"] == "ok")
    if compile_times:
        print(f"compile time per test: median {compile_times[len(compile_times) // 2]:.2f} s, "
              f"max {compile_times[-1]:.2f} s; total wall time {elapsed:.0f} s")
    print(f"{len(passed)} passed, {len(counted) - len(passed)} failed")
    return 0 if len(passed) == len(counted) or not args.expected else 1


if __name__ == "__main__":
    sys.exit(main())
