/**
 * The engine under `LdaModel.train`: SparseLDA over a corpus, on sampling streams run by the
 * one worker harness (util/workers.ts). `workers: 0` runs the single stream in the calling
 * thread; N ≥ 1 starts a WorkerGroup of N threads over SharedArrayBuffers. Sweeps run in
 * chunks; between chunks every stream is idle, so the main thread may read the exact counts
 * (for φ, perplexity, a checkpoint) and re-estimate α.
 *
 * The state that determines the rest of a run is small: the iteration, the assignments z, α
 * and each stream's generator state (`SamplerSnapshot`). Counts are rebuilt from z in a
 * canonical order, so a run resumed from a snapshot continues bit for bit as if it had never
 * stopped (for the same number of streams).
 */
import { Rng } from '../util/rng.js';
import { OptionsError } from '../util/errors.js';
import { throwIfCancelled } from '../util/progress.js';
import { WorkerGroup, createBarrier, resolveWorkers, shared, sharedCopy } from '../util/workers.js';
import type { WorkerContext, WorkerHandler } from '../util/serve-worker.js';
import type { Corpus } from './corpus.js';
import { clearEmptySlots, docTopicCounts, partitionDocs, randomAssignments, wordTopicOffsets, type WordTopicCounts } from './sampler.js';
import { setupSampler, streamSeed, type SamplerData, type SamplerReply, type SamplerRequest } from './sampler-service.js';
import { optimizeAlpha } from './alpha.js';
import { checkCorpusFits, resolveLdaOptions, type LdaOptions, type ResolvedLdaOptions } from './options.js';
import type { DocTopicCsr, TrainedLda } from './trained.js';

/** Where a run stands: enough to continue it exactly. */
export interface SamplerSnapshot {
  /** Sweeps done. */
  iteration: number;
  /** [numTokens] topic of every token. */
  z: Uint16Array;
  /** [K] the prior on θ (re-estimated when optimizeAlpha is on). */
  alpha: Float64Array;
  /** [streams × 4] each sampling stream's generator state. */
  rngStates: Uint32Array;
}

export interface TrainerStart {
  signal?: AbortSignal;
  /** Continue from this snapshot (same corpus, same number of streams) instead of random assignments. */
  resume?: SamplerSnapshot;
}

const STAGE = 'lda';

export class LdaTrainer {
  readonly corpus: Corpus;
  readonly options: ResolvedLdaOptions;
  readonly K: number;
  readonly V: number;
  /** Worker threads (0: the calling thread). */
  readonly workers: number;
  /** Sampling streams: max(1, workers). */
  readonly streams: number;
  readonly alpha: Float64Array;
  readonly z: Uint16Array;
  iteration = 0;
  /** Tokens that changed topic in the last chunk. */
  lastChanged = 0;
  readonly #docOffsets: Uint32Array;
  readonly #counts: WordTopicCounts[];
  readonly #rngStates: Uint32Array;
  readonly #signal: AbortSignal | undefined;
  #local: WorkerHandler<SamplerRequest, SamplerReply> | undefined;
  #group: WorkerGroup<SamplerRequest, SamplerReply> | undefined;

  private constructor(corpus: Corpus, options: ResolvedLdaOptions, start: TrainerStart) {
    checkCorpusFits(corpus, options.numTopics);
    this.corpus = corpus;
    this.options = options;
    this.K = options.numTopics;
    this.V = corpus.vocab.length;
    const D = corpus.docOffsets.length - 1;
    this.workers = resolveWorkers(options.workers, { items: D });
    this.streams = Math.max(1, this.workers);
    this.#signal = start.signal;
    const threads = this.workers > 0;
    const n = corpus.tokens.length;
    this.alpha = threads ? shared(Float64Array, this.K) : new Float64Array(this.K);
    this.z = threads ? shared(Uint16Array, n) : new Uint16Array(n);
    this.#rngStates = new Uint32Array(this.streams * 4);
    const r = start.resume;
    if (r) {
      checkSnapshot(r, n, this.K, this.streams);
      this.iteration = r.iteration;
      this.alpha.set(r.alpha);
      this.z.set(r.z);
      this.#rngStates.set(r.rngStates);
    } else {
      this.alpha.fill(options.alpha);
      randomAssignments(this.z, this.K, new Rng(options.seed));
      for (let i = 0; i < this.streams; i++) this.#rngStates.set(new Rng(streamSeed(options.seed, i)).state(), i * 4);
    }
    this.#docOffsets = corpus.docOffsets;
    // One layout of word-topic slots for every stream's copy (it depends on the corpus alone).
    const wtOffsets = wordTopicOffsets(corpus.tokens, this.V, this.K);
    const slots = wtOffsets[this.V] as number;
    this.#counts = Array.from({ length: this.streams }, () => ({
      K: this.K, V: this.V, wtOffsets,
      wtTopics: threads ? shared(Uint16Array, slots) : new Uint16Array(slots),
      wtCounts: threads ? shared(Uint32Array, slots) : new Uint32Array(slots),
      nk: threads ? shared(Int32Array, this.K) : new Int32Array(this.K),
    }));
  }

  /** Checks the options against the corpus and starts the sampling streams (threads when workers ≥ 1). */
  static async create(corpus: Corpus, options: LdaOptions | ResolvedLdaOptions, start: TrainerStart = {}): Promise<LdaTrainer> {
    const t = new LdaTrainer(corpus, resolveLdaOptions(options as LdaOptions), start);
    throwIfCancelled(start.signal, STAGE);
    await t.#start();
    return t;
  }

  async #start(): Promise<void> {
    const threads = this.workers > 0;
    const tokens = threads ? sharedCopy(this.corpus.tokens) : this.corpus.tokens;
    const docOffsets = threads ? sharedCopy(this.#docOffsets) : this.#docOffsets;
    const bounds = partitionDocs(docOffsets, this.streams);
    const zPrev = this.streams > 1 ? sharedCopy(this.z) : undefined;
    const barrier = createBarrier(this.streams);
    const data = (index: number): SamplerData => ({
      K: this.K, V: this.V, beta: this.options.beta, tokens, docOffsets, z: this.z, zPrev, alpha: this.alpha, bounds, barrier,
      counts: this.#counts[index] as WordTopicCounts,
      rng: this.#rngStates.slice(index * 4, index * 4 + 4),
    });
    if (!threads) {
      const ctx: WorkerContext = { stage: STAGE, index: 0, count: 1, isCancelled: () => this.#signal?.aborted === true, progress: () => undefined };
      this.#local = await setupSampler(data(0), ctx);
      return;
    }
    this.#group = await WorkerGroup.start<SamplerRequest, SamplerReply, SamplerData>({
      stage: STAGE,
      entry: new URL('./sampler.worker.js', import.meta.url),
      count: this.workers,
      workerData: data,
      signal: this.#signal,
    });
  }

  /** Runs `iterations` Gibbs sweeps, re-estimating α on its schedule (by absolute iteration, so chunking never changes the result). */
  async run(iterations: number): Promise<void> {
    const opt = this.options.optimizeAlpha;
    let left = iterations;
    while (left > 0) {
      let step = left;
      if (opt) {
        const next = this.iteration < opt.burnIn ? opt.burnIn : this.iteration + opt.every - ((this.iteration - opt.burnIn) % opt.every);
        step = Math.min(left, Math.max(1, next - this.iteration));
      }
      await this.#sweeps(step);
      left -= step;
      if (opt && this.iteration >= opt.burnIn && (this.iteration - opt.burnIn) % opt.every === 0) {
        optimizeAlpha(this.alpha, docTopicCounts(this.#docOffsets, this.z, this.K), 5);
      }
    }
  }

  async #sweeps(n: number): Promise<void> {
    if (this.#local) {
      let changed = 0;
      let reply: SamplerReply | undefined;
      for (let i = 0; i < n; i++) {
        throwIfCancelled(this.#signal, STAGE);
        reply = (await this.#local({ sweeps: 1 })) as SamplerReply;
        changed += reply.changed;
      }
      if (reply) this.#rngStates.set(reply.rng, 0);
      this.lastChanged = changed;
    } else if (this.#group) {
      const replies = await this.#group.broadcast({ sweeps: n });
      replies.forEach((r, i) => this.#rngStates.set(r.rng, i * 4));
      this.lastChanged = replies.reduce((s, r) => s + r.changed, 0);
    } else {
      throw new OptionsError('lda: this trainer was closed');
    }
    this.iteration += n;
  }

  /** The exact current counts (stream 0's copy: all copies agree between chunks). */
  counts(): WordTopicCounts {
    return this.#counts[0] as WordTopicCounts;
  }

  /** Where the run stands (arrays copied): what a checkpoint holds. */
  snapshot(): SamplerSnapshot {
    return { iteration: this.iteration, z: this.z.slice(), alpha: this.alpha.slice(), rngStates: this.#rngStates.slice() };
  }

  /** The trained model's data as of now (arrays copied). */
  trained(): TrainedLda {
    const c = this.counts();
    const docTopics: DocTopicCsr = docTopicCounts(this.#docOffsets, this.z, this.K);
    const wtTopics = c.wtTopics.slice();
    const wtCounts = c.wtCounts.slice();
    clearEmptySlots(wtTopics, wtCounts);
    return {
      vocab: this.corpus.vocab,
      alpha: this.alpha.slice(),
      beta: this.options.beta,
      counts: { K: this.K, V: this.V, wtOffsets: c.wtOffsets.slice(), wtTopics, wtCounts, nk: c.nk.slice() },
      docIds: this.corpus.docIds,
      docTopics,
      meta: { iterations: this.iteration, seed: this.options.seed, streams: this.streams, numTokens: this.corpus.tokens.length, corpusOptions: this.corpus.options },
    };
  }

  /** Stops the worker threads (and waits for them); the trainer cannot run after this. */
  async close(): Promise<void> {
    this.#local = undefined;
    const g = this.#group;
    this.#group = undefined;
    await g?.close();
  }
}

function checkSnapshot(s: SamplerSnapshot, numTokens: number, K: number, streams: number): void {
  const bad = (why: string): never => { throw new OptionsError(`lda: cannot resume from this snapshot: ${why}`); };
  if (!Number.isInteger(s.iteration) || s.iteration < 0) bad(`iteration ${s.iteration}`);
  if (s.z.length !== numTokens) bad(`it has ${s.z.length} token assignments, the corpus ${numTokens} tokens`);
  if (s.alpha.length !== K) bad(`its α has ${s.alpha.length} topics, the model ${K}`);
  if (s.rngStates.length !== streams * 4) bad(`it was made with ${s.rngStates.length / 4} sampling streams, this run has ${streams} (use the same workers count)`);
  for (let i = 0; i < s.z.length; i++) if ((s.z[i] as number) >= K) bad(`token ${i} is in topic ${s.z[i]}, K is ${K}`);
}
