/** Registers pacsmine's training kernels on a backend, replacing the stock ones. */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { convGradKernels } from './conv-grads.js';
import { wasmMaxPoolGradKernel } from './maxpool-grad-wasm.js';
import { leadingSumKernel } from './sum-wasm.js';
import { opsMaxPoolGradKernel } from './maxpool-grad-ops.js';
import { wasmSgdKernel } from './sgd-wasm.js';
import { wasmMatMulKernel } from './matmul-wasm.js';
import { sharedIdentityKernel } from './identity-wasm.js';
import { biasAddKernel } from './bias-add-wasm.js';

/** The stock kernels we replaced, per backend, so a benchmark can put them back. */
const stock = new Map<string, KernelConfig[]>();

/** Our kernels for a backend: the conv gradients everywhere a fast Conv2D exists; MaxPoolGrad (and Sum, bias Add, BatchMatMul with a transposed operand, a sharing Identity and the SGD step on wasm). */
export function trainingKernelsFor(backendName: string): KernelConfig[] {
  if (backendName === 'wasm') {
    // Our Sum, BatchMatMul, Identity and Add fall back to the stock ones, which must be the originals, never ours.
    const original = (name: string) => stock.get('wasm')?.find((k) => k.kernelName === name) ?? tf.getKernel(name, 'wasm');
    const stockSum = original('Sum');
    const stockMatMul = original('BatchMatMul');
    const stockIdentity = original('Identity');
    const stockAdd = original('Add');
    const kernels = [...convGradKernels('wasm'), wasmMaxPoolGradKernel, wasmSgdKernel];
    if (stockSum !== undefined) kernels.push(leadingSumKernel(stockSum.kernelFunc));
    if (stockMatMul !== undefined) kernels.push(wasmMatMulKernel(stockMatMul.kernelFunc));
    if (stockIdentity !== undefined) kernels.push(sharedIdentityKernel(stockIdentity.kernelFunc));
    if (stockAdd !== undefined) kernels.push(biasAddKernel(stockAdd.kernelFunc));
    return kernels;
  }
  if (backendName === 'webgpu') {
    const stockPool = stock.get('webgpu')?.find((k) => k.kernelName === 'MaxPoolGrad') ?? tf.getKernel('MaxPoolGrad', 'webgpu');
    return [...convGradKernels('webgpu'), opsMaxPoolGradKernel('webgpu', stockPool?.kernelFunc)];
  }
  return []; // tfjs-node and cpu have their own complete kernels
}

/** Replaces the stock kernels with ours (idempotent); returns the names it registered. */
export function registerTrainingKernels(backendName: string): string[] {
  const names: string[] = [];
  const saved = stock.get(backendName) ?? [];
  for (const config of trainingKernelsFor(backendName)) {
    const existing = tf.getKernel(config.kernelName, backendName);
    if (existing !== undefined) {
      if (existing.kernelFunc === config.kernelFunc) {
        names.push(config.kernelName);
        continue;
      }
      if (!stock.has(backendName)) saved.push(existing);
      tf.unregisterKernel(config.kernelName, backendName);
    }
    tf.registerKernel(config);
    names.push(config.kernelName);
  }
  if (!stock.has(backendName)) stock.set(backendName, saved);
  return names;
}

/** Puts the stock kernels back (for before/after benchmarks); ours stay unregistered. */
export function restoreStockKernels(backendName: string): void {
  for (const config of trainingKernelsFor(backendName)) {
    if (tf.getKernel(config.kernelName, backendName) !== undefined) tf.unregisterKernel(config.kernelName, backendName);
  }
  for (const config of stock.get(backendName) ?? []) tf.registerKernel(config);
  stock.delete(backendName);
}
