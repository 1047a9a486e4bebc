/**
 * MaxPoolGrad from whole-tensor ops, for backends where element ops are fast and per-pixel
 * window searches are not (WebGPU). Covers non-overlapping pools (stride = window, 'valid'
 * or exact fit: conv4, VGG); anything else goes to the stock kernel. Ties go to the first
 * maximum in row-major window order, as tfjs-backend-cpu does:
 *   eq  = (x == y broadcast over the window)
 *   pos = window position where eq, else pos + big;  first = (pos == min over the window)
 *   dx  = first · dy broadcast over the window
 */
import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap } from '@tensorflow/tfjs-core';
import { asTensor } from './conv-grads.js';

/** True when every input pixel is in at most one window and windows start at the origin. */
export function isTiledPool(info: backend_util.Conv2DInfo): boolean {
  return info.strideHeight === info.filterHeight && info.strideWidth === info.filterWidth && info.padInfo.top === 0 && info.padInfo.left === 0
    && info.outHeight * info.strideHeight <= info.inHeight && info.outWidth * info.strideWidth <= info.inWidth;
}

export function maxPoolGradTiled(dy: tf.Tensor4D, x: tf.Tensor4D, y: tf.Tensor4D, info: backend_util.Conv2DInfo): tf.Tensor4D {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: ho, outWidth: wo, filterHeight: sh, filterWidth: sw } = info;
  return tf.tidy(() => {
    let xt = x;
    if (ho * sh !== h || wo * sw !== w) xt = tf.slice(x, [0, 0, 0, 0], [n, ho * sh, wo * sw, c]);
    // Rank 5 (batch and window rows merged): within what every backend's shaders handle.
    const xr = tf.reshape(xt, [n * ho, sh, wo, sw, c]);
    const yr = tf.reshape(y, [n * ho, 1, wo, 1, c]);
    const pos = tf.reshape(tf.range(0, sh * sw, 1, 'float32'), [1, sh, 1, sw, 1]);
    const big = tf.scalar(sh * sw, 'float32');
    // pos where x is the maximum, pos + big (≥ big) elsewhere: plain broadcasting arithmetic.
    const candidate = tf.sub(tf.add(pos, big), tf.mul(tf.cast(tf.equal(xr, yr), 'float32'), big));
    const first = tf.min(candidate, [1, 3], true);
    const winner = tf.cast(tf.logicalAnd(tf.equal(candidate, first), tf.less(first, big)), 'float32');
    let dx = tf.reshape(tf.mul(winner, tf.reshape(dy, [n * ho, 1, wo, 1, c])), [n, ho * sh, wo * sw, c]) as tf.Tensor4D;
    if (ho * sh !== h || wo * sw !== w) dx = tf.pad(dx, [[0, 0], [0, h - ho * sh], [0, w - wo * sw], [0, 0]]);
    return dx;
  });
}

/** The ops kernel for `backendName`, falling back to `stock` for overlapping or padded pools. */
export function opsMaxPoolGradKernel(backendName: string, stock: KernelFunc | undefined): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const i = args.inputs as NamedTensorInfoMap;
    const a = args.attrs as NamedAttrMap;
    const x = asTensor<tf.Rank.R4>(i['input']);
    const info = backend_util.computePool2DInfo(x.shape, a['filterSize'] as [number, number], a['strides'] as [number, number], 1, a['pad'] as 'same', a['dimRoundingMode'] as 'floor' | undefined);
    if (!isTiledPool(info) && stock !== undefined) return stock(args);
    if (!isTiledPool(info)) throw new Error('MaxPoolGrad: overlapping pools need the stock kernel');
    return maxPoolGradTiled(asTensor<tf.Rank.R4>(i['dy']), x, asTensor<tf.Rank.R4>(i['output']), info);
  };
  return { kernelName: 'MaxPoolGrad', backendName, kernelFunc };
}
