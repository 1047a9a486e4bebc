/**
 * The filter of dX-as-a-convolution (conv-grads.ts): W flipped in space with its input and
 * output channels swapped, out[a, b, o, i] = W[kh-1-a, kw-1-b, i, o], made on the wasm heap as
 * kh·kw blocked 2-D transposes in one pass. As tf.reverse then tf.transpose it cost two passes,
 * the reverse a slow one (40 ms for a 3x3x384x384 filter).
 */
import * as tf from '@tensorflow/tfjs-core';
import { heapAddress, heapKernels, type WasmHeapBackend } from './heap-kernels.js';

/** The flipped, channel-swapped filter, or undefined when the heap kernels are unavailable. */
export function flipFilterOnHeap(filter: tf.Tensor4D): tf.Tensor4D | undefined {
  const backend = tf.backend() as unknown as WasmHeapBackend;
  const kern = heapKernels(backend);
  if (kern === undefined || filter.dtype !== 'float32') return undefined;
  const [kh, kw, ci, co] = filter.shape;
  const out = backend.makeOutput([kh, kw, co, ci], 'float32');
  const src = heapAddress(backend, filter);
  const dst = heapAddress(backend, out);
  const block = ci * co * 4;
  for (let a = 0; a < kh; a++) {
    for (let b = 0; b < kw; b++) kern.transpose2d(src + ((kh - 1 - a) * kw + (kw - 1 - b)) * block, dst + (a * kw + b) * block, ci, co);
  }
  return tf.engine().makeTensorFromTensorInfo(out) as tf.Tensor4D;
}
