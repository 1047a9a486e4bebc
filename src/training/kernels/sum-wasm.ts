/**
 * Sum over leading axes on the wasm backend (what every bias gradient is: dy summed over
 * batch and space, NHWC). The stock kernel transposes the reduced axes innermost first;
 * here one pass adds rows into per-column float64 accumulators. Other reductions go to
 * the stock kernel.
 */
import { util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
}

/** Sums `rows` rows of `cols` columns into out[cols]. */
export function sumRows(x: Float32Array, rows: number, cols: number, acc: Float64Array, out: Float32Array): void {
  acc.fill(0);
  for (let r = 0, base = 0; r < rows; r++, base += cols) {
    for (let j = 0; j < cols; j++) acc[j] = (acc[j] as number) + (x[base + j] as number);
  }
  for (let j = 0; j < cols; j++) out[j] = acc[j] as number;
}

export function leadingSumKernel(stock: KernelFunc): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const x = (args.inputs as NamedTensorInfoMap)['x'] as TensorInfo;
    const attrs = args.attrs as NamedAttrMap;
    const axes = util.parseAxisParam(attrs['axis'] as number | number[], x.shape).sort((a, b) => a - b);
    const leading = axes.length > 0 && axes.length < x.shape.length && axes.every((a, i) => a === i);
    if (x.dtype !== 'float32' || !leading) return stock(args);
    const wasm = args.backend as unknown as WasmHeapBackend;
    const rows = util.sizeFromShape(x.shape.slice(0, axes.length));
    const rest = x.shape.slice(axes.length);
    const cols = util.sizeFromShape(rest);
    const outShape = attrs['keepDims'] ? [...axes.map(() => 1), ...rest] : rest;
    const out = wasm.makeOutput(outShape, 'float32');
    sumRows(wasm.typedArrayFromHeap(x), rows, cols, new Float64Array(cols), wasm.typedArrayFromHeap(out));
    return out;
  };
  return { kernelName: 'Sum', backendName: 'wasm', kernelFunc };
}
