/**
 * Classification scores on a test set, as the paper reports them (top-1 and top-5 accuracy, and
 * the confusion matrix of its Figure 5) plus the ones an imbalanced label set needs: per-class
 * recall and precision, and macro-F1 (each class counts the same, so answering the largest class
 * always scores poorly).
 *
 * Ranks break ties by class index (the lower index ranks first), so constant scores (a baseline)
 * give one definite answer and every metric is a function of the scores alone.
 */
import { OptionsError } from '../util/errors.js';

export interface PerClassScore {
  label: string;
  /** Test images of the class. */
  support: number;
  /** Images predicted as the class. */
  predicted: number;
  /** null when the class has no test images. */
  recall: number | null;
  /** null when nothing was predicted as the class. */
  precision: number | null;
  f1: number;
}

export interface ClassificationMetrics {
  images: number;
  classes: string[];
  top1: number;
  top5: number;
  /** Mean F1 over the classes that occur in the test labels or the predictions (sklearn's macro average). */
  macroF1: number;
  perClass: PerClassScore[];
  /** confusion[t][p]: test images of class t predicted as p (rows: truth, columns: prediction). */
  confusion: number[][];
}

/** Rank (0 = first) of class `c` in a score row: classes scoring higher, or equal with a lower index. */
export function rankOf(row: ArrayLike<number>, c: number): number {
  const s = row[c] as number;
  let rank = 0;
  for (let j = 0; j < row.length; j++) {
    const v = row[j] as number;
    if (v > s || (v === s && j < c)) rank++;
  }
  return rank;
}

/** Index of the first-ranked class. */
export function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let j = 1; j < row.length; j++) if ((row[j] as number) > (row[best] as number)) best = j;
  return best;
}

/** The first `k` class indices of a score row, best first. */
export function topK(row: ArrayLike<number>, k: number): number[] {
  return Array.from({ length: row.length }, (_, j) => j)
    .sort((a, b) => (row[b] as number) - (row[a] as number) || a - b)
    .slice(0, k);
}

/**
 * `scores`: n rows of K class scores (logits, probabilities: any monotone score), row-major;
 * `labels`: the true class of each row.
 */
export function classificationMetrics(scores: ArrayLike<number>, labels: ArrayLike<number>, classes: readonly string[]): ClassificationMetrics {
  const K = classes.length;
  const n = labels.length;
  if (K < 1) throw new OptionsError('no classes to score');
  if (scores.length !== n * K) throw new OptionsError(`${scores.length} scores for ${n} images × ${K} classes`);
  const confusion = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  let top1 = 0;
  let top5 = 0;
  const row = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    const t = labels[i] as number;
    if (!(Number.isInteger(t) && t >= 0 && t < K)) throw new OptionsError(`label ${t} of image ${i} is not a class index below ${K}`);
    for (let j = 0; j < K; j++) row[j] = scores[i * K + j] as number;
    const r = rankOf(row, t);
    if (r === 0) top1++;
    if (r < 5) top5++;
    confusion[t]![argmax(row)]!++;
  }
  const perClass: PerClassScore[] = classes.map((label, c) => {
    const support = confusion[c]!.reduce((a, b) => a + b, 0);
    const tp = confusion[c]![c]!;
    const predicted = confusion.reduce((a, r) => a + r[c]!, 0);
    const recall = support ? tp / support : null;
    const precision = predicted ? tp / predicted : null;
    const f1 = support + predicted ? (2 * tp) / (support + predicted) : 0;
    return { label, support, predicted, recall, precision, f1 };
  });
  const present = perClass.filter((p) => p.support > 0 || p.predicted > 0);
  return {
    images: n,
    classes: [...classes],
    top1: n ? top1 / n : 0,
    top5: n ? top5 / n : 0,
    macroF1: present.length ? present.reduce((a, p) => a + p.f1, 0) / present.length : 0,
    perClass,
    confusion,
  };
}

/** Row-wise softmax of logits (n rows of K), for probabilities shown to people. */
export function softmaxRows(logits: ArrayLike<number>, K: number): Float32Array {
  const out = new Float32Array(logits.length);
  for (let i = 0; i < logits.length; i += K) {
    let max = -Infinity;
    for (let j = 0; j < K; j++) max = Math.max(max, logits[i + j] as number);
    let z = 0;
    for (let j = 0; j < K; j++) z += out[i + j] = Math.exp((logits[i + j] as number) - max);
    for (let j = 0; j < K; j++) out[i + j] = (out[i + j] as number) / z;
  }
  return out;
}
