# Runs one CPU variant image from het-cpu-codegen output through the kernel ABI (ctypes, no numpy) and compares it
# with a pure-Python reference: the whole tile range in one call, then split in two calls.
#
#   run_cpu_kernel.py FILE.mlir EXECUTABLE VARIANT REFERENCE
#
# Prints "PASS EXECUTABLE VARIANT grid=N" or "FAIL ..." (and exits 1).
import ctypes
import math
import os
import random
import re
import sys
import tempfile

CTYPES = {"f32": ctypes.c_float, "f64": ctypes.c_double, "i64": ctypes.c_int64, "i32": ctypes.c_int32,
          "i8": ctypes.c_int8, "i1": ctypes.c_uint8}


def parse_tensor_types(text):
    types = []
    for dims, element in re.findall(r"tensor<((?:\d+x)*)(\w+)>", text):
        shape = [int(d) for d in dims.split("x") if d]
        types.append((shape, element))
    return types


def decode_mlir_string(escaped):
    out = bytearray()
    i = 0
    while i < len(escaped):
        c = escaped[i]
        if c == "\\":
            if escaped[i + 1] == "\\":
                out.append(0x5C)
                i += 2
            else:
                out.append(int(escaped[i + 1:i + 3], 16))
                i += 3
        else:
            out.append(ord(c))
            i += 1
    return bytes(out)


def find_variant(text, executable, variant):
    header = re.search(r"het\.executable @" + re.escape(executable) + r" : \((.*?)\) -> (.*?) (?:attributes|\{)",
                       text)
    if not header:
        sys.exit(f"FAIL {executable}: no such executable")
    inputs, results = parse_tensor_types(header.group(1)), parse_tensor_types(header.group(2))
    body = text[header.end():]
    line = re.search(r"het\.variant @" + re.escape(variant) + r" target\(#het\.cpu<\"([^\"]+)\">\) format\(elf\) "
                     r"entry\(\"([^\"]+)\"\) grid\(\[(\d+)\]\) image\(\"((?:[^\"\\]|\\.)*)\"\)", body)
    if not line:
        sys.exit(f"FAIL {executable} {variant}: no compiled variant")
    level, entry, grid, image = line.group(1), line.group(2), int(line.group(3)), line.group(4)
    return inputs, results, level, entry, grid, decode_mlir_string(image)


def host_supports(level):
    flags = set()
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
                break
    needed = {"x86-64": [], "x86-64-v2": ["sse4_2", "popcnt"], "x86-64-v3": ["avx2", "fma", "bmi2"],
              "x86-64-v4": ["avx2", "avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"]}[level]
    return all(flag in flags for flag in needed)


# References on flat row-major lists; each takes [(values, shape)] and returns the flat outputs.
def matmul(a, b):
    (x, (m, k)), (w, (_, n)) = a, b
    return [sum(x[i * k + p] * w[p * n + j] for p in range(k)) for i in range(m) for j in range(n)]


def reference_relu(inputs):
    return [[max(v, 0.0) for v in inputs[0][0]]]


def reference_matmul(inputs):
    return [matmul(inputs[0], inputs[1])]


def reference_matmul_transposed_b(inputs):
    (x, (m, k)), (w, (n, _)) = inputs
    return [[sum(x[i * k + p] * w[j * k + p] for p in range(k)) for i in range(m) for j in range(n)]]


def reference_tanh_erf_chain(inputs):
    (x, (rows, cols)), (y, _) = inputs
    return [[math.tanh(x[i] * y[i % cols] + 1.0) + math.erf(x[i]) for i in range(rows * cols)]]


def reference_row_sum(inputs):
    (x, (rows, cols)), = inputs
    return [[sum(x[r * cols:(r + 1) * cols]) for r in range(rows)]]


def reference_conv(inputs):
    (x, (n, c, h, w)), (f, (fo, _, kh, kw)) = inputs
    oh, ow = h - kh + 1, w - kw + 1
    out = []
    for b in range(n):
        for o in range(fo):
            for i in range(oh):
                for j in range(ow):
                    out.append(sum(x[((b * c + ci) * h + i + p) * w + j + q] * f[((o * c + ci) * kh + p) * kw + q]
                                   for ci in range(c) for p in range(kh) for q in range(kw)))
    return [out]


def reference_transpose(inputs):
    (x, (rows, cols)), = inputs
    return [[x[r * cols + c] for c in range(cols) for r in range(rows)]]


def reference_rotate_rows(inputs):
    (x, (rows, cols)), = inputs
    return [[x[((r + 1) % rows) * cols + c] for r in range(rows) for c in range(cols)]]


REFERENCES = {name[len("reference_"):]: fn for name, fn in globals().items() if name.startswith("reference_")}


def count(shape):
    return math.prod(shape)


def main():
    path, executable, variant, reference = sys.argv[1:5]
    with open(path) as f:
        text = f.read()
    inputs, results, level, entry, grid, image = find_variant(text, executable, variant)
    tag = f"{executable} {variant} grid={grid}"
    if not host_supports(level):
        print(f"PASS {tag} (not run: this CPU lacks {level})")
        return

    rng = random.Random(1234)
    def sample(element):
        if element.startswith("f"):
            return rng.uniform(-1.0, 1.0)
        return rng.randint(0, 1) if element == "i1" else rng.randint(-5, 5)

    input_values = [[sample(element) for _ in range(count(shape))] for shape, element in inputs]
    input_buffers = [(CTYPES[element] * count(shape))(*values)
                     for (shape, element), values in zip(inputs, input_values)]

    with tempfile.TemporaryDirectory() as directory:
        so_path = os.path.join(directory, "kernel.so")
        with open(so_path, "wb") as so:
            so.write(image)
        kernel = getattr(ctypes.CDLL(so_path), entry)
        kernel.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_int64, ctypes.c_int64]
        kernel.restype = None

        def run(ranges):
            outputs = [(CTYPES[element] * count(shape))(*([-7.0] * count(shape))) for shape, element in results]
            pointers = (ctypes.c_void_p * (len(inputs) + len(results)))(
                *[ctypes.cast(b, ctypes.c_void_p) for b in input_buffers + outputs])
            for begin, end in ranges:
                kernel(pointers, begin, end)
            return [list(o) for o in outputs]

        whole = run([(0, grid)])
        half = grid // 2
        split = run([(half, grid), (0, half)])

    expected = REFERENCES[reference]([(values, shape) for values, (shape, _) in zip(input_values, inputs)])
    for index, (got, want) in enumerate(zip(whole, expected)):
        worst = max(abs(g - w) / (1.0 + abs(w)) for g, w in zip(got, want))
        if worst > 1e-4:
            sys.exit(f"FAIL {tag}: result #{index} differs from the reference by {worst:.3g}")
    if split != whole:
        sys.exit(f"FAIL {tag}: tiles [{half},{grid}) then [0,{half}) differ from one call over [0,{grid})")
    print(f"PASS {tag}")


if __name__ == "__main__":
    main()
