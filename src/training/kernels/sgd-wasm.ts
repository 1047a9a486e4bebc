/**
 * 'PacsmineSgdMomentum': one SGD-with-momentum step of a variable as one kernel, returning the
 * new weights and velocity (see sgdMomentum in ../assembly/train-kernels.ts). On wasm it
 * replaces five whole-variable temporaries with none, which is what lets VGG's fc6 (411 MB)
 * update inside the 4 GB heap. Backends without it run the same formula as tensor ops (sgd.ts).
 */
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { util } from '@tensorflow/tfjs-core';
import { heapAddress, heapKernels, type WasmHeapBackend } from './heap-kernels.js';

export const SGD_KERNEL = 'PacsmineSgdMomentum';

const sgdWasm: KernelFunc = ({ inputs, attrs, backend }) => {
  const i = inputs as NamedTensorInfoMap;
  const a = attrs as NamedAttrMap;
  const [w, v, g] = [i['w'], i['v'], i['g']] as TensorInfo[];
  const wasm = backend as unknown as WasmHeapBackend;
  const k = heapKernels(wasm);
  if (k === undefined) throw new Error(`${SGD_KERNEL}: dist/src/training/train-kernels.wasm is missing (run npm run build)`);
  const wOut = wasm.makeOutput(w!.shape, 'float32');
  const vOut = wasm.makeOutput(w!.shape, 'float32');
  k.sgdMomentum(heapAddress(wasm, w!), heapAddress(wasm, v!), heapAddress(wasm, g!), heapAddress(wasm, wOut), heapAddress(wasm, vOut), util.sizeFromShape(w!.shape), a['learningRate'] as number, a['momentum'] as number, a['weightDecay'] as number);
  return [wOut, vOut];
};

export const wasmSgdKernel: KernelConfig = { kernelName: SGD_KERNEL, backendName: 'wasm', kernelFunc: sgdWasm };
