/**
 * The Word2Vec model file: one artifact (util/artifact-file.ts) holding the vocabulary, the
 * counts the Huffman tree is rebuilt from, and every weight array, so that a loaded model can be
 * queried or trained further. Every length is checked on load: a truncated file, a foreign file
 * or an array that does not fit the vocabulary and the options is a FormatError saying which.
 */
import { readArtifact, takeArray, writeArtifact } from '../util/artifact-file.js';
import { FormatError, PacsmineError } from '../util/errors.js';
import { resolveWord2VecOptions, type ResolvedWord2VecOptions, type Word2VecOptions } from './options.js';
import { vocabularyOf, type Vocabulary } from './vocab.js';
import { weightSizes, type Weights } from './training-arrays.js';

export const MODEL_KIND = 'word2vec-model';
export const MODEL_VERSION = 1;

export interface ModelContents {
  options: ResolvedWord2VecOptions;
  vocab: Vocabulary;
  weights: Weights;
}

/** Words as one UTF-8 byte array and numWords + 1 byte offsets into it (any characters survive). */
function encodeWords(words: readonly string[]): { bytes: Uint8Array; offsets: Uint32Array } {
  const parts = words.map((w) => Buffer.from(w, 'utf8'));
  const offsets = new Uint32Array(words.length + 1);
  for (let i = 0; i < parts.length; i++) offsets[i + 1] = (offsets[i] as number) + (parts[i] as Buffer).length;
  const bytes = new Uint8Array(offsets[words.length] as number);
  parts.forEach((p, i) => bytes.set(p, offsets[i] as number));
  return { bytes, offsets };
}

export function writeModelFile(file: string, m: ModelContents): void {
  const V = m.vocab.words.length, D = m.options.vectorSize;
  const { bytes, offsets } = encodeWords(m.vocab.words);
  const { workers: _workers, ...options } = m.options; // how it was trained, not what it is
  writeArtifact(file, {
    kind: MODEL_KIND,
    kindVersion: MODEL_VERSION,
    meta: { numWords: V, vectorSize: D, options },
    arrays: {
      wordBytes: bytes,
      wordOffsets: offsets,
      counts: m.vocab.counts,
      syn0: { data: m.weights.syn0, shape: [V, D] },
      syn1: { data: m.weights.syn1, shape: [m.weights.syn1.length / D, D] },
      syn1neg: { data: m.weights.syn1neg, shape: [m.weights.syn1neg.length / D, D] },
    },
  });
}

export function readModelFile(file: string): ModelContents {
  const a = readArtifact(file, { kind: MODEL_KIND, versions: [MODEL_VERSION] });
  const meta = a.meta as { numWords?: unknown; vectorSize?: unknown; options?: Word2VecOptions } | null;
  const V = meta?.numWords, D = meta?.vectorSize;
  if (!Number.isInteger(V) || !Number.isInteger(D) || (V as number) < 2 || (D as number) < 1) {
    throw new FormatError(`${file} is damaged: its header gives no valid numWords and vectorSize`);
  }
  let options: ResolvedWord2VecOptions;
  try {
    options = resolveWord2VecOptions(meta?.options ?? {});
  } catch (e) {
    throw new FormatError(`${file} is damaged: its options are invalid (${(e as Error).message})`, { cause: e });
  }
  if (options.vectorSize !== D) throw new FormatError(`${file} is damaged: vectorSize ${String(D)} in the header, ${options.vectorSize} in the options`);
  const numWords = V as number;
  const sizes = weightSizes(numWords, options);
  const offsets = takeArray(a, 'wordOffsets', 'u32', [numWords + 1]);
  if (offsets[0] !== 0) throw new FormatError(`${file} is damaged: the word offsets do not start at 0`);
  const bytes = takeArray(a, 'wordBytes', 'u8', [offsets[numWords] as number]);
  const counts = takeArray(a, 'counts', 'f64', [numWords]);
  const weights: Weights = {
    syn0: takeArray(a, 'syn0', 'f32', [numWords, options.vectorSize]),
    syn1: takeArray(a, 'syn1', 'f32', [sizes.syn1 / options.vectorSize, options.vectorSize]),
    syn1neg: takeArray(a, 'syn1neg', 'f32', [sizes.syn1neg / options.vectorSize, options.vectorSize]),
  };
  const words: string[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (let w = 0; w < numWords; w++) {
    const from = offsets[w] as number, to = offsets[w + 1] as number;
    if (to < from || to > bytes.length) throw new FormatError(`${file} is damaged: word ${w + 1} of ${numWords} has byte range ${from}-${to}, outside the ${bytes.length} word bytes`);
    try {
      words.push(decoder.decode(bytes.subarray(from, to)));
    } catch (e) {
      throw new FormatError(`${file} is damaged: word ${w + 1} of ${numWords} is not valid UTF-8`, { cause: e });
    }
  }
  try {
    return { options, vocab: vocabularyOf(words, counts), weights };
  } catch (e) {
    if (e instanceof PacsmineError) throw new FormatError(`${file} is damaged: ${e.message}`, { cause: e });
    throw e;
  }
}
