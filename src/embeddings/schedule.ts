/**
 * The learning-rate schedule shared by the calling-thread mode and the workers. The corpus is cut
 * once into chunks of about 10,000 words (whole sentences); every thread takes the next chunk
 * from a shared Atomics cursor, as gensim's workers take the next job from its queue, so the
 * threads move through the corpus together and a thread that gets less CPU (a busy machine)
 * simply takes fewer chunks. After each chunk a thread adds its words to a shared Atomics
 * counter and sets the learning rate by linear decay on the global progress (as gensim and the
 * C tool do). Epochs are the join points: every thread finishes epoch e before any starts e + 1,
 * which is where a checkpoint is taken (the weights are still then). One thread takes the chunks
 * in order, so a seed gives the same vectors, with or without a checkpoint in between.
 */
import type { KernelArrays } from './kernel.js';

/** What both kernels offer: train sentences [from, to) at one learning rate, return raw words. */
export interface TrainingKernel {
  readonly a: KernelArrays;
  trainSentences(from: number, to: number, alpha: number): number;
  /** The kernel's random-number state (four 32-bit words), for a checkpoint. */
  rngState(): number[];
  setRngState(state: readonly number[]): void;
}

export const CHUNK_WORDS = 10000;

export interface ScheduleParams {
  alpha: number;
  minAlpha: number;
  epochs: number;
  /** Raw words over all epochs: the denominator of progress. */
  totalWords: number;
  /** Shared counter of raw words done by all threads (one BigInt64 slot). */
  progress: BigInt64Array;
  /** Chunk k is sentences [chunks[k], chunks[k + 1]) (see chunkBoundaries). */
  chunks: Uint32Array;
  /** Shared cursor: the next chunk to train, counted over all epochs (one Int32 slot). */
  cursor: Int32Array;
}

/**
 * Points the shared cursor at the first chunk of `epoch` (main side, while no thread trains:
 * each thread that found the previous epoch empty has moved it one past the end).
 */
export function startEpoch(p: ScheduleParams, epoch: number): void {
  Atomics.store(p.cursor, 0, epoch * (p.chunks.length - 1));
}

/**
 * Trains the next chunk of `epoch` from the shared cursor at the scheduled learning rate.
 * Returns its raw words, or -1 when every chunk of the epoch has been taken.
 */
export function trainNextChunk(kernel: TrainingKernel, p: ScheduleParams, epoch: number): number {
  const numChunks = p.chunks.length - 1;
  const k = Atomics.add(p.cursor, 0, 1);
  if (k >= (epoch + 1) * numChunks) return -1;
  const c = k % numChunks;
  const global = Number(Atomics.load(p.progress, 0));
  const progress = Math.min(1, global / p.totalWords);
  const alpha = Math.max(p.minAlpha, p.alpha - (p.alpha - p.minAlpha) * progress);
  const words = kernel.trainSentences(p.chunks[c] as number, p.chunks[c + 1] as number, alpha);
  Atomics.add(p.progress, 0, BigInt(words));
  return words;
}

/** A worker's share of one epoch: chunks until none is left or `stop()` says so; returns raw words. */
export function runEpoch(kernel: TrainingKernel, p: ScheduleParams, epoch: number, stop: () => boolean): number {
  let done = 0;
  while (!stop()) {
    const words = trainNextChunk(kernel, p, epoch);
    if (words < 0) break;
    done += words;
  }
  return done;
}

/** Sentence indices that cut the corpus into chunks of at most CHUNK_WORDS words (or one longer sentence). */
export function chunkBoundaries(offsets: Uint32Array): Uint32Array {
  const numSentences = offsets.length - 1;
  const bounds: number[] = [0];
  let s = 0;
  while (s < numSentences) {
    let e = s + 1;
    const chunkStart = offsets[s] as number;
    while (e < numSentences && (offsets[e + 1] as number) - chunkStart <= CHUNK_WORDS) e++;
    bounds.push(e);
    s = e;
  }
  return Uint32Array.from(bounds);
}
