/** Picks the skip-gram kernel a thread runs: the WebAssembly SIMD one, or the TypeScript reference. */
import { OptionsError } from '../util/errors.js';
import { SkipGramKernel, type KernelArrays } from './kernel.js';
import type { Scratch, SharedLayout } from './layout.js';
import type { KernelKind } from './options.js';
import type { TrainingKernel } from './schedule.js';
import { WasmSkipGramKernel, wasmKernelModule } from './wasm-kernel.js';

/** The kernel for thread `thread` of a layout, seeded with `seed`. */
export function makeKernel(kind: KernelKind, arrays: KernelArrays, layout: SharedLayout, thread: number, seed: number): TrainingKernel {
  if (kind === 'ts') return new SkipGramKernel(arrays, seed);
  return new WasmSkipGramKernel(arrays, layout.memory, layout.scratch[thread] as Scratch, seed);
}

/** 'auto' becomes 'wasm' when the compiled kernel loads here, else 'ts'. */
export function resolveKernelKind(kind: KernelKind | 'auto'): KernelKind {
  if (kind !== 'auto') {
    if (kind === 'wasm' && !wasmKernelModule()) throw new OptionsError('kernel "wasm" was asked for but dist/src/embeddings/skipgram.wasm is missing or this Node lacks WebAssembly SIMD/threads: run npm run build, or use kernel "ts"');
    return kind;
  }
  return wasmKernelModule() ? 'wasm' : 'ts';
}
