/**
 * Corpus statistics as in the paper's Tables 1, 2 and 4: documents, words, vocabulary and
 * modalities (Table 1); the most frequent words (Table 2); words per sentence over all
 * sentences, over the key-image sentences with their two neighbours, and the same without
 * stop words and digits (Table 4). Streams the de-identified reports; memory grows with the
 * vocabulary only.
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
  };
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

  // Key-image windows: each distinct (report, sentence) once, with its neighbours.
  let winSentences = 0;
  let winWords = 0;
  let winContent = 0;
  const windows = db.prepare(
    `SELECT sentence, prev_sentence AS prev, next_sentence AS next FROM refs GROUP BY report_id, sentence_index`,
  ).iterate() as Iterable<{ sentence: string; prev: string | null; next: string | null }>;
  for (const w of windows) {
    for (const s of [w.prev, w.sentence, w.next]) {
      if (s === null) continue;
      const [all, content] = countWords(s);
      winSentences++;
      winWords += all;
      winContent += content;
    }
  }

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
    },
  };
}

/** The statistics as the paper's tables, for people. */
export function formatCorpusStats(s: CorpusStats): string {
  const lines: string[] = [];
  lines.push('Table 1. Statistics of the dataset');
  lines.push(`  documents              ${s.documents.toLocaleString('en-US')}`);
  lines.push(`  words in documents     ${s.words.toLocaleString('en-US')}`);
  lines.push(`  vocabulary             ${s.vocabulary.toLocaleString('en-US')}`);
  lines.push(`  image modalities       ${Object.keys(s.modalities).length} (${Object.entries(s.modalities).sort((a, b) => b[1] - a[1]).map(([m, c]) => `${m} ${c}`).join(', ')})`);
  lines.push(`  reports with key-image references ${s.reportsWithReferences.toLocaleString('en-US')}, references ${s.references.toLocaleString('en-US')}, key images ${s.keyImages.toLocaleString('en-US')}`);
  lines.push('');
  lines.push('Table 2. Most frequent words');
  lines.push(`  ${s.topWords.map((w) => `${w.word} (${w.count})`).join(', ')}`);
  lines.push('');
  lines.push('Table 4. Words per sentence');
  const row = (name: string, m: MeanStat): string => `  ${name.padEnd(44)} ${m.wordsPerSentence.toFixed(2)}  (${m.words} words / ${m.sentences} sentences)`;
  lines.push(row('reports-wide', s.wordsPerSentence.reportsWide));
  lines.push(row('image references (sentence +- 1)', s.wordsPerSentence.imageReferences));
  lines.push(row('image references, no stop words, no digits', s.wordsPerSentence.imageReferencesNoStopWordsNoDigits));
  return lines.join('\n');
}
