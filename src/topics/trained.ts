/** What a trained LDA model is made of: the arrays `LdaModel` derives everything from, and saves. */
import type { WordTopicCounts } from './sampler.js';

/** Sparse doc-topic counts (CSR) of the training documents. */
export interface DocTopicCsr {
  /** [numDocs + 1] document d's entries are [offsets[d], offsets[d+1]). */
  offsets: Uint32Array;
  /** [nnz] topic of each entry, ascending within a document. */
  topics: Uint16Array;
  /** [nnz] tokens of the document in that topic (> 0). */
  counts: Uint32Array;
}

export interface TrainedLda {
  /** [V] term of each id. */
  vocab: string[];
  /** [K] the prior on θ. */
  alpha: Float64Array;
  beta: number;
  /** Sparse word-topic counts and topic totals (layout in sampler.ts). */
  counts: WordTopicCounts;
  /** [numDocs] ids of the training documents. */
  docIds: string[];
  docTopics: DocTopicCsr;
  /** Facts about the training run (no timings: the same run gives the same file). */
  meta: { iterations: number; seed: number; streams: number; numTokens: number; corpusOptions: unknown };
}
