/**
 * Recall-at-K of predicted disease words (Section 5.4): "the rate of predicted disease-related words
 * matching the actual words in the report sentences". Each test image gets one predicted keyword per
 * topic level; a prediction is a hit when it is one of the disease-term words of the image's own
 * sentences (the key sentence and its two neighbours, the same window the bigrams came from). R@1 is
 * hits over predictions, i.e. over (image, level) pairs; R@K counts a pair as a hit when any of its
 * K best-ranked candidates is such a word. Images whose sentences name no disease are left out of
 * the rate (nothing could match) and counted.
 *
 * Words match through the term matcher's normalisation (normalizeToken: plural and British/American
 * spelling variants, "cysts" = "cyst", "tumour" = "tumor"), the same test that decided the
 * sentence's word was a disease term.
 *
 * Baselines, scored the same way: the most frequent disease word of the training images (ranked by
 * how many training images name it), a random order of the predicted topics' candidates (seeded),
 * and the candidates in their topic order (the topics alone, without the regression output).
 */
import { normalizeToken } from '../ontology/normalize.js';
import type { Ontology, SynonymScope } from '../ontology/obo.js';
import { termWords } from '../descriptions/bigrams.js';
import { Rng } from '../util/rng.js';

/** The key two words match by. */
export function matchKey(word: string): string {
  return normalizeToken(word.toLowerCase());
}

/**
 * The disease-related words of an ontology, as match keys: every word of a live term's name and of
 * its synonyms of the given scopes (default EXACT), as `describe` reads terms ("lung cancer" gives
 * "lung" and "cancer").
 */
export function diseaseVocabulary(ontology: Ontology, scopes: readonly SynonymScope[] = ['EXACT']): Set<string> {
  const out = new Set<string>();
  const wanted = new Set(scopes);
  for (const t of ontology.terms) {
    if (t.obsolete) continue;
    for (const text of [t.name, ...t.synonyms.filter((x) => wanted.has(x.scope)).map((x) => x.text)]) for (const w of termWords(text)) out.add(matchKey(w));
  }
  return out;
}

/** A set of match keys. */
export function truthSet(words: Iterable<string>): Set<string> {
  return new Set([...words].map(matchKey));
}

/** True when one of the first k ranked words is in the truth set. */
export function hitAtK(ranked: readonly string[], truth: ReadonlySet<string>, k: number): boolean {
  for (let i = 0; i < Math.min(k, ranked.length); i++) if (truth.has(matchKey(ranked[i]!))) return true;
  return false;
}

/** R@K for each k: the share of rankings with a truth word among their first k. */
export function recallAtK(rankings: readonly (readonly string[])[], truths: readonly ReadonlySet<string>[], ks: readonly number[]): Record<string, number> {
  if (rankings.length !== truths.length) throw new Error(`${rankings.length} rankings for ${truths.length} truth sets`);
  const out: Record<string, number> = {};
  for (const k of ks) {
    let hits = 0;
    rankings.forEach((r, i) => { if (hitAtK(r, truths[i]!, k)) hits++; });
    out[String(k)] = rankings.length ? hits / rankings.length : 0;
  }
  return out;
}

/** Disease words ranked by how many images name them (ties by the word), for the most-frequent baseline. */
export function frequencyRanking(imageWords: Iterable<readonly string[]>): string[] {
  const counts = new Map<string, number>();
  for (const words of imageWords) for (const k of truthSet(words)) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0)).map(([w]) => w);
}

/** A seeded random order of the candidates (the random-topic-word baseline). */
export function randomRanking(candidates: readonly string[], rng: Rng): string[] {
  return rng.shuffle([...candidates]);
}

/** The rankings of one scored (image, level) pair, by method. */
export interface PairRankings {
  regression: readonly string[];
  topicsOnly: readonly string[];
  randomTopicWord: readonly string[];
  mostFrequent: readonly string[];
}

export interface RecallTable {
  /** (image, level) pairs scored. */
  pairs: number;
  /** The regression (the paper's method): R@K by K. */
  recall: Record<string, number>;
  baselines: { mostFrequent: Record<string, number>; randomTopicWord: Record<string, number>; topicsOnly: Record<string, number> };
  /** Share of pairs with any candidate matching: the best any ranking of these candidates can do. */
  ceiling: number;
}

/** R@K of the regression and the three baselines over the same pairs. */
export function recallTable(pairs: readonly PairRankings[], truths: readonly ReadonlySet<string>[], ks: readonly number[]): RecallTable {
  const of = (f: (p: PairRankings) => readonly string[]) => recallAtK(pairs.map(f), truths, ks);
  let ceiling = 0;
  pairs.forEach((p, i) => { if (hitAtK(p.topicsOnly, truths[i]!, Infinity)) ceiling++; });
  return {
    pairs: pairs.length,
    recall: of((p) => p.regression),
    baselines: { mostFrequent: of((p) => p.mostFrequent), randomTopicWord: of((p) => p.randomTopicWord), topicsOnly: of((p) => p.topicsOnly) },
    ceiling: pairs.length ? ceiling / pairs.length : 0,
  };
}
