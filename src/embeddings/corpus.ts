/**
 * A training corpus as two flat arrays: word ids (Uint32Array) and sentence offsets, both in
 * SharedArrayBuffers so every worker reads the same memory without copying.
 */
import type { Vocabulary } from './vocab.js';

/** Longest sentence the kernel sees; longer ones are cut into pieces (gensim's MAX_WORDS_IN_BATCH). */
export const MAX_SENTENCE_LENGTH = 10000;

export interface EncodedCorpus {
  /** Word ids of all kept words, sentence after sentence. */
  readonly ids: Uint32Array;
  /** numSentences + 1 offsets into ids. */
  readonly sentenceOffsets: Uint32Array;
  /** Words seen in the input, in-vocabulary or not (gensim's "raw words" counts only in-vocabulary ones: see rawWords). */
  readonly tokensSeen: number;
  /** In-vocabulary words before sub-sampling: the unit of words per second. */
  readonly rawWords: number;
}

/** Encodes token arrays with a vocabulary; out-of-vocabulary words are dropped, as in gensim. */
export function encodeCorpus(sentences: Iterable<readonly string[]>, vocab: Vocabulary): EncodedCorpus {
  let ids: Uint32Array = new Uint32Array(1 << 16);
  let offsets: Uint32Array = new Uint32Array(1 << 12);
  let n = 0;
  let s = 0;
  let tokensSeen = 0;
  offsets[0] = 0;
  const closeSentence = (): void => {
    if (n === (offsets[s] as number)) return; // skip empty sentences
    if (s + 2 > offsets.length) offsets = grow(offsets);
    offsets[++s] = n;
  };
  for (const sentence of sentences) {
    for (const w of sentence) {
      tokensSeen++;
      const id = vocab.index.get(w);
      if (id === undefined) continue;
      if (n === ids.length) ids = grow(ids);
      ids[n++] = id;
      if (n - (offsets[s] as number) === MAX_SENTENCE_LENGTH) closeSentence();
    }
    closeSentence();
  }
  return {
    ids: toShared(ids, n),
    sentenceOffsets: toShared(offsets, s + 1),
    tokensSeen,
    rawWords: n,
  };
}

function grow(a: Uint32Array): Uint32Array {
  const b = new Uint32Array(a.length * 2);
  b.set(a);
  return b;
}

function toShared(a: Uint32Array, length: number): Uint32Array {
  const out = new Uint32Array(new SharedArrayBuffer(Math.max(4, length * 4)), 0, length);
  out.set(a.subarray(0, length));
  return out;
}
