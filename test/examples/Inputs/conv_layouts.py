# Convolutions that take each of the frontend's layouts (the window read in place with filters as columns, the
# pointwise and strided products with filters as columns, and the pixel-major forms they fall back to), with constant
# random weights and bias, checked against numpy.
#   conv_layouts.py make DIR            writes DIR/NAME.onnx and DIR/NAME-x.npy for every case
#   conv_layouts.py check NAME DIR OUT  compares hetrun's outputs in OUT with the reference; prints "match" or why not
import json
import os
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

# name: (input shape, filters, kernel, strides, pads)
CASES = {
    "window-7x7": ((1, 16, 7, 7), 32, (3, 3), (1, 1), (1, 1, 1, 1)),
    "window-1d": ((1, 8, 10), 64, (3,), (1,), (1, 1)),
    "pointwise-7x7": ((1, 24, 7, 7), 64, (1, 1), (1, 1), (0, 0, 0, 0)),
    "strided-14x14": ((1, 8, 14, 14), 32, (3, 3), (2, 2), (1, 1, 1, 1)),
    "partial-block": ((1, 16, 7, 7), 48, (3, 3), (1, 1), (1, 1, 1, 1)),
}


def tensors(name):
    shape, filters, kernel, _, _ = CASES[name]
    rng = np.random.default_rng(sum(map(ord, name)))
    w = rng.standard_normal((filters, shape[1], *kernel)).astype(np.float32)
    b = rng.standard_normal(filters).astype(np.float32)
    x = rng.standard_normal(shape).astype(np.float32)
    return x, w, b


def make(directory):
    os.makedirs(directory, exist_ok=True)
    for name, (shape, filters, kernel, strides, pads) in CASES.items():
        x, w, b = tensors(name)
        out_shape = [shape[0], filters] + [
            (size + pads[i] + pads[i + len(kernel)] - kernel[i]) // strides[i] + 1 for i, size in enumerate(shape[2:])]
        node = helper.make_node("Conv", ["x", "w", "b"], ["y"], strides=list(strides), pads=list(pads))
        graph = helper.make_graph([node], name, [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, shape)],
                                  [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, out_shape)],
                                  [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
        onnx.save(model, os.path.join(directory, name + ".onnx"))
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
    expected = reference(name)
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
