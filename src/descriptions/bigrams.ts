/**
 * Bigram image descriptions (Section 5.2, Figure 7): the disease terms found in a key image's
 * sentence and its two neighbours are read as word sequences; consecutive disease-term words
 * form bigrams, a term word that cannot form a bigram (a lone "nodes") is dropped, and every
 * bigram becomes one 512-d target, the two words' 256-d vectors side by side. An image with
 * several bigrams gets several targets. Negated terms are left out by default.
 */
import { tokenize } from '../reports/tokenize.js';
import { isStopWord } from '../reports/stopwords.js';
import { isNumericToken } from '../reports/tokenize.js';
import type { TermMatcher } from '../ontology/matcher.js';
import { findTerms, type TermHit } from '../ontology/terms.js';
import type { AssertionStatus } from '../ontology/negation.js';
import type { WordVectors } from '../embeddings/vectors.js';
import { WORD2VEC_MIN_TOKEN_LENGTH } from '../embeddings/sentences.js';

/** A key image's reference sentence with its neighbours (refs.sentence, prev_sentence, next_sentence). */
export interface ReferenceWindow {
  prevSentence?: string | null;
  sentence: string;
  nextSentence?: string | null;
}

export interface DescriptionOptions {
  /** Statuses whose terms are used. Default ['affirmed', 'uncertain']: negated terms are kept out. */
  statuses?: readonly AssertionStatus[];
}

export type Bigram = [string, string];

export interface WindowTerm extends TermHit {
  /** Which sentence of the window: -1 previous, 0 the reference sentence, 1 next. */
  sentenceOffset: -1 | 0 | 1;
}

export interface ImageDescription {
  /** Every term hit in the window, whatever its status. */
  terms: WindowTerm[];
  /** Bigrams of consecutive disease-term words, in text order, duplicates removed. */
  bigrams: Bigram[];
  /** Term words that could not form a bigram, hence ignored. */
  droppedWords: string[];
}

/** Words of a term as word2vec sees them: the tokenizer's lower-case tokens, minus stop words and numbers. */
export function termWords(text: string): string[] {
  return tokenize(text, { minLength: WORD2VEC_MIN_TOKEN_LENGTH }).filter((w) => !isStopWord(w) && !isNumericToken(w));
}

/**
 * The bigram description of one reference window. Within each sentence, term hits that
 * touch (nothing but white space or hyphens between them) join into one word run; each run
 * of n ≥ 2 words gives n−1 bigrams, and a run of one word is dropped.
 */
export function describeWindow(matcher: TermMatcher, window: ReferenceWindow, options: DescriptionOptions = {}): ImageDescription {
  const statuses = new Set(options.statuses ?? ['affirmed', 'uncertain']);
  const terms: WindowTerm[] = [];
  const bigrams: Bigram[] = [];
  const seen = new Set<string>();
  const droppedWords: string[] = [];
  const parts: Array<[-1 | 0 | 1, string | null | undefined]> = [[-1, window.prevSentence], [0, window.sentence], [1, window.nextSentence]];
  for (const [sentenceOffset, sentence] of parts) {
    if (!sentence) continue;
    const hits = findTerms(matcher, sentence);
    for (const h of hits) terms.push({ ...h, sentenceOffset });
    const used = hits.filter((h) => statuses.has(h.status));
    let run: string[] = [];
    let lastEnd = -1;
    const closeRun = (): void => {
      if (run.length === 1) droppedWords.push(run[0] as string);
      for (let i = 0; i + 1 < run.length; i++) {
        const key = `${run[i]} ${run[i + 1]}`;
        if (!seen.has(key)) {
          seen.add(key);
          bigrams.push([run[i] as string, run[i + 1] as string]);
        }
      }
      run = [];
    };
    for (const h of used) {
      if (lastEnd >= 0 && !/^[\s-]*$/.test(sentence.slice(lastEnd, h.start))) closeRun();
      run.push(...termWords(h.text));
      lastEnd = h.end;
    }
    closeRun();
  }
  return { terms, bigrams, droppedWords };
}

/**
 * 512-d (2 × vectorSize) targets for bigrams, row-major [bigrams × 2·vectorSize]; a bigram
 * with a word missing from the vectors is skipped and listed in `missing`.
 */
export function bigramTargets(vectors: WordVectors, bigrams: readonly Bigram[]): { targets: Float32Array; kept: Bigram[]; missing: Bigram[] } {
  const D = vectors.vectorSize;
  const kept = bigrams.filter(([a, b]) => vectors.has(a) && vectors.has(b));
  const missing = bigrams.filter(([a, b]) => !vectors.has(a) || !vectors.has(b));
  const targets = new Float32Array(kept.length * 2 * D);
  kept.forEach(([a, b], i) => {
    targets.set(vectors.vector(a), i * 2 * D);
    targets.set(vectors.vector(b), i * 2 * D + D);
  });
  return { targets, kept, missing };
}
