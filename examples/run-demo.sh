#!/usr/bin/env bash
# The main job on the bundled examples: compile an ONNX model with hetcc into one .hetbin (CPU, PTX, HLS), show
# what the file holds, run it on the cpu and fpga-sim devices, and print both devices' outputs.
set -euo pipefail
build_dir=${1:-build}
bin="$build_dir/bin"
python=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
show_output() {
  "$python" -c '
import json, os, sys
import numpy as np
out = sys.argv[1]
for entry in json.load(open(os.path.join(out, "outputs.json"))):
    values = np.load(os.path.join(out, entry["file"]))
    print("  %s %s%s: %s" % (entry["name"], entry["dtype"], entry["shape"], np.array2string(values, precision=4)))' "$1"
}

step "make example inputs (examples/make_inputs.py)"
"$python" examples/make_inputs.py "$work/inputs"

for model in mlp cnn; do
  case $model in
    mlp) input="x=$work/inputs/x.npy" ;;
    cnn) input="image=$work/inputs/image.npy" ;;
  esac
  step "hetcc examples/$model/$model.onnxtxt -o $model.hetbin   (targets: cpu, ptx, hls)"
  "$bin/hetcc" --verbose "examples/$model/$model.onnxtxt" -o "$work/$model.hetbin"

  step "hetbin-dump $model.hetbin"
  "$bin/hetbin-dump" "$work/$model.hetbin" | sed -n '/^kernels/,$p'

  for device in cpu fpga-sim; do
    step "hetrun $model.hetbin --device=$device"
    "$bin/hetrun" "$work/$model.hetbin" --input "$input" --output-dir "$work/$model-$device" --device=$device
    show_output "$work/$model-$device"
  done
done

step "devices of this machine"
"$bin/hetrun" --list-devices
