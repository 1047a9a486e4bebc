/**
 * Report text to word2vec sentences. Tokens come from reports/tokenize.ts with minLength 1:
 * word2vec keeps every token the tokenizer finds (short words such as "no", "of" and single
 * digits are context too, as in the C tool's corpora); minCount removes the rare ones.
 */
import { tokenize } from '../reports/tokenize.js';
import { splitSentences } from '../reports/sentences.js';

/** Shortest token word2vec keeps, in characters. */
export const WORD2VEC_MIN_TOKEN_LENGTH = 1;

/** The sentence texts of a report, by the radiology sentence splitter (headers dropped). */
export function sentenceTexts(text: string): string[] {
  return splitSentences(text).map((s) => s.text);
}

/** Token arrays of every sentence of every text (lower-case, minLength 1). */
export function* sentenceTokens(texts: Iterable<string>): Generator<string[]> {
  for (const text of texts) {
    for (const sentence of sentenceTexts(text)) {
      const tokens = tokenize(sentence, { minLength: WORD2VEC_MIN_TOKEN_LENGTH });
      if (tokens.length) yield tokens;
    }
  }
}
