/**
 * What ingest does to one report, as a pure function: de-identify, split into sentences,
 * find key-image references (on the de-identified text, so spans point into what is stored),
 * and count tokens. Runs in worker threads; the store writes the result.
 */
import { deidentify } from './deidentify.js';
import { splitSentences, sentenceAt } from './sentences.js';
import { countTokens } from './tokenize.js';
import { extractReferences } from '../refs/extract.js';

export interface ProcessedReference {
  sentenceIndex: number;
  section: string;
  start: number;
  end: number;
  text: string;
  series: number[];
  seriesText: string | null;
  instances: number[];
  sentence: string;
  prevSentence: string | null;
  nextSentence: string | null;
}

export interface ProcessedReport {
  /** De-identified text: the only text downstream stages read. */
  text: string;
  numSentences: number;
  numTokens: number;
  numPhi: number;
  refs: ProcessedReference[];
}

export function processReport(rawText: string): ProcessedReport {
  const { text, spans } = deidentify(rawText);
  const sentences = splitSentences(text);
  const refs: ProcessedReference[] = [];
  for (const ref of extractReferences(text)) {
    const si = sentences.length ? sentenceAt(sentences, ref.start) : 0;
    const s = sentences[si];
    refs.push({
      sentenceIndex: si,
      section: s?.section ?? '',
      start: ref.start,
      end: ref.end,
      text: ref.text,
      series: ref.series,
      seriesText: ref.seriesText,
      instances: ref.instances,
      sentence: s?.text ?? text,
      prevSentence: sentences[si - 1]?.text ?? null,
      nextSentence: sentences[si + 1]?.text ?? null,
    });
  }
  return { text, numSentences: sentences.length, numTokens: countTokens(text), numPhi: spans.length, refs };
}

/** One request to an ingest worker: the texts of a batch, in source order. */
export interface ProcessBatch {
  texts: string[];
}

/**
 * The ingest worker's setup (process.worker.ts serves it; `workers: 0` calls it in the calling
 * thread): each batch of texts gives their processed reports, in the same order.
 */
export function setupProcessor(): (batch: ProcessBatch) => ProcessedReport[] {
  return (batch) => batch.texts.map((t) => processReport(t));
}
