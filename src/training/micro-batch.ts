/**
 * How many images one engine can take through a forward and backward pass at once. The wasm
 * heap is a 32-bit address space: tfjs's allocator fails near 3.9 GB. Measured here (heap
 * growth over one step of conv4, ResNet-small, AlexNet and VGG-19), a step needs about
 *   6 × the weights (the weights, their velocities and gradients, a transposed copy for the
 *     dense products, the SGD step's new weights and velocity, and room for the allocator's
 *     fragmentation, which grew the heap by 0.9 GB over two VGG steps at a constant 1.6 GB live)
 *   + 6 × the sum of all layer outputs per image (kept for the backward pass, their
 *     gradients, and temporaries of the same size), as float32.
 * VGG-19 at 224x224 (139M weights) does not fit: it is for the GPU. Other backends are not
 * chunked unless asked.
 */
import type { tf } from './backend.js';
import { OptionsError } from '../util/errors.js';

/** Heap a step may use on wasm: 0.6 GB below where the allocator failed here (3.9 GB). */
export const WASM_HEAP_BUDGET = 3.3 * 2 ** 30;
const WEIGHT_COPIES = 6;
const ACTIVATION_COPIES = 6;

/** Floats of all layer outputs for one image. */
export function activationFloatsPerImage(model: tf.LayersModel): number {
  let total = 0;
  for (const layer of model.layers) {
    const shapes = (Array.isArray(layer.outputShape[0]) ? layer.outputShape : [layer.outputShape]) as (number | null)[][];
    for (const s of shapes) total += s.slice(1).reduce<number>((a, b) => a * (b ?? 1), 1);
  }
  return total;
}

/**
 * The largest micro-batch that fits one engine of `backend` (Infinity where we do not limit
 * it). Throws when not even one image fits.
 */
export function autoMicroBatch(model: tf.LayersModel, backend: string): number {
  if (backend !== 'wasm') return Number.POSITIVE_INFINITY;
  const budget = WASM_HEAP_BUDGET - WEIGHT_COPIES * model.countParams() * 4;
  const perImage = ACTIVATION_COPIES * activationFloatsPerImage(model) * 4;
  const n = Math.floor(budget / perImage);
  if (n < 1) throw new OptionsError(`${model.name} does not fit the 4 GB wasm heap even one image at a time (about ${Math.round((WASM_HEAP_BUDGET - budget + perImage) / 2 ** 20)} MB needed); use a smaller input or the GPU`);
  return n;
}
