/**
 * What a network must beat on an imbalanced label set: answering the training set's largest
 * class every time (majority), and guessing at random in proportion to the training classes'
 * sizes (prior-weighted random). Both are scored by the same metrics as the network.
 */
import { Rng } from '../util/rng.js';
import { classificationMetrics, type ClassificationMetrics } from './metrics.js';

export interface BaselineScore {
  top1: number;
  top5: number;
  macroF1: number;
}

export interface Baselines {
  majority: BaselineScore & { label: string };
  /** Mean over `draws` seeded draws; `expectedTop1` is the exact expectation Σ_c p_train(c)·p_test(c). */
  priorRandom: BaselineScore & { expectedTop1: number; draws: number; seed: number };
}

const pick = (m: ClassificationMetrics): BaselineScore => ({ top1: m.top1, top5: m.top5, macroF1: m.macroF1 });

/**
 * `trainCounts`: training images per class (class order as `classes`); `testLabels`: class index
 * of each test image. The majority baseline ranks classes by training size (its top-5: the five
 * largest); the random one ranks them by log prior + Gumbel noise, which draws the top-k classes
 * without replacement in proportion to their priors.
 */
export function baselines(trainCounts: readonly number[], testLabels: ArrayLike<number>, classes: readonly string[], options: { seed?: number; draws?: number } = {}): Baselines {
  const K = classes.length;
  const n = testLabels.length;
  const total = trainCounts.reduce((a, b) => a + b, 0);
  const prior = trainCounts.map((c) => c / total);
  const constant = new Float64Array(n * K);
  for (let i = 0; i < n; i++) for (let j = 0; j < K; j++) constant[i * K + j] = trainCounts[j]!;
  const majority = classificationMetrics(constant, testLabels, classes);
  const top = trainCounts.reduce((best, c, j) => (c > trainCounts[best]! ? j : best), 0);

  const seed = options.seed ?? 1;
  const draws = options.draws ?? 20;
  const rng = new Rng(seed);
  const sum = { top1: 0, top5: 0, macroF1: 0 };
  const scores = new Float64Array(n * K);
  for (let d = 0; d < draws; d++) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < K; j++) {
        const u = Math.max(rng.next(), 1e-300);
        scores[i * K + j] = prior[j]! > 0 ? Math.log(prior[j]!) - Math.log(-Math.log(u)) : -Infinity;
      }
    }
    const m = classificationMetrics(scores, testLabels, classes);
    sum.top1 += m.top1;
    sum.top5 += m.top5;
    sum.macroF1 += m.macroF1;
  }
  const testShare = new Array<number>(K).fill(0);
  for (let i = 0; i < n; i++) testShare[testLabels[i] as number]! += 1 / n;
  return {
    majority: { ...pick(majority), label: classes[top] ?? '' },
    priorRandom: {
      top1: sum.top1 / draws, top5: sum.top5 / draws, macroF1: sum.macroF1 / draws,
      expectedTop1: prior.reduce((a, p, j) => a + p * testShare[j]!, 0),
      draws, seed,
    },
  };
}
