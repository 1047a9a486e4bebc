/**
 * Report text to word2vec sentences. Tokens come from reports/tokenize.ts with minLength 1:
 * word2vec keeps every token the tokenizer finds (short words such as "no", "of" and single
 * digits are context too, as in the C tool's corpora); minCount removes the rare ones.
 */
import { tokenize } from '../reports/tokenize.js';

/** Shortest token word2vec keeps, in characters. */
export const WORD2VEC_MIN_TOKEN_LENGTH = 1;

/**
 * Splits text into sentences at `.`, `?`, `!` or `;` followed by white space, and at line
 * breaks; a period inside a token (`1.5`, `e.g`) does not split.
 */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.?!;])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Token arrays of every sentence of every text (lower-case, minLength 1). */
export function* sentenceTokens(texts: Iterable<string>): Generator<string[]> {
  for (const text of texts) {
    for (const sentence of splitSentences(text)) {
      const tokens = tokenize(sentence, { minLength: WORD2VEC_MIN_TOKEN_LENGTH });
      if (tokens.length) yield tokens;
    }
  }
}
