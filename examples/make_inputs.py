#!/usr/bin/python3
"""Writes the example inputs as .npy files: make_inputs.py OUT_DIR -> OUT_DIR/x.npy (MLP), OUT_DIR/image.npy (CNN).
The values are a fixed pattern, so every run sees the same inputs."""
import os
import sys

import numpy as np

out_dir = sys.argv[1]
os.makedirs(out_dir, exist_ok=True)
x = np.sin(np.arange(64, dtype=np.float32) * 0.37).reshape(1, 64).astype(np.float32)
image = np.cos(np.arange(64, dtype=np.float32) * 0.21).reshape(1, 1, 8, 8).astype(np.float32)
np.save(os.path.join(out_dir, "x.npy"), x)
np.save(os.path.join(out_dir, "image.npy"), image)
