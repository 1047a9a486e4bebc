/**
 * Held-out perplexity (the paper's Eq. 1): exp(−Σ_d log p(w_d | Φ, α) / Σ_d N_d).
 *
 * Estimator: "document completion" (Wallach, Murray, Salakhutdinov & Mimno, "Evaluation
 * methods for topic models", ICML 2009, §4/5): each held-out document is split into an observed
 * half (tokens at even positions) and a scored half (odd positions). θ is estimated from the
 * observed half only, by fold-in Gibbs sampling with Φ fixed, as the posterior mean
 * E[θ | w_obs, Φ, α]; the scored half is then scored as Π_n Σ_k θ̂_k φ_{k,w_n}. Only scored tokens
 * enter N_d, so the model never sees the words it is judged on. The function takes any K×V
 * topic-word matrix, so gensim's and scikit-learn's φ are scored by this same code.
 * Optionally 'left-to-right' (same paper, Algorithm 3) scores whole documents instead.
 */
import { Rng } from '../util/rng.js';
import { OptionsError } from '../util/errors.js';
import { FoldInScratch, foldInTheta, transposePhi } from './foldin.js';
import { leftToRightLogProb } from './lefttoright.js';

export interface HeldOutDocs {
  tokens: Uint32Array;
  docOffsets: Uint32Array;
}

export type PerplexityEstimator = 'document-completion' | 'left-to-right';

export interface PerplexityOptions {
  /** Default 'document-completion'. 'left-to-right' scores whole documents (Wallach et al. Algorithm 3). */
  estimator?: PerplexityEstimator;
  /** Particles for 'left-to-right'. Default 20. */
  particles?: number;
  /** Fold-in sweeps per document, the first `burnIn` discarded. Defaults 100 / 20. */
  iterations?: number;
  burnIn?: number;
  seed?: number;
}

export interface PerplexityResult {
  estimator: PerplexityEstimator;
  perplexity: number;
  logLikelihood: number;
  scoredTokens: number;
  docsScored: number;
  /** Documents with fewer than 2 tokens: nothing to score. */
  docsSkipped: number;
}

/** Splits a document's tokens into the observed (even positions) and scored (odd) halves. */
export function completionSplit(doc: ArrayLike<number>): { observed: Uint32Array; scored: Uint32Array } {
  const observed = new Uint32Array(Math.ceil(doc.length / 2));
  const scored = new Uint32Array(Math.floor(doc.length / 2));
  for (let i = 0; i < doc.length; i++) {
    if (i % 2 === 0) observed[i >> 1] = doc[i] as number;
    else scored[i >> 1] = doc[i] as number;
  }
  return { observed, scored };
}

export function heldOutPerplexity(
  phi: Float64Array,
  K: number,
  alpha: number | Float64Array,
  docs: HeldOutDocs,
  o: PerplexityOptions = {},
): PerplexityResult {
  const estimator = o.estimator ?? 'document-completion';
  if (estimator !== 'document-completion' && estimator !== 'left-to-right') throw new OptionsError(`unknown perplexity estimator ${String(o.estimator)}`);
  if (!(K >= 1) || phi.length % K !== 0) throw new OptionsError(`phi has ${phi.length} entries, not a multiple of K=${K}`);
  const V = phi.length / K;
  const a = typeof alpha === 'number' ? new Float64Array(K).fill(alpha) : alpha;
  if (a.length !== K) throw new OptionsError(`alpha has ${a.length} entries, expected K=${K}`);
  const phiT = transposePhi(phi, K, V);
  const scratch = new FoldInScratch(K);
  const theta = new Float64Array(K);
  const D = docs.docOffsets.length - 1;
  const seed = o.seed ?? 1;
  let ll = 0;
  let scoredTokens = 0;
  let docsScored = 0;
  let docsSkipped = 0;
  for (let d = 0; d < D; d++) {
    const doc = docs.tokens.subarray(docs.docOffsets[d] as number, docs.docOffsets[d + 1] as number);
    if (doc.length < 2) { docsSkipped++; continue; }
    for (let i = 0; i < doc.length; i++) if ((doc[i] as number) >= V) throw new OptionsError(`held-out document ${d}: term id ${doc[i]} is outside phi's ${V} columns`);
    const rng = new Rng((seed ^ Math.imul(d + 1, 0x2545f491)) >>> 0);
    if (estimator === 'left-to-right') {
      ll += leftToRightLogProb(phiT, K, a, doc, o.particles ?? 20, rng);
      scoredTokens += doc.length;
      docsScored++;
      continue;
    }
    const { observed, scored } = completionSplit(doc);
    foldInTheta(phiT, K, a, observed, o.iterations ?? 100, o.burnIn ?? 20, rng, scratch, theta);
    ll += scoreTokens(phiT, K, theta, scored);
    scoredTokens += scored.length;
    docsScored++;
  }
  if (scoredTokens === 0) throw new OptionsError('no held-out document has 2 or more tokens: perplexity is undefined');
  return { estimator, perplexity: Math.exp(-ll / scoredTokens), logLikelihood: ll, scoredTokens, docsScored, docsSkipped };
}

/** Σ_n log Σ_k θ_k φ_{k,w_n}. */
export function scoreTokens(phiT: Float64Array, K: number, theta: Float64Array, words: ArrayLike<number>): number {
  let ll = 0;
  for (let i = 0; i < words.length; i++) {
    const base = (words[i] as number) * K;
    let p = 0;
    for (let k = 0; k < K; k++) p += (theta[k] as number) * (phiT[base + k] as number);
    ll += Math.log(p);
  }
  return ll;
}
