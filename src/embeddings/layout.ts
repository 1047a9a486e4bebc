/**
 * Places every training array in one shared WasmMemory, so the TypeScript kernel
 * (through typed-array views) and the WebAssembly kernel (through byte offsets) read and
 * write the same bytes, and every worker shares them (Hogwild).
 */
import type { KernelArrays } from './kernel.js';
import { OptionsError } from '../util/errors.js';
import { wasmApi, type WasmMemory } from './wasm-api.js';

/** Scratch per thread: a work vector, a sub-sampled sentence, one Huffman path's rows and gradients. */
export interface Scratch {
  workOffset: number;
  sentenceOffset: number;
  pathOffset: number;
  /** The thread's copies of the hot rows (4 × hotRows rows; see the kernel's syncHot), 0 rows for one thread. */
  hotOffset: number;
  hotRows: number;
}

/** Longest Huffman path the WebAssembly HS kernel buffers (its MAX_PATH); longer trees use its general loop. */
export const MAX_PATH = 64;

export interface SharedLayout {
  memory: WasmMemory;
  /** First byte the kernel module may not use for its own data. */
  base: number;
  scratch: Scratch[];
}

export interface ArraySizes {
  vectorSize: number;
  syn0: number;
  syn1: number;
  syn1neg: number;
  codes: number;
  points: number;
  codeOffsets: number;
  sampleInt: number;
  cumTable: number;
  ids: number;
  sentenceOffsets: number;
  expTable: number;
  threads: number;
  sentenceCapacity: number;
  /** Rows of syn0 and of syn1 each worker keeps its own copy of (0 = none). */
  hotRows: number;
}

const PAGE = 65536;

/** Allocates views for every array (zero-filled) in a fresh shared memory starting at `base`. */
export function allocateShared(sizes: ArraySizes, base: number): {
  layout: SharedLayout;
  views: Omit<KernelArrays, 'vectorSize' | 'window' | 'negative' | 'hs'>;
} {
  let pos = align(base);
  const plan: Array<[string, number, number]> = [];
  const take = (name: string, count: number, bytesPer: number): void => {
    plan.push([name, pos, count]);
    pos = align(pos + count * bytesPer);
  };
  take('syn0', sizes.syn0, 4);
  take('syn1', sizes.syn1, 4);
  take('syn1neg', sizes.syn1neg, 4);
  take('codes', sizes.codes, 1);
  take('points', sizes.points, 4);
  take('codeOffsets', sizes.codeOffsets, 4);
  take('sampleInt', sizes.sampleInt, 4);
  take('cumTable', sizes.cumTable, 4);
  take('ids', sizes.ids, 4);
  take('sentenceOffsets', sizes.sentenceOffsets, 4);
  take('expTable', sizes.expTable, 4);
  const scratch: Scratch[] = [];
  for (let t = 0; t < sizes.threads; t++) {
    const workOffset = pos;
    pos = align(pos + sizes.vectorSize * 4);
    const sentenceOffset = pos;
    pos = align(pos + sizes.sentenceCapacity * 4);
    const pathOffset = pos;
    pos = align(pos + MAX_PATH * 8);
    const hotOffset = pos;
    pos = align(pos + 4 * sizes.hotRows * sizes.vectorSize * 4);
    scratch.push({ workOffset, sentenceOffset, pathOffset, hotOffset, hotRows: sizes.hotRows });
  }
  const pages = Math.ceil(pos / PAGE) + 1;
  if (pages > 65536) throw new OptionsError(`word2vec needs ${Math.ceil(pages / 16)} MiB of shared memory, more than the 4 GiB one WebAssembly memory holds: train on a smaller corpus or vocabulary`);
  const memory = new wasmApi.Memory({ initial: pages, maximum: pages, shared: true });
  const buffer = memory.buffer;
  const at = (name: string): [number, number] => {
    const p = plan.find(([n]) => n === name) as [string, number, number];
    return [p[1], p[2]];
  };
  const f32 = (name: string): Float32Array => new Float32Array(buffer, ...at(name));
  const u32 = (name: string): Uint32Array => new Uint32Array(buffer, ...at(name));
  return {
    layout: { memory, base, scratch },
    views: {
      syn0: f32('syn0'),
      syn1: f32('syn1'),
      syn1neg: f32('syn1neg'),
      codes: new Uint8Array(buffer, ...at('codes')),
      points: u32('points'),
      codeOffsets: u32('codeOffsets'),
      sampleInt: u32('sampleInt'),
      cumTable: u32('cumTable'),
      ids: u32('ids'),
      sentenceOffsets: u32('sentenceOffsets'),
      expTable: f32('expTable'),
    },
  };
}

function align(n: number): number {
  return Math.ceil(n / 64) * 64;
}
