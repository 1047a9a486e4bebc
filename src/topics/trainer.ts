/**
 * Drives SparseLDA over a corpus, in-process (numWorkers 1, bit-identical for a seed) or on
 * worker_threads with the corpus and assignments in SharedArrayBuffers. Iterations run in
 * chunks; between chunks the main thread may read the exact counts (for phi and held-out
 * perplexity) and re-estimate α.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { Rng } from '../util/rng.js';
import { OptionsError, WorkerError } from '../util/errors.js';
import type { Corpus } from './corpus.js';
import {
  MAX_TOPICS, addTokens, allocateCounts, createScratch, docTopicCounts, partitionDocs, randomAssignments, sweep,
  type SamplerScratch, type SamplerState, type WordTopicCounts,
} from './sampler.js';
import { workerSeed, type WorkerInit } from './sampler.worker.js';
import { optimizeAlpha } from './alpha.js';
import { LdaModel } from './model.js';

export interface TrainOptions {
  numTopics: number;
  /** Symmetric prior on θ, per topic. Default 5/K (MALLET's α₀ = 5). */
  alpha?: number;
  /** Symmetric prior on φ. Default 0.01. */
  beta?: number;
  seed?: number;
  /** worker_threads to sample on; 1 = in-process. 0 = all cores. Default 1. */
  numWorkers?: number;
  /** Re-estimate an asymmetric α (Minka fixed point) every `every` iterations after `burnIn`. */
  optimizeAlpha?: boolean | { burnIn?: number; every?: number };
}

export interface TrainRunOptions extends TrainOptions {
  iterations?: number;
  /** Called every `progressEvery` iterations (and at the end) with the trainer. */
  onProgress?: (t: LdaTrainer) => void | Promise<void>;
  progressEvery?: number;
}

/** Checks the options against the corpus; throws OptionsError with the reason. */
export function checkTrainOptions(corpus: Pick<Corpus, 'vocab' | 'tokens' | 'docOffsets'>, o: TrainOptions): void {
  const K = o.numTopics;
  if (!Number.isInteger(K) || K < 1) throw new OptionsError(`numTopics must be a positive integer, got ${K}`);
  if (K > MAX_TOPICS) throw new OptionsError(`numTopics ${K} is above the sampler's limit of ${MAX_TOPICS}`);
  if (corpus.docOffsets.length < 2 || corpus.tokens.length === 0) {
    throw new OptionsError('the corpus is empty (no document survived the preparation rules): nothing to train on');
  }
  if (K > corpus.vocab.length) {
    throw new OptionsError(`numTopics ${K} is larger than the vocabulary (${corpus.vocab.length} terms): use at most ${corpus.vocab.length} topics`);
  }
  if (o.alpha !== undefined && !(o.alpha > 0)) throw new OptionsError(`alpha must be > 0, got ${o.alpha}`);
  if (o.beta !== undefined && !(o.beta > 0)) throw new OptionsError(`beta must be > 0, got ${o.beta}`);
  if (o.numWorkers !== undefined && (!Number.isInteger(o.numWorkers) || o.numWorkers < 0)) throw new OptionsError(`numWorkers must be an integer >= 0, got ${o.numWorkers}`);
}

export class LdaTrainer {
  readonly corpus: Corpus;
  readonly K: number;
  readonly V: number;
  readonly beta: number;
  readonly seed: number;
  readonly numWorkers: number;
  readonly alpha: Float64Array;
  readonly z: Uint16Array;
  iteration = 0;
  /** Tokens that changed topic in the last chunk. */
  lastChanged = 0;
  private readonly optimize: { burnIn: number; every: number } | undefined;
  private readonly state: SamplerState;
  private readonly local: { counts: WordTopicCounts; scratch: SamplerScratch; rng: Rng } | undefined;
  private readonly workers: Worker[] = [];
  private readonly workerCounts: WordTopicCounts[] = [];
  private failure: Error | undefined;

  private constructor(corpus: Corpus, o: TrainOptions) {
    checkTrainOptions(corpus, o);
    this.corpus = corpus;
    this.K = o.numTopics;
    this.V = corpus.vocab.length;
    this.beta = o.beta ?? 0.01;
    this.seed = o.seed ?? 1;
    const cores = availableParallelism();
    const D = corpus.docOffsets.length - 1;
    this.numWorkers = Math.max(1, Math.min(o.numWorkers === 0 ? cores : (o.numWorkers ?? 1), D));
    this.optimize = o.optimizeAlpha ? { burnIn: 50, every: 10, ...(typeof o.optimizeAlpha === 'object' ? o.optimizeAlpha : {}) } : undefined;
    const shared = this.numWorkers > 1;
    const n = corpus.tokens.length;
    const sab = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
    this.alpha = new Float64Array(sab(this.K * 8)).fill(o.alpha ?? 5 / this.K);
    this.z = new Uint16Array(sab(n * 2));
    randomAssignments(this.z, this.K, new Rng(this.seed));
    let tokens = corpus.tokens;
    let docOffsets = corpus.docOffsets;
    if (shared) {
      tokens = new Uint32Array(new SharedArrayBuffer(n * 4));
      tokens.set(corpus.tokens);
      docOffsets = new Uint32Array(new SharedArrayBuffer(corpus.docOffsets.byteLength));
      docOffsets.set(corpus.docOffsets);
    }
    this.state = { K: this.K, V: this.V, tokens, docOffsets, z: this.z, alpha: this.alpha, beta: this.beta };
    if (!shared) {
      const counts = allocateCounts(tokens, this.V, this.K);
      addTokens(counts, tokens, this.z);
      this.local = { counts, scratch: createScratch(this.K), rng: new Rng(workerSeed(this.seed, 0)) };
    }
  }

  /** Creates a trainer with random initial assignments (and starts its workers). */
  static async create(corpus: Corpus, o: TrainOptions): Promise<LdaTrainer> {
    const t = new LdaTrainer(corpus, o);
    if (t.numWorkers > 1) await t.startWorkers();
    return t;
  }

  private async startWorkers(): Promise<void> {
    const n = this.numWorkers;
    const bounds = partitionDocs(this.state.docOffsets, n);
    const zPrev = new Uint16Array(new SharedArrayBuffer(this.z.byteLength));
    zPrev.set(this.z);
    const control = new Int32Array(new SharedArrayBuffer(8));
    const ready: Promise<void>[] = [];
    for (let i = 0; i < n; i++) {
      const counts = allocateCounts(this.state.tokens, this.V, this.K, true);
      this.workerCounts.push(counts);
      const init: WorkerInit = {
        index: i, numWorkers: n, seed: this.seed, K: this.K, V: this.V, beta: this.beta,
        tokens: this.state.tokens, docOffsets: this.state.docOffsets, z: this.z, zPrev, alpha: this.alpha, bounds, control,
        wtOffsets: counts.wtOffsets, wtTopics: counts.wtTopics, wtCounts: counts.wtCounts, nk: counts.nk,
      };
      const w = new Worker(new URL('./sampler.worker.js', import.meta.url), { workerData: init });
      w.on('error', (e) => { this.failure = new WorkerError(`LDA sampling worker ${i} failed: ${e.message}`, { cause: e }); });
      this.workers.push(w);
      ready.push(this.nextMessage(w, i).then(() => undefined));
    }
    await Promise.all(ready);
  }

  private nextMessage(w: Worker, i: number): Promise<{ type: string; changed?: number }> {
    return new Promise((resolve, reject) => {
      const onMsg = (m: { type: string; changed?: number; message?: string }) => {
        cleanup();
        if (m.type === 'error') reject(new WorkerError(`LDA sampling worker ${i} failed: ${m.message}`));
        else resolve(m);
      };
      const onErr = (e: Error) => { cleanup(); reject(new WorkerError(`LDA sampling worker ${i} failed: ${e.message}`, { cause: e })); };
      const onExit = (code: number) => { cleanup(); reject(new WorkerError(`LDA sampling worker ${i} exited (code ${code})`)); };
      const cleanup = () => { w.off('message', onMsg); w.off('error', onErr); w.off('exit', onExit); };
      w.on('message', onMsg);
      w.on('error', onErr);
      w.on('exit', onExit);
    });
  }

  /** Runs `iterations` Gibbs sweeps (α re-estimated on schedule when enabled). */
  async run(iterations: number): Promise<void> {
    let left = iterations;
    while (left > 0) {
      let step = left;
      if (this.optimize) {
        const { burnIn, every } = this.optimize;
        const next = this.iteration < burnIn ? burnIn : this.iteration + every - ((this.iteration - burnIn) % every);
        step = Math.min(left, Math.max(1, next - this.iteration));
      }
      await this.sweeps(step);
      left -= step;
      if (this.optimize && this.iteration >= this.optimize.burnIn && (this.iteration - this.optimize.burnIn) % this.optimize.every === 0) {
        optimizeAlpha(this.alpha, docTopicCounts(this.state.docOffsets, this.z, this.K), 5);
      }
    }
  }

  private async sweeps(n: number): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.local) {
      let changed = 0;
      const D = this.state.docOffsets.length - 1;
      for (let i = 0; i < n; i++) changed += sweep(this.state, this.local.counts, this.local.scratch, this.local.rng, 0, D);
      this.lastChanged = changed;
    } else {
      const replies = this.workers.map((w, i) => this.nextMessage(w, i));
      for (const w of this.workers) w.postMessage({ type: 'run', iterations: n });
      try {
        const r = await Promise.all(replies);
        this.lastChanged = r.reduce((s, m) => s + (m.changed ?? 0), 0);
      } catch (e) {
        await this.close();
        throw e;
      }
    }
    this.iteration += n;
  }

  /** The exact current counts (a worker's copy: all copies agree between chunks). */
  counts(): WordTopicCounts {
    return this.local ? this.local.counts : (this.workerCounts[0] as WordTopicCounts);
  }

  /** A model snapshot of the current state (arrays copied). */
  model(): LdaModel {
    const c = this.counts();
    return new LdaModel({
      vocab: this.corpus.vocab,
      alpha: Float64Array.from(this.alpha),
      beta: this.beta,
      counts: { K: this.K, V: this.V, wtOffsets: c.wtOffsets.slice(), wtTopics: c.wtTopics.slice(), wtCounts: c.wtCounts.slice(), nk: c.nk.slice() },
      docIds: this.corpus.docIds,
      docTopics: docTopicCounts(this.state.docOffsets, this.z, this.K),
      meta: { iterations: this.iteration, seed: this.seed, numWorkers: this.numWorkers, numTokens: this.corpus.tokens.length, corpusOptions: this.corpus.options },
    });
  }

  /** Stops the workers (no-op in-process). */
  async close(): Promise<void> {
    const ws = this.workers.splice(0);
    await Promise.all(ws.map((w) => w.terminate()));
  }
}

/** Trains a model: create, run, snapshot, close. */
export async function trainLda(corpus: Corpus, o: TrainRunOptions): Promise<LdaModel> {
  const t = await LdaTrainer.create(corpus, o);
  try {
    const total = o.iterations ?? 200;
    const every = o.progressEvery ?? total;
    while (t.iteration < total) {
      await t.run(Math.min(every, total - t.iteration));
      if (o.onProgress) await o.onProgress(t);
    }
    return t.model();
  } finally {
    await t.close();
  }
}
