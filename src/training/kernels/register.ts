/** Registers pacsmine's training kernels on a backend, replacing the stock ones. */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { convGradKernels } from './conv-grads.js';
import { wasmMaxPoolGradKernel } from './maxpool-grad-wasm.js';

/** Our kernels for a backend: the conv gradients everywhere a fast Conv2D exists, MaxPoolGrad on wasm. */
export function trainingKernelsFor(backendName: string): KernelConfig[] {
  if (backendName === 'wasm') return [...convGradKernels('wasm'), wasmMaxPoolGradKernel];
  if (backendName === 'webgpu') return convGradKernels('webgpu');
  return []; // tfjs-node and cpu have their own complete kernels
}

/** Replaces the stock kernels with ours; returns the names it registered. */
export function registerTrainingKernels(backendName: string): string[] {
  const names: string[] = [];
  for (const config of trainingKernelsFor(backendName)) {
    if (tf.getKernel(config.kernelName, backendName) !== undefined) tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel(config);
    names.push(config.kernelName);
  }
  return names;
}
