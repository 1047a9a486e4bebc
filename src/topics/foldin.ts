/**
 * Fold-in Gibbs sampling with a fixed topic-word matrix: for an unseen document, sample its
 * token topics from p(z=k) ∝ (n_dk + α_k) φ_kw and average θ̂_k = (n_dk + α_k)/(N + α₀) over
 * the samples after burn-in. Used by `LdaModel.infer` and by the held-out estimator, so any
 * φ (ours, gensim's, scikit-learn's) is scored by the same code.
 */
import { Rng } from '../util/rng.js';

/** φ transposed to word-major order (V×K), so that one word's topic column is contiguous. */
export function transposePhi(phi: Float64Array, K: number, V: number): Float64Array {
  const t = new Float64Array(K * V);
  for (let k = 0; k < K; k++) for (let w = 0; w < V; w++) t[w * K + k] = phi[k * V + w] as number;
  return t;
}

/** Reusable scratch for `foldInTheta`: K-sized arrays plus assignments for the longest document. */
export class FoldInScratch {
  readonly ndk: Float64Array;
  readonly p: Float64Array;
  z: Uint16Array;
  constructor(K: number, maxLen = 256) {
    this.ndk = new Float64Array(K);
    this.p = new Float64Array(K);
    this.z = new Uint16Array(maxLen);
  }
  ensure(n: number): Uint16Array {
    if (this.z.length < n) this.z = new Uint16Array(Math.max(n, this.z.length * 2));
    return this.z;
  }
}

/**
 * Writes the posterior-mean θ of a document with word ids `words` into `out` (length K).
 * `iterations` sweeps, the first `burnIn` discarded (at least one sample is always taken).
 */
export function foldInTheta(
  phiT: Float64Array,
  K: number,
  alpha: Float64Array,
  words: ArrayLike<number>,
  iterations: number,
  burnIn: number,
  rng: Rng,
  scratch: FoldInScratch,
  out: Float64Array,
): void {
  const N = words.length;
  const { ndk, p } = scratch;
  const z = scratch.ensure(N);
  let a0 = 0;
  for (let k = 0; k < K; k++) a0 += alpha[k] as number;
  out.fill(0);
  if (N === 0) {
    for (let k = 0; k < K; k++) out[k] = (alpha[k] as number) / a0;
    return;
  }
  ndk.fill(0);
  // Initialise sequentially from the partial posterior (better than uniform, same cost).
  for (let i = 0; i < N; i++) {
    const base = (words[i] as number) * K;
    let sum = 0;
    for (let k = 0; k < K; k++) { sum += ((ndk[k] as number) + (alpha[k] as number)) * (phiT[base + k] as number); p[k] = sum; }
    const k = pick(p, K, rng.next() * sum);
    z[i] = k;
    ndk[k] = (ndk[k] as number) + 1;
  }
  const sweeps = Math.max(1, iterations);
  const burn = Math.min(burnIn, sweeps - 1);
  let samples = 0;
  for (let it = 0; it < sweeps; it++) {
    for (let i = 0; i < N; i++) {
      const old = z[i] as number;
      ndk[old] = (ndk[old] as number) - 1;
      const base = (words[i] as number) * K;
      let sum = 0;
      for (let k = 0; k < K; k++) { sum += ((ndk[k] as number) + (alpha[k] as number)) * (phiT[base + k] as number); p[k] = sum; }
      const k = pick(p, K, rng.next() * sum);
      z[i] = k;
      ndk[k] = (ndk[k] as number) + 1;
    }
    if (it >= burn) {
      for (let k = 0; k < K; k++) out[k] = (out[k] as number) + ((ndk[k] as number) + (alpha[k] as number)) / (N + a0);
      samples++;
    }
  }
  for (let k = 0; k < K; k++) out[k] = (out[k] as number) / samples;
}

/** Index of the first cumulative weight >= u (binary search). */
function pick(cum: Float64Array, K: number, u: number): number {
  let lo = 0;
  let hi = K - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cum[mid] as number) < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
