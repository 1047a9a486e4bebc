/**
 * Everything one training run reads and writes, in one shared WebAssembly memory (layout.ts):
 * the weights, the Huffman tree or noise table, the sub-sampling thresholds and the encoded
 * corpus. The calling thread and every Hogwild worker see the same bytes.
 */
import { Rng } from '../util/rng.js';
import { buildHuffmanTree, negativeSamplingTable, sampleThresholds, type Vocabulary } from './vocab.js';
import { MAX_SENTENCE_LENGTH, type EncodedCorpus } from './corpus.js';
import { buildExpTable, type KernelArrays } from './kernel.js';
import { allocateShared, type SharedLayout } from './layout.js';
import { WASM_BASE } from './wasm-kernel.js';
import type { ResolvedWord2VecOptions } from './options.js';

/**
 * Rows of syn0 (most frequent words) and of syn1 (inner nodes nearest the root) each Hogwild
 * worker of the WebAssembly HS kernel keeps its own copy of, merged every 250 words (see
 * assembly/skipgram.ts, syncHot).
 */
export const HOT_ROWS = 128;

/** The trained weights: what a model keeps, a checkpoint saves, and a new run may start from. */
export interface Weights {
  /** Input vectors [numWords × vectorSize], row-major. */
  syn0: Float32Array;
  /** HS inner-node vectors [(numWords - 1) × vectorSize] (empty without hs). */
  syn1: Float32Array;
  /** NS output vectors [numWords × vectorSize] (empty without negative sampling). */
  syn1neg: Float32Array;
}

export interface TrainingArrays {
  arrays: KernelArrays;
  layout: SharedLayout;
}

/** The sizes of the three weight arrays for a vocabulary and options. */
export function weightSizes(numWords: number, opts: Pick<ResolvedWord2VecOptions, 'vectorSize' | 'hs' | 'negative'>): { syn0: number; syn1: number; syn1neg: number } {
  const D = opts.vectorSize;
  return { syn0: numWords * D, syn1: opts.hs ? (numWords - 1) * D : 0, syn1neg: opts.negative > 0 ? numWords * D : 0 };
}

/**
 * Lays out one run for `threads` kernels. The weights start from `start` when given (continued
 * training, a resumed run); otherwise syn0 is uniform in ±1/vectorSize (gensim 4's prep_vectors;
 * the C tool uses ±0.5) from the seed, and syn1 and syn1neg are zero.
 */
export function allocateTrainingArrays(vocab: Vocabulary, corpus: EncodedCorpus, opts: ResolvedWord2VecOptions, threads: number, start?: Weights): TrainingArrays {
  const V = vocab.words.length;
  const D = opts.vectorSize;
  const tree = opts.hs ? buildHuffmanTree(vocab.counts) : undefined;
  const cumTable = opts.negative > 0 ? negativeSamplingTable(vocab.counts) : new Uint32Array(0);
  const expTable = buildExpTable();
  const sizes = weightSizes(V, opts);
  const { layout, views } = allocateShared({
    vectorSize: D,
    ...sizes,
    codes: tree?.codes.length ?? 0,
    points: tree?.points.length ?? 0,
    codeOffsets: V + 1,
    sampleInt: V,
    cumTable: cumTable.length,
    ids: corpus.ids.length,
    sentenceOffsets: corpus.sentenceOffsets.length,
    expTable: expTable.length,
    threads,
    hotRows: threads > 1 && opts.hs && opts.negative === 0 ? Math.min(HOT_ROWS, V - 1) : 0,
    sentenceCapacity: MAX_SENTENCE_LENGTH,
  }, WASM_BASE);
  if (start) {
    views.syn0.set(start.syn0);
    views.syn1.set(start.syn1);
    views.syn1neg.set(start.syn1neg);
  } else {
    const rng = new Rng(opts.seed ^ 0x5eed);
    for (let i = 0; i < views.syn0.length; i++) views.syn0[i] = (rng.next() * 2 - 1) / D;
  }
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
