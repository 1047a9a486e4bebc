/**
 * A trained LDA model: sparse word-topic counts (one slot per token at most), α, β, the
 * vocabulary, and the training documents' sparse topic counts. φ is derived on demand.
 * Saved as `<base>.json` ({format: 'pacsmine.lda', version: 1, ...}) + `<base>.bin`, atomically.
 */
import { Rng } from '../util/rng.js';
import { FormatError, OptionsError } from '../util/errors.js';
import { readBundle, writeBundle } from './io.js';
import { wordTopicCount, type WordTopicCounts } from './sampler.js';
import { FoldInScratch, foldInTheta, transposePhi } from './foldin.js';

export interface DocTopicCsr {
  offsets: Uint32Array;
  topics: Uint16Array;
  counts: Uint32Array;
}

export interface LdaModelData {
  vocab: string[];
  alpha: Float64Array;
  beta: number;
  counts: WordTopicCounts;
  docIds: string[];
  docTopics: DocTopicCsr;
  meta: Record<string, unknown>;
}

export interface InferOptions {
  iterations?: number;
  burnIn?: number;
  seed?: number;
}

export interface TopicWords {
  topic: number;
  words: string[];
  weights: number[];
  tokens: number;
}

export class LdaModel {
  readonly vocab: string[];
  readonly alpha: Float64Array;
  readonly beta: number;
  readonly counts: WordTopicCounts;
  readonly docIds: string[];
  readonly docTopics: DocTopicCsr;
  readonly meta: Record<string, unknown>;
  private phiCache: Float64Array | undefined;
  private phiTCache: Float64Array | undefined;

  constructor(d: LdaModelData) {
    this.vocab = d.vocab;
    this.alpha = d.alpha;
    this.beta = d.beta;
    this.counts = d.counts;
    this.docIds = d.docIds;
    this.docTopics = d.docTopics;
    this.meta = d.meta;
  }

  get K(): number { return this.counts.K; }
  get V(): number { return this.counts.V; }

  /** φ as a K×V row-major matrix: φ_kw = (n_kw + β)/(n_k + Vβ). */
  phi(): Float64Array {
    if (this.phiCache) return this.phiCache;
    const { K, V, wtOffsets, wtTopics, wtCounts, nk } = this.counts;
    const phi = new Float64Array(K * V);
    const b = this.beta;
    for (let k = 0; k < K; k++) {
      const denom = (nk[k] as number) + V * b;
      phi.fill(b / denom, k * V, (k + 1) * V);
    }
    for (let w = 0; w < V; w++) {
      for (let i = wtOffsets[w] as number, e = wtOffsets[w + 1] as number; i < e && (wtCounts[i] as number) > 0; i++) {
        const k = wtTopics[i] as number;
        phi[k * V + w] = ((wtCounts[i] as number) + b) / ((nk[k] as number) + V * b);
      }
    }
    this.phiCache = phi;
    return phi;
  }

  /**
   * The `n` most probable words of every topic. Within a topic φ grows with n_kw, so this ranks
   * the sparse counts (ties by word id) and never sorts a dense K×V matrix.
   */
  topWords(n = 10): TopicWords[] {
    const ids = this.topWordIds(n);
    const { V } = this;
    const b = this.beta;
    return ids.map((top, k) => {
      const denom = (this.counts.nk[k] as number) + V * b;
      return {
        topic: k,
        words: Array.from(top, (w) => this.vocab[w] as string),
        weights: Array.from(top, (w) => (wordTopicCount(this.counts, w, k) + b) / denom),
        tokens: this.counts.nk[k] as number,
      };
    });
  }

  /** Term ids of each topic's `n` most probable words. */
  topWordIds(n = 10): Uint32Array[] {
    const { K, V, wtOffsets, wtTopics, wtCounts } = this.counts;
    const perTopic: number[][] = Array.from({ length: K }, () => []);
    for (let w = 0; w < V; w++) {
      for (let i = wtOffsets[w] as number, e = wtOffsets[w + 1] as number; i < e && (wtCounts[i] as number) > 0; i++) {
        (perTopic[wtTopics[i] as number] as number[]).push(w, wtCounts[i] as number);
      }
    }
    return perTopic.map((flat) => {
      const pairs: [number, number][] = [];
      for (let j = 0; j < flat.length; j += 2) pairs.push([flat[j] as number, flat[j + 1] as number]);
      pairs.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
      const top = pairs.slice(0, n).map((p) => p[0]);
      // Fewer than n words with tokens: the rest share the smoothing weight; take them by id.
      const seen = new Set(top);
      for (let w = 0; top.length < Math.min(n, V) && w < V; w++) if (!seen.has(w)) top.push(w);
      return Uint32Array.from(top);
    });
  }

  /** θ of training document d: (n_dk + α_k)/(N_d + α₀). */
  trainingTheta(d: number, out = new Float64Array(this.K)): Float64Array {
    let a0 = 0;
    for (let k = 0; k < this.K; k++) a0 += this.alpha[k] as number;
    let n = 0;
    const { offsets, topics, counts } = this.docTopics;
    for (let j = offsets[d] as number; j < (offsets[d + 1] as number); j++) n += counts[j] as number;
    for (let k = 0; k < this.K; k++) out[k] = (this.alpha[k] as number) / (n + a0);
    for (let j = offsets[d] as number; j < (offsets[d + 1] as number); j++) {
      const k = topics[j] as number;
      out[k] = ((counts[j] as number) + (this.alpha[k] as number)) / (n + a0);
    }
    return out;
  }

  /** argmax θ and its value for every training document. */
  trainingLabels(): { topic: Int32Array; score: Float64Array } {
    const D = this.docTopics.offsets.length - 1;
    const topic = new Int32Array(D);
    const score = new Float64Array(D);
    const theta = new Float64Array(this.K);
    for (let d = 0; d < D; d++) {
      this.trainingTheta(d, theta);
      const a = argmax(theta);
      topic[d] = a;
      score[d] = theta[a] as number;
    }
    return { topic, score };
  }

  /** Fold-in θ for unseen documents (term ids in this model's vocabulary): D×K row-major. */
  infer(docs: readonly ArrayLike<number>[], o: InferOptions = {}): Float64Array {
    const out = new Float64Array(docs.length * this.K);
    this.forEachInferred(docs, o, (d, theta) => out.set(theta, d * this.K));
    return out;
  }

  /** argmax topic and its θ for unseen documents, without a D×K matrix. */
  inferLabels(docs: readonly ArrayLike<number>[], o: InferOptions = {}): { topic: Int32Array; score: Float64Array } {
    const topic = new Int32Array(docs.length);
    const score = new Float64Array(docs.length);
    this.forEachInferred(docs, o, (d, theta) => {
      const a = argmax(theta);
      topic[d] = a;
      score[d] = theta[a] as number;
    });
    return { topic, score };
  }

  private forEachInferred(docs: readonly ArrayLike<number>[], o: InferOptions, visit: (d: number, theta: Float64Array) => void): void {
    const phiT = this.phiT();
    const scratch = new FoldInScratch(this.K);
    const theta = new Float64Array(this.K);
    for (let d = 0; d < docs.length; d++) {
      const words = docs[d] as ArrayLike<number>;
      for (let i = 0; i < words.length; i++) {
        const w = words[i] as number;
        if (!(w >= 0 && w < this.V)) throw new OptionsError(`document ${d}: term id ${w} is outside the vocabulary (0..${this.V - 1})`);
      }
      // One stream per document: a document's θ does not depend on its neighbours.
      const rng = new Rng(((o.seed ?? 1) ^ Math.imul(d + 1, 0x2545f491)) >>> 0);
      foldInTheta(phiT, this.K, this.alpha, words, o.iterations ?? 50, o.burnIn ?? 10, rng, scratch, theta);
      visit(d, theta);
    }
  }

  phiT(): Float64Array {
    this.phiTCache ??= transposePhi(this.phi(), this.K, this.V);
    return this.phiTCache;
  }

  save(base: string): void {
    const c = this.counts;
    writeBundle(base, {
      format: 'pacsmine.lda', version: 1, numTopics: this.K, numTerms: this.V, beta: this.beta,
      vocab: this.vocab, docIds: this.docIds, meta: this.meta,
    }, {
      alpha: this.alpha, wtOffsets: c.wtOffsets, wtTopics: c.wtTopics, wtCounts: c.wtCounts, nk: c.nk,
      docOffsets: this.docTopics.offsets, docTopicIds: this.docTopics.topics, docTopicCounts: this.docTopics.counts,
    });
  }

  static load(base: string): LdaModel {
    const { manifest: m, arrays: a } = readBundle(base, 'pacsmine.lda', 1);
    const K = m['numTopics'] as number;
    const V = m['numTerms'] as number;
    const need = ['alpha', 'wtOffsets', 'wtTopics', 'wtCounts', 'nk', 'docOffsets', 'docTopicIds', 'docTopicCounts'];
    for (const n of need) if (!a[n]) throw new FormatError(`${base}.bin: array ${n} is missing`);
    if ((a['alpha'] as Float64Array).length !== K || (a['wtOffsets'] as Uint32Array).length !== V + 1) throw new FormatError(`${base}: array sizes do not match K=${K}, V=${V}`);
    return new LdaModel({
      vocab: m['vocab'] as string[],
      alpha: a['alpha'] as Float64Array,
      beta: m['beta'] as number,
      counts: { K, V, wtOffsets: a['wtOffsets'] as Uint32Array, wtTopics: a['wtTopics'] as Uint16Array, wtCounts: a['wtCounts'] as Uint32Array, nk: a['nk'] as Int32Array },
      docIds: m['docIds'] as string[],
      docTopics: { offsets: a['docOffsets'] as Uint32Array, topics: a['docTopicIds'] as Uint16Array, counts: a['docTopicCounts'] as Uint32Array },
      meta: m['meta'] as Record<string, unknown>,
    });
  }
}

export function argmax(a: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if ((a[i] as number) > (a[best] as number)) best = i;
  return best;
}
