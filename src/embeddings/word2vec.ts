/**
 * Skip-gram word2vec (Mikolov et al.; the paper's Section 5.1): hierarchical softmax over a
 * Huffman tree by default, negative sampling as an option, frequent-word sub-sampling,
 * random window shrink and linear learning-rate decay. workers = 1 trains in this thread
 * and is reproducible for a seed; workers > 1 trains Hogwild in worker_threads that share
 * the weights and the corpus through SharedArrayBuffers, like the original C tool.
 */
import { Worker } from 'node:worker_threads';
import { InputError, OptionsError, WorkerError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { buildVocabulary, buildHuffmanTree, negativeSamplingTable, sampleThresholds, type Vocabulary } from './vocab.js';
import { MAX_SENTENCE_LENGTH, encodeCorpus, type EncodedCorpus } from './corpus.js';
import { SkipGramKernel, buildExpTable, type KernelArrays } from './kernel.js';
import { chunkBoundaries, runSchedule, type ScheduleParams, type TrainingKernel } from './schedule.js';
import { allocateShared, type Scratch, type SharedLayout } from './layout.js';
import { WASM_BASE, WasmSkipGramKernel, wasmKernelModule } from './wasm-kernel.js';
import { WordVectors } from './vectors.js';
import type { WorkerInput } from './train.worker.js';

export interface Word2VecOptions {
  /** Dimensions per word. Default 256 (the paper). */
  vectorSize?: number;
  /** Largest distance between a word and its context words. Default 10 (the paper). */
  window?: number;
  /** Words seen fewer times are dropped. Default 5. */
  minCount?: number;
  /** Frequent-word sub-sampling threshold; 0 turns it off. Default 1e-4 (the paper's 0.01%). */
  sample?: number;
  /** Hierarchical softmax. Default true (the paper). */
  hs?: boolean;
  /** Noise words per pair for negative sampling; 0 = none. Default 0. */
  negative?: number;
  /** Starting learning rate. Default 0.025. */
  alpha?: number;
  /** Final learning rate. Default 0.0001. */
  minAlpha?: number;
  /** Passes over the corpus. Default 5. */
  epochs?: number;
  /** 1 = this thread, reproducible for a seed; more = Hogwild worker threads. Default 1. */
  workers?: number;
  seed?: number;
  /** 'wasm' (SIMD), 'ts' (the plain TypeScript reference) or 'auto' (wasm when built). Default 'auto'. */
  kernel?: KernelKind | 'auto';
}

export type KernelKind = 'wasm' | 'ts';

export interface Word2VecReport {
  numWords: number;
  numSentences: number;
  /** In-vocabulary words per epoch before sub-sampling (gensim's raw words). */
  rawWordsPerEpoch: number;
  /** Raw words over all epochs. */
  rawWordsTrained: number;
  trainSeconds: number;
  wordsPerSecond: number;
  /** The kernel that ran. */
  kernel: KernelKind;
  options: Required<Word2VecOptions>;
}

export interface Word2VecResult {
  vectors: WordVectors;
  report: Word2VecReport;
}

export function resolveWord2VecOptions(o: Word2VecOptions = {}): Required<Word2VecOptions> {
  const r: Required<Word2VecOptions> = {
    vectorSize: o.vectorSize ?? 256,
    window: o.window ?? 10,
    minCount: o.minCount ?? 5,
    sample: o.sample ?? 1e-4,
    hs: o.hs ?? true,
    negative: o.negative ?? 0,
    alpha: o.alpha ?? 0.025,
    minAlpha: o.minAlpha ?? 0.0001,
    epochs: o.epochs ?? 5,
    workers: o.workers ?? 1,
    seed: o.seed ?? 1,
    kernel: o.kernel ?? 'auto',
  };
  const positiveInt = (name: keyof Word2VecOptions, v: number): void => {
    if (!Number.isInteger(v) || v < 1) throw new OptionsError(`${name} must be an integer >= 1, got ${v}`);
  };
  positiveInt('vectorSize', r.vectorSize);
  positiveInt('window', r.window);
  positiveInt('minCount', r.minCount);
  positiveInt('epochs', r.epochs);
  positiveInt('workers', r.workers);
  if (!Number.isInteger(r.negative) || r.negative < 0) throw new OptionsError(`negative must be an integer >= 0, got ${r.negative}`);
  if (!r.hs && r.negative === 0) throw new OptionsError('choose hierarchical softmax (hs: true) or negative sampling (negative > 0), or both');
  if (!(r.sample >= 0)) throw new OptionsError(`sample must be >= 0, got ${r.sample}`);
  if (!(r.alpha > 0) || !(r.minAlpha >= 0) || r.minAlpha > r.alpha) throw new OptionsError(`need 0 <= minAlpha <= alpha and alpha > 0, got alpha ${r.alpha}, minAlpha ${r.minAlpha}`);
  return r;
}

/**
 * Trains word vectors on token arrays. `sentences` is read twice (vocabulary, then
 * encoding), so pass an array or another re-iterable collection.
 */
export async function trainWord2Vec(sentences: Iterable<readonly string[]>, options: Word2VecOptions = {}): Promise<Word2VecResult> {
  const opts = resolveWord2VecOptions(options);
  const vocab = buildVocabulary(sentences, opts.minCount);
  const corpus = encodeCorpus(sentences, vocab);
  return trainEncoded(vocab, corpus, opts);
}

/** Trains on a vocabulary and corpus already built (the benchmark builds them once). */
export async function trainEncoded(vocab: Vocabulary, corpus: EncodedCorpus, opts: Required<Word2VecOptions>): Promise<Word2VecResult> {
  if (corpus.rawWords === 0) {
    throw new InputError(`the corpus is empty: no word occurs at least minCount=${opts.minCount} times (${corpus.tokensSeen} tokens seen)`);
  }
  if (vocab.words.length <= opts.window) {
    throw new OptionsError(`the vocabulary has ${vocab.words.length} words, not more than the window (${opts.window}): add text, lower minCount or the window`);
  }
  const kernel = resolveKernelKind(opts.kernel);
  const { arrays, layout } = allocateArrays(vocab, corpus, opts);
  const numSentences = corpus.sentenceOffsets.length - 1;
  const schedule: ScheduleParams = {
    alpha: opts.alpha,
    minAlpha: opts.minAlpha,
    epochs: opts.epochs,
    totalWords: corpus.rawWords * opts.epochs,
    progress: new BigInt64Array(new SharedArrayBuffer(8)),
    chunks: chunkBoundaries(corpus.sentenceOffsets),
    cursor: new Int32Array(new SharedArrayBuffer(4)),
  };
  const t0 = performance.now();
  let trained: number;
  if (opts.workers === 1) {
    trained = runSchedule(makeKernel(kernel, arrays, layout, 0, opts.seed), schedule);
  } else {
    trained = await runWorkers(kernel, arrays, layout, schedule, opts.workers, opts.seed);
  }
  const trainSeconds = (performance.now() - t0) / 1000;
  const vectors = new WordVectors(vocab.words, new Float32Array(arrays.syn0), opts.vectorSize);
  return {
    vectors,
    report: {
      numWords: vocab.words.length,
      numSentences,
      rawWordsPerEpoch: corpus.rawWords,
      rawWordsTrained: trained,
      trainSeconds,
      wordsPerSecond: trained / trainSeconds,
      kernel,
      options: opts,
    },
  };
}

/**
 * Rows of syn0 (most frequent words) and of syn1 (inner nodes nearest the root) each Hogwild
 * worker of the WebAssembly HS kernel keeps its own copy of, merged every 250 words (see
 * assembly/skipgram.ts, syncHot).
 */
export const HOT_ROWS = 128;

/** Weights and corpus in one shared memory (see layout.ts); syn0 uniform in ±1/vectorSize (gensim 4's prep_vectors; the C tool uses ±0.5), syn1 zero. */
function allocateArrays(vocab: Vocabulary, corpus: EncodedCorpus, opts: Required<Word2VecOptions>): { arrays: KernelArrays; layout: SharedLayout } {
  const V = vocab.words.length;
  const D = opts.vectorSize;
  const tree = opts.hs ? buildHuffmanTree(vocab.counts) : undefined;
  const cumTable = opts.negative > 0 ? negativeSamplingTable(vocab.counts) : new Uint32Array(0);
  const expTable = buildExpTable();
  const { layout, views } = allocateShared({
    vectorSize: D,
    syn0: V * D,
    syn1: opts.hs ? (V - 1) * D : 0,
    syn1neg: opts.negative > 0 ? V * D : 0,
    codes: tree?.codes.length ?? 0,
    points: tree?.points.length ?? 0,
    codeOffsets: V + 1,
    sampleInt: V,
    cumTable: cumTable.length,
    ids: corpus.ids.length,
    sentenceOffsets: corpus.sentenceOffsets.length,
    expTable: expTable.length,
    threads: opts.workers,
    hotRows: opts.workers > 1 && opts.hs && opts.negative === 0 ? Math.min(HOT_ROWS, V - 1) : 0,
    sentenceCapacity: MAX_SENTENCE_LENGTH,
  }, WASM_BASE);
  const rng = new Rng(opts.seed ^ 0x5eed);
  for (let i = 0; i < views.syn0.length; i++) views.syn0[i] = (rng.next() * 2 - 1) / D;
  if (tree) {
    views.codes.set(tree.codes);
    views.points.set(tree.points);
    views.codeOffsets.set(tree.offsets);
  }
  views.sampleInt.set(sampleThresholds(vocab, opts.sample));
  views.cumTable.set(cumTable);
  views.ids.set(corpus.ids);
  views.sentenceOffsets.set(corpus.sentenceOffsets);
  views.expTable.set(expTable);
  return { arrays: { vectorSize: D, window: opts.window, negative: opts.negative, hs: opts.hs, ...views }, layout };
}

/** The kernel a thread runs: WebAssembly SIMD unless asked for the TypeScript reference or the .wasm is missing. */
export function makeKernel(kind: KernelKind, arrays: KernelArrays, layout: SharedLayout, thread: number, seed: number): TrainingKernel {
  if (kind === 'ts') return new SkipGramKernel(arrays, seed);
  return new WasmSkipGramKernel(arrays, layout.memory, layout.scratch[thread] as Scratch, seed);
}

/** 'auto' becomes 'wasm' when the compiled kernel loads here, else 'ts'. */
export function resolveKernelKind(kind: KernelKind | 'auto'): KernelKind {
  if (kind !== 'auto') {
    if (kind === 'wasm' && !wasmKernelModule()) throw new OptionsError('kernel "wasm" was asked for but dist/src/embeddings/skipgram.wasm is missing or this Node lacks WebAssembly SIMD/threads: run npm run build, or use kernel "ts"');
    return kind;
  }
  return wasmKernelModule() ? 'wasm' : 'ts';
}

async function runWorkers(kernel: KernelKind, arrays: KernelArrays, layout: SharedLayout, schedule: ScheduleParams, workers: number, seed: number): Promise<number> {
  const url = new URL('./train.worker.js', import.meta.url);
  const results = await Promise.all(
    Array.from({ length: workers }, (_, i) =>
      new Promise<number>((resolve, reject) => {
        const input: WorkerInput = { kernel, arrays, layout, thread: i, schedule, seed: seed + i };
        const worker = new Worker(url, { workerData: input });
        let words = -1;
        worker.once('message', (m: { words: number }) => (words = m.words));
        worker.once('error', (e) => reject(new WorkerError(`word2vec worker ${i} failed: ${e.message}`, { cause: e })));
        worker.once('exit', (code) => {
          if (code === 0 && words >= 0) resolve(words);
          else reject(new WorkerError(`word2vec worker ${i} exited with code ${code}`));
        });
      }),
    ),
  );
  return results.reduce((a, b) => a + b, 0);
}
