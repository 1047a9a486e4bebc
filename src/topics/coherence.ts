/**
 * Topic coherence over each topic's top words, from document co-occurrence in a reference
 * corpus: UMass (Mimno et al. 2011), Σ_{i>j} log((D(w_i, w_j) + 1) / D(w_j)) averaged over the
 * pairs, with w_j ranked above w_i; and NPMI (Bouma 2009; Lau et al. 2014),
 * log(P(w_i,w_j)/(P(w_i)P(w_j))) / −log P(w_i,w_j), −1 when the pair never co-occurs.
 * Postings lists (sorted doc ids per needed term) keep memory proportional to tokens.
 */
import type { HeldOutDocs } from './perplexity.js';

export interface CoherenceResult {
  /** Mean over topics. */
  npmi: number;
  umass: number;
  perTopic: { npmi: number; umass: number }[];
}

export function topicCoherence(topWordIds: readonly ArrayLike<number>[], reference: HeldOutDocs): CoherenceResult {
  const needed = new Map<number, number[]>();
  for (const top of topWordIds) for (let i = 0; i < top.length; i++) needed.set(top[i] as number, []);
  const D = reference.docOffsets.length - 1;
  for (let d = 0; d < D; d++) {
    for (let i = reference.docOffsets[d] as number; i < (reference.docOffsets[d + 1] as number); i++) {
      const list = needed.get(reference.tokens[i] as number);
      if (list && list[list.length - 1] !== d) list.push(d);
    }
  }
  const perTopic: { npmi: number; umass: number }[] = [];
  for (const top of topWordIds) {
    let npmi = 0;
    let umass = 0;
    let pairs = 0;
    for (let i = 1; i < top.length; i++) {
      for (let j = 0; j < i; j++) {
        const a = needed.get(top[i] as number) as number[];
        const b = needed.get(top[j] as number) as number[];
        const both = intersectCount(a, b);
        umass += Math.log((both + 1) / Math.max(1, b.length));
        if (both === 0) npmi += -1;
        else {
          const pij = both / D;
          const pmi = Math.log(pij / ((a.length / D) * (b.length / D)));
          npmi += pij === 1 ? 1 : pmi / -Math.log(pij);
        }
        pairs++;
      }
    }
    perTopic.push({ npmi: pairs ? npmi / pairs : 0, umass: pairs ? umass / pairs : 0 });
  }
  const mean = (f: (t: { npmi: number; umass: number }) => number) => (perTopic.length ? perTopic.reduce((s, t) => s + f(t), 0) / perTopic.length : 0);
  return { npmi: mean((t) => t.npmi), umass: mean((t) => t.umass), perTopic };
}

function intersectCount(a: number[], b: number[]): number {
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x === y) { n++; i++; j++; } else if (x < y) i++; else j++;
  }
  return n;
}

/** Ids of the `n` largest entries of each row of a K×V matrix. */
export function topWordIds(phi: Float64Array, K: number, n = 10): Uint32Array[] {
  const V = phi.length / K;
  const out: Uint32Array[] = [];
  for (let k = 0; k < K; k++) {
    const row = phi.subarray(k * V, (k + 1) * V);
    const ids = Array.from({ length: V }, (_, w) => w).sort((a, b) => (row[b] as number) - (row[a] as number) || a - b).slice(0, n);
    out.push(Uint32Array.from(ids));
  }
  return out;
}
