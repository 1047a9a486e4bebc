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

/** A vocabulary as saved: words in id order with their counts (a loaded model's). */
export function vocabularyOf(words: readonly string[], counts: Float64Array): Vocabulary {
  if (words.length !== counts.length) throw new OptionsError(`${words.length} words but ${counts.length} counts`);
  const index = new Map<string, number>();
  words.forEach((w, i) => index.set(w, i));
  if (index.size !== words.length) throw new OptionsError('the vocabulary repeats a word');
  let totalWords = 0;
  for (const c of counts) totalWords += c;
  return { words: [...words], index, counts, totalWords };
}

/**
 * A vocabulary in a given word order (e.g. the order of another tool's model, so that both
 * build the same Huffman tree: the order of words with equal counts is arbitrary, and gensim's
 * comes from numpy's unstable argsort). Counts come from `vocab`; the words must be the same set.
 */
export function reorderVocabulary(vocab: Vocabulary, words: readonly string[]): Vocabulary {
  if (words.length !== vocab.words.length || words.some((w) => !vocab.index.has(w))) {
    throw new OptionsError(`the given order has ${words.length} words, the vocabulary ${vocab.words.length}, or other words`);
  }
  const counts = Float64Array.from(words, (w) => vocab.counts[vocab.index.get(w) as number] as number);
  for (let i = 1; i < counts.length; i++) {
    if ((counts[i] as number) > (counts[i - 1] as number)) throw new OptionsError(`the given order is not by descending count (word ${i + 1})`);
  }
  const index = new Map<string, number>();
  words.forEach((w, i) => index.set(w, i));
  return { words: [...words], index, counts, totalWords: vocab.totalWords };
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
 * The Huffman tree exactly as gensim builds it: Python's heapq over items compared by count
 * only (gensim's Heapitem.__lt__), so ties fall where heapq's sift order puts them; the two
 * smallest nodes merge and the first popped is the 0 branch. Same codes and points as gensim
 * (tested), hence the same hierarchical-softmax objective. Inner node i (created i-th) is
 * row i of syn1 (V-1 rows); the root is row V-2.
 */
export function buildHuffmanTree(counts: Float64Array): HuffmanTree {
  const V = counts.length;
  if (V < 2) throw new OptionsError(`hierarchical softmax needs at least 2 words in the vocabulary, got ${V}`);
  const count = new Float64Array(2 * V - 1);
  count.set(counts);
  const left = new Int32Array(V - 1);
  const right = new Int32Array(V - 1);
  const heap = new PyHeap(count, V);
  for (let i = 0; i < V - 1; i++) {
    const min1 = heap.pop();
    const min2 = heap.pop();
    count[V + i] = (count[min1] as number) + (count[min2] as number);
    left[i] = min1;
    right[i] = min2;
    heap.push(V + i);
  }
  // Walk from the root, collecting each leaf's code (0 = left) and inner-node path.
  const codeOf: number[][] = new Array(V);
  const pointOf: number[][] = new Array(V);
  const stack: Array<[number, number[], number[]]> = [[2 * V - 2, [], []]];
  while (stack.length) {
    const [node, codes, points] = stack.pop() as [number, number[], number[]];
    if (node < V) {
      codeOf[node] = codes;
      pointOf[node] = points;
      continue;
    }
    const inner = node - V;
    const path = [...points, inner];
    stack.push([left[inner] as number, [...codes, 0], path]);
    stack.push([right[inner] as number, [...codes, 1], path]);
  }
  const offsets = new Uint32Array(V + 1);
  let maxCodeLength = 0;
  for (let w = 0; w < V; w++) {
    const len = (codeOf[w] as number[]).length;
    if (len > maxCodeLength) maxCodeLength = len;
    offsets[w + 1] = (offsets[w] as number) + len;
  }
  const codes = new Uint8Array(offsets[V] as number);
  const points = new Uint32Array(offsets[V] as number);
  for (let w = 0; w < V; w++) {
    codes.set(codeOf[w] as number[], offsets[w] as number);
    points.set(pointOf[w] as number[], offsets[w] as number);
  }
  return { codes, points, offsets, maxCodeLength };
}

/**
 * Python's heapq (heapify, heappop, heappush with _siftup/_siftdown) on node indices, where
 * a < b means count[a] < count[b] and nothing else, as gensim's Heapitem compares.
 */
class PyHeap {
  private readonly items: Int32Array;
  private size: number;
  constructor(private readonly count: Float64Array, numLeaves: number) {
    this.items = new Int32Array(numLeaves);
    for (let i = 0; i < numLeaves; i++) this.items[i] = i;
    this.size = numLeaves;
    for (let i = (numLeaves >> 1) - 1; i >= 0; i--) this.siftUp(i);
  }
  private less(a: number, b: number): boolean {
    return (this.count[a] as number) < (this.count[b] as number);
  }
  private siftDown(startPos: number, pos: number): void {
    const items = this.items;
    const newItem = items[pos] as number;
    while (pos > startPos) {
      const parentPos = (pos - 1) >> 1;
      const parent = items[parentPos] as number;
      if (this.less(newItem, parent)) {
        items[pos] = parent;
        pos = parentPos;
        continue;
      }
      break;
    }
    items[pos] = newItem;
  }
  private siftUp(pos: number): void {
    const items = this.items;
    const endPos = this.size;
    const startPos = pos;
    const newItem = items[pos] as number;
    let childPos = 2 * pos + 1;
    while (childPos < endPos) {
      const rightPos = childPos + 1;
      if (rightPos < endPos && !this.less(items[childPos] as number, items[rightPos] as number)) childPos = rightPos;
      items[pos] = items[childPos] as number;
      pos = childPos;
      childPos = 2 * pos + 1;
    }
    items[pos] = newItem;
    this.siftDown(startPos, pos);
  }
  push(node: number): void {
    this.items[this.size++] = node;
    this.siftDown(0, this.size - 1);
  }
  pop(): number {
    const last = this.items[--this.size] as number;
    if (this.size === 0) return last;
    const top = this.items[0] as number;
    this.items[0] = last;
    this.siftUp(0);
    return top;
  }
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
