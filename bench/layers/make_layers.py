#!/usr/bin/python3
# Writes the layer benchmarks (GEMM, ResNet-50 convolutions, one attention block) as .onnx models with random .npy
# inputs and a layers.json index (name, model, inputs, flops), into a git-ignored folder.
#
#   /usr/bin/python3 bench/layers/make_layers.py [--out bench/layers/out] [--only NAME ...]
import argparse
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
SEED = 7


class LayerIndex(list):
    """The layers written so far; `only` (name parts) restricts which are written."""

    def __init__(self, only):
        super().__init__()
        self.only = only


def rand(rng, *shape):
    return (rng.standard_normal(shape) * 0.1).astype(np.float32)


def save(out, name, graph, inputs, flops, index):
    if index.only and not any(part in name for part in index.only):
        return
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    onnx.checker.check_model(model)
    folder = os.path.join(out, name)
    os.makedirs(folder, exist_ok=True)
    onnx.save(model, os.path.join(folder, "model.onnx"))
    files = {}
    for input_name, value in inputs.items():
        path = os.path.join(folder, input_name + ".npy")
        np.save(path, value)
        files[input_name] = os.path.relpath(path, out)
    index.append({"name": name, "model": os.path.relpath(os.path.join(folder, "model.onnx"), out), "inputs": files,
                  "flops": int(flops)})


def gemm(rng, out, index, m, n, k, weight_constant):
    """MatMul [m,k] x [k,n]: B an initializer (weights) or a second graph input."""
    a = rand(rng, m, k)
    b = rand(rng, k, n)
    inputs = {"a": a}
    graph_inputs = [helper.make_tensor_value_info("a", TensorProto.FLOAT, [m, k])]
    initializers = []
    if weight_constant:
        initializers.append(numpy_helper.from_array(b, "b"))
    else:
        inputs["b"] = b
        graph_inputs.append(helper.make_tensor_value_info("b", TensorProto.FLOAT, [k, n]))
    graph = helper.make_graph([helper.make_node("MatMul", ["a", "b"], ["y"])], "gemm", graph_inputs,
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [m, n])], initializers)
    suffix = "const" if weight_constant else "input"
    save(out, f"gemm_{m}x{n}x{k}_{suffix}", graph, inputs, 2 * m * n * k, index)


def conv(rng, out, index, name, channels, size, filters, kernel, stride):
    """A ResNet-50 convolution with bias, batch 1, NCHW, 'same' padding."""
    pad = kernel // 2
    out_size = (size + 2 * pad - kernel) // stride + 1
    x = rand(rng, 1, channels, size, size)
    w = rand(rng, filters, channels, kernel, kernel)
    bias = rand(rng, filters)
    node = helper.make_node("Conv", ["x", "w", "bias"], ["y"], kernel_shape=[kernel, kernel], pads=[pad] * 4,
                            strides=[stride, stride])
    graph = helper.make_graph([node], name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(x.shape))],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT,
                                                             [1, filters, out_size, out_size])],
                              [numpy_helper.from_array(w, "w"), numpy_helper.from_array(bias, "bias")])
    save(out, name, graph, {"x": x}, 2 * filters * out_size * out_size * channels * kernel * kernel, index)


def attention(rng, out, index, seq, hidden, heads):
    """One self-attention block: Q/K/V projections, scaled softmax(QK^T)V over `heads` heads, output projection."""
    head = hidden // heads
    x = rand(rng, 1, seq, hidden)
    weights = {name: rand(rng, hidden, hidden) for name in ("wq", "wk", "wv", "wo")}
    shape_heads = np.array([1, seq, heads, head], dtype=np.int64)
    shape_back = np.array([1, seq, hidden], dtype=np.int64)
    scale = np.array(1.0 / np.sqrt(head), dtype=np.float32)
    nodes = []
    for name in ("q", "k", "v"):
        nodes.append(helper.make_node("MatMul", ["x", "w" + name], [name + "_proj"]))
        nodes.append(helper.make_node("Reshape", [name + "_proj", "shape_heads"], [name + "_split"]))
    nodes += [
        helper.make_node("Transpose", ["q_split"], ["q_heads"], perm=[0, 2, 1, 3]),
        helper.make_node("Transpose", ["k_split"], ["k_heads_t"], perm=[0, 2, 3, 1]),
        helper.make_node("Transpose", ["v_split"], ["v_heads"], perm=[0, 2, 1, 3]),
        helper.make_node("MatMul", ["q_heads", "k_heads_t"], ["scores"]),
        helper.make_node("Mul", ["scores", "scale"], ["scaled"]),
        helper.make_node("Softmax", ["scaled"], ["probs"], axis=-1),
        helper.make_node("MatMul", ["probs", "v_heads"], ["context_heads"]),
        helper.make_node("Transpose", ["context_heads"], ["context_split"], perm=[0, 2, 1, 3]),
        helper.make_node("Reshape", ["context_split", "shape_back"], ["context"]),
        helper.make_node("MatMul", ["context", "wo"], ["y"]),
    ]
    initializers = [numpy_helper.from_array(value, name) for name, value in weights.items()]
    initializers += [numpy_helper.from_array(shape_heads, "shape_heads"),
                     numpy_helper.from_array(shape_back, "shape_back"), numpy_helper.from_array(scale, "scale")]
    graph = helper.make_graph(nodes, "attention", [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(x.shape))],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, seq, hidden])], initializers)
    flops = 4 * 2 * seq * hidden * hidden + 2 * 2 * heads * seq * seq * head
    save(out, f"attention_s{seq}_h{hidden}_{heads}heads", graph, {"x": x}, flops, index)


def main():
    parser = argparse.ArgumentParser(description="Writes the layer benchmark models, their inputs and layers.json.")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "out"),
                        help="folder to write into (default: bench/layers/out, git-ignored)")
    parser.add_argument("--only", nargs="*", help="write only the layers whose name contains one of these")
    args = parser.parse_args()
    rng = np.random.default_rng(SEED)
    index = LayerIndex(args.only)
    gemm(rng, args.out, index, 1024, 1024, 1024, weight_constant=True)
    gemm(rng, args.out, index, 1024, 1024, 1024, weight_constant=False)
    # ResNet-50: the 3x3 convolution of each stage, the 1x1 reductions and expansions, a strided 3x3 and the stem.
    for channels, size in ((64, 56), (128, 28), (256, 14), (512, 7)):
        conv(rng, args.out, index, f"conv3x3_{size}x{size}x{channels}", channels, size, channels, 3, 1)
        conv(rng, args.out, index, f"conv1x1_{size}x{size}x{channels * 4}to{channels}", channels * 4, size, channels,
             1, 1)
        conv(rng, args.out, index, f"conv1x1_{size}x{size}x{channels}to{channels * 4}", channels, size, channels * 4,
             1, 1)
    conv(rng, args.out, index, "conv3x3_s2_56x56x128", 128, 56, 128, 3, 2)
    conv(rng, args.out, index, "conv7x7_s2_224x224x3", 3, 224, 64, 7, 2)
    attention(rng, args.out, index, seq=128, hidden=768, heads=12)
    with open(os.path.join(args.out, "layers.json"), "w") as stream:
        json.dump(index, stream, indent=1)
    print(f"wrote {len(index)} layer models to {args.out}")


if __name__ == "__main__":
    main()
