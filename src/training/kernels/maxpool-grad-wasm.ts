/**
 * MaxPoolGrad for the wasm backend, on the heap (../assembly/train-kernels.ts): one pass over
 * the windows, routing each output gradient to the first maximum of its window, which is what
 * tfjs-backend-cpu does; non-overlapping 2x2 windows go four channels at a time. The stock
 * wasm kernel searches, for every input pixel, all windows that could contain it.
 */
import { backend_util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { heapAddress, heapKernels, type WasmHeapBackend } from './heap-kernels.js';

const maxPoolGradWasm: KernelFunc = ({ inputs, attrs, backend }) => {
  const i = inputs as NamedTensorInfoMap;
  const a = attrs as NamedAttrMap;
  const x = i['input'] as TensorInfo;
  const dy = i['dy'] as TensorInfo;
  const y = i['output'] as TensorInfo;
  const info = backend_util.computePool2DInfo(x.shape as [number, number, number, number], a['filterSize'] as [number, number], a['strides'] as [number, number], 1, a['pad'] as 'same', a['dimRoundingMode'] as 'floor' | undefined);
  const wasm = backend as unknown as WasmHeapBackend;
  const k = heapKernels(wasm);
  if (k === undefined) throw new Error('MaxPoolGrad: dist/src/training/train-kernels.wasm is missing (run npm run build)');
  const out = wasm.makeOutput(x.shape, 'float32');
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: ho, outWidth: wo, filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const [px, py, pdy, pdx] = [heapAddress(wasm, x), heapAddress(wasm, y), heapAddress(wasm, dy), heapAddress(wasm, out)];
  k.zero(pdx, n * h * w * c * 4);
  const { top, left } = info.padInfo;
  // The SIMD kernel needs every window wholly inside the input ('same' may pad the far edge).
  if (fh === 2 && fw === 2 && sh === 2 && sw === 2 && top === 0 && left === 0 && 2 * ho <= h && 2 * wo <= w && c % 4 === 0) k.maxPoolGrad2x2(px, py, pdy, pdx, n, h, w, c, ho, wo);
  else k.maxPoolGradGeneral(px, py, pdy, pdx, n, h, w, c, ho, wo, fh, fw, sh, sw, top, left);
  return out;
};

export const wasmMaxPoolGradKernel: KernelConfig = { kernelName: 'MaxPoolGrad', backendName: 'wasm', kernelFunc: maxPoolGradWasm };
