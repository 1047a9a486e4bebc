/**
 * Group-disjoint train/validation/test splits (the paper's 85/5/10). Images that share a case
 * (a report) or a patient form one group, and a group lies wholly in one split, so no patient's
 * images are on both sides of the test: the split measures what a network does on new patients,
 * not how well it remembers a case's neighbouring slices.
 */
import { OptionsError } from '../util/errors.js';
import { Rng } from '../util/rng.js';

export type SplitName = 'train' | 'validation' | 'test';
export const SPLIT_NAMES: readonly SplitName[] = ['train', 'validation', 'test'];

export interface SplitFractions {
  train: number;
  validation: number;
  test: number;
}

/** The paper's split: 85% training, 5% cross-validation, 10% test. */
export const PAPER_FRACTIONS: SplitFractions = { train: 0.85, validation: 0.05, test: 0.1 };

/** Checks and normalises fractions (they must be ≥ 0 and sum to 1 within rounding). */
export function checkFractions(f: SplitFractions): SplitFractions {
  const values = SPLIT_NAMES.map((s) => f[s]);
  if (values.some((v) => !(v >= 0 && v <= 1))) throw new OptionsError(`split fractions must each be in [0, 1], got ${values.join('/')}`);
  const sum = values.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > 1e-6) throw new OptionsError(`split fractions must sum to 1 (or 100), got ${values.join('/')}`);
  if (!(f.train > 0)) throw new OptionsError('the training fraction must be above 0');
  return { train: f.train / sum, validation: f.validation / sum, test: f.test / sum };
}

/** Parses "85,5,10" or "0.85,0.05,0.1" into fractions. */
export function parseFractions(text: string): SplitFractions {
  const parts = text.split(',').map((s) => Number(s.trim()));
  if (parts.length !== 3 || parts.some((v) => !Number.isFinite(v))) throw new OptionsError(`option \`split\` must be three numbers train,validation,test (e.g. 85,5,10), got '${text}'`);
  const scale = parts.reduce((a, b) => a + b, 0) > 1.5 ? 100 : 1;
  return checkFractions({ train: parts[0]! / scale, validation: parts[1]! / scale, test: parts[2]! / scale });
}

/**
 * Groups items that share any key (a case id, a patient id): union-find over the keys. Returns,
 * per item, its group's name: the smallest key in the group, so names do not depend on order.
 */
export function groupByKeys(itemKeys: ReadonlyArray<readonly string[]>): string[] {
  const parent = new Map<string, string>();
  const find = (k: string): string => {
    let r = k;
    while (parent.get(r) !== r) r = parent.get(r)!;
    // Path compression.
    let x = k;
    while (parent.get(x) !== r) {
      const next = parent.get(x)!;
      parent.set(x, r);
      x = next;
    }
    return r;
  };
  for (const keys of itemKeys) {
    for (const k of keys) if (!parent.has(k)) parent.set(k, k);
    for (let i = 1; i < keys.length; i++) {
      const a = find(keys[0]!);
      const b = find(keys[i]!);
      // The smaller key becomes the root, so the root is the group's smallest key.
      if (a !== b) a < b ? parent.set(b, a) : parent.set(a, b);
    }
  }
  return itemKeys.map((keys, i) => {
    if (keys.length === 0) throw new OptionsError(`item ${i} has no case or patient key to group it by`);
    return find(keys[0]!);
  });
}

/**
 * Assigns whole groups to splits: the groups in a seeded random order, each to the split furthest
 * below its share of the images so far. A split overshoots its share by at most one group and falls
 * short by at most two (the others' overshoots).
 * `groupSizes`: group name -> number of images.
 */
export function assignGroups(groupSizes: ReadonlyMap<string, number>, fractions: SplitFractions, seed: number): Map<string, SplitName> {
  const f = checkFractions(fractions);
  // Sorted first: the order (and so the split) depends on the seed and the groups, not on insertion order.
  const names = new Rng(seed).shuffle([...groupSizes.keys()].sort());
  const total = [...groupSizes.values()].reduce((a, b) => a + b, 0);
  const counts: Record<SplitName, number> = { train: 0, validation: 0, test: 0 };
  const out = new Map<string, SplitName>();
  for (const g of names) {
    let best: SplitName = 'train';
    let bestDeficit = -Infinity;
    for (const s of SPLIT_NAMES) {
      if (f[s] === 0) continue;
      // Deficit against the share of all images, relative to the share: small splits fill as evenly as large ones.
      const deficit = (f[s] * total - counts[s]) / f[s];
      if (deficit > bestDeficit) {
        bestDeficit = deficit;
        best = s;
      }
    }
    out.set(g, best);
    counts[best] += groupSizes.get(g)!;
  }
  return out;
}
