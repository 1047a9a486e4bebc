/**
 * The word2vec vocabulary: words sorted by count (most frequent first, as gensim and the C
 * tool do), the sub-sampling keep probabilities, and the Huffman tree for hierarchical
 * softmax, all as flat typed arrays so the training kernel never allocates.
 */
import { OptionsError } from '../util/errors.js';

export interface Vocabulary {
  /** Words, most frequent first; a word's index is its id. */
  readonly words: readonly string[];
  /** Id of each word. */
  readonly index: ReadonlyMap<string, number>;
  /** Corpus count of each word (before sub-sampling). */
  readonly counts: Float64Array;
  /** Sum of the counts of the kept words. */
  readonly totalWords: number;
}

/** Huffman codes and inner-node paths for hierarchical softmax, flat: word w owns [offsets[w], offsets[w+1]). */
export interface HuffmanTree {
  /** Bits of each word's code (0 or 1), root first. */
  readonly codes: Uint8Array;
  /** Inner-node index (row of syn1) for each bit. */
  readonly points: Uint32Array;
  /** numWords + 1 offsets into codes/points. */
  readonly offsets: Uint32Array;
  /** Longest code. */
  readonly maxCodeLength: number;
}

/** Counts words over token arrays and keeps those seen at least `minCount` times. */
export function buildVocabulary(sentences: Iterable<readonly string[]>, minCount: number): Vocabulary {
  const raw = new Map<string, number>();
  for (const sentence of sentences) {
    for (const w of sentence) raw.set(w, (raw.get(w) ?? 0) + 1);
  }
  return vocabularyFromCounts(raw, minCount);
}

/** A vocabulary from word counts; ties in count are broken by the word, so the order is reproducible. */
export function vocabularyFromCounts(rawCounts: ReadonlyMap<string, number>, minCount: number): Vocabulary {
  if (!Number.isInteger(minCount) || minCount < 1) throw new OptionsError(`minCount must be an integer >= 1, got ${minCount}`);
  const kept = [...rawCounts].filter(([, c]) => c >= minCount);
  kept.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const words = kept.map(([w]) => w);
  const counts = Float64Array.from(kept, ([, c]) => c);
  const index = new Map<string, number>();
  words.forEach((w, i) => index.set(w, i));
  let totalWords = 0;
  for (const c of counts) totalWords += c;
  return { words, index, counts, totalWords };
}

/**
 * Keep probability of each word under frequent-word sub-sampling, as gensim computes it
 * (threshold = sample × total; p = (sqrt(c/threshold) + 1) × threshold / c, capped at 1),
 * scaled to 0..2^32 so the kernel compares it with a raw 32-bit random number.
 * sample = 0 keeps every word.
 */
export function sampleThresholds(vocab: Vocabulary, sample: number): Uint32Array {
  const out = new Uint32Array(vocab.words.length);
  const threshold = sample * vocab.totalWords;
  for (let w = 0; w < out.length; w++) {
    const c = vocab.counts[w] as number;
    let p = sample > 0 ? (Math.sqrt(c / threshold) + 1) * (threshold / c) : 1;
    if (p > 1) p = 1;
    out[w] = Math.min(4294967295, Math.round(p * 4294967296));
  }
  return out;
}

/**
 * The C tool's Huffman construction (two-pointer merge over counts sorted descending), so
 * codes match word2vec.c/gensim: inner node i is row i of syn1 (V-1 rows).
 */
export function buildHuffmanTree(counts: Float64Array): HuffmanTree {
  const V = counts.length;
  if (V < 2) throw new OptionsError(`hierarchical softmax needs at least 2 words in the vocabulary, got ${V}`);
  const count = new Float64Array(2 * V);
  const binary = new Uint8Array(2 * V);
  const parent = new Int32Array(2 * V);
  for (let i = 0; i < V; i++) count[i] = counts[i] as number;
  for (let i = V; i < 2 * V; i++) count[i] = Number.MAX_VALUE;
  let pos1 = V - 1;
  let pos2 = V;
  for (let a = 0; a < V - 1; a++) {
    let min1: number;
    let min2: number;
    if (pos1 >= 0 && (count[pos1] as number) < (count[pos2] as number)) min1 = pos1--;
    else min1 = pos2++;
    if (pos1 >= 0 && (count[pos1] as number) < (count[pos2] as number)) min2 = pos1--;
    else min2 = pos2++;
    count[V + a] = (count[min1] as number) + (count[min2] as number);
    parent[min1] = V + a;
    parent[min2] = V + a;
    binary[min2] = 1;
  }
  const offsets = new Uint32Array(V + 1);
  const lengths = new Uint32Array(V);
  let maxCodeLength = 0;
  for (let w = 0; w < V; w++) {
    let len = 0;
    for (let b = w; b !== 2 * V - 2; b = parent[b] as number) len++;
    lengths[w] = len;
    if (len > maxCodeLength) maxCodeLength = len;
    offsets[w + 1] = (offsets[w] as number) + len;
  }
  const total = offsets[V] as number;
  const codes = new Uint8Array(total);
  const points = new Uint32Array(total);
  for (let w = 0; w < V; w++) {
    // Walk leaf -> root, then store root-first like the C tool.
    const len = lengths[w] as number;
    const base = offsets[w] as number;
    let b = w;
    let i = len - 1;
    while (b !== 2 * V - 2) {
      codes[base + i] = binary[b] as number;
      const p = parent[b] as number;
      points[base + i] = p - V;
      b = p;
      i--;
    }
  }
  return { codes, points, offsets, maxCodeLength };
}

/**
 * Cumulative unigram^power table for negative sampling (gensim's cum_table), scaled to
 * 2^31 so a draw is one binary search on a 31-bit random number.
 */
export function negativeSamplingTable(counts: Float64Array, power = 0.75): Uint32Array {
  const V = counts.length;
  const out = new Uint32Array(V);
  let total = 0;
  for (let i = 0; i < V; i++) total += Math.pow(counts[i] as number, power);
  let cum = 0;
  for (let i = 0; i < V; i++) {
    cum += Math.pow(counts[i] as number, power);
    out[i] = Math.round((cum / total) * 2147483647);
  }
  return out;
}
