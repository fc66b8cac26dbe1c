# Extracts every image of a .hetbin (from hetbin-dump --json on stdin) and checks it with its target's tool:
# ptxas for PTX (when installed), the host C++ compiler in syntax-only mode for HLS C++.
import json
import os
import shutil
import subprocess
import sys

hetbin, workdir = sys.argv[1], sys.argv[2]
ptxas = shutil.which("ptxas") or ("/usr/local/cuda/bin/ptxas" if os.path.exists("/usr/local/cuda/bin/ptxas") else None)
dump = json.load(sys.stdin)
for kernel in dump["manifest"]["kernels"]:
    for variant in kernel["variants"]:
        path = os.path.join(workdir, f"{kernel['name']}.{variant['name']}")
        subprocess.run(["hetbin-dump", hetbin, "--extract", str(variant["image_section"]), "-o", path], check=True)
        fmt = variant["format"]
        if fmt == "PTX_TEXT":
            arch = variant["target"]["cuda_arch"]
            if ptxas:
                subprocess.run([ptxas, f"-arch={arch}", path, "-o", path + ".cubin"], check=True)
                status = "ptxas OK"
            else:
                status = "ptxas not installed: not assembled"
            print(kernel["name"], arch, fmt, status)
        elif fmt == "HLS_CPP":
            subprocess.run(["clang++-22", "-x", "c++", "-fsyntax-only", "-I", os.path.join(workdir, "include"), path],
                           check=True)
            print(kernel["name"], variant["name"], fmt, "compiles")
