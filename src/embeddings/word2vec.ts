/**
 * Skip-gram word2vec (Mikolov et al.; the paper's Section 5.1) as a model class of gensim's
 * shape: hierarchical softmax over a Huffman tree by default, negative sampling as an option,
 * frequent-word sub-sampling, random window shrink and linear learning-rate decay.
 *
 *   const model = new Word2Vec({ seed: 1 });            // validates the options, nothing more
 *   await model.train(sentences, { signal, onProgress, checkpoint });
 *   model.mostSimilar(['effusion']);
 *   await model.save(dir);                               // word2vec.pacsmine + vectors.bin (gensim)
 *   const again = await Word2Vec.load(dir);
 *
 * `workers: 0` trains in the calling thread; N ≥ 1 trains Hogwild on N worker threads of the
 * shared harness, which update the shared weights without locks, like the C tool and gensim.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError, OptionsError } from '../util/errors.js';
import { resolveWorkers } from '../util/workers.js';
import type { RunControl } from '../util/progress.js';
import { buildVocabulary, type Vocabulary } from './vocab.js';
import { encodeCorpus, type EncodedCorpus } from './corpus.js';
import { chunkBoundaries, type ScheduleParams } from './schedule.js';
import { resolveKernelKind } from './kernels.js';
import { allocateTrainingArrays, weightSizes, type Weights } from './training-arrays.js';
import { runEpochs } from './hogwild.js';
import { readCheckpoint, runFingerprint, writeCheckpoint } from './checkpoint.js';
import { readModelFile, writeModelFile } from './model-file.js';
import { saveWord2VecFormat } from './format.js';
import { resolveWord2VecOptions, type KernelKind, type ResolvedWord2VecOptions, type Word2VecOptions } from './options.js';
import { WordVectors, type Neighbour } from './vectors.js';

export { resolveWord2VecOptions } from './options.js';
export type { KernelKind, ResolvedWord2VecOptions, Word2VecOptions } from './options.js';
export { resolveKernelKind } from './kernels.js';

/** The model file `save` writes in its folder (and `load` reads). */
export const MODEL_FILE = 'word2vec.pacsmine';
/** The gensim-readable word2vec binary file `save` writes beside it. */
export const VECTORS_FILE = 'vectors.bin';

export interface Word2VecReport {
  numWords: number;
  numSentences: number;
  /** In-vocabulary words per epoch before sub-sampling (gensim's raw words). */
  rawWordsPerEpoch: number;
  /** Raw words trained by this call (a resumed run counts only the epochs it trained). */
  rawWordsTrained: number;
  /** The epoch this call started from: 0, or the epochs a checkpoint had done. */
  resumedFromEpoch: number;
  trainSeconds: number;
  wordsPerSecond: number;
  /** The kernel that ran. */
  kernel: KernelKind;
  /** Worker threads that trained (0 = the calling thread). */
  workers: number;
}

export interface Word2VecTrainControl extends RunControl {
  /**
   * A checkpoint file, written (atomically) after every epoch. When it holds a checkpoint of
   * this very run (same options, corpus, kernel and thread count), training resumes after its
   * last epoch, and with `workers` 0 or 1 ends with the vectors an uninterrupted run gives.
   * The file is left in place: delete it once the trained model is saved.
   */
  checkpoint?: string;
}

export class Word2Vec {
  readonly options: Readonly<ResolvedWord2VecOptions>;
  #vocab: Vocabulary | undefined;
  #weights: Weights | undefined;
  #wv: WordVectors | undefined;
  #disposed = false;

  /** Checks and keeps the options; trains nothing (call `train`). */
  constructor(options: Word2VecOptions = {}) {
    this.options = Object.freeze(resolveWord2VecOptions(options));
  }

  /** True once `train` or `load` has given the model a vocabulary and weights. */
  get isTrained(): boolean {
    return this.#weights !== undefined;
  }

  /** The trained word vectors (gensim's `model.wv`): lookup, similarity, neighbours, analogies. */
  get wv(): WordVectors {
    const weights = this.#trained();
    this.#wv ??= new WordVectors((this.#vocab as Vocabulary).words, weights.syn0, this.options.vectorSize);
    return this.#wv;
  }

  /** The vocabulary, most frequent word first. */
  get vocabulary(): Vocabulary {
    this.#trained();
    return this.#vocab as Vocabulary;
  }

  /**
   * Trains `epochs` passes over `sentences`. The first call builds the vocabulary; later calls
   * go on training the same vocabulary and weights (gensim's `train` after `build_vocab`),
   * dropping words outside it. `sentences` is read twice, so pass an array or another
   * re-iterable collection, never a one-shot generator.
   */
  async train(sentences: Iterable<readonly string[]>, control: Word2VecTrainControl = {}): Promise<Word2VecReport> {
    this.#alive();
    if (isOneShot(sentences)) throw new OptionsError('train() reads the sentences twice (vocabulary, then training): pass an array or another re-iterable collection, not a generator');
    const vocab = this.#vocab ?? buildVocabulary(sentences, this.options.minCount);
    return this.trainEncoded(vocab, encodeCorpus(sentences, vocab), control);
  }

  /**
   * Trains on a vocabulary and corpus built already (the benchmark builds them once). A model
   * that has a vocabulary must be given the same one.
   */
  async trainEncoded(vocab: Vocabulary, corpus: EncodedCorpus, control: Word2VecTrainControl = {}): Promise<Word2VecReport> {
    this.#alive();
    const opts = this.options;
    if (this.#vocab && this.#vocab !== vocab) throw new OptionsError('this model already has a vocabulary: train it further with the same one (model.vocabulary), or start a new model');
    if (corpus.rawWords === 0) {
      throw new InputError(`the corpus is empty: no word occurs at least minCount=${opts.minCount} times (${corpus.tokensSeen} tokens seen)`);
    }
    if (vocab.words.length <= opts.window) {
      throw new OptionsError(`the vocabulary has ${vocab.words.length} words, not more than the window (${opts.window}): add text, lower minCount or the window`);
    }
    const kernel = resolveKernelKind(opts.kernel);
    const chunks = chunkBoundaries(corpus.sentenceOffsets);
    const workers = resolveWorkers(opts.workers, { items: chunks.length - 1 });
    const threads = Math.max(1, workers);
    const start = this.#weights;
    const fingerprint = control.checkpoint ? runFingerprint({ options: opts, kernel, threads, vocab, corpus, ...(start ? { start } : {}) }) : '';
    const sizes = weightSizes(vocab.words.length, opts);
    const resumed = control.checkpoint ? readCheckpoint(control.checkpoint, fingerprint, { threads, epochs: opts.epochs, sizes }) : undefined;
    const training = allocateTrainingArrays(vocab, corpus, opts, threads, resumed?.weights ?? start);
    const schedule: ScheduleParams = {
      alpha: opts.alpha,
      minAlpha: opts.minAlpha,
      epochs: opts.epochs,
      totalWords: corpus.rawWords * opts.epochs,
      progress: new BigInt64Array(new SharedArrayBuffer(8)),
      chunks,
      cursor: new Int32Array(new SharedArrayBuffer(4)),
    };
    // The learning rate's position: where the checkpoint left it.
    Atomics.store(schedule.progress, 0, BigInt(resumed?.progressWords ?? 0));
    const { arrays } = training;
    const t0 = performance.now();
    const trained = await runEpochs({
      kernel,
      training,
      schedule,
      workers,
      seed: opts.seed,
      firstEpoch: resumed?.epochsDone ?? 0,
      ...(resumed ? { rng: resumed.rng } : {}),
      ...(control.signal ? { signal: control.signal } : {}),
      ...(control.onProgress ? { onProgress: control.onProgress } : {}),
      onEpoch: (epochsDone, rng) => {
        if (!control.checkpoint) return;
        writeCheckpoint(control.checkpoint, {
          fingerprint,
          epochsDone,
          progressWords: Number(Atomics.load(schedule.progress, 0)),
          rng,
          weights: { syn0: arrays.syn0, syn1: arrays.syn1, syn1neg: arrays.syn1neg },
        });
      },
    });
    const trainSeconds = (performance.now() - t0) / 1000;
    // Out of the shared WebAssembly memory, which can then be freed.
    this.#weights = { syn0: new Float32Array(arrays.syn0), syn1: new Float32Array(arrays.syn1), syn1neg: new Float32Array(arrays.syn1neg) };
    this.#vocab = vocab;
    this.#wv = undefined;
    return {
      numWords: vocab.words.length,
      numSentences: corpus.sentenceOffsets.length - 1,
      rawWordsPerEpoch: corpus.rawWords,
      rawWordsTrained: trained,
      resumedFromEpoch: resumed?.epochsDone ?? 0,
      trainSeconds,
      wordsPerSecond: trainSeconds > 0 ? trained / trainSeconds : 0,
      kernel,
      workers,
    };
  }

  /** The `topn` words nearest to the sum of `positive` minus `negative` (gensim's most_similar). */
  mostSimilar(positive: readonly string[], negative: readonly string[] = [], topn = 10): Neighbour[] {
    return this.wv.mostSimilar(positive, negative, topn);
  }

  /** Cosine similarity of two words. */
  similarity(a: string, b: string): number {
    return this.wv.similarity(a, b);
  }

  /**
   * SHA-256 of what training produced — vocabulary, counts and every weight array — and of
   * nothing else (no timings, no file layout): equal digests mean equal models.
   */
  digest(): string {
    const w = this.#trained();
    const vocab = this.#vocab as Vocabulary;
    const h = createHash('sha256');
    h.update(`word2vec ${vocab.words.length} ${this.options.vectorSize}\n`);
    for (const word of vocab.words) h.update(word).update('\0');
    for (const a of [vocab.counts, w.syn0, w.syn1, w.syn1neg]) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    return h.digest('hex');
  }

  /**
   * Saves the model in folder `dir` (created when missing): `word2vec.pacsmine`, everything
   * `load` needs to query or train further, and `vectors.bin`, the vectors in the word2vec
   * binary format for gensim (`KeyedVectors.load_word2vec_format(path, binary=True)`) and the C tool.
   */
  async save(dir: string): Promise<{ modelPath: string; vectorsPath: string }> {
    const weights = this.#trained();
    mkdirSync(dir, { recursive: true });
    const modelPath = path.join(dir, MODEL_FILE);
    const vectorsPath = path.join(dir, VECTORS_FILE);
    writeModelFile(modelPath, { options: this.options, vocab: this.#vocab as Vocabulary, weights });
    saveWord2VecFormat(this.wv, vectorsPath, 'binary');
    return { modelPath, vectorsPath };
  }

  /** Loads a model `save` wrote, from its folder or its `word2vec.pacsmine` file. Throws FormatError for a damaged or foreign file. */
  static async load(dirOrFile: string): Promise<Word2Vec> {
    return Word2Vec.loadSync(dirOrFile);
  }

  /** `load`, synchronously (for callers that are not async, such as the describe stage). */
  static loadSync(dirOrFile: string): Word2Vec {
    let file = dirOrFile;
    try {
      if (statSync(dirOrFile).isDirectory()) file = path.join(dirOrFile, MODEL_FILE);
    } catch {
      // a missing path: readModelFile says so
    }
    const m = readModelFile(file);
    const model = new Word2Vec(m.options);
    model.#vocab = m.vocab;
    model.#weights = m.weights;
    return model;
  }

  /** Lets go of the vocabulary and weights; the model can no longer be used. */
  dispose(): void {
    this.#vocab = undefined;
    this.#weights = undefined;
    this.#wv = undefined;
    this.#disposed = true;
  }

  #alive(): void {
    if (this.#disposed) throw new OptionsError('this Word2Vec model was disposed');
  }

  #trained(): Weights {
    this.#alive();
    if (!this.#weights) throw new OptionsError('this Word2Vec model is not trained yet: call train() or Word2Vec.load()');
    return this.#weights;
  }
}

/** A generator or iterator that can be iterated only once. */
function isOneShot(sentences: Iterable<unknown>): boolean {
  return typeof (sentences as { next?: unknown }).next === 'function';
}

export interface Word2VecResult {
  vectors: WordVectors;
  report: Word2VecReport;
}

/** Trains a new model on `sentences` and returns its vectors: `new Word2Vec(options).train(sentences)` in one call. */
export async function trainWord2Vec(sentences: Iterable<readonly string[]>, options: Word2VecOptions = {}, control: Word2VecTrainControl = {}): Promise<Word2VecResult> {
  const model = new Word2Vec(options);
  const report = await model.train(sentences, control);
  return { vectors: model.wv, report };
}
