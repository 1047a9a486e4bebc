/**
 * The learning-rate schedule shared by the single-thread mode and the workers: each thread
 * walks its contiguous range of sentences once per epoch in chunks of about 10,000 words;
 * after each chunk it adds its words to a shared Atomics counter and sets the learning rate
 * by linear decay on the global progress (as gensim and the C tool do).
 */
import type { KernelArrays } from './kernel.js';

/** What both kernels offer: train sentences [from, to) at one learning rate, return raw words. */
export interface TrainingKernel {
  readonly a: KernelArrays;
  trainSentences(from: number, to: number, alpha: number): number;
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
}

/** Runs all epochs over sentences [from, to); returns raw words processed. */
export function runSchedule(kernel: TrainingKernel, from: number, to: number, p: ScheduleParams): number {
  const offsets = kernel.a.sentenceOffsets;
  let done = 0;
  for (let epoch = 0; epoch < p.epochs; epoch++) {
    let s = from;
    while (s < to) {
      let e = s + 1;
      const chunkStart = offsets[s] as number;
      while (e < to && (offsets[e + 1] as number) - chunkStart <= CHUNK_WORDS) e++;
      const global = Number(Atomics.load(p.progress, 0));
      const progress = Math.min(1, global / p.totalWords);
      const alpha = Math.max(p.minAlpha, p.alpha - (p.alpha - p.minAlpha) * progress);
      const words = kernel.trainSentences(s, e, alpha);
      Atomics.add(p.progress, 0, BigInt(words));
      done += words;
      s = e;
    }
  }
  return done;
}

/** Splits sentences into `parts` contiguous ranges of about equal word counts. */
export function splitRanges(offsets: Uint32Array, parts: number): Array<[number, number]> {
  const numSentences = offsets.length - 1;
  const total = offsets[numSentences] as number;
  const ranges: Array<[number, number]> = [];
  let s = 0;
  for (let k = 1; k <= parts; k++) {
    const targetWords = (total * k) / parts;
    let e = s;
    while (e < numSentences && (k === parts || (offsets[e + 1] as number) <= targetWords)) e++;
    if (e === s && e < numSentences) e++;
    ranges.push([s, e]);
    s = e;
  }
  return ranges.filter(([a, b]) => b > a);
}
