/**
 * Trained word vectors (gensim's KeyedVectors): lookup, cosine similarity, nearest
 * neighbours and analogies over one flat Float32Array [numWords × vectorSize].
 */
import { OptionsError, PacsmineError } from '../util/errors.js';
// format.ts and pca.ts import this class; the calls below run long after every module is loaded.
import { loadWord2VecFormat, saveWord2VecFormat, type Word2VecFormat } from './format.js';
import { projectWords2d, type ProjectedWord } from './pca.js';

export interface Neighbour {
  word: string;
  similarity: number;
}

export class WordVectors {
  readonly words: readonly string[];
  readonly vectorSize: number;
  /** Row-major [numWords × vectorSize]. */
  readonly vectors: Float32Array;
  readonly #index: Map<string, number>;
  #unit: Float32Array | undefined;

  constructor(words: readonly string[], vectors: Float32Array, vectorSize: number) {
    if (vectors.length !== words.length * vectorSize) {
      throw new OptionsError(`vectors hold ${vectors.length} values, expected ${words.length} words × ${vectorSize}`);
    }
    this.words = words;
    this.vectors = vectors;
    this.vectorSize = vectorSize;
    this.#index = new Map();
    words.forEach((w, i) => this.#index.set(w, i));
  }

  /** Reads a file in the word2vec C tool's format, binary (default) or text: what gensim's KeyedVectors.load_word2vec_format reads. */
  static load(file: string, format: Word2VecFormat = 'binary'): WordVectors {
    return loadWord2VecFormat(file, format);
  }

  /** Writes the vectors in the word2vec C tool's format, binary (default) or text, for gensim. */
  save(file: string, format: Word2VecFormat = 'binary'): void {
    saveWord2VecFormat(this, file, format);
  }

  /** A 2-D PCA projection of these words' vectors (Figure 6); seeded power iteration. */
  project2d(words: readonly string[], seed = 1): ProjectedWord[] {
    return projectWords2d(this, words, seed);
  }

  get numWords(): number {
    return this.words.length;
  }

  has(word: string): boolean {
    return this.#index.has(word);
  }

  /** Row index of a word, or undefined. */
  indexOf(word: string): number | undefined {
    return this.#index.get(word);
  }

  /** The word's vector (a view, not a copy). Throws NOT_FOUND for an unknown word. */
  vector(word: string): Float32Array {
    const i = this.#require(word);
    return this.vectors.subarray(i * this.vectorSize, (i + 1) * this.vectorSize);
  }

  /** Cosine similarity of two words. */
  similarity(a: string, b: string): number {
    const u = this.#unitVectors();
    const D = this.vectorSize;
    const ia = this.#require(a) * D, ib = this.#require(b) * D;
    let s = 0;
    for (let d = 0; d < D; d++) s += (u[ia + d] as number) * (u[ib + d] as number);
    return s;
  }

  /**
   * The `topn` words nearest to the mean of the unit vectors of `positive` minus those of
   * `negative` (gensim's most_similar); the query words themselves are left out.
   */
  mostSimilar(positive: readonly string[], negative: readonly string[] = [], topn = 10): Neighbour[] {
    if (positive.length + negative.length === 0) throw new OptionsError('mostSimilar needs at least one word');
    const u = this.#unitVectors();
    const D = this.vectorSize;
    const query = new Float64Array(D);
    const exclude = new Set<number>();
    for (const [words, sign] of [[positive, 1], [negative, -1]] as const) {
      for (const w of words) {
        const i = this.#require(w);
        exclude.add(i);
        for (let d = 0; d < D; d++) query[d] = (query[d] as number) + sign * (u[i * D + d] as number);
      }
    }
    return this.nearestToVector(query, topn, exclude);
  }

  /** Words nearest (cosine) to any vector. */
  nearestToVector(query: ArrayLike<number>, topn = 10, exclude: ReadonlySet<number> = new Set()): Neighbour[] {
    const u = this.#unitVectors();
    const D = this.vectorSize;
    let norm = 0;
    for (let d = 0; d < D; d++) norm += (query[d] as number) ** 2;
    norm = Math.sqrt(norm) || 1;
    const sims = new Float64Array(this.numWords);
    for (let w = 0; w < this.numWords; w++) {
      let s = 0;
      for (let d = 0; d < D; d++) s += (u[w * D + d] as number) * (query[d] as number);
      sims[w] = s / norm;
    }
    const order = [...sims.keys()].filter((w) => !exclude.has(w));
    order.sort((a, b) => (sims[b] as number) - (sims[a] as number));
    return order.slice(0, topn).map((w) => ({ word: this.words[w] as string, similarity: sims[w] as number }));
  }

  /** a : b :: c : ? (gensim: most_similar(positive=[b, c], negative=[a])). */
  analogy(a: string, b: string, c: string, topn = 1): Neighbour[] {
    return this.mostSimilar([b, c], [a], topn);
  }

  #require(word: string): number {
    const i = this.#index.get(word);
    if (i === undefined) throw new PacsmineError('NOT_FOUND', `word '${word}' is not in the vocabulary (${this.numWords} words)`);
    return i;
  }

  #unitVectors(): Float32Array {
    if (this.#unit) return this.#unit;
    const D = this.vectorSize;
    const u = new Float32Array(this.vectors.length);
    for (let w = 0; w < this.numWords; w++) {
      let n = 0;
      for (let d = 0; d < D; d++) n += (this.vectors[w * D + d] as number) ** 2;
      n = Math.sqrt(n) || 1;
      for (let d = 0; d < D; d++) u[w * D + d] = (this.vectors[w * D + d] as number) / n;
    }
    this.#unit = u;
    return u;
  }
}
