/**
 * Normalised mutual information between two labelings of the same items:
 * NMI = I(A;B) / ((H(A) + H(B)) / 2) (the arithmetic normalisation, scikit-learn's default).
 * 1 when the partitions agree up to renaming; 1 also when both put everything in one class.
 */
import { OptionsError } from '../util/errors.js';

export function normalizedMutualInformation(labelsA: Int32Array, labelsB: Int32Array): number {
  const n = labelsA.length;
  if (n !== labelsB.length) throw new OptionsError(`label arrays differ in length (${n} vs ${labelsB.length})`);
  if (n === 0) throw new OptionsError('NMI of zero items is undefined');
  const joint = new Map<string, number>();
  const ca = new Map<number, number>();
  const cb = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const a = labelsA[i] as number;
    const b = labelsB[i] as number;
    ca.set(a, (ca.get(a) ?? 0) + 1);
    cb.set(b, (cb.get(b) ?? 0) + 1);
    const key = `${a},${b}`;
    joint.set(key, (joint.get(key) ?? 0) + 1);
  }
  const h = (m: Map<number, number>) => { let s = 0; for (const c of m.values()) s -= (c / n) * Math.log(c / n); return s; };
  const ha = h(ca);
  const hb = h(cb);
  let mi = 0;
  for (const [key, c] of joint) {
    const [a, b] = key.split(',').map(Number) as [number, number];
    mi += (c / n) * Math.log((c * n) / ((ca.get(a) as number) * (cb.get(b) as number)));
  }
  if (ha === 0 && hb === 0) return 1;
  return Math.max(0, Math.min(1, mi / ((ha + hb) / 2)));
}
