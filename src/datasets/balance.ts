/**
 * Class imbalance: how skewed the training classes are, and the per-class weights that handle it.
 * The paper's largest topic held about half of the key images; a network can score well by
 * answering it always. Two remedies, chosen by `--balance`:
 *   weighted  (default): the loss of an image of class c is multiplied by w_c;
 *   sampling: each epoch draws its images with replacement, an image of class c with probability ∝ w_c;
 *   none:     plain cross-entropy on the data as it is (the paper's).
 * w_c ∝ n_c^-power (n_c: training images of c), scaled so that the mean weight over the training
 * images is 1 (the loss keeps its scale and the learning rate its meaning). power 1 is full
 * inverse frequency (every class counts the same); the default 0.5 only halves the skew in log
 * terms, because full inverse frequency lets a class of 5 images weigh 40 times one of 200 and
 * trades too much top-1 accuracy for recall on tiny classes.
 */
import { OptionsError } from '../util/errors.js';

export type BalanceMode = 'weighted' | 'sampling' | 'none';
export const BALANCE_MODES: readonly BalanceMode[] = ['weighted', 'sampling', 'none'];
export const DEFAULT_BALANCE: BalanceMode = 'weighted';
export const DEFAULT_BALANCE_POWER = 0.5;

/** Per-class weights (same order as `counts`); classes without images get 0. */
export function classWeights(counts: readonly number[], power = DEFAULT_BALANCE_POWER): number[] {
  if (!(power >= 0 && power <= 1)) throw new OptionsError(`the balance power must be in [0, 1], got ${power}`);
  const raw = counts.map((n) => (n > 0 ? n ** -power : 0));
  const total = counts.reduce((a, b) => a + b, 0);
  const weighted = counts.reduce((a, n, i) => a + n * raw[i]!, 0);
  if (total === 0) return counts.map(() => 0);
  return raw.map((w) => (w * total) / weighted);
}

export interface ImbalanceReport {
  classes: number;
  images: number;
  largest: { label: string; images: number; share: number };
  smallest: { label: string; images: number; share: number };
  /** Largest class over smallest. */
  ratio: number;
  /** Top-1 accuracy of always answering the largest class, on these images. */
  majorityShare: number;
  /** exp(entropy) of the class distribution: the number of equally large classes it is worth. */
  effectiveClasses: number;
}

export function imbalance(perClass: ReadonlyArray<{ label: string; images: number }>): ImbalanceReport {
  const nonEmpty = perClass.filter((c) => c.images > 0);
  if (nonEmpty.length === 0) throw new OptionsError('no class has training images');
  const images = nonEmpty.reduce((a, c) => a + c.images, 0);
  const sorted = [...nonEmpty].sort((a, b) => b.images - a.images || (a.label < b.label ? -1 : 1));
  const big = sorted[0]!;
  const small = sorted[sorted.length - 1]!;
  let entropy = 0;
  for (const c of nonEmpty) {
    const p = c.images / images;
    entropy -= p * Math.log(p);
  }
  return {
    classes: nonEmpty.length,
    images,
    largest: { label: big.label, images: big.images, share: big.images / images },
    smallest: { label: small.label, images: small.images, share: small.images / images },
    ratio: big.images / small.images,
    majorityShare: big.images / images,
    effectiveClasses: Math.exp(entropy),
  };
}
