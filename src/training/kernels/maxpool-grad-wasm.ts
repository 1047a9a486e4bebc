/**
 * MaxPoolGrad for the wasm backend, straight on the wasm heap: one pass over the windows,
 * routing each output gradient to the first maximum of its window, which is what
 * tfjs-backend-cpu does. The stock wasm
 * kernel searches, for every input pixel, all windows that could contain it.
 */
import { backend_util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

/** The few members of tfjs-backend-wasm's BackendWasm this kernel uses. */
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
}

/**
 * Pure kernel on flat NHWC arrays; dx must be zeroed. `y` is the forward output (the window
 * maxima), so each window and channel routes its gradient to the first pixel equal to its
 * maximum: the same pixel as tfjs-backend-cpu's strict `>` scan. A window whose maximum is
 * -Infinity or NaN gets no gradient (as there).
 */
export function maxPoolBackprop(x: Float32Array, y: Float32Array, dy: Float32Array, dx: Float32Array, info: backend_util.Conv2DInfo): void {
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const rowStride = inWidth * c;
  let o = 0;
  for (let n = 0; n < batchSize; n++) {
    const nBase = n * inHeight * rowStride;
    for (let oy = 0; oy < outHeight; oy++) {
      const y0 = oy * strideHeight - padTop;
      const yMin = y0 < 0 ? 0 : y0;
      const yMax = Math.min(inHeight, y0 + filterHeight);
      for (let ox = 0; ox < outWidth; ox++, o += c) {
        const x0 = ox * strideWidth - padLeft;
        const xMin = x0 < 0 ? 0 : x0;
        const xMax = Math.min(inWidth, x0 + filterWidth);
        const corner = nBase + yMin * rowStride + xMin * c;
        for (let k = 0; k < c; k++) {
          const m = y[o + k] as number;
          if (m === Number.NEGATIVE_INFINITY) continue;
          search: for (let yy = yMin, row = corner + k; yy < yMax; yy++, row += rowStride) {
            for (let xx = xMin, idx = row; xx < xMax; xx++, idx += c) {
              if (x[idx] === m) {
                dx[idx] = (dx[idx] as number) + (dy[o + k] as number);
                break search;
              }
            }
          }
        }
      }
    }
  }
}

const maxPoolGradWasm: KernelFunc = ({ inputs, attrs, backend }) => {
  const i = inputs as NamedTensorInfoMap;
  const a = attrs as NamedAttrMap;
  const x = i['input'] as TensorInfo;
  const dy = i['dy'] as TensorInfo;
  const info = backend_util.computePool2DInfo(x.shape as [number, number, number, number], a['filterSize'] as [number, number], a['strides'] as [number, number], 1, a['pad'] as 'same', a['dimRoundingMode'] as 'floor' | undefined);
  const wasm = backend as unknown as WasmHeapBackend;
  const out = wasm.makeOutput(x.shape, 'float32');
  // Views after makeOutput: allocating may grow the heap and detach older views.
  const dx = wasm.typedArrayFromHeap(out);
  dx.fill(0);
  maxPoolBackprop(wasm.typedArrayFromHeap(x), wasm.typedArrayFromHeap(i['output'] as TensorInfo), wasm.typedArrayFromHeap(dy), dx, info);
  return out;
};

export const wasmMaxPoolGradKernel: KernelConfig = { kernelName: 'MaxPoolGrad', backendName: 'wasm', kernelFunc: maxPoolGradWasm };
