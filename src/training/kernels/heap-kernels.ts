/**
 * The SIMD training kernels of ../assembly/train-kernels.ts, instantiated on tfjs-backend-wasm's
 * own memory: they read and write tensors where the backend keeps them. One instance per
 * backend (that is, per thread). Scratch buffers come from the backend's malloc.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { backend as tfBackend } from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';

/** The few members of tfjs-backend-wasm's BackendWasm that our kernels use. */
export interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  wasm: { asm: { memory: object }; _malloc(bytes: number): number; _free(ptr: number): void };
}

export interface HeapKernelExports {
  zero(ptr: number, bytes: number): void;
  padInput(x: number, xp: number, n: number, h: number, w: number, c: number, hp: number, wp: number, pt: number, pl: number): void;
  convBackpropFilter(xp: number, dy: number, acc: number, n: number, hp: number, wp: number, ci: number, ho: number, wo: number, co: number, kh: number, sh: number, sw: number, q4: number): void;
  compactFilter(acc: number, dw: number, kh: number, q: number, q4: number, co: number): void;
  maxPoolGrad2x2(x: number, y: number, dy: number, dx: number, n: number, h: number, w: number, c: number, ho: number, wo: number): void;
  maxPoolGradGeneral(x: number, y: number, dy: number, dx: number, n: number, h: number, w: number, c: number, ho: number, wo: number, fh: number, fw: number, sh: number, sw: number, pt: number, pl: number): void;
  sumRows(x: number, rows: number, cols: number, acc: number, out: number): void;
  gemm(a: number, sam: number, sak: number, b: number, c: number, m: number, n: number, k: number): void;
  transpose2d(src: number, dst: number, rows: number, cols: number): void;
  addRowVector(x: number, b: number, out: number, rows: number, cols: number): void;
  sgdMomentum(w: number, v: number, g: number, wOut: number, vOut: number, n: number, lr: number, momentum: number, decay: number): void;
}

interface WasmJsApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const WebAssemblyApi = (globalThis as unknown as { WebAssembly: WasmJsApi }).WebAssembly;

// Built next to src/training's modules; a bundle (bench/gpu/prepare.sh) carries it beside itself.
const WASM_URLS = [new URL('../train-kernels.wasm', import.meta.url), new URL('./train-kernels.wasm', import.meta.url)];
let compiled: object | null | undefined;
const instances = new WeakMap<object, HeapKernelExports>();

/** The kernels on this backend's heap, or undefined when the .wasm was not built. */
export function heapKernels(backend: WasmHeapBackend): HeapKernelExports | undefined {
  const cached = instances.get(backend);
  if (cached !== undefined) return cached;
  if (compiled === undefined) {
    const file = WASM_URLS.map((u) => fileURLToPath(u)).find((f) => existsSync(f));
    compiled = file !== undefined ? new WebAssemblyApi.Module(readFileSync(file)) : null;
  }
  if (compiled === null) return undefined;
  const exports = new WebAssemblyApi.Instance(compiled, { env: { memory: backend.wasm.asm.memory } }).exports as HeapKernelExports;
  instances.set(backend, exports);
  return exports;
}

/** Byte address of a tensor's data on the wasm heap. */
export function heapAddress(backend: WasmHeapBackend, info: TensorInfo): number {
  const data = backend.dataIdMap.get(info.dataId);
  if (data === undefined) throw new Error('tensor is not on the wasm backend');
  return data.memoryOffset;
}

/**
 * A float32 tensor's values without a copy where it lives on the wasm heap: a view that is
 * valid only until the next allocation on the backend (use it at once); undefined elsewhere.
 */
export function heapView(t: TensorInfo): Float32Array | undefined {
  const backend = tfBackend() as unknown as Partial<WasmHeapBackend>;
  if (t.dtype !== 'float32' || typeof backend.typedArrayFromHeap !== 'function' || backend.dataIdMap?.get(t.dataId) === undefined) return undefined;
  return backend.typedArrayFromHeap(t);
}

/** Runs `body` with scratch buffers of the given byte sizes, freed afterwards. */
export function withScratch<T>(backend: WasmHeapBackend, bytes: number[], body: (ptrs: number[]) => T): T {
  const ptrs = bytes.map((b) => backend.wasm._malloc(Math.max(16, b)));
  try {
    if (ptrs.some((p) => p === 0)) throw new Error('wasm heap out of memory');
    return body(ptrs);
  } finally {
    for (const p of ptrs) if (p !== 0) backend.wasm._free(p);
  }
}
