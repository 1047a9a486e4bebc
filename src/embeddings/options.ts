/**
 * Word2Vec's options: the paper's settings as defaults (Section 5.1), checked once, in the
 * constructor, so that a bad value fails before any corpus is read.
 */
import { OptionsError } from '../util/errors.js';
import { resolveWorkers } from '../util/workers.js';

/** The skip-gram kernel: 'wasm' (v128 SIMD, built by `npm run build`) or 'ts' (the plain TypeScript reference). */
export type KernelKind = 'wasm' | 'ts';

export interface Word2VecOptions {
  /** Dimensions per word (≥ 1). Default 256 (the paper). */
  vectorSize?: number;
  /** Largest distance between a word and its context words (≥ 1). Default 10 (the paper). */
  window?: number;
  /** Words seen fewer times are dropped (≥ 1). Default 5. */
  minCount?: number;
  /** Frequent-word sub-sampling threshold t (Mikolov et al. 2013, eq. 5); 0 turns it off. Default 1e-4 (the paper's 0.01%). */
  sample?: number;
  /** Hierarchical softmax over a Huffman tree. Default true (the paper). */
  hs?: boolean;
  /** Noise words per pair for negative sampling (k in Mikolov et al.); 0 = none. Default 0. */
  negative?: number;
  /** Starting learning rate α (> 0). Default 0.025. */
  alpha?: number;
  /** Final learning rate, reached linearly over all epochs (0 ≤ minAlpha ≤ alpha). Default 0.0001. */
  minAlpha?: number;
  /** Passes over the corpus per train() call (≥ 1). Default 5. */
  epochs?: number;
  /**
   * 0 = train in the calling thread; N = N Hogwild worker threads sharing the weights; not
   * given = one per core. 0 and 1 give the same vectors for a seed; more threads do not
   * (thread timing decides which update lands first).
   */
  workers?: number;
  /** Seeds every random draw: initial vectors, sub-sampling, window shrink, noise words. Default 1. */
  seed?: number;
  /** 'wasm', 'ts' or 'auto' (wasm when built). Default 'auto'. */
  kernel?: KernelKind | 'auto';
}

/** Every option given a value, except `workers`, which stays "one per core" until training starts. */
export type ResolvedWord2VecOptions = Required<Omit<Word2VecOptions, 'workers'>> & { workers: number | undefined };

/** Fills in the defaults and checks every value; throws OptionsError saying what is wrong. */
export function resolveWord2VecOptions(o: Word2VecOptions = {}): ResolvedWord2VecOptions {
  const r: ResolvedWord2VecOptions = {
    vectorSize: o.vectorSize ?? 256,
    window: o.window ?? 10,
    minCount: o.minCount ?? 5,
    sample: o.sample ?? 1e-4,
    hs: o.hs ?? true,
    negative: o.negative ?? 0,
    alpha: o.alpha ?? 0.025,
    minAlpha: o.minAlpha ?? 0.0001,
    epochs: o.epochs ?? 5,
    workers: o.workers,
    seed: o.seed ?? 1,
    kernel: o.kernel ?? 'auto',
  };
  const positiveInt = (name: keyof Word2VecOptions, v: number): void => {
    if (!Number.isInteger(v) || v < 1) throw new OptionsError(`${name} must be an integer >= 1, got ${v}`);
  };
  positiveInt('vectorSize', r.vectorSize);
  positiveInt('window', r.window);
  positiveInt('minCount', r.minCount);
  positiveInt('epochs', r.epochs);
  resolveWorkers(r.workers); // throws for a negative, fractional or absurd count
  if (!Number.isInteger(r.negative) || r.negative < 0) throw new OptionsError(`negative must be an integer >= 0, got ${r.negative}`);
  if (!r.hs && r.negative === 0) throw new OptionsError('choose hierarchical softmax (hs: true) or negative sampling (negative > 0), or both');
  if (!(r.sample >= 0)) throw new OptionsError(`sample must be >= 0, got ${r.sample}`);
  if (!(r.alpha > 0) || !(r.minAlpha >= 0) || r.minAlpha > r.alpha) throw new OptionsError(`need 0 <= minAlpha <= alpha and alpha > 0, got alpha ${r.alpha}, minAlpha ${r.minAlpha}`);
  if (!Number.isInteger(r.seed)) throw new OptionsError(`seed must be an integer, got ${r.seed}`);
  if (!['wasm', 'ts', 'auto'].includes(r.kernel)) throw new OptionsError(`kernel must be 'wasm', 'ts' or 'auto', got ${String(r.kernel)}`);
  return r;
}
