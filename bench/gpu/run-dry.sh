#!/bin/sh
# Runs the bundle that bench/gpu/prepare.sh made on this machine, on wasm, one step per network:
# checks the bundle before device time is spent on it. Extra arguments go to gpu-train.
set -eu
cd "$(dirname "$0")/../.."
exec node .gpu/gpu-train.mjs --device=cpu --steps=1 "$@"
