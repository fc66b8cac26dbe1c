# Turns the outputs examples/embed printed into an output directory as hetrun writes it (outputs.json and one
# .npy per output), so that the numpy references that check hetrun's outputs check embed's too:
#   embed_outputs.py EMBED_STDOUT OUTPUT_DIR
import json
import os
import re
import sys

import numpy as np

stdout_path, output_dir = sys.argv[1:3]
os.makedirs(output_dir, exist_ok=True)
listed = []
for line in open(stdout_path):
    match = re.match(r"output (\S+) float32\[([0-9x]*)\]:(.*)$", line)
    if not match:
        continue
    name, shape, values = match.groups()
    shape = [int(d) for d in shape.split("x")] if shape else []
    array = np.array([float(v) for v in values.split()], dtype=np.float32).reshape(shape)
    np.save(os.path.join(output_dir, name + ".npy"), array)
    listed.append({"name": name, "file": name + ".npy", "dtype": "float32", "shape": shape})
if not listed:
    sys.exit(f"{stdout_path}: no float32 output lines")
json.dump(listed, open(os.path.join(output_dir, "outputs.json"), "w"))
