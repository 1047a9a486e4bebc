/**
 * The skip-gram training kernel in plain TypeScript: hierarchical softmax and/or negative
 * sampling over flat Float32Arrays, gensim's sigmoid table, no allocation per word. The same
 * function runs in the seeded single-thread mode and inside each Hogwild worker; the
 * WebAssembly kernel (when present) is tested against it.
 */
import { Rng } from '../util/rng.js';

export const MAX_EXP = 6;
export const EXP_TABLE_SIZE = 1000;
/**
 * Sigmoid-table index per unit of f. The C tool and gensim write EXP_TABLE_SIZE / MAX_EXP / 2
 * in integer arithmetic, i.e. 83, not 83.33 (checked: one gensim update step on fixed
 * weights matches ours to 3e-8 with 83, and differs by 3e-3 with 83.33).
 */
export const EXP_INDEX_SCALE = Math.floor(EXP_TABLE_SIZE / MAX_EXP / 2);

/** gensim's EXP_TABLE: sigmoid on [-MAX_EXP, MAX_EXP) in EXP_TABLE_SIZE steps. */
export function buildExpTable(): Float32Array {
  const t = new Float32Array(EXP_TABLE_SIZE);
  for (let i = 0; i < EXP_TABLE_SIZE; i++) {
    const e = Math.exp(((i / EXP_TABLE_SIZE) * 2 - 1) * MAX_EXP);
    t[i] = e / (e + 1);
  }
  return t;
}

/** Everything the kernel reads and writes. Arrays may live in SharedArrayBuffers (Hogwild). */
export interface KernelArrays {
  readonly vectorSize: number;
  readonly window: number;
  /** Number of noise words per pair; 0 = no negative sampling. */
  readonly negative: number;
  readonly hs: boolean;
  /** Input vectors [numWords × vectorSize]. */
  readonly syn0: Float32Array;
  /** HS inner-node vectors [(numWords-1) × vectorSize] (empty when hs is false). */
  readonly syn1: Float32Array;
  /** NS output vectors [numWords × vectorSize] (empty when negative is 0). */
  readonly syn1neg: Float32Array;
  readonly codes: Uint8Array;
  readonly points: Uint32Array;
  readonly codeOffsets: Uint32Array;
  /** Keep threshold per word, 0..2^32 (see sampleThresholds). */
  readonly sampleInt: Uint32Array;
  /** Cumulative noise distribution scaled to 2^31 (see negativeSamplingTable). */
  readonly cumTable: Uint32Array;
  readonly ids: Uint32Array;
  readonly sentenceOffsets: Uint32Array;
  readonly expTable: Float32Array;
}

/** One thread's kernel: the shared arrays plus its own RNG and scratch buffers. */
export class SkipGramKernel {
  readonly a: KernelArrays;
  rng: Rng;
  private readonly work: Float32Array;
  private readonly sentence: Uint32Array;

  constructor(arrays: KernelArrays, seed: number) {
    this.a = arrays;
    this.rng = new Rng(seed);
    this.work = new Float32Array(arrays.vectorSize);
    this.sentence = new Uint32Array(10000);
  }

  /** The random-number state, for a checkpoint. */
  rngState(): number[] {
    return [...this.rng.state()];
  }

  /** Continues from a state rngState() returned. */
  setRngState(state: readonly number[]): void {
    this.rng = Rng.fromState(state);
  }

  /**
   * Trains on sentences [from, to) at a fixed learning rate; returns the number of raw
   * (pre-sub-sampling) words it went through.
   */
  trainSentences(from: number, to: number, alpha: number): number {
    const { ids, sentenceOffsets, sampleInt, window } = this.a;
    const rng = this.rng;
    const buf = this.sentence;
    let raw = 0;
    for (let s = from; s < to; s++) {
      const start = sentenceOffsets[s] as number;
      const end = sentenceOffsets[s + 1] as number;
      raw += end - start;
      let len = 0;
      for (let k = start; k < end; k++) {
        const w = ids[k] as number;
        const keep = sampleInt[w] as number;
        if (keep < 4294967295 && keep < rng.nextUint32()) continue;
        buf[len++] = w;
      }
      for (let i = 0; i < len; i++) {
        const b = rng.nextUint32() % window;
        const lo = i - window + b < 0 ? 0 : i - window + b;
        const hi = i + window + 1 - b > len ? len : i + window + 1 - b;
        const word = buf[i] as number;
        for (let j = lo; j < hi; j++) {
          if (j === i) continue;
          this.trainPair(word, buf[j] as number, alpha);
        }
      }
    }
    return raw;
  }

  /** Predict `word` from the input vector of `context` (gensim's sg order), then update that vector. */
  trainPair(word: number, context: number, alpha: number): void {
    const a = this.a;
    const D = a.vectorSize;
    const syn0 = a.syn0;
    const work = this.work;
    const l1 = context * D;
    work.fill(0);
    if (a.hs) {
      const syn1 = a.syn1, codes = a.codes, points = a.points, expTable = a.expTable;
      const cEnd = a.codeOffsets[word + 1] as number;
      for (let c = a.codeOffsets[word] as number; c < cEnd; c++) {
        const l2 = (points[c] as number) * D;
        const f = dot(syn0, l1, syn1, l2, D);
        if (f <= -MAX_EXP || f >= MAX_EXP) continue;
        const sig = expTable[((f + MAX_EXP) * EXP_INDEX_SCALE) | 0] as number;
        const g = (1 - (codes[c] as number) - sig) * alpha;
        update(work, syn1, l2, syn0, l1, g, D);
      }
    }
    if (a.negative > 0) {
      const syn1neg = a.syn1neg, cum = a.cumTable, expTable = a.expTable, rng = this.rng;
      for (let k = 0; k <= a.negative; k++) {
        let target: number;
        let label: number;
        if (k === 0) {
          target = word;
          label = 1;
        } else {
          target = bisect(cum, rng.nextUint32() >>> 1);
          if (target === word) continue;
          label = 0;
        }
        const l2 = target * D;
        const f = dot(syn0, l1, syn1neg, l2, D);
        if (f <= -MAX_EXP || f >= MAX_EXP) continue;
        const sig = expTable[((f + MAX_EXP) * EXP_INDEX_SCALE) | 0] as number;
        update(work, syn1neg, l2, syn0, l1, (label - sig) * alpha, D);
      }
    }
    for (let d = 0; d < D; d++) syn0[l1 + d] = (syn0[l1 + d] as number) + (work[d] as number);
  }
}

/** Dot product of two rows, four lanes at a time so V8 keeps the partial sums in registers. */
function dot(x: Float32Array, xo: number, y: Float32Array, yo: number, n: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let d = 0;
  for (; d + 3 < n; d += 4) {
    s0 += (x[xo + d] as number) * (y[yo + d] as number);
    s1 += (x[xo + d + 1] as number) * (y[yo + d + 1] as number);
    s2 += (x[xo + d + 2] as number) * (y[yo + d + 2] as number);
    s3 += (x[xo + d + 3] as number) * (y[yo + d + 3] as number);
  }
  for (; d < n; d++) s0 += (x[xo + d] as number) * (y[yo + d] as number);
  return s0 + s1 + s2 + s3;
}

/** work += g·out[row]; out[row] += g·in[row] (the two saxpys of one output node). */
function update(work: Float32Array, out: Float32Array, oo: number, inp: Float32Array, io: number, g: number, n: number): void {
  for (let d = 0; d < n; d++) {
    const o = out[oo + d] as number;
    work[d] = (work[d] as number) + g * o;
    out[oo + d] = o + g * (inp[io + d] as number);
  }
}

/** First index whose cumulative value exceeds r. */
function bisect(cum: Uint32Array, r: number): number {
  let lo = 0, hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cum[mid] as number) > r) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
