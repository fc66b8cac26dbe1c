"""Runs the C-simulation objects that het-hls-codegen put in a module and compares them with numpy.

Reads het-opt's output on stdin. For each kernel named on the command line, it checks that the hls_cpp source
compiles on its own (clang++ -fsyntax-only), writes the hls_csim image to a temporary .so, calls
`<kernel>_csim(void **buffers)` on random inputs and compares the outputs with a reference computed here.
Prints one `<kernel>: ok` line per kernel, or the first mismatch.
"""
import ctypes
import os
import re
import subprocess
import sys
import tempfile

import numpy as np


def unescape(text):
    """MLIR string attribute escapes: \\\\ and \\XX (two hex digits)."""
    out = bytearray()
    index = 0
    while index < len(text):
        if text[index] == "\\":
            if text[index + 1] == "\\":
                out.append(ord("\\"))
                index += 2
            else:
                out.append(int(text[index + 1:index + 3], 16))
                index += 3
        else:
            out.extend(text[index].encode("utf-8"))
            index += 1
    return bytes(out)


def image(module, fmt, entry):
    match = re.search(r'format\(%s\) entry\("%s"\)[^\n]*? image\("((?:[^"\\]|\\.)*)"\)' % (fmt, entry), module)
    if not match:
        sys.exit("no %s variant with entry %s" % (fmt, entry))
    return unescape(match.group(1))


def softmax(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def math_chain(x, q):
    r = np.log(np.sqrt(np.power(np.vectorize(__import__("math").erf)(np.tanh(np.exp(x))), 2)))
    return np.maximum(r + q.astype(np.float32), 0).astype(np.float32), (x < 0).astype(np.uint8)


rng = np.random.default_rng(7)
# kernel -> (inputs, expected outputs as a function of the inputs, tolerance)
KERNELS = {
    "matmul": (lambda: [rng.standard_normal((4, 8), np.float32), rng.standard_normal((8, 16), np.float32)],
               lambda a, b: [a @ b], 1e-5),
    "softmax": (lambda: [rng.standard_normal((4, 8), np.float32)], lambda x: [softmax(x)], 1e-6),
    "math_chain": (lambda: [rng.uniform(-2, 1, 16).astype(np.float32), rng.integers(0, 256, 16, np.uint8)],
                   math_chain, 1e-5),
    "row_sum": (lambda: [rng.integers(-1000, 1000, (3, 5), np.int32)], lambda x: [x.sum(axis=1, dtype=np.int32)], 0),
}

module = sys.stdin.read()
for kernel in sys.argv[1:]:
    with tempfile.TemporaryDirectory() as scratch:
        source = os.path.join(scratch, kernel + ".cpp")
        with open(source, "wb") as f:
            f.write(image(module, "hls_cpp", kernel))
        subprocess.run(["clang++-22", "-fsyntax-only", "-std=c++17", "-Wall", "-Wno-unknown-pragmas", "-Werror",
                        source], check=True)
        library = os.path.join(scratch, kernel + ".so")
        with open(library, "wb") as f:
            f.write(image(module, "hls_csim", kernel + "_csim"))
        make_inputs, reference, tolerance = KERNELS[kernel]
        inputs = make_inputs()
        expected = reference(*inputs)
        outputs = [np.zeros_like(e) for e in expected]
        buffers = (ctypes.c_void_p * (len(inputs) + len(outputs)))(
            *[array.ctypes.data for array in inputs + outputs])
        getattr(ctypes.CDLL(library), kernel + "_csim")(buffers)
        for index, (got, want) in enumerate(zip(outputs, expected)):
            if not np.allclose(got, want, rtol=tolerance, atol=tolerance):
                sys.exit("%s: output %d differs:\n%s\nexpected\n%s" % (kernel, index, got, want))
        print("%s: ok" % kernel)
