# Checks the outputs hetrun wrote for the add-scale test module against NumPy: out = (x + y) * [1..8],
# sum/raw = x + y, x:echo = x, scale = [1..8]. Prints what it saw, for FileCheck.
import json
import os
import sys

import numpy as np

directory, x_path, y_path = sys.argv[1:4]
entries = json.load(open(os.path.join(directory, "outputs.json")))
print("names", " ".join(e["name"] for e in entries))
print("files", " ".join(e["file"] for e in entries))
print("dtypes", " ".join(e["dtype"] for e in entries))
print("shapes", " ".join(str(e["shape"]) for e in entries))

x, y = np.load(x_path), np.load(y_path)
scale = np.arange(1, 9, dtype=np.float32)
expected = [(x + y) * scale, x + y, x, scale]
arrays = [np.load(os.path.join(directory, e["file"]), allow_pickle=False) for e in entries]
ok = all(a.dtype == np.float32 and a.shape == tuple(e["shape"]) and np.array_equal(a, want)
         for a, e, want in zip(arrays, entries, expected))
print("values match" if ok else "values differ: %r" % arrays)
stray = [f for f in os.listdir(directory) if f.startswith(".hetrun")]
print("no stray files" if not stray else "stray files: %r" % stray)
