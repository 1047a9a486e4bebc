/**
 * One sampling stream of the LDA trainer, as a harness setup function (util/serve-worker.ts):
 * `sampler.worker.ts` serves it on a worker thread, and `workers: 0` calls it in the calling
 * thread, so both run the same code.
 *
 * A stream owns a contiguous range of documents and a private copy of the word-topic counts
 * (in shared memory, so that the main thread can read it). Per sweep, with N streams: sample
 * its documents; barrier; fold in every other stream's changes (tokens whose topic in the
 * shared `z` differs from `zPrev`); barrier; publish its own z into zPrev. This is MALLET's
 * merge of count deltas, done by each stream for itself, so no copy is ever stale after a
 * sweep and every copy is identical (the slot order is canonical). With one stream there is
 * nothing to merge and no barrier.
 */
import { Rng } from '../util/rng.js';
import { Barrier, type BarrierHandle } from '../util/shared-memory.js';
import { throwIfStopped, type WorkerContext, type WorkerHandler } from '../util/serve-worker.js';
import { addTokens, applyChanges, createScratch, sweep, type SamplerState, type WordTopicCounts } from './sampler.js';

/** What each stream gets (in workerData: the typed arrays are SharedArrayBuffer views, shared, not copied). */
export interface SamplerData {
  K: number;
  V: number;
  beta: number;
  /** Term id of every token, documents back to back. */
  tokens: Uint32Array;
  /** [numDocs + 1] token offsets of the documents. */
  docOffsets: Uint32Array;
  /** [numTokens] topic of every token, shared by all streams (each writes only its own range). */
  z: Uint16Array;
  /** [numTokens] z as of the last merge; undefined with one stream. */
  zPrev: Uint16Array | undefined;
  /** [K] the prior on θ; the main thread may re-estimate it between calls. */
  alpha: Float64Array;
  /** [streams + 1] document ranges: stream i samples documents [bounds[i], bounds[i+1]). */
  bounds: Uint32Array;
  barrier: BarrierHandle;
  /** This stream's copy of the counts (filled by setup from z). */
  counts: WordTopicCounts;
  /** [4] the stream's generator state to start from (Rng.state()). */
  rng: Uint32Array;
}

/** Run `sweeps` Gibbs sweeps (every stream must get the same request: they meet at barriers). */
export interface SamplerRequest {
  sweeps: number;
}

export interface SamplerReply {
  /** Tokens of this stream's documents that changed topic. */
  changed: number;
  /** [4] the stream's generator state after the sweeps (for checkpoints). */
  rng: number[];
}

/** Seed of stream i's sampling generator (stream 0 = the only one when training in the calling thread). */
export function streamSeed(seed: number, index: number): number {
  return (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
}

/** Builds the stream's counts from z and returns its request handler. */
export function setupSampler(data: SamplerData, ctx: WorkerContext): WorkerHandler<SamplerRequest, SamplerReply> {
  const { K, V, beta, tokens, docOffsets, z, zPrev, alpha, bounds, counts } = data;
  const streams = bounds.length - 1;
  if (ctx.index >= streams) throw new RangeError(`lda: stream ${ctx.index} of a sampler with ${streams} document ranges`);
  const st: SamplerState = { K, V, tokens, docOffsets, z, alpha, beta };
  const scratch = createScratch(K);
  const rng = Rng.fromState(data.rng);
  const barrier = new Barrier(data.barrier);
  const me = ctx.index;
  const d0 = bounds[me] as number;
  const d1 = bounds[me + 1] as number;
  const t0 = docOffsets[d0] as number;
  const t1 = docOffsets[d1] as number;
  addTokens(counts, tokens, z);
  return (req) => {
    let changed = 0;
    for (let it = 0; it < req.sweeps; it++) {
      throwIfStopped(); // a peer failed or the caller aborted: stop between sweeps
      changed += sweep(st, counts, scratch, rng, d0, d1);
      if (streams === 1 || !zPrev) continue;
      barrier.wait();
      for (let o = 0; o < streams; o++) {
        if (o === me) continue;
        applyChanges(counts, tokens, z, zPrev, docOffsets[bounds[o] as number] as number, docOffsets[bounds[o + 1] as number] as number);
      }
      barrier.wait();
      zPrev.set(z.subarray(t0, t1), t0);
    }
    return { changed, rng: Array.from(rng.state()) };
  };
}
