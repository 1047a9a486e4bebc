/**
 * Corpus statistics as in the paper's Tables 1, 2 and 4: documents, words, vocabulary and
 * modalities (Table 1); the most frequent words (Table 2); words per sentence over all
 * sentences, over the key-image sentences with their two neighbours, the same without stop
 * words and digits, and disease-term words only (Table 4), with the disease terms per window
 * (the paper's 5.17 ± 2.5). The one implementation of Table 4: the disease-term rows count the
 * `describe` stage's term hits (null before it runs). Streams the de-identified reports; memory
 * grows with the vocabulary only.
 */
import type { Workspace } from '../store/workspace.js';
import { splitSentences } from '../reports/sentences.js';
import { scanTokens, isNumericToken, isPlaceholderToken } from '../reports/tokenize.js';
import { isStopWord } from '../reports/stopwords.js';

export interface MeanStat {
  sentences: number;
  words: number;
  wordsPerSentence: number;
}

export interface MeanStd {
  count: number;
  mean: number;
  std: number;
}

export interface CorpusStats {
  documents: number;
  /** All word and number tokens, any length. */
  words: number;
  /** Distinct lower-cased tokens. */
  vocabulary: number;
  modalities: Record<string, number>;
  /** Most frequent words of 3+ characters, no stop words, no numbers (Table 2). */
  topWords: Array<{ word: string; count: number }>;
  /** Reports with at least one key-image reference, references, key images (series x instance). */
  reportsWithReferences: number;
  references: number;
  keyImages: number;
  wordsPerSentence: {
    reportsWide: MeanStat;
    imageReferences: MeanStat;
    imageReferencesNoStopWordsNoDigits: MeanStat;
    /** Words inside disease-term hits (every assertion status); null until `pacsmine describe` has run. */
    imageReferencesDiseaseTerms: MeanStat | null;
  };
  /** Per key-image window (sentence and neighbours): words, and disease terms (null before `describe`). */
  perWindow: { words: MeanStd; diseaseTerms: MeanStd | null };
}

export interface StatsOptions {
  topN?: number;
}

/** Words in `text`: [all tokens, tokens that are neither stop words nor numbers]. */
function countWords(text: string, vocab?: Map<string, number>): [number, number] {
  let all = 0;
  let content = 0;
  scanTokens(text, (s, e) => {
    all++;
    const w = text.slice(s, e).toLowerCase();
    if (vocab) vocab.set(w, (vocab.get(w) ?? 0) + 1);
    if (!isNumericToken(w) && !/^\d/.test(w) && !isStopWord(w) && !isPlaceholderToken(w)) content++;
  });
  return [all, content];
}

function mean(sentences: number, words: number): MeanStat {
  return { sentences, words, wordsPerSentence: sentences ? Math.round((words / sentences) * 100) / 100 : 0 };
}

/** Mean and population standard deviation, rounded to 2 decimals as the paper prints them. */
function meanStd(count: number, sum: number, sumSq: number): MeanStd {
  const m = count ? sum / count : 0;
  const r = (x: number): number => Math.round(x * 100) / 100;
  return { count, mean: r(m), std: r(count ? Math.sqrt(Math.max(0, sumSq / count - m * m)) : 0) };
}

export function computeCorpusStats(ws: Workspace, options: StatsOptions = {}): CorpusStats {
  const db = ws.db;
  const vocab = new Map<string, number>();
  const modalities: Record<string, number> = {};
  let documents = 0;
  let words = 0;
  let sentences = 0;
  for (const row of db.prepare('SELECT text, modality FROM reports').iterate() as Iterable<{ text: string; modality: string | null }>) {
    documents++;
    const m = row.modality ?? 'unknown';
    modalities[m] = (modalities[m] ?? 0) + 1;
    for (const s of splitSentences(row.text)) {
      sentences++;
      words += countWords(s.text, vocab)[0];
    }
  }

  // Key-image windows: each distinct (report, sentence) once (its first reference), with its neighbours.
  let winSentences = 0;
  let winWords = 0;
  let winContent = 0;
  let windowCount = 0;
  let winWordsSq = 0;
  const windows = db.prepare(
    `SELECT MIN(id) AS id, sentence, prev_sentence AS prev, next_sentence AS next FROM refs GROUP BY report_id, sentence_index`,
  ).iterate() as Iterable<{ id: number; sentence: string; prev: string | null; next: string | null }>;
  const windowIds: number[] = [];
  for (const w of windows) {
    let words = 0;
    for (const s of [w.prev, w.sentence, w.next]) {
      if (s === null) continue;
      const [all, content] = countWords(s);
      winSentences++;
      words += all;
      winContent += content;
    }
    winWords += words;
    winWordsSq += words * words;
    windowCount++;
    windowIds.push(w.id);
  }
  const disease = diseaseTermCounts(ws, windowIds);

  const topN = options.topN ?? 20;
  const top: Array<{ word: string; count: number }> = [];
  for (const [word, count] of vocab) {
    if (word.length < 3 || isStopWord(word) || /^\d/.test(word) || isPlaceholderToken(word)) continue;
    top.push({ word, count });
  }
  top.sort((a, b) => b.count - a.count || (a.word < b.word ? -1 : 1));

  const one = (sql: string): number => db.prepare(sql).pluck().get() as number;
  return {
    documents,
    words,
    vocabulary: vocab.size,
    modalities,
    topWords: top.slice(0, topN),
    // refs holds the references found in text and a collection's captions (src/collections): both count.
    reportsWithReferences: one('SELECT COUNT(DISTINCT report_id) FROM refs'),
    references: one('SELECT COUNT(*) FROM refs'),
    keyImages: one("SELECT COUNT(*) FROM key_images WHERE origin IN ('text', 'caption')"),
    wordsPerSentence: {
      reportsWide: mean(sentences, words),
      imageReferences: mean(winSentences, winWords),
      imageReferencesNoStopWordsNoDigits: mean(winSentences, winContent),
      imageReferencesDiseaseTerms: disease ? mean(winSentences, disease.words) : null,
    },
    perWindow: {
      words: meanStd(windowCount, winWords, winWordsSq),
      diseaseTerms: disease ? meanStd(windowCount, disease.terms, disease.termsSq) : null,
    },
  };
}

/**
 * Disease terms of the windows (the `describe` stage's term_hits of each window's first reference):
 * their words, and terms per window for the mean and spread. Undefined before that stage ran.
 */
function diseaseTermCounts(ws: Workspace, windowIds: readonly number[]): { words: number; terms: number; termsSq: number } | undefined {
  const ran = ws.db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'term_hits'").pluck().get() as number;
  if (!ran || ws.stageRecord('describe') === undefined) return undefined;
  const hits = ws.db.prepare('SELECT text FROM term_hits WHERE ref_id = ?').pluck();
  let words = 0;
  let terms = 0;
  let termsSq = 0;
  for (const id of windowIds) {
    const texts = hits.all(id) as string[];
    for (const t of texts) words += countWords(t)[0];
    terms += texts.length;
    termsSq += texts.length * texts.length;
  }
  return { words, terms, termsSq };
}
