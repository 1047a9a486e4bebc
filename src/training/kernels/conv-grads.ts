/**
 * Convolution gradients rewritten as the backend's own forward convolution, which every
 * backend makes fast (XNNPACK on wasm, tiled shaders on WebGPU), where the stock gradient
 * kernels are plain loops (wasm) or slow shaders (WebGPU), or missing (wasm has no
 * Conv2DBackpropFilter at all).
 *
 *   dW[a,b,ci,co] = Σ_{n,i,j} x[n, i·s+a-pt, j·s+b-pl, ci] · dy[n,i,j,co]
 *     = conv2d(xᵀ [Ci,H,W,N], dyᵀ [Ho,Wo,N,Co], stride 1, dilation s) → [Ci,kh,kw,Co]
 *   dX[n,y,x,ci] = Σ_{a,b,co} dy[n,i,j,co] · W[a,b,ci,co] with y = i·s+a-pt
 *     = conv2d(zero-upsampled dy, W flipped in space with in/out swapped, stride 1)
 *
 * The kernels build on tf ops; nested ops inside a kernel are not taped, and the output
 * tensor is handed back to the engine as it is.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import { wasmFilterGradKernel } from './conv-filter-grad-wasm.js';
import { flipFilterOnHeap } from './filter-flip-wasm.js';
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

/** The engine passes Tensors to kernels in practice; wrap bare TensorInfos to be safe. */
export function asTensor<R extends tf.Rank>(info: TensorInfo | undefined): tf.Tensor<R> {
  if (info === undefined) throw new Error('kernel input missing');
  if (info instanceof tf.Tensor) return info as tf.Tensor<R>;
  return tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor<R>;
}

type Pad4 = [[number, number], [number, number], [number, number], [number, number]];

/**
 * Applies a padding that may be negative on some side: negative parts are cropped off
 * first, and the non-negative rest is returned as the convolution's explicit padding.
 */
function cropForPadding(t: tf.Tensor4D, top: number, bottom: number, left: number, right: number): { t: tf.Tensor4D; pad: Pad4 } {
  const [n, h, w, c] = t.shape;
  const cropTop = Math.max(0, -top);
  const cropBottom = Math.max(0, -bottom);
  const cropLeft = Math.max(0, -left);
  const cropRight = Math.max(0, -right);
  let out = t;
  if (cropTop + cropBottom + cropLeft + cropRight > 0) {
    out = tf.slice(t, [0, cropTop, cropLeft, 0], [n, h - cropTop - cropBottom, w - cropLeft - cropRight, c]);
  }
  const pad: Pad4 = [[0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [0, 0]];
  return { t: out, pad };
}

function checkNhwc(attrs: NamedAttrMap, kernel: string): void {
  const fmt = attrs['dataFormat'];
  if (fmt !== undefined && fmt !== 'NHWC') throw new Error(`${kernel}: only NHWC is supported, got ${String(fmt)}`);
}

/** dW as a forward convolution of the transposed input with the transposed output gradient. */
export function conv2dBackpropFilterViaConv(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: [number, number, number, number], strides: number | [number, number], pad: backend_util.ExplicitPadding | 'same' | 'valid' | number, dimRoundingMode?: 'floor' | 'round' | 'ceil', patchesForThinInput = true): tf.Tensor4D {
  const info = backend_util.computeConv2DInfo(x.shape, filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  const [kh, kw, ci] = filterShape;
  if (patchesForThinInput && info.strideHeight === 1 && info.strideWidth === 1 && kh * kw * ci <= 27) return backpropFilterViaPatches(x, dy, info);
  return tf.tidy(() => {
    const xT = tf.transpose(x, [3, 1, 2, 0]) as tf.Tensor4D; // [Ci,H,W,N]
    const dyT = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D; // [Ho,Wo,N,Co]
    const bottom = kh + (info.outHeight - 1) * info.strideHeight - info.inHeight - info.padInfo.top;
    const right = kw + (info.outWidth - 1) * info.strideWidth - info.inWidth - info.padInfo.left;
    const { t, pad: p } = cropForPadding(xT, info.padInfo.top, bottom, info.padInfo.left, right);
    const dilations: [number, number] = [info.strideHeight, info.strideWidth];
    const g = tf.conv2d(t, dyT, 1, p, 'NHWC', dilations); // [Ci,kh,kw,Co]
    return tf.transpose(g, [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

/**
 * dW for a first layer (few input channels, stride 1), where the dilated convolution above
 * is a poor GEMM (a 9-row output): gather the kh·kw shifted copies of the input as
 * patches [kh·kw·Ci, M] (M = N·Ho·Wo) and contract with dy [M, Co] as a 1x1 convolution.
 */
function backpropFilterViaPatches(x: tf.Tensor4D, dy: tf.Tensor4D, info: backend_util.Conv2DInfo): tf.Tensor4D {
  const { filterHeight: kh, filterWidth: kw, inChannels: ci, outChannels: co, outHeight: ho, outWidth: wo, batchSize: n } = info;
  return tf.tidy(() => {
    const xT = tf.transpose(x, [3, 0, 1, 2]) as tf.Tensor4D; // [Ci,N,H,W]
    const bottom = ho + kh - 1 - info.inHeight - info.padInfo.top;
    const right = wo + kw - 1 - info.inWidth - info.padInfo.left;
    // Reuse the NHWC padding helper with H,W on axes 2,3: view [Ci,N,H,W] as [Ci·N,H,W,1].
    const { t, pad } = cropForPadding(tf.reshape(xT, [ci * n, info.inHeight, info.inWidth, 1]) as tf.Tensor4D, info.padInfo.top, bottom, info.padInfo.left, right);
    const padded = tf.reshape(tf.pad(t, pad), [ci, n, ho + kh - 1, wo + kw - 1]);
    const parts: tf.Tensor[] = [];
    for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) parts.push(tf.reshape(tf.slice(padded, [0, 0, a, b], [ci, n, ho, wo]), [ci, n * ho * wo]));
    const patches = tf.reshape(tf.concat(parts, 0), [1, 1, kh * kw * ci, n * ho * wo]) as tf.Tensor4D;
    const g = tf.conv2d(patches, tf.reshape(dy, [1, 1, n * ho * wo, co]) as tf.Tensor4D, 1, 'valid');
    return tf.reshape(g, [kh, kw, ci, co]) as tf.Tensor4D;
  });
}

/** dX as a forward convolution of the zero-upsampled output gradient with the flipped filter. */
export function conv2dBackpropInputViaConv(dy: tf.Tensor4D, filter: tf.Tensor4D, inputShape: [number, number, number, number], strides: number | [number, number], pad: backend_util.ExplicitPadding | 'same' | 'valid' | number, dimRoundingMode?: 'floor' | 'round' | 'ceil', flipOnHeap = false): tf.Tensor4D {
  const info = backend_util.computeConv2DInfo(inputShape, filter.shape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  const [kh, kw] = filter.shape;
  const sh = info.strideHeight;
  const sw = info.strideWidth;
  return tf.tidy(() => {
    let up = dy;
    const [n, ho, wo, co] = dy.shape;
    if (sh > 1 || sw > 1) {
      // Insert s-1 zeros after every row/column; the trailing zeros are cropped below.
      const r = tf.reshape(dy, [n, ho, 1, wo, 1, co]);
      const padded = tf.pad(r, [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
      up = tf.reshape(padded, [n, ho * sh, wo * sw, co]) as tf.Tensor4D;
    }
    const top = kh - 1 - info.padInfo.top;
    const left = kw - 1 - info.padInfo.left;
    // Output height = Hup + top + bottom - kh + 1 must equal H.
    const bottom = info.inHeight + kh - 1 - ho * sh - top;
    const right = info.inWidth + kw - 1 - wo * sw - left;
    const { t, pad: p } = cropForPadding(up, top, bottom, left, right);
    // [kh,kw,Co,Ci]
    const flipped = (flipOnHeap ? flipFilterOnHeap(filter) : undefined) ?? (tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D);
    return tf.conv2d(t, flipped, 1, p, 'NHWC');
  });
}

/** `patches`: use the patch formulation for thin first layers (measured faster on wasm only). */
const backpropFilter = (patches: boolean): KernelFunc => ({ inputs, attrs }) => {
  const a = attrs as NamedAttrMap;
  checkNhwc(a, 'Conv2DBackpropFilter');
  const i = inputs as NamedTensorInfoMap;
  return conv2dBackpropFilterViaConv(asTensor<tf.Rank.R4>(i['x']), asTensor<tf.Rank.R4>(i['dy']), a['filterShape'] as [number, number, number, number], a['strides'] as [number, number], a['pad'] as 'same', a['dimRoundingMode'] as 'floor' | undefined, patches);
};
const backpropFilterWasm = wasmFilterGradKernel(backpropFilter(true));
const backpropFilterOther = backpropFilter(false);

/** `heapFlip`: flip the filter with the wasm heap kernel (filter-flip-wasm.ts). */
const backpropInput = (heapFlip: boolean): KernelFunc => ({ inputs, attrs }) => {
  const a = attrs as NamedAttrMap;
  checkNhwc(a, 'Conv2DBackpropInput');
  const i = inputs as NamedTensorInfoMap;
  return conv2dBackpropInputViaConv(asTensor<tf.Rank.R4>(i['dy']), asTensor<tf.Rank.R4>(i['filter']), a['inputShape'] as [number, number, number, number], a['strides'] as [number, number], a['pad'] as 'same', a['dimRoundingMode'] as 'floor' | undefined, heapFlip);
};
const backpropInputWasm = backpropInput(true);
const backpropInputOther = backpropInput(false);

/** Kernel configs for any backend whose forward Conv2D is fast. */
export function convGradKernels(backendName: string): KernelConfig[] {
  return [
    { kernelName: 'Conv2DBackpropFilter', backendName, kernelFunc: backendName === 'wasm' ? backpropFilterWasm : backpropFilterOther },
    { kernelName: 'Conv2DBackpropInput', backendName, kernelFunc: backendName === 'wasm' ? backpropInputWasm : backpropInputOther },
  ];
}
