/**
 * Corpora for tests and benchmarks only: the Indiana chest X-ray reports (findings +
 * impression) from ../shared/data, and a seeded synthetic corpus. Library code never calls these.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { Rng } from '../src/util/rng.js';
import { sharedDataDir } from './requirements.js';
import { sentenceTokens } from '../src/embeddings/sentences.js';

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
 * A synthetic corpus with known structure and a natural (Zipf) word distribution: each
 * sentence belongs to one of `numTopics` topics; each word is drawn, with probability
 * `sharedFraction`, Zipf-wise from shared "function words" (frequent ones, which
 * sub-sampling thins as in real text), else Zipf-wise from the topic's own words, so words of
 * a topic share contexts. Word names: `f<rank>` for shared words, `t<topic>w<rank>` otherwise.
 */
export function syntheticCorpus(numWords: number, options: { vocabulary?: number; numTopics?: number; sharedFraction?: number; seed?: number } = {}): string[][] {
  const V = options.vocabulary ?? 2000;
  const K = options.numTopics ?? 20;
  const shared = options.sharedFraction ?? 0;
  const rng = new Rng(options.seed ?? 7);
  const numShared = shared > 0 ? Math.max(1, Math.round(V / 10)) : 0;
  const perTopic = Math.ceil((V - numShared) / K);
  const zipf = (n: number): { cum: Float64Array; total: number } => {
    const cum = new Float64Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) cum[i] = total += 1 / (i + 1);
    return { cum, total };
  };
  const draw = (z: { cum: Float64Array; total: number }): number => {
    const r = rng.next() * z.total;
    let lo = 0, hi = z.cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((z.cum[mid] as number) > r) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const topicZipf = zipf(perTopic);
  const sharedZipf = numShared > 0 ? zipf(numShared) : undefined;
  const sharedNames = Array.from({ length: numShared }, (_, i) => `f${i}`);
  const topicNames = Array.from({ length: K }, (_, k) => Array.from({ length: perTopic }, (_, i) => `t${k}w${i}`));
  const out: string[][] = [];
  let n = 0;
  while (n < numWords) {
    const topic = rng.int(K);
    const len = 8 + rng.int(20);
    const sentence: string[] = [];
    for (let k = 0; k < len; k++) {
      if (sharedZipf && rng.next() < shared) sentence.push(sharedNames[draw(sharedZipf)] as string);
      else sentence.push((topicNames[topic] as string[])[draw(topicZipf)] as string);
    }
    out.push(sentence);
    n += len;
  }
  return out;
}
