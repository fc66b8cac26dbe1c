#!/usr/bin/env bash
# The main job on a bundled example: compile with hetcc, inspect with hetbin-dump, load with hetrun.
set -euo pipefail
build_dir=${1:-build}
bin="$build_dir/bin"
example=examples/vector-add/vector_add.mlir
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "hetcc $example -o vector_add.hetbin"
"$bin/hetcc" "$example" -o "$work/vector_add.hetbin"

step "hetbin-dump vector_add.hetbin"
"$bin/hetbin-dump" "$work/vector_add.hetbin"

step "hetrun vector_add.hetbin"
"$bin/hetrun" "$work/vector_add.hetbin"

if command -v ptxas >/dev/null || [ -x /usr/local/cuda/bin/ptxas ]; then
  ptxas=$(command -v ptxas || echo /usr/local/cuda/bin/ptxas)
  step "ptxas accepts the PTX variants stored in the file"
  "$bin/hetbin-dump" "$work/vector_add.hetbin" --json |
    python3 -c '
import json, sys
for kernel in json.load(sys.stdin)["manifest"]["kernels"]:
    for variant in kernel["variants"]:
        if variant["format"] == "PTX_TEXT":
            print(variant["image_section"], variant["target"]["cuda_arch"], kernel["name"])' |
    while read -r section arch kernel; do
      "$bin/hetbin-dump" "$work/vector_add.hetbin" --extract "$section" -o "$work/k.ptx"
      "$ptxas" -arch="$arch" "$work/k.ptx" -o "$work/k.cubin"
      echo "  $kernel for $arch: ptxas OK ($(stat -c %s "$work/k.cubin") bytes of SASS)"
    done
else
  step "ptxas not found: the PTX variants were not assembled (install the CUDA toolkit to check them)"
fi
