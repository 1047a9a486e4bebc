/**
 * Writes key-image references in every form the reference parser reads, and records which
 * images each one points at (the ground truth the parser is scored against).
 */
import type { Rng } from '../util/rng.js';
import type { FindingPlan, KeyImage } from './plan.js';

export type ReferenceForm =
  | 'comma' | 'eg' | 'range' | 'list' | 'bare-range' | 'and' | 'slash' | 'hash' | 'abbrev' | 'of' | 'through';

export interface WrittenReference {
  text: string;
  form: ReferenceForm;
  /** Images pointed at; `seriesNamed` false when the text names no series. */
  images: KeyImage[];
  seriesNamed: boolean;
}

/** "84-87" written the way radiologists shorten it ("84-7") when the leading digits agree. */
function shortRange(a: number, b: number, rng: Rng): string {
  const sa = String(a);
  const sb = String(b);
  if (sa.length === sb.length && sa.length > 1 && rng.chance(0.5)) {
    let k = 0;
    while (k < sa.length - 1 && sa[k] === sb[k]) k++;
    if (k > 0) return `${sa}-${sb.slice(k)}`;
  }
  return `${sa}-${sb}`;
}

/**
 * One reference to `finding` in a random feasible form. `seriesNumbers` are the study's series
 * that show the finding (same slice geometry), `single` the series used when the text names none.
 */
export function writeReference(finding: FindingPlan, seriesNumbers: number[], rng: Rng): WrittenReference {
  const slices = finding.slices;
  const s = rng.pick(seriesNumbers);
  const mid = slices[Math.floor(slices.length / 2)] as number;
  const first = slices[0] as number;
  const last = slices[slices.length - 1] as number;
  const forms: ReferenceForm[] = ['comma', 'eg', 'hash', 'abbrev', 'of', 'bare-range'];
  if (slices.length >= 2) forms.push('range', 'through', 'and');
  if (slices.length >= 3) forms.push('list');
  if (seriesNumbers.length >= 2) forms.push('slash', 'slash');
  const form = rng.pick(forms);
  const img = (series: number, instance: number): KeyImage => ({ series, instance, finding: finding.id });
  const span = (series: number, a: number, b: number): KeyImage[] => {
    const out: KeyImage[] = [];
    for (let i = a; i <= b; i++) out.push(img(series, i));
    return out;
  };
  switch (form) {
    case 'comma': return { form, text: `series ${s}, image ${mid}`, images: [img(s, mid)], seriesNamed: true };
    case 'eg': return { form, text: `(e.g. series ${s} image ${mid})`, images: [img(s, mid)], seriesNamed: true };
    case 'hash': return { form, text: `series #${s} image #${mid}`, images: [img(s, mid)], seriesNamed: true };
    case 'abbrev': return { form, text: `se ${s} im ${mid}`, images: [img(s, mid)], seriesNamed: true };
    case 'of': return { form, text: `image ${mid} of series ${s}`, images: [img(s, mid)], seriesNamed: true };
    case 'range': return { form, text: `series ${s} image ${shortRange(first, last, rng)}`, images: span(s, first, last), seriesNamed: true };
    case 'through': return { form, text: `series ${s} images ${first} through ${last}`, images: span(s, first, last), seriesNamed: true };
    case 'and': return { form, text: `images ${first} and ${last}`, images: [img(s, first), img(s, last)], seriesNamed: false };
    case 'bare-range':
      return first === last
        ? { form, text: `image ${first}`, images: [img(s, first)], seriesNamed: false }
        : { form, text: `image ${shortRange(first, last, rng)}`, images: span(s, first, last), seriesNamed: false };
    case 'slash': {
      const [a, b] = seriesNumbers as [number, number];
      return { form, text: `series ${a}/${b} image ${mid}`, images: [img(a, mid), img(b, mid)], seriesNamed: true };
    }
    case 'list': {
      // e.g. "series 3 image 55, 60, 84-7": singles then a closing range, all within the visible slices.
      const n = slices.length;
      const singles = [slices[0] as number, slices[1] as number];
      const a = slices[n - 2] as number;
      const b = slices[n - 1] as number;
      const tail = a === singles[1] ? `${b}` : `${shortRange(a, b, rng)}`;
      const images = [img(s, singles[0] as number), img(s, singles[1] as number), ...(a === singles[1] ? [img(s, b)] : span(s, a, b))];
      return { form, text: `series ${s} image ${singles.join(', ')}, ${tail}`, images, seriesNamed: true };
    }
  }
}
