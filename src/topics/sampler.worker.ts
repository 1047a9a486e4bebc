/**
 * One sampling worker. It owns a contiguous range of documents and a private copy of the
 * word-topic counts (in shared memory so that the main thread can read it). Per iteration:
 * sweep its documents; barrier; fold in every other worker's changes (tokens whose topic in
 * the shared `z` differs from `zPrev`); barrier; publish its own z into zPrev. This is
 * MALLET's merge of count deltas, done by each worker for itself, so no copy is ever stale
 * after an iteration and every copy is identical (the slot order is canonical).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Rng } from '../util/rng.js';
import { addTokens, applyChanges, createScratch, sweep, type SamplerState, type WordTopicCounts } from './sampler.js';

export interface WorkerInit {
  index: number;
  numWorkers: number;
  seed: number;
  K: number;
  V: number;
  beta: number;
  tokens: Uint32Array;
  docOffsets: Uint32Array;
  z: Uint16Array;
  zPrev: Uint16Array;
  alpha: Float64Array;
  bounds: Uint32Array;
  control: Int32Array;
  wtOffsets: Uint32Array;
  wtTopics: Uint16Array;
  wtCounts: Uint32Array;
  nk: Int32Array;
}

/** Seed of worker i's sampling stream (worker 0 = the in-process sampler). */
export function workerSeed(seed: number, index: number): number {
  return (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
}

/** Sense-free generation barrier over control[0] (arrivals) and control[1] (generation). */
export function barrier(control: Int32Array, n: number): void {
  const gen = Atomics.load(control, 1);
  if (Atomics.add(control, 0, 1) === n - 1) {
    Atomics.store(control, 0, 0);
    Atomics.add(control, 1, 1);
    Atomics.notify(control, 1);
  } else {
    while (Atomics.load(control, 1) === gen) Atomics.wait(control, 1, gen);
  }
}

if (parentPort) {
  const port = parentPort;
  const init = workerData as WorkerInit;
  const st: SamplerState = { K: init.K, V: init.V, tokens: init.tokens, docOffsets: init.docOffsets, z: init.z, alpha: init.alpha, beta: init.beta };
  const counts: WordTopicCounts = { K: init.K, V: init.V, wtOffsets: init.wtOffsets, wtTopics: init.wtTopics, wtCounts: init.wtCounts, nk: init.nk };
  const scratch = createScratch(init.K);
  const rng = new Rng(workerSeed(init.seed, init.index));
  const me = init.index;
  const d0 = init.bounds[me] as number;
  const d1 = init.bounds[me + 1] as number;
  const t0 = init.docOffsets[d0] as number;
  const t1 = init.docOffsets[d1] as number;
  try {
    addTokens(counts, init.tokens, init.z);
    port.postMessage({ type: 'ready' });
  } catch (e) {
    port.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
  port.on('message', (msg: { type: 'run'; iterations: number }) => {
    try {
      let changed = 0;
      for (let it = 0; it < msg.iterations; it++) {
        changed += sweep(st, counts, scratch, rng, d0, d1);
        barrier(init.control, init.numWorkers);
        for (let o = 0; o < init.numWorkers; o++) {
          if (o === me) continue;
          const s = init.docOffsets[init.bounds[o] as number] as number;
          const e = init.docOffsets[init.bounds[o + 1] as number] as number;
          applyChanges(counts, init.tokens, init.z, init.zPrev, s, e);
        }
        barrier(init.control, init.numWorkers);
        init.zPrev.set(init.z.subarray(t0, t1), t0);
      }
      port.postMessage({ type: 'done', changed });
    } catch (e) {
      port.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  });
}
