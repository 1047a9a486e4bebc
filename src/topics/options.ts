/**
 * The options of an LDA model, checked once when the model is made (`new LdaModel(options)`
 * trains nothing: it only validates these), and the checks that need the corpus, made when
 * `train(corpus)` is called.
 */
import { OptionsError } from '../util/errors.js';
import { resolveWorkers } from '../util/workers.js';
import { MAX_TOPICS } from './sampler.js';
import type { Corpus } from './corpus.js';

export interface LdaOptions {
  /** Number of topics K, from 1 to 65,535 (topic ids are 16-bit). */
  numTopics: number;
  /** Symmetric Dirichlet prior on θ, per topic (α_k). Default 5/K (MALLET's α₀ = 5). */
  alpha?: number;
  /** Symmetric Dirichlet prior on φ (β). Default 0.01. */
  beta?: number;
  /** Gibbs sweeps per `train()` call. Default 200. */
  iterations?: number;
  /** Seed of the initial assignments and of every sampling stream (an unsigned 32-bit integer). Default 1. */
  seed?: number;
  /**
   * Sampling threads: 0 = the calling thread; N = N worker threads (at most one per document);
   * not given = one per core. The same seed gives the same model for the same worker count
   * (0 and 1 give the same model: one sampling stream over all documents).
   */
  workers?: number;
  /** Re-estimate an asymmetric α (Minka's fixed point) every `every` sweeps after `burnIn` (defaults 50, 10). */
  optimizeAlpha?: boolean | { burnIn?: number; every?: number };
}

/** The options with every default filled in (what a model file records). */
export interface ResolvedLdaOptions {
  numTopics: number;
  alpha: number;
  beta: number;
  iterations: number;
  seed: number;
  /** As given: undefined means one thread per core, decided when training starts. */
  workers: number | undefined;
  optimizeAlpha: { burnIn: number; every: number } | false;
}

const isCount = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;

/** Fills in the defaults and checks every option; throws OptionsError saying what was expected and what came. */
export function resolveLdaOptions(o: LdaOptions): ResolvedLdaOptions {
  if (!o || typeof o !== 'object') throw new OptionsError('LdaModel needs options: new LdaModel({ numTopics: 20 })');
  const K = o.numTopics;
  if (!isCount(K, 1)) throw new OptionsError(`numTopics must be a positive integer, got ${String(K)}`);
  if (K > MAX_TOPICS) throw new OptionsError(`numTopics ${K} is above the sampler's limit of ${MAX_TOPICS} (topic ids are 16-bit)`);
  const positive = (name: string, v: unknown): void => {
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v > 0)) throw new OptionsError(`${name} must be a finite number > 0, got ${String(v)}`);
  };
  positive('alpha', o.alpha);
  positive('beta', o.beta);
  if (o.iterations !== undefined && !isCount(o.iterations, 0)) throw new OptionsError(`iterations must be an integer >= 0, got ${String(o.iterations)}`);
  if (o.seed !== undefined && !(isCount(o.seed, 0) && o.seed <= 0xffffffff)) throw new OptionsError(`seed must be an integer from 0 to 4294967295, got ${String(o.seed)}`);
  if (o.workers !== undefined) resolveWorkers(o.workers); // the one check of a workers value (0, N, or absent)
  let optimizeAlpha: ResolvedLdaOptions['optimizeAlpha'] = false;
  if (o.optimizeAlpha) {
    const given = typeof o.optimizeAlpha === 'object' ? o.optimizeAlpha : {};
    optimizeAlpha = { burnIn: given.burnIn ?? 50, every: given.every ?? 10 };
    if (!isCount(optimizeAlpha.burnIn, 0)) throw new OptionsError(`optimizeAlpha.burnIn must be an integer >= 0, got ${String(optimizeAlpha.burnIn)}`);
    if (!isCount(optimizeAlpha.every, 1)) throw new OptionsError(`optimizeAlpha.every must be an integer >= 1, got ${String(optimizeAlpha.every)}`);
  }
  return {
    numTopics: K,
    alpha: o.alpha ?? 5 / K,
    beta: o.beta ?? 0.01,
    iterations: o.iterations ?? 200,
    seed: o.seed ?? 1,
    workers: o.workers,
    optimizeAlpha,
  };
}

/** The checks that need the corpus: something to train on, and no more topics than terms. */
export function checkCorpusFits(corpus: Pick<Corpus, 'vocab' | 'tokens' | 'docOffsets'>, numTopics: number): void {
  if (corpus.docOffsets.length < 2 || corpus.tokens.length === 0) {
    throw new OptionsError('the corpus is empty (no document survived the preparation rules): nothing to train on');
  }
  if (numTopics > corpus.vocab.length) {
    throw new OptionsError(`numTopics ${numTopics} is larger than the vocabulary (${corpus.vocab.length} terms): use at most ${corpus.vocab.length} topics`);
  }
}
