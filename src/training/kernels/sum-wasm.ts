/**
 * Sum over leading axes on the wasm backend (what every bias gradient is: dy summed over
 * batch and space, NHWC). The stock kernel transposes the reduced axes innermost first;
 * here one SIMD pass on the heap adds blocks of rows into float64 column accumulators
 * (sumRows in ../assembly/train-kernels.ts). Other reductions go to the stock kernel.
 */
import { util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { heapAddress, heapKernels, withScratch, type WasmHeapBackend } from './heap-kernels.js';

export function leadingSumKernel(stock: KernelFunc): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const x = (args.inputs as NamedTensorInfoMap)['x'] as TensorInfo;
    const attrs = args.attrs as NamedAttrMap;
    const axes = util.parseAxisParam(attrs['axis'] as number | number[], x.shape).sort((a, b) => a - b);
    const leading = axes.length > 0 && axes.length < x.shape.length && axes.every((a, i) => a === i);
    const wasm = args.backend as unknown as WasmHeapBackend;
    const k = heapKernels(wasm);
    if (x.dtype !== 'float32' || !leading || k === undefined) return stock(args);
    const rows = util.sizeFromShape(x.shape.slice(0, axes.length));
    const rest = x.shape.slice(axes.length);
    const cols = util.sizeFromShape(rest);
    const outShape = attrs['keepDims'] ? [...axes.map(() => 1), ...rest] : rest;
    const out = wasm.makeOutput(outShape, 'float32');
    withScratch(wasm, [cols * 8], ([acc]) => k.sumRows(heapAddress(wasm, x), rows, cols, acc!, heapAddress(wasm, out)));
    return out;
  };
  return { kernelName: 'Sum', backendName: 'wasm', kernelFunc };
}
