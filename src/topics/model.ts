/**
 * An LDA topic model, in the shape every pacsmine model family shares (docs/architecture.md):
 *
 *   const model = new LdaModel({ numTopics: 20, seed: 1 });     // validates options, trains nothing
 *   const report = await model.train(corpus, { signal, onProgress, checkpoint });
 *   model.topWords(10); model.infer(docs);                      // fold-in of unseen documents
 *   model.save(dir); const back = LdaModel.load(dir);           // one artifact file
 *   model.dispose();
 *
 * A trained model holds sparse word-topic counts (one slot per token at most), α, β, the
 * vocabulary and the training documents' sparse topic counts; φ is derived on demand. A second
 * `train(corpus)` on the same corpus continues where the first stopped (gensim's `update`).
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Rng } from '../util/rng.js';
import { FormatError, OptionsError } from '../util/errors.js';
import { throwIfCancelled, type RunControl } from '../util/progress.js';
import { resolveWorkers } from '../util/workers.js';
import { MAX_TOPICS, wordTopicCount } from './sampler.js';
import { FoldInScratch, foldInTheta, transposePhi } from './foldin.js';
import { checkCorpusFits, resolveLdaOptions, type LdaOptions, type ResolvedLdaOptions } from './options.js';
import { LdaTrainer, type SamplerSnapshot } from './trainer.js';
import { corpusDigest, readCheckpoint, runKey, writeCheckpoint, type RunKey } from './checkpoint.js';
import { readModelFile, writeModelFile } from './model-file.js';
import type { Corpus } from './corpus.js';
import type { DocTopicCsr, TrainedLda } from './trained.js';

/** The file `save(dir)` writes and `load(dir)` reads. */
export const LDA_MODEL_FILE = 'lda-model.bin';

export interface LdaTrainControl extends RunControl {
  /** Sweeps for this call (default: the model's `iterations`). */
  iterations?: number;
  /**
   * Write a checkpoint to `file` every `every` sweeps (default 50) and when training ends, and
   * resume from `file` when it holds a checkpoint of this same run (same options, corpus, worker
   * count and length), e.g. after the process was killed. The result is the same model as an
   * uninterrupted run.
   */
  checkpoint?: { file: string; every?: number };
}

export interface LdaTrainReport {
  /** Sweeps this call ran (fewer than asked when it resumed from a checkpoint). */
  sweeps: number;
  /** Sweeps the model has had in all. */
  iteration: number;
  /** The sweep a checkpoint let this call start from, if it resumed from one. */
  resumedFrom: number | undefined;
  /** Worker threads used (0: the calling thread). */
  workers: number;
  seconds: number;
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

/** How a model can continue training in this process: the sampler state its last call ended in. */
interface Continuation {
  corpus: string;
  streams: number;
  snapshot: SamplerSnapshot;
}

export class LdaModel {
  /** The most topics a model can have (topic ids are 16-bit in the sampler's counts). */
  static readonly MAX_TOPICS = MAX_TOPICS;
  readonly options: Readonly<ResolvedLdaOptions>;
  #trained: TrainedLda | undefined;
  #continuation: Continuation | undefined;
  #phi: Float64Array | undefined;
  #phiT: Float64Array | undefined;
  #disposed = false;

  /** Checks the options (OptionsError naming the bad one); trains nothing. */
  constructor(options: LdaOptions) {
    this.options = Object.freeze(resolveLdaOptions(options));
  }

  /** The same as `new LdaModel(options)`. */
  static create(options: LdaOptions): LdaModel {
    return new LdaModel(options);
  }

  /** INTERNAL (trainer, benchmarks): a model over already-trained data. */
  static fromTrained(options: LdaOptions | ResolvedLdaOptions, trained: TrainedLda): LdaModel {
    const m = new LdaModel(options as LdaOptions);
    if (trained.counts.K !== m.options.numTopics) throw new OptionsError(`fromTrained: the counts have ${trained.counts.K} topics, the options ${m.options.numTopics}`);
    m.#trained = trained;
    return m;
  }

  /** Reads a model saved by `save(dir)`, checking every array's length and every index in it (FormatError). */
  static load(dir: string): LdaModel {
    const file = path.join(dir, LDA_MODEL_FILE);
    if (!existsSync(file)) throw new FormatError(`no LDA model in ${dir}: ${LDA_MODEL_FILE} is missing (save one with model.save(dir))`);
    const { options, trained } = readModelFile(file);
    return LdaModel.fromTrained(options, trained);
  }

  get isTrained(): boolean {
    return this.#trained !== undefined;
  }

  #data(): TrainedLda {
    if (this.#disposed) throw new OptionsError('this LdaModel was disposed');
    if (!this.#trained) throw new OptionsError('this LdaModel is not trained yet: call train(corpus) or LdaModel.load(dir) first');
    return this.#trained;
  }

  get K(): number { return this.options.numTopics; }
  get V(): number { return this.#data().counts.V; }
  get vocab(): string[] { return this.#data().vocab; }
  get alpha(): Float64Array { return this.#data().alpha; }
  get beta(): number { return this.#data().beta; }
  get counts(): TrainedLda['counts'] { return this.#data().counts; }
  get docIds(): string[] { return this.#data().docIds; }
  get docTopics(): DocTopicCsr { return this.#data().docTopics; }
  get meta(): TrainedLda['meta'] { return this.#data().meta; }

  /**
   * Trains on `corpus` for `iterations` sweeps: from random assignments the first time, from
   * where the last call stopped after that (same corpus only), or from `checkpoint.file` when
   * it holds a checkpoint of this run. Cancellable with `signal` (CancelledError); reports
   * `{ stage: 'lda', done, total, unit: 'sweeps' }` to `onProgress`.
   */
  async train(corpus: Corpus, control: LdaTrainControl = {}): Promise<LdaTrainReport> {
    if (this.#disposed) throw new OptionsError('this LdaModel was disposed');
    const started = performance.now();
    const o = this.options;
    const iterations = control.iterations ?? o.iterations;
    if (!Number.isInteger(iterations) || iterations < 0) throw new OptionsError(`iterations must be an integer >= 0, got ${iterations}`);
    const every = control.checkpoint?.every ?? 50;
    if (!Number.isInteger(every) || every < 1) throw new OptionsError(`checkpoint.every must be an integer >= 1, got ${every}`);
    checkCorpusFits(corpus, o.numTopics);
    throwIfCancelled(control.signal, 'lda');
    const streams = Math.max(1, resolveWorkers(o.workers, { items: corpus.docOffsets.length - 1 }));
    const digest = corpusDigest(corpus);

    let start: SamplerSnapshot | undefined;
    let resumedFrom: number | undefined;
    const c = this.#continuation;
    if (c) {
      if (c.corpus !== digest) throw new OptionsError('this LdaModel was trained on another corpus: make a new LdaModel to train on this one');
      if (c.streams !== streams) throw new OptionsError(`this LdaModel was trained with ${c.streams} sampling streams; continue with the same workers count`);
      start = c.snapshot;
    } else if (this.#trained) {
      throw new OptionsError('a loaded LdaModel cannot continue training (its token assignments are not saved): train a new LdaModel');
    }
    const base = start?.iteration ?? 0;
    const target = base + iterations;
    const key: RunKey = runKey(o, streams, digest, target);
    if (!start && control.checkpoint) {
      start = readCheckpoint(control.checkpoint.file, key, corpus.tokens.length);
      resumedFrom = start?.iteration;
    }

    const trainer = await LdaTrainer.create(corpus, o, { signal: control.signal, resume: start });
    const first = trainer.iteration;
    try {
      // Chunks end at checkpoints and often enough for a progress bar; where they end never changes the result.
      const chunk = Math.max(1, Math.ceil(iterations / 100));
      const report = (): void => control.onProgress?.({ stage: 'lda', done: trainer.iteration - base, total: iterations, unit: 'sweeps', detail: `K=${o.numTopics}` });
      report();
      while (trainer.iteration < target) {
        const it = trainer.iteration;
        const nextCheckpoint = control.checkpoint ? (Math.floor(it / every) + 1) * every : Infinity;
        await trainer.run(Math.min(target, it + chunk, nextCheckpoint) - it);
        throwIfCancelled(control.signal, 'lda');
        if (control.checkpoint && trainer.iteration % every === 0 && trainer.iteration < target) writeCheckpoint(control.checkpoint.file, key, trainer.snapshot());
        report();
      }
      const snapshot = trainer.snapshot();
      // The last one too: a stage that trains several models skips the finished ones when it resumes.
      if (control.checkpoint && resumedFrom !== target) writeCheckpoint(control.checkpoint.file, key, snapshot);
      this.#trained = trainer.trained();
      this.#continuation = { corpus: digest, streams, snapshot };
      this.#phi = undefined;
      this.#phiT = undefined;
      return { sweeps: target - first, iteration: target, resumedFrom, workers: trainer.workers, seconds: (performance.now() - started) / 1000 };
    } finally {
      await trainer.close();
    }
  }

  /** Writes the model to `dir` (created when missing) as one artifact file, atomically. */
  save(dir: string): void {
    const data = this.#data();
    mkdirSync(dir, { recursive: true });
    writeModelFile(path.join(dir, LDA_MODEL_FILE), this.options, data);
  }

  /** Frees the model's arrays; any later use is an OptionsError. */
  dispose(): void {
    this.#disposed = true;
    this.#trained = undefined;
    this.#continuation = undefined;
    this.#phi = undefined;
    this.#phiT = undefined;
  }

  /** φ as a K×V row-major matrix: φ_kw = (n_kw + β)/(n_k + Vβ). */
  phi(): Float64Array {
    if (this.#phi) return this.#phi;
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
    this.#phi = phi;
    return phi;
  }

  /** φ transposed to word-major order (V×K), as fold-in reads it. */
  phiT(): Float64Array {
    this.#phiT ??= transposePhi(this.phi(), this.K, this.V);
    return this.#phiT;
  }

  /**
   * The `n` most probable words of every topic. Within a topic φ grows with n_kw, so this ranks
   * the sparse counts (ties by word id) and never sorts a dense K×V matrix.
   */
  topWords(n = 10): TopicWords[] {
    const ids = this.topWordIds(n);
    const { V } = this;
    const b = this.beta;
    const counts = this.counts;
    return ids.map((top, k) => {
      const denom = (counts.nk[k] as number) + V * b;
      return {
        topic: k,
        words: Array.from(top, (w) => this.vocab[w] as string),
        weights: Array.from(top, (w) => (wordTopicCount(counts, w, k) + b) / denom),
        tokens: counts.nk[k] as number,
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
    const alpha = this.alpha;
    let a0 = 0;
    for (let k = 0; k < this.K; k++) a0 += alpha[k] as number;
    let n = 0;
    const { offsets, topics, counts } = this.docTopics;
    for (let j = offsets[d] as number; j < (offsets[d + 1] as number); j++) n += counts[j] as number;
    for (let k = 0; k < this.K; k++) out[k] = (alpha[k] as number) / (n + a0);
    for (let j = offsets[d] as number; j < (offsets[d + 1] as number); j++) {
      const k = topics[j] as number;
      out[k] = ((counts[j] as number) + (alpha[k] as number)) / (n + a0);
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

  /** Fold-in θ for unseen documents (term ids in this model's vocabulary): D×K row-major. Does not change the model. */
  infer(docs: readonly ArrayLike<number>[], o: InferOptions = {}): Float64Array {
    const out = new Float64Array(docs.length * this.K);
    this.#forEachInferred(docs, o, (d, theta) => out.set(theta, d * this.K));
    return out;
  }

  /** argmax topic and its θ for unseen documents, without a D×K matrix. */
  inferLabels(docs: readonly ArrayLike<number>[], o: InferOptions = {}): { topic: Int32Array; score: Float64Array } {
    const topic = new Int32Array(docs.length);
    const score = new Float64Array(docs.length);
    this.#forEachInferred(docs, o, (d, theta) => {
      const a = argmax(theta);
      topic[d] = a;
      score[d] = theta[a] as number;
    });
    return { topic, score };
  }

  #forEachInferred(docs: readonly ArrayLike<number>[], o: InferOptions, visit: (d: number, theta: Float64Array) => void): void {
    const phiT = this.phiT();
    const alpha = this.alpha;
    const V = this.V;
    const scratch = new FoldInScratch(this.K);
    const theta = new Float64Array(this.K);
    for (let d = 0; d < docs.length; d++) {
      const words = docs[d] as ArrayLike<number>;
      for (let i = 0; i < words.length; i++) {
        const w = words[i] as number;
        if (!(Number.isInteger(w) && w >= 0 && w < V)) throw new OptionsError(`document ${d}: term id ${w} is outside the vocabulary (0..${V - 1})`);
      }
      // One stream per document: a document's θ does not depend on its neighbours.
      const rng = new Rng(((o.seed ?? 1) ^ Math.imul(d + 1, 0x2545f491)) >>> 0);
      foldInTheta(phiT, this.K, alpha, words, o.iterations ?? 50, o.burnIn ?? 10, rng, scratch, theta);
      visit(d, theta);
    }
  }
}

export function argmax(a: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if ((a[i] as number) > (a[best] as number)) best = i;
  return best;
}
