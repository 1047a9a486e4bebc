#!/bin/sh
# Runs on the GPU machine, in the repository root, after bench/gpu/prepare.sh ran here and
# with carry [".gpu", ".gl"]. One call: Vulkan loader, node, then both engines side by side.
# Extra arguments go to gpu-train (e.g. --steps=5 --stock --only=vgg19).
set -eu
cd "$(dirname "$0")/../.."
dpkg -x .gl/libvulkan1_*.deb / && ldconfig
xz -dc .gpu/node.xz > /tmp/node && chmod +x /tmp/node
export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json XDG_RUNTIME_DIR=/tmp
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
python3 -c "import torch; print('torch', torch.__version__, torch.cuda.get_device_name(0))" || true
exec /tmp/node .gpu/gpu-train.mjs "$@"
