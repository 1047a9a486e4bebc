/**
 * The paper's Table 4: words per sentence across all report sentences, across the 3-sentence
 * windows of key-image references, those without stop words and digits, and disease-term
 * words only (the paper: 50.08 words and 5.17 ± 2.5 disease terms per window).
 */
import { tokenize, isNumericToken } from '../reports/tokenize.js';
import { isStopWord } from '../reports/stopwords.js';
import type { TermMatcher } from '../ontology/matcher.js';
import { findTerms } from '../ontology/terms.js';
import { WORD2VEC_MIN_TOKEN_LENGTH } from '../embeddings/sentences.js';
import type { ReferenceWindow } from './bigrams.js';

export interface MeanStd {
  count: number;
  mean: number;
  std: number;
}

export interface WordCountTable {
  /** Words per sentence over all report sentences. */
  reportsWide: MeanStd;
  /** Words per reference window (sentence + neighbours). */
  imageReferences: MeanStd;
  /** Same, without stop words, digits and tokens under 3 characters (the paper's topic-model tokens). */
  imageReferencesNoStopwordsNoDigits: MeanStd;
  /** Words inside disease-term hits per window. */
  imageReferencesDiseaseWords: MeanStd;
  /** Disease-term hits per window (the paper's 5.17 ± 2.5). */
  imageReferencesDiseaseTerms: MeanStd;
}

class Accumulator {
  n = 0;
  sum = 0;
  sumSq = 0;
  add(x: number): void {
    this.n++;
    this.sum += x;
    this.sumSq += x * x;
  }
  result(): MeanStd {
    const mean = this.n ? this.sum / this.n : 0;
    return { count: this.n, mean, std: this.n ? Math.sqrt(Math.max(0, this.sumSq / this.n - mean * mean)) : 0 };
  }
}

/** Table 4 from report sentences and reference windows. Words are the tokenizer's tokens (minLength 1). */
export function wordCountTable(reportSentences: Iterable<string>, windows: Iterable<ReferenceWindow>, matcher: TermMatcher): WordCountTable {
  const wide = new Accumulator();
  for (const s of reportSentences) wide.add(tokenize(s, { minLength: WORD2VEC_MIN_TOKEN_LENGTH }).length);
  const refs = new Accumulator(), clean = new Accumulator(), diseaseWords = new Accumulator(), diseaseTerms = new Accumulator();
  for (const w of windows) {
    let words = 0, cleanWords = 0, dWords = 0, dTerms = 0;
    for (const s of [w.prevSentence, w.sentence, w.nextSentence]) {
      if (!s) continue;
      words += tokenize(s, { minLength: WORD2VEC_MIN_TOKEN_LENGTH }).length;
      cleanWords += tokenize(s).filter((t) => !isStopWord(t) && !isNumericToken(t)).length;
      for (const h of findTerms(matcher, s)) {
        dTerms++;
        dWords += tokenize(h.text, { minLength: WORD2VEC_MIN_TOKEN_LENGTH }).length;
      }
    }
    refs.add(words);
    clean.add(cleanWords);
    diseaseWords.add(dWords);
    diseaseTerms.add(dTerms);
  }
  return {
    reportsWide: wide.result(),
    imageReferences: refs.result(),
    imageReferencesNoStopwordsNoDigits: clean.result(),
    imageReferencesDiseaseWords: diseaseWords.result(),
    imageReferencesDiseaseTerms: diseaseTerms.result(),
  };
}
