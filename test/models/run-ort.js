// Runs an ONNX model with ONNX Runtime (onnxruntime-node) on .npy inputs and writes its outputs as .npy, the
// reference the real-model check compares hetrun with; with --iterations it also times session.run, with
// --startup the session's creation and first run.
//
//   node run-ort.js --ort-dir DIR --model M.onnx --input NAME=FILE.npy ... --output-dir OUT
//                   [--threads N] [--iterations N --warmup N] [--startup]
//
// The session uses every graph optimization ('all'); --threads N gives it N intra-op threads and one inter-op
// thread (default: ONNX Runtime's choice). OUT/<index>.npy holds output <index> and OUT/outputs.json lists them as
// hetrun does ({name, file, dtype, shape}). With --iterations or --startup the last stdout line is one JSON
// object; --iterations puts in it iterations, warmup, threads, median_ms, p10_ms and p90_ms (the percentiles
// hetrun --benchmark prints) of the timed runs, which follow the first run and --warmup untimed ones; --startup
// puts in it session_ms (creating the session: reading and optimizing the model) and first_run_ms (the first
// session.run). Exit status 2 on bad usage, 1 when ONNX Runtime fails.
"use strict";
const fs = require("fs");
const path = require("path");

const USAGE = "usage: node run-ort.js --ort-dir DIR --model M.onnx --input NAME=FILE.npy ... --output-dir OUT " +
  "[--threads N] [--iterations N] [--warmup N] [--startup]";

// NumPy dtype codes (without byte order) and the ONNX Runtime tensor type and typed array of each.
const DTYPES = {
  f4: ["float32", Float32Array], f8: ["float64", Float64Array], i1: ["int8", Int8Array],
  i2: ["int16", Int16Array], i4: ["int32", Int32Array], i8: ["int64", BigInt64Array],
  u1: ["uint8", Uint8Array], u2: ["uint16", Uint16Array], u4: ["uint32", Uint32Array],
  u8: ["uint64", BigUint64Array], b1: ["bool", Uint8Array],
};

function fail(message, status) {
  process.stderr.write(`run-ort: ${message}\n`);
  process.exit(status);
}

function parseArgs(argv) {
  const args = { inputs: [], threads: 0, iterations: 0, warmup: 1, startup: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === "--startup") {
      args.startup = true;
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined) fail(`${flag} needs a value; ${USAGE}`, 2);
    i++;
    if (flag === "--ort-dir") args.ortDir = value;
    else if (flag === "--model") args.model = value;
    else if (flag === "--output-dir") args.outputDir = value;
    else if (flag === "--input") {
      const at = value.indexOf("=");
      if (at <= 0) fail(`--input '${value}' is not NAME=FILE.npy`, 2);
      args.inputs.push([value.slice(0, at), value.slice(at + 1)]);
    } else if (["--threads", "--iterations", "--warmup"].includes(flag)) {
      const number = Number(value);
      if (!Number.isInteger(number) || number < 0) fail(`${flag} '${value}' is not a count`, 2);
      args[flag.slice(2)] = number;
    } else fail(`unknown option '${flag}'; ${USAGE}`, 2);
  }
  if (!args.ortDir || !args.model) fail(USAGE, 2);
  return args;
}

function readNpy(file) {
  const bytes = fs.readFileSync(file);
  if (bytes.length < 10 || bytes.toString("latin1", 0, 6) !== "\x93NUMPY") fail(`${file} is not a .npy file`, 2);
  const major = bytes[6];
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const headerStart = major === 1 ? 10 : 12;
  const header = bytes.toString("latin1", headerStart, headerStart + headerLength);
  const descr = /'descr':\s*'([<>|=]?)(\w\d)'/.exec(header);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !shape || /'fortran_order':\s*True/.test(header)) fail(`${file}: unsupported .npy header`, 2);
  if (descr[1] === ">" || !DTYPES[descr[2]]) fail(`${file}: unsupported dtype '${descr[1]}${descr[2]}'`, 2);
  const dims = shape[1].split(",").map((s) => s.trim()).filter((s) => s).map(Number);
  const [type, ArrayType] = DTYPES[descr[2]];
  const start = headerStart + headerLength;
  // Copied so that the typed array is aligned for its element size.
  const data = new ArrayType(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + bytes.length));
  return { type, dims, data: type === "bool" ? Array.from(data, (v) => v !== 0) : data };
}

function writeNpy(file, tensor) {
  const code = Object.keys(DTYPES).find((key) => DTYPES[key][0] === tensor.type);
  if (!code) fail(`output of type ${tensor.type} cannot be written as .npy`, 1);
  const descr = code === "b1" || code[1] === "1" ? `|${code}` : `<${code}`;
  const dims = tensor.dims.length === 1 ? `${tensor.dims[0]},` : tensor.dims.join(", ");
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims}), }`;
  header += " ".repeat(63 - ((10 + header.length) % 64)) + "\n";
  const prefix = Buffer.alloc(10);
  prefix.write("\x93NUMPY", 0, "latin1");
  prefix[6] = 1;
  prefix.writeUInt16LE(header.length, 8);
  const data = tensor.type === "bool" ? Uint8Array.from(tensor.data, (v) => (v ? 1 : 0)) : tensor.data;
  fs.writeFileSync(file, Buffer.concat([prefix, Buffer.from(header, "latin1"),
    Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

// Linear interpolation between the nearest ranks, as hetrun --benchmark computes its percentiles.
function percentile(sorted, fraction) {
  const position = fraction * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

function milliseconds(since) {
  return Number(process.hrtime.bigint() - since) / 1e6;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const ort = require(path.join(path.resolve(args.ortDir), "node_modules", "onnxruntime-node"));
  const options = { graphOptimizationLevel: "all" };
  if (args.threads) Object.assign(options, { intraOpNumThreads: args.threads, interOpNumThreads: 1 });
  const creating = process.hrtime.bigint();
  const session = await ort.InferenceSession.create(args.model, options);
  const sessionMs = milliseconds(creating);
  const feeds = {};
  for (const [name, file] of args.inputs) {
    const { type, dims, data } = readNpy(file);
    feeds[name] = new ort.Tensor(type, data, dims);
  }
  const missing = session.inputNames.filter((name) => !(name in feeds));
  if (missing.length) fail(`no --input for ${missing.join(", ")}`, 2);

  const firstRun = process.hrtime.bigint();
  const results = await session.run(feeds);
  const firstRunMs = milliseconds(firstRun);
  if (args.outputDir) {
    fs.mkdirSync(args.outputDir, { recursive: true });
    const listing = session.outputNames.map((name, index) => {
      const tensor = results[name];
      writeNpy(path.join(args.outputDir, `${index}.npy`), tensor);
      return { name, file: `${index}.npy`, dtype: tensor.type, shape: tensor.dims };
    });
    const lines = listing.map((entry) => "  " + JSON.stringify(entry));
    fs.writeFileSync(path.join(args.outputDir, "outputs.json"), "[\n" + lines.join(",\n") + "\n]\n");
  }
  const timings = {};
  if (args.iterations) {
    for (let i = 0; i < args.warmup; i++) await session.run(feeds);
    const samples = [];
    for (let i = 0; i < args.iterations; i++) {
      const started = process.hrtime.bigint();
      await session.run(feeds);
      samples.push(milliseconds(started));
    }
    samples.sort((a, b) => a - b);
    Object.assign(timings, {
      iterations: args.iterations, warmup: args.warmup, threads: args.threads || "default",
      median_ms: percentile(samples, 0.5), p10_ms: percentile(samples, 0.1), p90_ms: percentile(samples, 0.9),
    });
  }
  if (args.startup) Object.assign(timings, { session_ms: sessionMs, first_run_ms: firstRunMs });
  if (args.iterations || args.startup) console.log(JSON.stringify(timings));
}

main().catch((error) => fail(error && error.message ? error.message : String(error), 1));
