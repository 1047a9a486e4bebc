/**
 * Text → image search: the query's words are embedded with the workspace's word vectors, and key
 * images are ranked by how near their regression outputs lie to them. An image scores the mean,
 * over the query's words, of each word's better cosine against the two halves of its output (the
 * same word-to-half matching as keyword prediction). Results carry the image's caption (its key
 * sentence: de-identified text only, never the original report).
 *
 * Query words are the tokenizer's lower-case tokens without stop words and numbers; a word with no
 * vector is reported as unknown and left out. An empty query is an error; a query none of whose
 * words has a vector gives no results, with the reason.
 */
import type { Workspace } from '../store/workspace.js';
import type { WordVectors } from '../embeddings/vectors.js';
import { loadWorkspaceVectors } from '../embeddings/stage.js';
import { tokenize, isNumericToken } from '../reports/tokenize.js';
import { isStopWord } from '../reports/stopwords.js';
import { WORD2VEC_MIN_TOKEN_LENGTH } from '../embeddings/sentences.js';
import { OptionsError } from '../util/errors.js';
import type { SplitName } from '../datasets/split.js';
import { readRegressionOutputs } from './regress.js';

/** Function words under 3 letters (the stop list starts at 3: shorter tokens never reach the topic corpus). */
const SHORT_STOP_WORDS: ReadonlySet<string> = new Set('a an as at be by do he if in is it me my no of on or so to up us we'.split(' '));

/** The words of a query that search looks up: tokens without stop words and numbers, each once. */
export function queryWords(query: string): string[] {
  return [...new Set(tokenize(query, { minLength: WORD2VEC_MIN_TOKEN_LENGTH }).filter((w) => !isStopWord(w) && !SHORT_STOP_WORDS.has(w) && !isNumericToken(w)))];
}

export interface SearchHit {
  /** The key image's id (SOP instance UID). */
  image: string;
  score: number;
  /** Its key sentence (de-identified), '' when it has none. */
  caption: string;
  /** Its PNG in the workspace. */
  path: string;
}

export interface SearchResult {
  query: string;
  /** Query words that were looked up. */
  words: string[];
  /** Query words without a vector (left out). */
  unknown: string[];
  hits: SearchHit[];
  /** Why there are no hits, when there are none. */
  reason?: string;
}

/** Key images' regression outputs with each half scaled to unit length, for cosine by dot product. */
export class ImageSearchIndex {
  readonly ids: readonly string[];
  readonly splits: readonly SplitName[];
  readonly halfDim: number;
  readonly #unit: Float32Array;

  constructor(ids: readonly string[], splits: readonly SplitName[], outputs: Float32Array, dim: number) {
    if (dim % 2 !== 0 || outputs.length !== ids.length * dim) throw new OptionsError(`outputs hold ${outputs.length} values, expected ${ids.length} images × an even size (got ${dim})`);
    this.ids = ids;
    this.splits = splits;
    this.halfDim = dim / 2;
    this.#unit = new Float32Array(outputs.length);
    const H = this.halfDim;
    for (let h = 0; h < outputs.length; h += H) {
      let n = 0;
      for (let d = 0; d < H; d++) n += (outputs[h + d] as number) ** 2;
      const s = n > 0 ? 1 / Math.sqrt(n) : 0;
      for (let d = 0; d < H; d++) this.#unit[h + d] = (outputs[h + d] as number) * s;
    }
  }

  static fromWorkspace(ws: Workspace): ImageSearchIndex {
    const o = readRegressionOutputs(ws);
    return new ImageSearchIndex(o.ids, o.splits, o.outputs, o.dim);
  }

  /** Every image's score for these word vectors (each D = halfDim). */
  score(words: readonly ArrayLike<number>[]): Float32Array {
    const H = this.halfDim;
    const units = words.map((v) => {
      if (v.length !== H) throw new OptionsError(`a word vector has ${v.length} values; the regression outputs are 2 × ${H}: train the regression again on these vectors`);
      let n = 0;
      for (let d = 0; d < H; d++) n += (v[d] as number) ** 2;
      const s = n > 0 ? 1 / Math.sqrt(n) : 0;
      return Float32Array.from({ length: H }, (_, d) => (v[d] as number) * s);
    });
    const out = new Float32Array(this.ids.length);
    if (units.length === 0) return out;
    const u = this.#unit;
    for (let i = 0; i < this.ids.length; i++) {
      let total = 0;
      for (const w of units) {
        let a = 0, b = 0;
        const base = i * 2 * H;
        for (let d = 0; d < H; d++) {
          a += (w[d] as number) * (u[base + d] as number);
          b += (w[d] as number) * (u[base + H + d] as number);
        }
        total += Math.max(a, b);
      }
      out[i] = total / units.length;
    }
    return out;
  }
}

/** Each key image's caption: the key sentence of the first key image linked to it (de-identified). */
export function keyImageCaptions(ws: Workspace): Map<string, string> {
  const rows = ws.db.prepare(`SELECT l.sop_instance_uid AS sop, r.sentence AS sentence FROM links l
    JOIN key_images k ON k.id = l.key_image_id JOIN refs r ON r.id = k.ref_id ORDER BY l.sop_instance_uid, k.id`).all() as Array<{ sop: string; sentence: string }>;
  const out = new Map<string, string>();
  for (const r of rows) if (!out.has(r.sop)) out.set(r.sop, r.sentence);
  return out;
}

/** Splits the query into looked-up words and unknown ones; an empty query is an OptionsError. */
export function embedQuery(vectors: WordVectors, query: string): { words: string[]; unknown: string[]; vectors: Float32Array[] } {
  if (query.trim() === '') throw new OptionsError('the search query is empty: give words to search for, e.g. "pleural effusion"');
  const all = queryWords(query);
  const words = all.filter((w) => vectors.has(w));
  return { words, unknown: all.filter((w) => !vectors.has(w)), vectors: words.map((w) => vectors.vector(w)) };
}

/** Ranks images for a query (the `top` best, all splits unless `split` says). */
export function searchIndex(index: ImageSearchIndex, vectors: WordVectors, query: string, options: { top?: number; split?: SplitName } = {}): Omit<SearchResult, 'hits'> & { ranked: Array<{ index: number; score: number }> } {
  const top = options.top ?? 10;
  if (!(Number.isInteger(top) && top >= 1)) throw new OptionsError(`top must be an integer ≥ 1, got ${top}`);
  const q = embedQuery(vectors, query);
  const base = { query, words: q.words, unknown: q.unknown };
  if (q.words.length === 0) {
    const reason = q.unknown.length === 0 ? 'the query has no words to search for (only stop words or numbers)' : `no query word is in the vocabulary of the word vectors (unknown: ${q.unknown.join(', ')})`;
    return { ...base, ranked: [], reason };
  }
  const scores = index.score(q.vectors);
  const ranked = Array.from(scores, (score, i) => ({ index: i, score }))
    .filter((r) => options.split === undefined || index.splits[r.index] === options.split)
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, top);
  return { ...base, ranked, ...(ranked.length === 0 ? { reason: 'the workspace has no key images with regression outputs' } : {}) };
}

/** `pacsmine search QUERY`: the key images nearest the query's words, with their captions. */
export function searchImages(ws: Workspace, query: string, options: { top?: number; split?: SplitName } = {}): SearchResult {
  const vectors = loadWorkspaceVectors(ws);
  const index = ImageSearchIndex.fromWorkspace(ws);
  const { ranked, ...rest } = searchIndex(index, vectors, query, options);
  if (ranked.length === 0) return { ...rest, hits: [] };
  const captions = keyImageCaptions(ws);
  const pathOf = ws.db.prepare('SELECT path FROM key_image_png WHERE sop_instance_uid = ?').pluck();
  const hits = ranked.map((r) => {
    const id = index.ids[r.index]!;
    return { image: id, score: r.score, caption: captions.get(id) ?? '', path: (pathOf.get(id) as string | undefined) ?? '' };
  });
  return { ...rest, hits };
}

export interface SearchEvaluation {
  /** Test images whose caption has at least one word with a vector (the queries). */
  queries: number;
  /** Images ranked per query (the test images with outputs). */
  candidates: number;
  /** Test images left out: no caption, or no caption word with a vector. */
  skipped: number;
  /** Share of queries whose own image is among the first 10. */
  recallAt10: number;
  /** Mean of 1 / rank of the query's own image (ties counted against it). */
  mrr: number;
  /** The same for a random ranking, exactly: min(10, N) / N and H_N / N. */
  randomRecallAt10: number;
  randomMrr: number;
}

/**
 * Captions as queries on the given images: each image's own caption should find that image
 * among them. Its rank counts every other image with a score at least its own (ties against it).
 */
export function evaluateSearch(index: ImageSearchIndex, vectors: WordVectors, captions: ReadonlyMap<string, string>, among: readonly number[]): SearchEvaluation {
  const N = among.length;
  let queries = 0, skipped = 0, hits10 = 0, rr = 0;
  for (const i of among) {
    const caption = captions.get(index.ids[i]!) ?? '';
    const q = caption.trim() === '' ? undefined : embedQuery(vectors, caption);
    if (q === undefined || q.words.length === 0) {
      skipped++;
      continue;
    }
    const scores = index.score(q.vectors);
    const own = scores[i]!;
    let rank = 1;
    for (const j of among) if (j !== i && scores[j]! >= own) rank++;
    queries++;
    if (rank <= 10) hits10++;
    rr += 1 / rank;
  }
  let harmonic = 0;
  for (let r = 1; r <= N; r++) harmonic += 1 / r;
  return {
    queries, candidates: N, skipped,
    recallAt10: queries ? hits10 / queries : 0, mrr: queries ? rr / queries : 0,
    randomRecallAt10: N ? Math.min(10, N) / N : 0, randomMrr: N ? harmonic / N : 0,
  };
}
