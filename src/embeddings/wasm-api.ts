/**
 * The few WebAssembly JS-API types the word2vec kernel uses. The project compiles with
 * lib ES2023 only (no DOM lib, where TypeScript keeps these), so they are declared here.
 */
export interface WasmMemory {
  readonly buffer: SharedArrayBuffer;
}
export type WasmModule = object;
interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: unknown };
}
export const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
