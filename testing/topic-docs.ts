/**
 * Test and benchmark support; the library never imports it. A tiny generator of documents from
 * known topics, for ground-truth tests before (and besides) the synthetic archive: `numTopics`
 * topics over distinct vocabularies plus a few shared words; each document has a true category
 * whose topic dominates its mixture.
 */
import { Rng } from '../src/util/rng.js';

export interface GeneratedCorpus {
  docs: { id: string; tokens: string[] }[];
  /** True category of each document. */
  category: Int32Array;
}

export function generateTopicDocs(o: {
  numTopics?: number; numDocs?: number; wordsPerTopic?: number; sharedWords?: number; docLength?: [number, number]; purity?: number; seed?: number;
} = {}): GeneratedCorpus {
  const K = o.numTopics ?? 5;
  const D = o.numDocs ?? 200;
  const W = o.wordsPerTopic ?? 15;
  const S = o.sharedWords ?? 4;
  const [lo, hi] = o.docLength ?? [30, 50];
  const purity = o.purity ?? 0.8;
  const rng = new Rng(o.seed ?? 7);
  const docs: { id: string; tokens: string[] }[] = [];
  const category = new Int32Array(D);
  for (let d = 0; d < D; d++) {
    const c = d % K;
    category[d] = c;
    const n = rng.range(lo, hi);
    const tokens: string[] = [];
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      if (u < 0.1 && S > 0) tokens.push(`shared${rng.int(S)}`);
      else {
        const k = rng.chance(purity) ? c : rng.int(K);
        // Zipf-like within a topic: low word indices are more frequent.
        const j = Math.min(W - 1, Math.floor(W * rng.next() * rng.next()));
        tokens.push(`top${k}word${j}`);
      }
    }
    docs.push({ id: `doc${d}`, tokens });
  }
  return { docs, category };
}
