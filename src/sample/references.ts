/**
 * Writes key-image references in every form the reference parser reads, and records which
 * images each one points at (the ground truth the parser is scored against).
 */
import type { Rng } from '../util/rng.js';
import type { FindingPlan, KeyImage } from './plan.js';

/** The forms writeReference() draws from. */
type NumberedForm = 'comma' | 'eg' | 'range' | 'list' | 'bare-range' | 'and' | 'slash' | 'hash' | 'abbrev' | 'of' | 'through';

export type ReferenceForm =
  | NumberedForm
  // Issue 15: a series named by words, "image N/M", and a bare list that continues the previous reference.
  | 'named' | 'named-range' | 'named-im' | 'named-hash' | 'named-ambiguous' | 'of-total' | 'continued';

export interface WrittenReference {
  text: string;
  form: ReferenceForm;
  /** Images pointed at; `seriesNamed` false when the text names no series number. */
  images: KeyImage[];
  seriesNamed: boolean;
  /** The words naming the series ("coronal T2"), when the text names it so. */
  seriesText?: string;
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

const mid = (slices: number[]): number => slices[Math.floor(slices.length / 2)] as number;

/**
 * A reference that names series `series` by words: "coronal T2 image 52", "ax T2 im 12", "axial T1
 * post-contrast images 14-16", "sagittal T2 #23". `name` comes from seriesNames(); the form is
 * 'named-ambiguous' when the words fit other series of the study too.
 */
export function namedReference(finding: FindingPlan, series: number, name: string, form: 'named' | 'named-range' | 'named-im' | 'named-hash' | 'named-ambiguous', rng: Rng): WrittenReference {
  const slices = finding.slices;
  const img = (instance: number): KeyImage => ({ series, instance, finding: finding.id });
  const m = mid(slices);
  const named = (text: string, images: KeyImage[]): WrittenReference => ({ form, text, images, seriesNamed: false, seriesText: name });
  switch (form) {
    case 'named-range': {
      const first = slices[0] as number;
      const last = slices[slices.length - 1] as number;
      if (first === last) return named(`${name} image ${first}`, [img(first)]);
      const images: KeyImage[] = [];
      for (let i = first; i <= last; i++) images.push(img(i));
      return named(`${name} images ${shortRange(first, last, rng)}`, images);
    }
    case 'named-im': return named(`${name} im ${m}`, [img(m)]);
    case 'named-hash': return named(`${name} #${m}`, [img(m)]);
    default: return named(`${name} image ${m}`, [img(m)]);
  }
}

/** "series 3, image #12/40": image 12 of the series' 40. */
export function ofTotalReference(finding: FindingPlan, series: number, total: number): WrittenReference {
  const m = mid(finding.slices);
  return { form: 'of-total', text: `series ${series}, image #${m}/${total}`, images: [{ series, instance: m, finding: finding.id }], seriesNamed: true };
}

/**
 * "#57 and 60" (written inside parentheses after an earlier reference of the same paragraph): the
 * series of `previous`, named by its number or its words.
 */
export function continuedReference(finding: FindingPlan, previous: WrittenReference): WrittenReference {
  const series = previous.images[0]?.series as number;
  const slices = finding.slices;
  const a = slices[0] as number;
  const b = slices[slices.length - 1] as number;
  const instances = a === b ? [a] : [a, b];
  return {
    form: 'continued', text: `#${instances.join(' and ')}`, images: instances.map((instance) => ({ series, instance, finding: finding.id })),
    seriesNamed: previous.seriesNamed, ...(previous.seriesText !== undefined ? { seriesText: previous.seriesText } : {}),
  };
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
  const forms: NumberedForm[] = ['comma', 'eg', 'hash', 'abbrev', 'of', 'bare-range'];
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
