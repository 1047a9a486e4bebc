/**
 * Topics for one set of documents, with a label for every document: train (fixed K or the
 * K chosen by a sweep) on the documents that survive the corpus rules, take argmax θ for
 * them, fold in the documents the rules dropped, and fall back to the prior for documents with
 * no known term at all. Every document gets a label and the method says how.
 */
import path from 'node:path';
import { buildCorpus, encodeText, type CorpusOptions } from './corpus.js';
import { sweepTopics, type SweepResult } from './select.js';
import { argmax, LdaModel, type LdaTrainReport } from './model.js';
import type { LdaOptions } from './options.js';
import type { RunControl } from '../util/progress.js';
import { OptionsError } from '../util/errors.js';
import { labelsDigest } from './digest.js';

export type LabelMethod = 'trained' | 'fold-in' | 'prior';

export interface DocLabel {
  topic: number;
  score: number;
  method: LabelMethod;
}

export interface LabelOptions extends Omit<LdaOptions, 'numTopics'>, RunControl {
  k?: number;
  sweep?: number[];
  tolerance?: number;
  corpus?: CorpusOptions;
  /** Lower a fixed K to the vocabulary size instead of failing (small second-level groups). */
  capK?: boolean;
  /**
   * Checkpoint every model trained here (the sweep's and the final one) into this folder, and
   * resume from the checkpoints found there (LdaTrainControl.checkpoint).
   */
  checkpointDir?: string;
  /** Sweeps between checkpoints. Default 50. */
  checkpointEvery?: number;
}

export interface LabelResult {
  model: LdaModel;
  sweep: SweepResult | undefined;
  labels: Map<string, DocLabel>;
  dropped: ReturnType<typeof buildCorpus>['dropped'];
  numTrainDocs: number;
  numTokens: number;
  /** The final model's training report. */
  report: LdaTrainReport;
  /** sha256 over the labels (in id order) and the model's arrays: the digest of a run that writes no rows. */
  digest(): string;
}

export async function labelDocuments(docs: readonly { id: string; text: string }[], o: LabelOptions): Promise<LabelResult> {
  const corpus = buildCorpus(docs, o.corpus);
  if (corpus.docIds.length === 0) throw new OptionsError(`no document survived the corpus rules (${docs.length} in, ${corpus.dropped.emptyDocs} empty, ${corpus.dropped.shortDocs} too short)`);
  let k = o.k;
  let sweep: SweepResult | undefined;
  if (o.sweep && o.sweep.length) {
    const ks = o.sweep.filter((x) => x <= corpus.vocab.length);
    if (ks.length === 0) throw new OptionsError(`every K in the sweep is larger than the vocabulary (${corpus.vocab.length} terms)`);
    sweep = await sweepTopics(corpus, ks, o);
    k = sweep.chosenK;
  }
  if (k === undefined) throw new OptionsError('give a number of topics (option `k`) or K values to sweep (option `sweep`)');
  if (o.capK) k = Math.min(k, corpus.vocab.length);
  const model = new LdaModel({ ...o, numTopics: k });
  const report = await model.train(corpus, {
    signal: o.signal, onProgress: o.onProgress,
    checkpoint: o.checkpointDir === undefined ? undefined : { file: path.join(o.checkpointDir, `final-k${k}.ckpt`), every: o.checkpointEvery },
  });
  const labels = new Map<string, DocLabel>();
  const trained = model.trainingLabels();
  corpus.docIds.forEach((id, d) => labels.set(id, { topic: trained.topic[d] as number, score: trained.score[d] as number, method: 'trained' }));
  const dropped = new Set(corpus.dropped.droppedDocIds);
  const vocabIndex = new Map(model.vocab.map((w, i) => [w, i]));
  const fold = docs.filter((d) => dropped.has(d.id));
  const encoded = fold.map((d) => encodeText(d.text, vocabIndex, corpus.options));
  const inferred = model.inferLabels(encoded, { seed: o.seed ?? 1 });
  const biggest = argmax(model.counts.nk);
  fold.forEach((d, i) => {
    if ((encoded[i] as Uint32Array).length === 0) labels.set(d.id, { topic: biggest, score: 0, method: 'prior' });
    else labels.set(d.id, { topic: inferred.topic[i] as number, score: inferred.score[i] as number, method: 'fold-in' });
  });
  return { model, sweep, labels, dropped: corpus.dropped, numTrainDocs: corpus.docIds.length, numTokens: corpus.tokens.length, report, digest: () => labelsDigest(labels, model) };
}
