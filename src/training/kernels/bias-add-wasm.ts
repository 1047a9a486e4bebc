/**
 * Add on the wasm backend for the bias case, x [..., C] + b [C] with C a multiple of 4, as one
 * SIMD pass on the heap (addRowVector in ../assembly/train-kernels.ts): 11 ms → 3 ms for conv4's
 * first layer. Every other Add goes to the stock kernel. One float32 add per element, as there.
 */
import { util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { heapAddress, heapKernels, type WasmHeapBackend } from './heap-kernels.js';

export function biasAddKernel(stock: KernelFunc): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const i = args.inputs as NamedTensorInfoMap;
    const a = i['a'] as TensorInfo;
    const b = i['b'] as TensorInfo;
    const backend = args.backend as unknown as WasmHeapBackend;
    // Either side may be the vector: a + b = b + a, exactly, in float32.
    const [x, v] = a.shape.length >= b.shape.length ? [a, b] : [b, a];
    const cols = x.shape[x.shape.length - 1] ?? 0;
    const isBias = a.dtype === 'float32' && b.dtype === 'float32' && v.shape.length === 1 && v.shape[0] === cols && x.shape.length >= 2 && cols % 4 === 0;
    const k = isBias ? heapKernels(backend) : undefined;
    if (k === undefined) return stock(args);
    const out = backend.makeOutput(x.shape, 'float32');
    k.addRowVector(heapAddress(backend, x), heapAddress(backend, v), heapAddress(backend, out), util.sizeFromShape(x.shape) / cols, cols);
    return out;
  };
  return { kernelName: 'Add', backendName: 'wasm', kernelFunc };
}
