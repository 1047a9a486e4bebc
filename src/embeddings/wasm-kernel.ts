/**
 * The WebAssembly (v128 SIMD) skip-gram kernel, compiled from assembly/skipgram.ts by
 * `npm run build`. Same interface and same random-number stream as the TypeScript
 * SkipGramKernel; the arrays live in a shared memory laid out by layout.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { mixSeed } from '../util/rng.js';
import type { KernelArrays } from './kernel.js';
import type { Scratch } from './layout.js';
import { wasmApi, type WasmMemory, type WasmModule } from './wasm-api.js';

const WASM_URL = new URL('./skipgram.wasm', import.meta.url);
/** Bytes below which the kernel module keeps its own data; layouts start above it. */
export const WASM_BASE = 65536;

let compiled: WasmModule | null | undefined;

/** The compiled kernel module, or null when the .wasm is missing or SIMD/threads are unsupported. */
export function wasmKernelModule(): WasmModule | null {
  if (compiled !== undefined) return compiled;
  try {
    const file = fileURLToPath(WASM_URL);
    compiled = existsSync(file) ? new wasmApi.Module(readFileSync(file)) : null;
  } catch {
    compiled = null;
  }
  return compiled;
}

interface KernelExports {
  heapBase(): number;
  setup(...args: number[]): void;
  seed(a: number, b: number, c: number, d: number): void;
  rngWord(i: number): number;
  trainSentences(from: number, to: number, alpha: number): number;
}

/** The xorshift128 state util/rng.ts derives from a seed, so both kernels draw the same numbers. */
export function rngState(seed: number): [number, number, number, number] {
  const a = mixSeed(seed);
  const b = mixSeed(a ^ 0x1b873593);
  const c = mixSeed(b ^ 0xcc9e2d51);
  const d = mixSeed(c ^ 0xe6546b64);
  return [a, b, c, d];
}

/** The longest Huffman code (0 without HS). */
function maxCodeLength(offsets: Uint32Array): number {
  let m = 0;
  for (let w = 0; w + 1 < offsets.length; w++) m = Math.max(m, (offsets[w + 1] as number) - (offsets[w] as number));
  return m;
}

export class WasmSkipGramKernel {
  readonly a: KernelArrays;
  readonly #exports: KernelExports;

  constructor(arrays: KernelArrays, memory: WasmMemory, scratch: Scratch, seed: number) {
    const module = wasmKernelModule();
    if (!module) throw new Error('the WebAssembly word2vec kernel is not available (run npm run build)');
    const instance = new wasmApi.Instance(module, {
      env: { memory, abort: () => { throw new Error('word2vec wasm kernel aborted'); } },
    });
    this.a = arrays;
    this.#exports = instance.exports as unknown as KernelExports;
    if (this.#exports.heapBase() > WASM_BASE) throw new Error('word2vec wasm kernel data overlaps the shared arrays');
    const p = (v: ArrayBufferView): number => v.byteOffset;
    this.#exports.setup(
      arrays.vectorSize, arrays.window, arrays.negative, arrays.hs ? 1 : 0,
      p(arrays.syn0), p(arrays.syn1), p(arrays.syn1neg), p(arrays.codes), p(arrays.points), p(arrays.codeOffsets),
      p(arrays.sampleInt), p(arrays.cumTable), arrays.cumTable.length, p(arrays.ids), p(arrays.sentenceOffsets), p(arrays.expTable),
      scratch.workOffset, scratch.sentenceOffset, scratch.pathOffset, maxCodeLength(arrays.codeOffsets),
      scratch.hotRows, arrays.syn1.length / arrays.vectorSize, scratch.hotOffset,
    );
    this.#exports.seed(...rngState(seed));
  }

  trainSentences(from: number, to: number, alpha: number): number {
    return this.#exports.trainSentences(from, to, alpha);
  }

  /** The random-number state, for a checkpoint (the same four words as util/rng.ts keeps). */
  rngState(): number[] {
    // u32 comes back from WebAssembly as a signed i32.
    return [0, 1, 2, 3].map((i) => this.#exports.rngWord(i) >>> 0);
  }

  /** Continues from a state rngState() returned. */
  setRngState(state: readonly number[]): void {
    if (state.length !== 4) throw new RangeError(`an rng state is four 32-bit words, got ${state.length}`);
    this.#exports.seed(state[0] as number, state[1] as number, state[2] as number, state[3] as number);
  }
}
