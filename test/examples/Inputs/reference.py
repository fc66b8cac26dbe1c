# numpy reference of the example models: reference.py mlp|cnn MODEL.onnxtxt INPUT.npy OUTPUT_DIR
# Compares hetrun's outputs.json/.npy in OUTPUT_DIR with the reference and prints "match" or the difference.
import json
import os
import sys

import numpy as np
import onnx.parser
from onnx import numpy_helper

kind, model_path, input_path, output_dir = sys.argv[1:5]
with open(model_path) as f:
    model = onnx.parser.parse_model(f.read())
weights = {init.name: numpy_helper.to_array(init) for init in model.graph.initializer}
x = np.load(input_path).astype(np.float64)


def softmax(v):
    e = np.exp(v - v.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


if kind == "mlp":
    hidden = np.maximum(x @ weights["fc1_weight"] + weights["fc1_bias"], 0)
    expected = softmax(hidden @ weights["fc2_weight"] + weights["fc2_bias"])
else:
    w, b = weights["conv_weight"], weights["conv_bias"]
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    conv = np.zeros((1, 4, 8, 8))
    for f in range(4):
        for i in range(8):
            for j in range(8):
                conv[0, f, i, j] = (padded[0, 0, i:i + 3, j:j + 3] * w[f, 0]).sum() + b[f]
    pooled = np.maximum(conv, 0).reshape(1, 4, 4, 2, 4, 2).max(axis=(3, 5))
    expected = softmax(pooled.reshape(1, 64) @ weights["fc_weight"] + weights["fc_bias"])

with open(os.path.join(output_dir, "outputs.json")) as f:
    outputs = json.load(f)
got = np.load(os.path.join(output_dir, outputs[0]["file"]))
if got.shape != expected.shape or got.dtype != np.float32:
    print(f"shape/dtype {got.shape} {got.dtype}, expected {expected.shape} float32")
elif np.allclose(got, expected, rtol=1e-4, atol=1e-6):
    print("match")
else:
    print(f"max abs difference {np.abs(got - expected).max()}")
