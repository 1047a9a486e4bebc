/**
 * A 2-D PCA projection of chosen words (the paper's Figure 6): centre their vectors, find
 * the two leading principal directions by power iteration with deflation (seeded start),
 * and project.
 */
import { OptionsError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import type { WordVectors } from './vectors.js';

export interface ProjectedWord {
  word: string;
  x: number;
  y: number;
}

export function projectWords2d(vectors: WordVectors, words: readonly string[], seed = 1): ProjectedWord[] {
  if (words.length < 2) throw new OptionsError('a 2-D projection needs at least 2 words');
  const D = vectors.vectorSize, n = words.length;
  const X = new Float64Array(n * D);
  words.forEach((w, i) => X.set(vectors.vector(w), i * D));
  for (let d = 0; d < D; d++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += X[i * D + d] as number;
    mean /= n;
    for (let i = 0; i < n; i++) X[i * D + d] = (X[i * D + d] as number) - mean;
  }
  const rng = new Rng(seed);
  const components: Float64Array[] = [];
  for (let k = 0; k < 2; k++) {
    let v = new Float64Array(D).map(() => rng.next() - 0.5);
    for (let it = 0; it < 200; it++) {
      // v <- Xᵀ X v, minus the components already found.
      const xv = new Float64Array(n);
      for (let i = 0; i < n; i++) for (let d = 0; d < D; d++) xv[i] = (xv[i] as number) + (X[i * D + d] as number) * (v[d] as number);
      const next = new Float64Array(D);
      for (let i = 0; i < n; i++) for (let d = 0; d < D; d++) next[d] = (next[d] as number) + (X[i * D + d] as number) * (xv[i] as number);
      for (const c of components) {
        let p = 0;
        for (let d = 0; d < D; d++) p += (next[d] as number) * (c[d] as number);
        for (let d = 0; d < D; d++) next[d] = (next[d] as number) - p * (c[d] as number);
      }
      let norm = 0;
      for (let d = 0; d < D; d++) norm += (next[d] as number) ** 2;
      norm = Math.sqrt(norm);
      if (norm === 0) break;
      for (let d = 0; d < D; d++) next[d] = (next[d] as number) / norm;
      v = next;
    }
    components.push(v);
  }
  return words.map((word, i) => {
    const proj = components.map((c) => {
      let s = 0;
      for (let d = 0; d < D; d++) s += (X[i * D + d] as number) * (c[d] as number);
      return s;
    });
    return { word, x: proj[0] as number, y: proj[1] as number };
  });
}
