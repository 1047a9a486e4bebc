/**
 * Instance ranges as radiologists write them. An upper bound written with fewer digits than
 * the lower bound is abbreviated: it replaces the lower bound's trailing digits, so "84-7" is
 * 84..87 and "1013-78" is 1013..1078 (the paper's own example), while "198-202" is complete.
 */

/** A reference never expands to more instances than this; a range that would pass it keeps only its two endpoints. */
export const MAX_INSTANCES_PER_REFERENCE = 2000;

/**
 * The upper bound a range means: `hiValue` written with `hiDigits` digits after a lower bound
 * `lo` written with `loDigits` digits. Returns -1 when the range runs backwards ("198-20" = 198..120).
 */
export function rangeEnd(lo: number, loDigits: number, hiValue: number, hiDigits: number): number {
  let hi = hiValue;
  if (hiDigits < loDigits) {
    const scale = 10 ** hiDigits;
    hi = lo - (lo % scale) + hiValue;
  }
  return hi < lo ? -1 : hi;
}

/**
 * Expands items (lo[i]..hi[i]; lo[i] < 0 marks an item already rejected) into instance
 * numbers in text order without repeats. A range that would take the reference past
 * MAX_INSTANCES_PER_REFERENCE contributes only its endpoints.
 */
export function expandItems(lo: Int32Array, hi: Int32Array, numItems: number): number[] {
  const out: number[] = [];
  // Most references name a handful of images: a linear search beats building a Set.
  let total = 0;
  for (let i = 0; i < numItems; i++) if (lo[i]! >= 0) total += hi[i]! - lo[i]! + 1;
  const seen = total > 32 ? new Set<number>() : undefined;
  for (let i = 0; i < numItems; i++) {
    const a = lo[i]!;
    const b = hi[i]!;
    if (a < 0) continue;
    if (out.length + (b - a + 1) > MAX_INSTANCES_PER_REFERENCE) {
      pushNew(out, seen, a);
      pushNew(out, seen, b);
      continue;
    }
    for (let v = a; v <= b; v++) pushNew(out, seen, v);
  }
  return out;
}

function pushNew(out: number[], seen: Set<number> | undefined, v: number): void {
  if (seen === undefined) {
    if (!out.includes(v)) out.push(v);
    return;
  }
  if (seen.has(v)) return;
  seen.add(v);
  out.push(v);
}
