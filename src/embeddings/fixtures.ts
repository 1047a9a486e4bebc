/**
 * Corpora for tests and benchmarks only: the Indiana chest X-ray reports (findings +
 * impression) from ../shared/data, and a seeded synthetic corpus. Library code never calls these.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { Rng } from '../util/rng.js';
import { sharedDataDir } from '../testing/requirements.js';
import { sentenceTokens } from './sentences.js';

export const INDIANA_REPORTS = 'iu-xray/indiana_reports.csv';

/** Findings and impression of each Indiana report, joined, non-empty ones only. */
export function indianaReportTexts(): string[] {
  const rows = parse(readFileSync(path.join(sharedDataDir, INDIANA_REPORTS)), { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
  return rows
    .map((r) => [r['findings'] ?? '', r['impression'] ?? ''].filter((s) => s.trim()).join(' '))
    .filter((t) => t.length > 0);
}

/** The Indiana reports as word2vec sentences. */
export function indianaSentences(): string[][] {
  return [...sentenceTokens(indianaReportTexts())];
}

/** Sentences drawn with replacement (seeded) until at least `minWords` words. */
export function resample(sentences: readonly string[][], minWords: number, seed = 1): string[][] {
  const rng = new Rng(seed);
  const out: string[][] = [];
  let n = 0;
  while (n < minWords) {
    const s = sentences[rng.int(sentences.length)] as string[];
    out.push(s);
    n += s.length;
  }
  return out;
}

/**
 * A synthetic corpus with known structure: `numTopics` groups of words; each sentence draws
 * its words Zipf-wise from one group, so words of a group share contexts.
 */
export function syntheticCorpus(numWords: number, options: { vocabulary?: number; numTopics?: number; seed?: number } = {}): string[][] {
  const V = options.vocabulary ?? 2000;
  const K = options.numTopics ?? 20;
  const rng = new Rng(options.seed ?? 7);
  const perTopic = Math.ceil(V / K);
  const cum = new Float64Array(perTopic);
  let s = 0;
  for (let i = 0; i < perTopic; i++) cum[i] = s += 1 / (i + 1);
  const out: string[][] = [];
  let n = 0;
  while (n < numWords) {
    const topic = rng.int(K);
    const len = 8 + rng.int(20);
    const sentence: string[] = [];
    for (let k = 0; k < len; k++) {
      const r = rng.next() * s;
      let lo = 0, hi = perTopic - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((cum[mid] as number) > r) hi = mid;
        else lo = mid + 1;
      }
      sentence.push(`t${topic}w${lo}`);
    }
    out.push(sentence);
    n += len;
  }
  return out;
}
