/**
 * Model selection over the number of topics. Each K is trained on the same 80% of documents
 * and scored on the same held-out 20% (document-completion perplexity) plus NPMI/UMass
 * coherence of its top 10 words on the training documents.
 *
 * Rule (stated, and the default): pick the smallest K whose held-out perplexity is within
 * `tolerance` (default 2%) of the lowest perplexity in the sweep. The paper's curves keep
 * falling; it chose the K "where the rate of decrease becomes very small", which this makes
 * precise: every larger K buys less than `tolerance` of perplexity.
 */
import { writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { Rng } from '../util/rng.js';
import type { RunControl } from '../util/progress.js';
import { OptionsError } from '../util/errors.js';
import { type Corpus, subsetCorpus } from './corpus.js';
import type { LdaOptions } from './options.js';
import { heldOutPerplexity, type PerplexityOptions } from './perplexity.js';
import { topicCoherence } from './coherence.js';
import { LdaModel } from './model.js';

export interface SweepPoint {
  k: number;
  perplexity: number;
  npmi: number;
  umass: number;
  seconds: number;
}

export interface SweepResult {
  format: 'pacsmine.topic-sweep';
  rule: { kind: 'within-min'; tolerance: number };
  chosenK: number;
  points: SweepPoint[];
  trainDocs: number;
  testDocs: number;
  estimator: 'document-completion';
}

export interface SweepOptions extends Omit<LdaOptions, 'numTopics'>, RunControl {
  testFraction?: number;
  tolerance?: number;
  perplexity?: PerplexityOptions;
  /** Called after each K with its point and model (for top words). */
  onPoint?: (p: SweepPoint, model: LdaModel) => void;
  /** Checkpoint each K's training into this folder (`sweep-k<K>.ckpt`) and resume from what is there. */
  checkpointDir?: string;
  /** Sweeps between checkpoints. Default 50. */
  checkpointEvery?: number;
}

/** A seeded document split: `testFraction` of documents held out (at least one each side). */
export function splitDocuments(numDocs: number, testFraction = 0.2, seed = 1): { train: Uint32Array; test: Uint32Array } {
  if (numDocs < 2) throw new OptionsError(`a train/test split needs at least 2 documents, got ${numDocs}`);
  const order = new Rng(seed).shuffle(Array.from({ length: numDocs }, (_, i) => i));
  const nTest = Math.min(numDocs - 1, Math.max(1, Math.round(numDocs * testFraction)));
  return { test: Uint32Array.from(order.slice(0, nTest)).sort(), train: Uint32Array.from(order.slice(nTest)).sort() };
}

/** The stated rule: smallest K with perplexity <= (1 + tolerance) × the minimum. */
export function chooseK(points: readonly { k: number; perplexity: number }[], tolerance = 0.02): number {
  if (points.length === 0) throw new OptionsError('no sweep points to choose from');
  const best = Math.min(...points.map((p) => p.perplexity));
  const ok = points.filter((p) => p.perplexity <= best * (1 + tolerance)).map((p) => p.k);
  return Math.min(...ok);
}

/** Held-out perplexity and coherence of a model. */
export function evaluateModel(model: LdaModel, reference: Corpus, heldOut: Corpus, o: PerplexityOptions = {}): { perplexity: number; npmi: number; umass: number } {
  const phi = model.phi();
  const ppl = heldOutPerplexity(phi, model.K, model.alpha, heldOut, o);
  const coh = topicCoherence(model.topWordIds(10), reference);
  return { perplexity: ppl.perplexity, npmi: coh.npmi, umass: coh.umass };
}

export async function sweepTopics(corpus: Corpus, ks: readonly number[], o: SweepOptions = {}): Promise<SweepResult> {
  if (ks.length === 0) throw new OptionsError('option `sweep` needs at least one K');
  const { train, test } = splitDocuments(corpus.docIds.length, o.testFraction ?? 0.2, o.seed ?? 1);
  const trainC = subsetCorpus(corpus, train);
  const testC = subsetCorpus(corpus, test);
  const points: SweepPoint[] = [];
  for (const k of [...ks].sort((a, b) => a - b)) {
    const t0 = performance.now();
    const model = new LdaModel({ ...o, numTopics: k });
    await model.train(trainC, {
      signal: o.signal, onProgress: o.onProgress,
      checkpoint: o.checkpointDir === undefined ? undefined : { file: path.join(o.checkpointDir, `sweep-k${k}.ckpt`), every: o.checkpointEvery },
    });
    const seconds = (performance.now() - t0) / 1000;
    const ev = evaluateModel(model, trainC, testC, { seed: o.seed ?? 1, ...o.perplexity });
    const p = { k, ...ev, seconds };
    points.push(p);
    o.onPoint?.(p, model);
  }
  const tolerance = o.tolerance ?? 0.02;
  return {
    format: 'pacsmine.topic-sweep', rule: { kind: 'within-min', tolerance }, chosenK: chooseK(points, tolerance), points,
    trainDocs: train.length, testDocs: test.length, estimator: 'document-completion',
  };
}

/** Writes the curve data (Figure 2) as JSON, atomically. */
export function saveSweep(result: SweepResult, file: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(result, null, 1)}\n`);
  renameSync(tmp, file);
}
