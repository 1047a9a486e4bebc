/**
 * Conv2DBackpropFilter on the wasm backend as a direct SIMD kernel on the heap
 * (../assembly/train-kernels.ts). Expressed as the backend's forward convolution (conv-grads.ts)
 * dW is a GEMM with a 9-row output and a reduction over every pixel of the batch, which
 * XNNPACK streams from memory once per row tile; here the reduction runs over blocks of rows
 * that stay in cache. Output channels not a multiple of 4 go to the convolution formulation.
 */
import { backend_util, util } from '@tensorflow/tfjs-core';
import type { KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { heapAddress, heapKernels, withScratch, type HeapKernelExports, type WasmHeapBackend } from './heap-kernels.js';

/** The padded copy of the input is made this many bytes at a time (a chunk of images). */
const PADDED_CHUNK_BYTES = 64 * 1024 * 1024;

/** Whether the heap kernel handles this convolution (NHWC, float32, dilation 1, Co % 4 == 0). */
export function heapFilterGradApplies(info: backend_util.Conv2DInfo): boolean {
  return info.outChannels % 4 === 0 && info.dilationHeight === 1 && info.dilationWidth === 1 && info.outHeight > 0 && info.outWidth > 0;
}

/** dW [kh, kw, Ci, Co] into `out`, from x and dy on the heap; the input is padded `chunkBytes` at a time. */
export function filterGradOnHeap(k: HeapKernelExports, backend: WasmHeapBackend, x: TensorInfo, dy: TensorInfo, out: TensorInfo, info: backend_util.Conv2DInfo, chunkBytes = PADDED_CHUNK_BYTES): void {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: ho, outWidth: wo, outChannels: co, filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const hp = (ho - 1) * sh + kh;
  const wp = (wo - 1) * sw + kw;
  const q = kw * ci;
  const q4 = Math.ceil(q / 4) * 4;
  const imageBytes = hp * wp * ci * 4;
  const chunk = Math.max(1, Math.min(n, Math.floor(chunkBytes / imageBytes)));
  // Slack after the padded copy: a ragged last q-tile reads up to 3 floats past the last row.
  withScratch(backend, [chunk * imageBytes + 64, kh * q4 * co * 4], ([xp, acc]) => {
    const xAddr = heapAddress(backend, x);
    const dyAddr = heapAddress(backend, dy);
    k.zero(acc!, kh * q4 * co * 4);
    for (let b0 = 0; b0 < n; b0 += chunk) {
      const m = Math.min(chunk, n - b0);
      k.padInput(xAddr + b0 * h * w * ci * 4, xp!, m, h, w, ci, hp, wp, info.padInfo.top, info.padInfo.left);
      k.convBackpropFilter(xp!, dyAddr + b0 * ho * wo * co * 4, acc!, m, hp, wp, ci, ho, wo, co, kh, sh, sw, q4);
    }
    k.compactFilter(acc!, heapAddress(backend, out), kh, q, q4, co);
  });
}

/** The wasm kernel: the heap kernel where it applies, else `fallback`. */
export function wasmFilterGradKernel(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const i = args.inputs as NamedTensorInfoMap;
    const a = args.attrs as NamedAttrMap;
    const x = i['x'] as TensorInfo;
    const dy = i['dy'] as TensorInfo;
    const fmt = a['dataFormat'];
    if (x.dtype !== 'float32' || dy.dtype !== 'float32' || (fmt !== undefined && fmt !== 'NHWC')) return fallback(args);
    const filterShape = a['filterShape'] as [number, number, number, number];
    const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, a['strides'] as [number, number], 1, a['pad'] as 'same', a['dimRoundingMode'] as 'floor' | undefined, false, 'channelsLast');
    if (!heapFilterGradApplies(info) || util.sizeFromShape(dy.shape) === 0) return fallback(args);
    const backend = args.backend as unknown as WasmHeapBackend;
    const k = heapKernels(backend);
    if (k === undefined) return fallback(args);
    const out = backend.makeOutput(filterShape, 'float32');
    filterGradOnHeap(k, backend, x, dy, out, info);
    return out;
  };
}
