/**
 * Asymmetric Dirichlet α by Minka's fixed-point iteration (Minka 2000; the update MALLET's
 * learnParameters uses), from the current sparse doc-topic counts:
 *   α_k ← α_k · Σ_d [ψ(n_dk + α_k) − ψ(α_k)] / Σ_d [ψ(N_d + α₀) − ψ(α₀)]
 * Documents where n_dk = 0 add nothing to the numerator, so only non-zeros are visited.
 */

/** Digamma ψ(x) for x > 0 (recurrence up to 6, then the asymptotic series). */
export function digamma(x: number): number {
  let r = 0;
  while (x < 6) {
    r -= 1 / x;
    x += 1;
  }
  const f = 1 / (x * x);
  return r + Math.log(x) - 0.5 / x - f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f / 132))));
}

/** One or more fixed-point steps; updates `alpha` in place and returns its new sum. */
export function optimizeAlpha(
  alpha: Float64Array,
  docs: { offsets: Uint32Array; topics: Uint16Array; counts: Uint32Array },
  iterations = 20,
): number {
  const K = alpha.length;
  const D = docs.offsets.length - 1;
  const num = new Float64Array(K);
  const docLen = new Uint32Array(D);
  for (let d = 0; d < D; d++) {
    let n = 0;
    for (let j = docs.offsets[d] as number; j < (docs.offsets[d + 1] as number); j++) n += docs.counts[j] as number;
    docLen[d] = n;
  }
  for (let it = 0; it < iterations; it++) {
    let a0 = 0;
    for (let k = 0; k < K; k++) a0 += alpha[k] as number;
    let den = 0;
    const psiA0 = digamma(a0);
    for (let d = 0; d < D; d++) den += digamma((docLen[d] as number) + a0) - psiA0;
    num.fill(0);
    for (let d = 0; d < D; d++) {
      for (let j = docs.offsets[d] as number; j < (docs.offsets[d + 1] as number); j++) {
        const k = docs.topics[j] as number;
        num[k] = (num[k] as number) + digamma((docs.counts[j] as number) + (alpha[k] as number)) - digamma(alpha[k] as number);
      }
    }
    for (let k = 0; k < K; k++) {
      // Keep α strictly positive: a topic no document uses would otherwise collapse to 0.
      alpha[k] = Math.max(1e-6, den > 0 ? ((alpha[k] as number) * (num[k] as number)) / den : (alpha[k] as number));
    }
  }
  let s = 0;
  for (let k = 0; k < K; k++) s += alpha[k] as number;
  return s;
}
