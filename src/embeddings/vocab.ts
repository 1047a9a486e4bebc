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
 * The Huffman tree as gensim builds it (a heap ordered by (count, node index); the two
 * smallest nodes merge, the first popped is the 0 branch), so our inner nodes line up with
 * gensim's. Inner node i (created i-th) is row i of syn1 (V-1 rows); the root is row V-2.
 */
export function buildHuffmanTree(counts: Float64Array): HuffmanTree {
  const V = counts.length;
  if (V < 2) throw new OptionsError(`hierarchical softmax needs at least 2 words in the vocabulary, got ${V}`);
  const count = new Float64Array(2 * V - 1);
  count.set(counts);
  const left = new Int32Array(V - 1);
  const right = new Int32Array(V - 1);
  const heap = new MinHeap(count, 2 * V);
  for (let i = 0; i < V; i++) heap.push(i);
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

/** A binary min-heap of node indices ordered by (count, index), like Python's heapq on gensim's Heapitem. */
class MinHeap {
  private readonly items: Int32Array;
  private size = 0;
  constructor(private readonly count: Float64Array, capacity: number) {
    this.items = new Int32Array(capacity);
  }
  private less(a: number, b: number): boolean {
    const ca = this.count[a] as number, cb = this.count[b] as number;
    return ca < cb || (ca === cb && a < b);
  }
  push(node: number): void {
    let i = this.size++;
    this.items[i] = node;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(this.items[i] as number, this.items[parent] as number)) break;
      const t = this.items[i] as number;
      this.items[i] = this.items[parent] as number;
      this.items[parent] = t;
      i = parent;
    }
  }
  pop(): number {
    const top = this.items[0] as number;
    this.items[0] = this.items[--this.size] as number;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < this.size && this.less(this.items[l] as number, this.items[m] as number)) m = l;
      if (r < this.size && this.less(this.items[r] as number, this.items[m] as number)) m = r;
      if (m === i) break;
      const t = this.items[i] as number;
      this.items[i] = this.items[m] as number;
      this.items[m] = t;
      i = m;
    }
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
