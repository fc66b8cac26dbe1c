# Compares two hetrun output directories: compare_outputs.py DIR_A DIR_B prints the number of outputs and the
# largest absolute difference over all of them, or what differs in their lists.
import json
import os
import sys

import numpy as np

a_dir, b_dir = sys.argv[1:3]
a_list = json.load(open(os.path.join(a_dir, "outputs.json")))
b_list = json.load(open(os.path.join(b_dir, "outputs.json")))
if [(o["name"], o["dtype"], o["shape"]) for o in a_list] != [(o["name"], o["dtype"], o["shape"]) for o in b_list]:
    sys.exit(f"the output lists differ: {a_list} vs {b_list}")
largest = 0.0
for a, b in zip(a_list, b_list):
    x = np.load(os.path.join(a_dir, a["file"])).astype(np.float64)
    y = np.load(os.path.join(b_dir, b["file"])).astype(np.float64)
    largest = max(largest, float(np.abs(x - y).max()) if x.size else 0.0)
print(f"{len(a_list)} outputs, max abs difference {largest:g}")
