/**
 * The left-to-right estimator of log p(w | Φ, α) (Wallach, Murray, Salakhutdinov & Mimno,
 * ICML 2009, Algorithm 3): R particles walk through the document; at position n each particle
 * resamples its assignments of w_<n, adds Σ_k φ_{k,w_n} (n_k + α_k)/(n + α₀), then samples z_n.
 * log p(w) ≈ Σ_n log (mean over particles). Cost O(N² R K) per document: for evaluation only.
 */
import type { Rng } from '../util/rng.js';

export function leftToRightLogProb(phiT: Float64Array, K: number, alpha: Float64Array, words: ArrayLike<number>, particles: number, rng: Rng): number {
  const N = words.length;
  let a0 = 0;
  for (let k = 0; k < K; k++) a0 += alpha[k] as number;
  const z = new Uint16Array(particles * N);
  const counts = new Float64Array(particles * K);
  const p = new Float64Array(K);
  let ll = 0;
  for (let n = 0; n < N; n++) {
    let pn = 0;
    const wn = (words[n] as number) * K;
    for (let r = 0; r < particles; r++) {
      const zr = r * N;
      const cr = r * K;
      for (let m = 0; m < n; m++) {
        const old = z[zr + m] as number;
        counts[cr + old] = (counts[cr + old] as number) - 1;
        const k = draw(phiT, (words[m] as number) * K, K, alpha, counts, cr, p, rng);
        z[zr + m] = k;
        counts[cr + k] = (counts[cr + k] as number) + 1;
      }
      let s = 0;
      for (let k = 0; k < K; k++) s += (phiT[wn + k] as number) * ((counts[cr + k] as number) + (alpha[k] as number));
      pn += s / (n + a0);
      const k = draw(phiT, wn, K, alpha, counts, cr, p, rng);
      z[zr + n] = k;
      counts[cr + k] = (counts[cr + k] as number) + 1;
    }
    ll += Math.log(pn / particles);
  }
  return ll;
}

function draw(phiT: Float64Array, base: number, K: number, alpha: Float64Array, counts: Float64Array, cr: number, p: Float64Array, rng: Rng): number {
  let sum = 0;
  for (let k = 0; k < K; k++) { sum += ((counts[cr + k] as number) + (alpha[k] as number)) * (phiT[base + k] as number); p[k] = sum; }
  const u = rng.next() * sum;
  let k = 0;
  while (k < K - 1 && (p[k] as number) < u) k++;
  return k;
}
