import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completionSplit, heldOutPerplexity } from './perplexity.js';

/**
 * Brute force for the document-completion estimator on a toy model: enumerate every topic
 * assignment of the observed half, weight it by p(z | α) Π φ_{z_n w_n} (Dirichlet-multinomial
 * prior), take the exact posterior mean of θ, and score the other half with it.
 */
function bruteForce(phi: number[][], alpha: number[], docs: number[][]): number {
  const K = alpha.length;
  const a0 = alpha.reduce((s, a) => s + a, 0);
  let ll = 0;
  let n = 0;
  for (const doc of docs) {
    const { observed, scored } = completionSplit(doc);
    const N = observed.length;
    const theta = new Array<number>(K).fill(0);
    let total = 0;
    const z = new Array<number>(N).fill(0);
    for (let code = 0; code < K ** N; code++) {
      let c = code;
      for (let i = 0; i < N; i++) { z[i] = c % K; c = Math.floor(c / K); }
      const counts = new Array<number>(K).fill(0);
      let w = 1;
      for (let i = 0; i < N; i++) {
        const k = z[i] as number;
        // Sequential Pólya urn = Dirichlet-multinomial prior of this assignment.
        w *= ((alpha[k] as number) + (counts[k] as number)) / (a0 + i);
        counts[k]++;
        w *= (phi[k] as number[])[observed[i] as number] as number;
      }
      total += w;
      for (let k = 0; k < K; k++) theta[k] += w * ((counts[k] as number) + (alpha[k] as number)) / (N + a0);
    }
    for (let k = 0; k < K; k++) theta[k] /= total;
    for (const wd of scored) {
      let p = 0;
      for (let k = 0; k < K; k++) p += (theta[k] as number) * ((phi[k] as number[])[wd] as number);
      ll += Math.log(p);
      n++;
    }
  }
  return Math.exp(-ll / n);
}

test('document-completion perplexity agrees with an exact enumeration on a toy model', () => {
  const phi = [
    [0.7, 0.2, 0.05, 0.05],
    [0.05, 0.05, 0.3, 0.6],
    [0.25, 0.25, 0.25, 0.25],
  ];
  const alpha = [0.3, 0.5, 0.2];
  const docs = [[0, 1, 0, 3, 2, 0, 1, 1], [3, 3, 2, 0, 3], [1, 2, 3, 0, 0, 2]];
  const exact = bruteForce(phi, alpha, docs);
  const tokens = Uint32Array.from(docs.flat());
  const offsets = Uint32Array.from([0, 8, 13, 19]);
  const est = heldOutPerplexity(Float64Array.from(phi.flat()), 3, Float64Array.from(alpha), { tokens, docOffsets: offsets }, { iterations: 40000, burnIn: 100, seed: 5 });
  assert.equal(est.scoredTokens, 4 + 2 + 3);
  assert.equal(est.docsScored, 3);
  const rel = Math.abs(est.perplexity - exact) / exact;
  assert.ok(rel < 0.005, `estimate ${est.perplexity} vs exact ${exact} (relative error ${rel})`);
  // A sharper model of the same words scores better than the uniform one.
  const uniform = heldOutPerplexity(new Float64Array(12).fill(0.25), 3, 0.1, { tokens, docOffsets: offsets }, { iterations: 10 });
  assert.ok(Math.abs(uniform.perplexity - 4) < 1e-9, 'a uniform phi over 4 words has perplexity 4');
});

test('perplexity: bad input is a clear error; one-token documents are counted skips', () => {
  const phi = new Float64Array([0.5, 0.5, 0.5, 0.5]);
  assert.throws(() => heldOutPerplexity(phi, 3, 0.1, { tokens: new Uint32Array(0), docOffsets: Uint32Array.from([0]) }), /multiple of K/);
  assert.throws(() => heldOutPerplexity(phi, 2, 0.1, { tokens: Uint32Array.from([0]), docOffsets: Uint32Array.from([0, 1]) }), /undefined/);
  const r = heldOutPerplexity(phi, 2, 0.1, { tokens: Uint32Array.from([0, 0, 1]), docOffsets: Uint32Array.from([0, 1, 3]) });
  assert.equal(r.docsSkipped, 1);
  assert.throws(() => heldOutPerplexity(phi, 2, 0.1, { tokens: Uint32Array.from([0, 5]), docOffsets: Uint32Array.from([0, 2]) }), /outside/);
});

test('left-to-right perplexity agrees with the exact marginal likelihood on a toy model', () => {
  const phi = [
    [0.6, 0.3, 0.05, 0.05],
    [0.05, 0.1, 0.25, 0.6],
  ];
  const alpha = [0.4, 0.3];
  const docs = [[0, 1, 3, 0, 2, 3], [3, 2, 3, 1]];
  // Exact: p(w) = Σ_z p(z | α) Π_n φ_{z_n w_n}, enumerating every assignment.
  let ll = 0;
  let n = 0;
  for (const doc of docs) {
    let p = 0;
    for (let code = 0; code < 2 ** doc.length; code++) {
      const counts = [0, 0];
      let w = 1;
      doc.forEach((word, i) => {
        const k = (code >> i) & 1;
        w *= ((alpha[k] as number) + (counts[k] as number)) / (0.7 + i) * ((phi[k] as number[])[word] as number);
        counts[k]++;
      });
      p += w;
    }
    ll += Math.log(p);
    n += doc.length;
  }
  const exact = Math.exp(-ll / n);
  const est = heldOutPerplexity(Float64Array.from(phi.flat()), 2, Float64Array.from(alpha),
    { tokens: Uint32Array.from(docs.flat()), docOffsets: Uint32Array.from([0, 6, 10]) }, { estimator: 'left-to-right', particles: 4000, seed: 3 });
  assert.equal(est.estimator, 'left-to-right');
  assert.equal(est.scoredTokens, 10);
  const rel = Math.abs(est.perplexity - exact) / exact;
  assert.ok(rel < 0.01, `estimate ${est.perplexity} vs exact ${exact} (relative error ${rel})`);
});
