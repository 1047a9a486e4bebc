/**
 * Finds disease terms in sentences: a trie (automaton) over normalised token sequences of
 * every term name and synonym, walked from each token for the longest match. Token keys are
 * cached per surface form, so a sentence costs one scan, one Map lookup per token and a few
 * trie steps; no allocation per token beyond the hits.
 */
import { scanTokens } from '../reports/tokenize.js';
import { OptionsError } from '../util/errors.js';
import type { Ontology, OboTerm, SynonymScope } from './obo.js';
import { acronymKey, isAcronym, normalizeToken } from './normalize.js';
import { findTerms, type TermHit } from './terms.js';

export interface TermMatch {
  /** Ontology id of the term, e.g. DOID:1673. */
  id: string;
  /** The term's preferred name. */
  name: string;
  /** The text as it appears in the sentence. */
  text: string;
  /** Character offsets of the match in the sentence. */
  start: number;
  end: number;
  /** Token offsets of the match: [startToken, endToken). */
  startToken: number;
  endToken: number;
}

export interface MatcherOptions {
  /** Synonym scopes to match besides names. Default ['EXACT']. */
  synonymScopes?: readonly SynonymScope[];
  /** Match obsolete terms too. Default false. */
  includeObsolete?: boolean;
  /** Term ids never matched. Default ['DOID:4'] (the root, "disease", which would match every "disease"). */
  excludeIds?: readonly string[];
}

/** One sentence's tokens: surface spans plus the id each token has in the matcher (−1 = in no term). */
export interface SentenceTokens {
  starts: number[];
  ends: number[];
  keys: number[];
  /** Lower-cased surface tokens (for negation triggers). */
  lower: string[];
}

interface Entry {
  term: OboTerm;
  /** 0 = preferred name, 1 = synonym: a name wins over another term's synonym. */
  rank: number;
}

export class TermMatcher {
  readonly numTerms: number;
  readonly numEntries: number;
  /** token key → id, for normalised ontology tokens. */
  readonly #keyIds = new Map<string, number>();
  /** surface token → id or −1; a cache in front of normalizeToken. */
  readonly #surface = new Map<string, number>();
  /** trie edges: node * 2^20 + tokenId → child node. */
  readonly #edges = new Map<number, number>();
  /** term entry at each node, or undefined. */
  readonly #accept: Array<Entry | undefined> = [undefined];
  #nodes = 1;

  constructor(ontology: Ontology | readonly OboTerm[], options: MatcherOptions = {}) {
    const terms = Array.isArray(ontology) ? (ontology as readonly OboTerm[]) : (ontology as Ontology).terms;
    const scopes = new Set(options.synonymScopes ?? ['EXACT']);
    const exclude = new Set(options.excludeIds ?? ['DOID:4']);
    let numTerms = 0, numEntries = 0;
    for (const term of terms) {
      if (exclude.has(term.id) || (term.obsolete && !options.includeObsolete)) continue;
      numTerms++;
      if (this.#add(term.name, { term, rank: 0 })) numEntries++;
      for (const s of term.synonyms) if (scopes.has(s.scope) && this.#add(s.text, { term, rank: 1 })) numEntries++;
    }
    if (numEntries === 0) throw new OptionsError('the matcher has no terms: the ontology is empty or every term was excluded');
    this.numTerms = numTerms;
    this.numEntries = numEntries;
  }

  #add(text: string, entry: Entry): boolean {
    const keys: number[] = [];
    scanTokens(text, (s, e) => {
      const surface = text.slice(s, e);
      const key = isAcronym(surface) ? acronymKey(surface) : normalizeToken(surface.toLowerCase());
      let id = this.#keyIds.get(key);
      if (id === undefined) {
        id = this.#keyIds.size;
        if (id >= 1 << 20) throw new OptionsError('too many distinct term tokens (over 2^20)');
        this.#keyIds.set(key, id);
      }
      keys.push(id);
    });
    if (keys.length === 0) return false;
    let node = 0;
    for (const k of keys) {
      const edge = node * 1048576 + k;
      let child = this.#edges.get(edge);
      if (child === undefined) {
        child = this.#nodes++;
        this.#edges.set(edge, child);
        this.#accept.push(undefined);
      }
      node = child;
    }
    const old = this.#accept[node];
    // Deterministic choice when two terms share a token sequence: names before synonyms, then the smaller id.
    if (!old || entry.rank < old.rank || (entry.rank === old.rank && entry.term.id < old.term.id)) this.#accept[node] = entry;
    return true;
  }

  /** Splits a sentence into tokens with their matcher ids. */
  /** The terms of a sentence with their assertion status (affirmed, negated, uncertain): terms.ts findTerms. */
  findTerms(sentence: string): TermHit[] {
    return findTerms(this, sentence);
  }

  tokens(sentence: string): SentenceTokens {
    const out: SentenceTokens = { starts: [], ends: [], keys: [], lower: [] };
    scanTokens(sentence, (s, e) => {
      const surface = sentence.slice(s, e);
      const lower = surface.toLowerCase();
      let id = this.#surface.get(surface);
      if (id === undefined) {
        // An all-capital token is tried as an acronym first, then as an ordinary word.
        id = (isAcronym(surface) ? this.#keyIds.get(acronymKey(surface)) : undefined) ?? this.#keyIds.get(normalizeToken(lower)) ?? -1;
        if (this.#surface.size < 1_000_000) this.#surface.set(surface, id);
      }
      out.starts.push(s);
      out.ends.push(e);
      out.keys.push(id);
      out.lower.push(lower);
    });
    return out;
  }

  /** Longest, left-to-right, non-overlapping term matches in a sentence. */
  match(sentence: string, tokens: SentenceTokens = this.tokens(sentence)): TermMatch[] {
    const hits: TermMatch[] = [];
    const { keys, starts, ends } = tokens;
    const n = keys.length;
    let i = 0;
    while (i < n) {
      let node = 0;
      let bestEnd = -1;
      let best: Entry | undefined;
      for (let j = i; j < n; j++) {
        const k = keys[j] as number;
        if (k < 0) break;
        const child = this.#edges.get(node * 1048576 + k);
        if (child === undefined) break;
        node = child;
        const acc = this.#accept[node];
        if (acc) {
          best = acc;
          bestEnd = j + 1;
        }
      }
      if (best) {
        const start = starts[i] as number, end = ends[bestEnd - 1] as number;
        hits.push({ id: best.term.id, name: best.term.name, text: sentence.slice(start, end), start, end, startToken: i, endToken: bestEnd });
        i = bestEnd;
      } else i++;
    }
    return hits;
  }
}
