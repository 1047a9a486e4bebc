/**
 * The demo's images → words step (Sections 5.3–5.4), after the chain: the bigram regression CNN
 * fine-tuned from the demo's document-level network (a few epochs, the tiny conv4), then keywords
 * and search scored on the test split: R@1/5/10 against the disease words of each image's
 * sentences and against the archive's ground truth (each key image's finding words), beside the
 * baselines. Kept apart from demo.ts so that each stays one idea.
 */
import path from 'node:path';
import type { Workspace } from '../store/workspace.js';
import { OptionsError } from '../util/errors.js';
import { trainRegression } from '../keywords/regress.js';
import { evaluateKeywords } from '../keywords/stage.js';
import { readTruthImageWords } from '../keywords/truth.js';

export interface DemoKeywordScore {
  trainRows: number;
  /** Key images without a bigram target (not trained on, still scored), over all splits. */
  imagesWithoutBigrams: number;
  testImages: number;
  /** Test images whose sentences name a disease. */
  scoredImages: number;
  pairs: number;
  /** Candidates per topic with a word vector, on average. */
  candidates: number;
  r1: number;
  r5: number;
  r10: number;
  baselines: { mostFrequent: number; randomTopicWord: number; topicsOnly: number };
  /** R@1 against the archive's finding words, and the most-frequent baseline there. */
  truthR1: number;
  truthMostFrequentR1: number;
  searchRecallAt10: number;
  searchMrr: number;
  searchRandomRecallAt10: number;
  /** The Figure 8 examples. */
  examples: string;
  upToDate: boolean;
}

/** Small and quick: the demo's tiny network, a rate above the paper's (few epochs). */
const DEMO_REGRESSION = { epochs: 8, batchSize: 16, learningRate: 0.01, workers: 0 } as const;

export async function runDemoKeywords(ws: Workspace, o: { seed: number; truthJsonl: string; log: (line: string) => void }): Promise<DemoKeywordScore | undefined> {
  let r;
  try {
    r = await trainRegression(ws, { ...DEMO_REGRESSION, seed: o.seed });
  } catch (error) {
    if (!(error instanceof OptionsError)) throw error;
    o.log(`regress: skipped, ${error.message}`);
    return undefined;
  }
  const c = r.counts;
  const without = c.imagesWithoutBigrams.train + c.imagesWithoutBigrams.validation + c.imagesWithoutBigrams.test;
  o.log(`regress: ${r.outputs} sigmoid outputs fine-tuned from the document network, ${r.numTrainRows} training rows (image × bigram), ` +
    `${without} key images without a bigram (not trained on); ${r.epochs.length} epochs${r.upToDate ? ' (up to date)' : ''}`);
  const e = await evaluateKeywords(ws, { seed: o.seed, truth: readTruthImageWords(o.truthJsonl) });
  const s = e.sentences;
  const at = (x: Record<string, number>, k: number) => x[String(k)] ?? 0;
  const score: DemoKeywordScore = {
    trainRows: r.numTrainRows, imagesWithoutBigrams: without, testImages: e.testImages, scoredImages: e.scoredImages, pairs: s.pairs, candidates: e.candidates.mean,
    r1: at(s.recall, 1), r5: at(s.recall, 5), r10: at(s.recall, 10),
    baselines: { mostFrequent: at(s.baselines.mostFrequent, 1), randomTopicWord: at(s.baselines.randomTopicWord, 1), topicsOnly: at(s.baselines.topicsOnly, 1) },
    truthR1: e.truth ? at(e.truth.recall, 1) : 0, truthMostFrequentR1: e.truth ? at(e.truth.baselines.mostFrequent, 1) : 0,
    searchRecallAt10: e.search.recallAt10, searchMrr: e.search.mrr, searchRandomRecallAt10: e.search.randomRecallAt10,
    examples: e.json, upToDate: r.upToDate === true,
  };
  const f = (x: number) => x.toFixed(2);
  o.log(`keywords: R@1 ${f(score.r1)}, R@5 ${f(score.r5)}, R@10 ${f(score.r10)} over ${s.pairs} (test image, level) pairs of ${e.scoredImages} images whose sentences name a disease ` +
    `(paper: R@1 0.56); R@1 of the most frequent disease word ${f(score.baselines.mostFrequent)}, a random topic word ${f(score.baselines.randomTopicWord)}, ` +
    `the topics alone ${f(score.baselines.topicsOnly)}; ~${Math.round(score.candidates)} candidates per topic`);
  o.log(`keywords vs ground truth (finding words): R@1 ${f(score.truthR1)} (most frequent ${f(score.truthMostFrequentR1)}); ` +
    `search with captions as queries: recall@10 ${f(score.searchRecallAt10)}, MRR ${f(score.searchMrr)} (random recall@10 ${f(score.searchRandomRecallAt10)}) -> ${path.relative(process.cwd(), e.json)}`);
  return score;
}
