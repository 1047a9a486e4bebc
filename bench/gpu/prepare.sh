#!/bin/sh
# Prepares the GPU benchmark on this machine (see docs/gpu-from-node.md): builds, bundles
# bench/gpu/gpu-train.ts with its npm dependencies into .gpu/gpu-train.mjs (webgpu left
# external and copied beside it), compresses this node binary into .gpu/node.xz and
# downloads Debian's libvulkan1 into .gl/. Then run on the device machine, with carry
# [".gpu", ".gl"] (both are in .gitignore):   sh bench/gpu/run.sh
set -eu
cd "$(dirname "$0")/../.."
npm run build --silent
rm -rf .gpu && mkdir -p .gpu/node_modules/webgpu/dist/linux-x64 .gl
npx esbuild dist/bench/gpu/gpu-train.js --bundle --platform=node --format=esm --target=node20 \
  --external:webgpu --external:@tensorflow/tfjs-node --external:@tensorflow/tfjs-node-gpu \
  --banner:js="import { createRequire as __cr } from 'module'; import { fileURLToPath as __fu } from 'url'; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __fu(new URL('.', import.meta.url));" \
  --outfile=.gpu/gpu-train.mjs --log-level=warning
cp node_modules/webgpu/index.js node_modules/webgpu/package.json .gpu/node_modules/webgpu/
cp node_modules/webgpu/dist/linux-x64/dawn.node .gpu/node_modules/webgpu/dist/linux-x64/
# The wasm binaries, for a dry run of the bundle here (sh bench/gpu/run-dry.sh).
cp dist/src/training/train-kernels.wasm node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm .gpu/
mkdir -p .gpu/anchors && cp bench/anchors/torch_train.py bench/anchors/torch_chain.py .gpu/anchors/
xz -T2 -6 -c "$(command -v node)" > .gpu/node.xz
if ! ls .gl/libvulkan1_*.deb >/dev/null 2>&1; then (cd .gl && apt-get download libvulkan1); fi
du -sh .gpu .gl
