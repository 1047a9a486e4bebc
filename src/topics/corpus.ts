/**
 * The compact integer corpus every topic model reads: one term id per token, documents as
 * offsets into that array. Built once with the paper's preparation rules (each a parameter)
 * and reused by every model, sweep and benchmark.
 */
import { tokenize } from '../reports/tokenize.js';
import { FormatError, InputError, OptionsError } from '../util/errors.js';
import { readArtifact, takeArray, writeArtifact } from '../util/artifact-file.js';

export interface CorpusOptions {
  /** Shortest token kept, in characters (paper: 3). */
  minLength?: number;
  /** Terms found in fewer documents than this are dropped (paper: 3). */
  minDocFreq?: number;
  /** The N most frequent terms (by token count) are dropped (paper: 10). */
  dropTopN?: number;
  /** Documents with fewer tokens than this after term filtering are dropped (paper: 5). */
  minDocLength?: number;
  /** Keep inner `.`, `-`, `/` inside tokens (`l5-s1`, `1.5`). Default false: the authors' "words and numbers only" (this reproduces their Indiana counts exactly). */
  keepInnerPunctuation?: boolean;
  /** Porter-stem tokens. Default false. */
  stem?: boolean;
  /** A fixed vocabulary: only these terms are kept and no term rule applies (for held-out or sub-corpora). */
  vocab?: readonly string[];
}

/** One input document: its text, its tokens, or an id with either. */
export type CorpusInput = string | readonly string[] | { id: string; text?: string; tokens?: readonly string[] };

export interface DroppedCounts {
  /** Tokens shorter than minLength. */
  shortTokens: number;
  /** Tokens of terms below minDocFreq (or outside a fixed vocabulary). */
  rareTermTokens: number;
  /** Tokens of the dropTopN most frequent terms. */
  topTermTokens: number;
  /** Distinct terms dropped as rare / as most frequent. */
  rareTerms: number;
  topTerms: number;
  /** Documents empty after filtering, and documents shorter than minDocLength (not empty). */
  emptyDocs: number;
  shortDocs: number;
  /** Ids of dropped documents (both kinds), in input order. */
  droppedDocIds: string[];
  /** Tokens inside dropped short documents. */
  shortDocTokens: number;
}

export interface Corpus {
  vocab: string[];
  /** Term id of every token, documents back to back. */
  tokens: Uint32Array;
  /** Document d's tokens are tokens[docOffsets[d] .. docOffsets[d+1]). Length numDocs + 1. */
  docOffsets: Uint32Array;
  docIds: string[];
  dropped: DroppedCounts;
  options: Required<Omit<CorpusOptions, 'vocab'>>;
}

export const CORPUS_DEFAULTS: Required<Omit<CorpusOptions, 'vocab'>> = {
  minLength: 3,
  minDocFreq: 3,
  dropTopN: 10,
  minDocLength: 5,
  keepInnerPunctuation: false,
  stem: false,
};

export function numDocs(c: Pick<Corpus, 'docOffsets'>): number {
  return c.docOffsets.length - 1;
}

/** Tokens of document d (a view, no copy). */
export function docTokens(c: Pick<Corpus, 'tokens' | 'docOffsets'>, d: number): Uint32Array {
  return c.tokens.subarray(c.docOffsets[d] as number, c.docOffsets[d + 1] as number);
}

function checkInt(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new OptionsError(`corpus option ${name} must be an integer >= ${min}, got ${v}`);
}

/**
 * Builds a corpus. Rules apply in the authors' order: tokenise (minLength, words and numbers),
 * drop terms in fewer than minDocFreq documents, drop the dropTopN most frequent terms, then
 * drop documents shorter than minDocLength. Dropped documents and tokens are counted, never silent.
 */
export function buildCorpus(docs: Iterable<CorpusInput>, options: CorpusOptions = {}): Corpus {
  const o = { ...CORPUS_DEFAULTS, ...stripUndefined(options) };
  checkInt('minLength', o.minLength, 1);
  checkInt('minDocFreq', o.minDocFreq, 1);
  checkInt('dropTopN', o.dropTopN, 0);
  checkInt('minDocLength', o.minDocLength, 1);
  const fixed = options.vocab;

  // Pass 1: tokenise to provisional ids, counting document and token frequencies.
  const provisional = new Map<string, number>();
  const terms: string[] = [];
  const df: number[] = [];
  const tf: number[] = [];
  const docIds: string[] = [];
  const docTok: Uint32Array[] = [];
  const lastSeen: number[] = [];
  let shortTokens = 0;
  let index = 0;
  for (const input of docs) {
    const { id, words, short } = toWords(input, index, o);
    shortTokens += short;
    const ids = new Uint32Array(words.length);
    for (let i = 0; i < words.length; i++) {
      const w = words[i] as string;
      let t = provisional.get(w);
      if (t === undefined) {
        t = terms.length;
        provisional.set(w, t);
        terms.push(w);
        df.push(0);
        tf.push(0);
        lastSeen.push(-1);
      }
      ids[i] = t;
      tf[t] = (tf[t] as number) + 1;
      if (lastSeen[t] !== index) {
        lastSeen[t] = index;
        df[t] = (df[t] as number) + 1;
      }
    }
    docIds.push(id);
    docTok.push(ids);
    index++;
  }

  // Term rules -> final vocabulary, most frequent first (ties by spelling, so ids are stable).
  const keep = new Uint8Array(terms.length);
  let rareTerms = 0;
  let topTerms = 0;
  if (fixed) {
    const allowed = new Set(fixed);
    for (let t = 0; t < terms.length; t++) keep[t] = allowed.has(terms[t] as string) ? 1 : 0;
  } else {
    for (let t = 0; t < terms.length; t++) {
      if ((df[t] as number) >= o.minDocFreq) keep[t] = 1;
      else rareTerms++;
    }
    const byFreq = [...Array(terms.length).keys()].filter((t) => keep[t]).sort((a, b) => (tf[b] as number) - (tf[a] as number) || cmp(terms[a] as string, terms[b] as string));
    for (const t of byFreq.slice(0, o.dropTopN)) {
      keep[t] = 2;
      topTerms++;
    }
  }
  let vocab: string[];
  if (fixed) vocab = [...fixed];
  else {
    vocab = [...Array(terms.length).keys()].filter((t) => keep[t] === 1)
      .sort((a, b) => (tf[b] as number) - (tf[a] as number) || cmp(terms[a] as string, terms[b] as string))
      .map((t) => terms[t] as string);
  }
  const finalId = new Int32Array(terms.length).fill(-1);
  const vocabIndex = new Map(vocab.map((w, i) => [w, i]));
  for (let t = 0; t < terms.length; t++) {
    if (keep[t] === 1) finalId[t] = vocabIndex.get(terms[t] as string) as number;
  }

  // Pass 2: remap tokens, drop short documents.
  let rareTermTokens = 0;
  let topTermTokens = 0;
  let emptyDocs = 0;
  let shortDocs = 0;
  let shortDocTokens = 0;
  const droppedDocIds: string[] = [];
  const keptIds: string[] = [];
  const offsets: number[] = [0];
  let total = 0;
  for (const ids of docTok) {
    let n = 0;
    for (let i = 0; i < ids.length; i++) if ((finalId[ids[i] as number] as number) >= 0) n++;
    total += n;
  }
  const tokens = new Uint32Array(total);
  let pos = 0;
  for (let d = 0; d < docTok.length; d++) {
    const ids = docTok[d] as Uint32Array;
    const start = pos;
    for (let i = 0; i < ids.length; i++) {
      const f = finalId[ids[i] as number] as number;
      if (f >= 0) tokens[pos++] = f;
      else if (keep[ids[i] as number] === 2) topTermTokens++;
      else rareTermTokens++;
    }
    const n = pos - start;
    if (n < o.minDocLength) {
      if (n === 0) emptyDocs++;
      else { shortDocs++; shortDocTokens += n; }
      droppedDocIds.push(docIds[d] as string);
      pos = start;
      continue;
    }
    keptIds.push(docIds[d] as string);
    offsets.push(pos);
  }
  return {
    vocab,
    tokens: tokens.slice(0, pos),
    docOffsets: Uint32Array.from(offsets),
    docIds: keptIds,
    dropped: { shortTokens, rareTermTokens, topTermTokens, rareTerms, topTerms, emptyDocs, shortDocs, droppedDocIds, shortDocTokens },
    options: o,
  };
}

/** Term ids of one text in an existing vocabulary (unknown terms skipped): for fold-in. */
export function encodeText(text: string | readonly string[], vocab: readonly string[] | Map<string, number>, options: CorpusOptions = {}): Uint32Array {
  const o = { ...CORPUS_DEFAULTS, ...stripUndefined(options) };
  const index = vocab instanceof Map ? vocab : new Map(vocab.map((w, i) => [w, i]));
  const words = typeof text === 'string' ? tokenize(text, { minLength: o.minLength, stem: o.stem, keepInnerPunctuation: o.keepInnerPunctuation }) : text;
  const out: number[] = [];
  for (const w of words) {
    const id = index.get(w);
    if (id !== undefined) out.push(id);
  }
  return Uint32Array.from(out);
}

/** A sub-corpus of the given documents (same vocabulary, tokens copied). */
export function subsetCorpus(c: Corpus, docs: ArrayLike<number>): Corpus {
  let total = 0;
  for (let i = 0; i < docs.length; i++) total += (c.docOffsets[(docs[i] as number) + 1] as number) - (c.docOffsets[docs[i] as number] as number);
  const tokens = new Uint32Array(total);
  const offsets = new Uint32Array(docs.length + 1);
  const ids: string[] = [];
  let pos = 0;
  for (let i = 0; i < docs.length; i++) {
    const d = docs[i] as number;
    tokens.set(docTokens(c, d), pos);
    pos += (c.docOffsets[d + 1] as number) - (c.docOffsets[d] as number);
    offsets[i + 1] = pos;
    ids.push(c.docIds[d] as string);
  }
  return { ...c, tokens, docOffsets: offsets, docIds: ids };
}

export const CORPUS_KIND = 'lda-corpus';
export const CORPUS_VERSION = 1;

/**
 * Saves the corpus as one artifact file (util/artifact-file.ts), atomically: meta { vocab,
 * docIds, dropped, options }, arrays tokens u32 [numTokens] and docOffsets u32 [numDocs + 1].
 */
export function saveCorpus(c: Corpus, file: string): void {
  writeArtifact(file, {
    kind: CORPUS_KIND,
    kindVersion: CORPUS_VERSION,
    meta: { vocab: c.vocab, docIds: c.docIds, dropped: c.dropped, options: c.options },
    arrays: { tokens: c.tokens, docOffsets: c.docOffsets },
  });
}

/** Reads a corpus saved by saveCorpus, checking both arrays against each other and every term id against the vocabulary. */
export function loadCorpus(file: string): Corpus {
  const a = readArtifact(file, { kind: CORPUS_KIND, versions: [CORPUS_VERSION] });
  const bad = (why: string): never => { throw new FormatError(`${file}: not a valid corpus: ${why}`); };
  const m = a.meta as Partial<Pick<Corpus, 'vocab' | 'docIds' | 'dropped' | 'options'>> | null;
  if (!Array.isArray(m?.vocab) || !m.vocab.every((w) => typeof w === 'string')) bad('meta.vocab is not a list of terms');
  if (!Array.isArray(m?.docIds) || !m.docIds.every((d) => typeof d === 'string')) bad('meta.docIds is not a list of ids');
  if (!m?.dropped || typeof m.dropped !== 'object' || !m.options || typeof m.options !== 'object') bad('meta.dropped or meta.options is missing');
  const meta = m as Pick<Corpus, 'vocab' | 'docIds' | 'dropped' | 'options'>;
  const take = (name: string, length: number | null): Uint32Array => {
    try {
      return takeArray(a, name, 'u32', [length]);
    } catch (e) {
      throw new FormatError(`${file}: not a valid corpus: ${(e as Error).message} (${meta.docIds.length} documents)`, { cause: e });
    }
  };
  const docOffsets = take('docOffsets', meta.docIds.length + 1);
  const tokens = take('tokens', null);
  if (docOffsets[0] !== 0) bad(`docOffsets[0] is ${docOffsets[0]}, expected 0`);
  for (let d = 1; d < docOffsets.length; d++) if ((docOffsets[d] as number) < (docOffsets[d - 1] as number)) bad(`docOffsets decreases at document ${d}`);
  if (docOffsets[docOffsets.length - 1] !== tokens.length) bad(`the documents end at token ${docOffsets[docOffsets.length - 1]}, the file holds ${tokens.length} tokens`);
  const V = meta.vocab.length;
  for (let i = 0; i < tokens.length; i++) if ((tokens[i] as number) >= V) bad(`token ${i} has term id ${tokens[i]}, the vocabulary has ${V} terms`);
  return { vocab: meta.vocab, docIds: meta.docIds, dropped: meta.dropped, options: meta.options, tokens, docOffsets };
}

function toWords(input: CorpusInput, index: number, o: Required<Omit<CorpusOptions, 'vocab'>>): { id: string; words: readonly string[]; short: number } {
  let id = String(index);
  let text: string | undefined;
  let words: readonly string[] | undefined;
  if (typeof input === 'string') text = input;
  else if (Array.isArray(input)) words = input as readonly string[];
  else if (input && typeof input === 'object') {
    const rec = input as { id: string; text?: string; tokens?: readonly string[] };
    id = String(rec.id);
    text = rec.text;
    words = rec.tokens;
  }
  if (words) {
    const kept = words.filter((w) => w.length >= o.minLength);
    return { id, words: kept, short: words.length - kept.length };
  }
  if (typeof text !== 'string') throw new InputError(`document ${id}: expected a string, a token array or {id, text|tokens}`, id);
  const all = tokenize(text, { minLength: 1, stem: o.stem, keepInnerPunctuation: o.keepInnerPunctuation });
  const kept = all.filter((w) => w.length >= o.minLength);
  return { id, words: kept, short: all.length - kept.length };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
