# Models whose constant weights the frontend lays out at compile time, checked against numpy: convolutions in each
# layout (the window read in place with filters as columns, the pointwise and strided products with filters as
# columns, and the pixel-major form they fall back to), and MatMul and Gemm with their right-hand side in column
# blocks (or only transposed, when the columns do not fill whole blocks), and ConvTranspose whose windows tile the
# output (a product of W's taps with the pixels, then a depth-to-space copy) beside one whose windows overlap.
#   weight_layouts.py make DIR            writes DIR/NAME.onnx and DIR/NAME-x.npy for every case
#   weight_layouts.py check NAME DIR OUT  compares hetrun's outputs in OUT with the reference; prints "match" or why
import json
import os
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

# MatMul and Gemm cases: name: (op, input shape, weight shape, attributes)
PRODUCTS = {
    "matmul-blocks": ("MatMul", (2, 5, 24), (24, 64), {}),
    "gemm-blocks": ("Gemm", (6, 40), (96, 40), {"transB": 1}),
    "gemm-transposed-a": ("Gemm", (40, 6), (40, 32), {"transA": 1, "alpha": 0.5}),
    "gemm-transposed-only": ("Gemm", (3, 16), (10, 16), {"transB": 1}),
}

# ConvTranspose cases: name: (input shape, filters, kernel, strides, with bias)
TRANSPOSED = {
    "transpose-2x2": ((1, 6, 5, 7), 4, (2, 2), (2, 2), True),
    "transpose-1d": ((2, 3, 9), 5, (3,), (3,), False),
    "transpose-overlap": ((1, 4, 5, 5), 3, (3, 3), (2, 2), True),
}

# Convolution cases: name: (input shape, filters, kernel, strides, pads)
CASES = {
    "window-7x7": ((1, 16, 7, 7), 32, (3, 3), (1, 1), (1, 1, 1, 1)),
    "window-1d": ((1, 8, 10), 64, (3,), (1,), (1, 1)),
    "pointwise-7x7": ((1, 24, 7, 7), 64, (1, 1), (1, 1), (0, 0, 0, 0)),
    "strided-14x14": ((1, 8, 14, 14), 32, (3, 3), (2, 2), (1, 1, 1, 1)),
    "partial-block": ((1, 16, 7, 7), 48, (3, 3), (1, 1), (1, 1, 1, 1)),
}


def tensors(name):
    rng = np.random.default_rng(sum(map(ord, name)))
    if name in TRANSPOSED:
        shape, filters, kernel, _, _ = TRANSPOSED[name]
        return (rng.standard_normal(shape).astype(np.float32),
                rng.standard_normal((shape[1], filters, *kernel)).astype(np.float32),
                rng.standard_normal(filters).astype(np.float32))
    if name in PRODUCTS:
        _, x_shape, w_shape, _ = PRODUCTS[name]
        return (rng.standard_normal(x_shape).astype(np.float32), rng.standard_normal(w_shape).astype(np.float32),
                rng.standard_normal(w_shape[0] if PRODUCTS[name][3].get("transB") else w_shape[1]).astype(np.float32))
    shape, filters, kernel, _, _ = CASES[name]
    w = rng.standard_normal((filters, shape[1], *kernel)).astype(np.float32)
    b = rng.standard_normal(filters).astype(np.float32)
    x = rng.standard_normal(shape).astype(np.float32)
    return x, w, b


def product_reference(name):
    op, _, _, attributes = PRODUCTS[name]
    x, w, b = (t.astype(np.float64) for t in tensors(name))
    if op == "MatMul":
        return x @ w
    a = x.T if attributes.get("transA") else x
    bt = w.T if attributes.get("transB") else w
    return attributes.get("alpha", 1.0) * (a @ bt) + b


def transposed_reference(name):
    shape, filters, kernel, strides, with_bias = TRANSPOSED[name]
    x, w, b = (t.astype(np.float64) for t in tensors(name))
    rank = len(kernel)
    out = np.zeros((shape[0], filters) + tuple(s * (n - 1) + k for s, n, k in zip(strides, shape[2:], kernel)))
    for tap in np.ndindex(*kernel):
        where = (slice(None), slice(None)) + tuple(
            slice(t, t + s * n, s) for t, s, n in zip(tap, strides, shape[2:]))
        out[where] += np.einsum("nc...,cm->nm...", x, w[(slice(None), slice(None)) + tap])
    return out + (b.reshape((1, filters) + (1,) * rank) if with_bias else 0)


def save_model(directory, name, node, x_shape, y_shape, initializers):
    graph = helper.make_graph([node], name, [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, x_shape)],
                              [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, y_shape)], initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.save(model, os.path.join(directory, name + ".onnx"))


def make(directory):
    os.makedirs(directory, exist_ok=True)
    for name, (op, x_shape, w_shape, attributes) in PRODUCTS.items():
        x, w, b = tensors(name)
        inputs = ["x", "w"] + (["b"] if op == "Gemm" else [])
        node = helper.make_node(op, inputs, ["y"], **attributes)
        initializers = [numpy_helper.from_array(w, "w")] + ([numpy_helper.from_array(b, "b")] if op == "Gemm" else [])
        save_model(directory, name, node, x_shape, list(product_reference(name).shape), initializers)
        np.save(os.path.join(directory, name + "-x.npy"), x)
    for name, (shape, filters, kernel, strides, with_bias) in TRANSPOSED.items():
        x, w, b = tensors(name)
        node = helper.make_node("ConvTranspose", ["x", "w"] + (["b"] if with_bias else []), ["y"],
                                strides=list(strides))
        initializers = [numpy_helper.from_array(w, "w")] + ([numpy_helper.from_array(b, "b")] if with_bias else [])
        save_model(directory, name, node, shape, list(transposed_reference(name).shape), initializers)
        np.save(os.path.join(directory, name + "-x.npy"), x)
    for name, (shape, filters, kernel, strides, pads) in CASES.items():
        x, w, b = tensors(name)
        out_shape = [shape[0], filters] + [
            (size + pads[i] + pads[i + len(kernel)] - kernel[i]) // strides[i] + 1 for i, size in enumerate(shape[2:])]
        node = helper.make_node("Conv", ["x", "w", "b"], ["y"], strides=list(strides), pads=list(pads))
        save_model(directory, name, node, shape, out_shape,
                   [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
        np.save(os.path.join(directory, name + "-x.npy"), x)


def reference(name):
    shape, filters, kernel, strides, pads = CASES[name]
    x, w, b = (t.astype(np.float64) for t in tensors(name))
    rank = len(kernel)
    padded = np.pad(x, [(0, 0), (0, 0)] + [(pads[i], pads[i + rank]) for i in range(rank)])
    windows = np.lib.stride_tricks.sliding_window_view(padded, kernel, axis=tuple(range(2, 2 + rank)))
    windows = windows[(slice(None), slice(None)) + tuple(slice(None, None, s) for s in strides)]
    # windows: n, c, outputs..., kernel...
    letters = "hijk"[:rank], "pqrs"[:rank]
    result = np.einsum(f"nc{letters[0]}{letters[1]},mc{letters[1]}->nm{letters[0]}", windows, w)
    return result + b.reshape((1, filters) + (1,) * rank)


def check(name, output_dir):
    with open(os.path.join(output_dir, "outputs.json")) as f:
        outputs = json.load(f)
    got = np.load(os.path.join(output_dir, outputs[0]["file"]))
    expected = (product_reference(name) if name in PRODUCTS else
                transposed_reference(name) if name in TRANSPOSED else reference(name))
    if got.shape != expected.shape or got.dtype != np.float32:
        print(f"{name}: shape/dtype {got.shape} {got.dtype}, expected {expected.shape} float32")
    elif np.allclose(got, expected, rtol=1e-4, atol=1e-4):
        print(f"{name}: match")
    else:
        print(f"{name}: max abs difference {np.abs(got - expected).max()}")


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        check(sys.argv[2], sys.argv[4])
