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

/**
 * Instance numbers as a radiologist lists them: runs of consecutive numbers as ranges (shortened
 * as "84-7" half the time), the rest one by one: "55, 60, 84-7".
 */
export function instanceList(instances: readonly number[], rng: Rng): string {
  const sorted = [...new Set(instances)].sort((x, y) => x - y);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] as number) + 1) j++;
    const a = sorted[i] as number;
    const b = sorted[j] as number;
    parts.push(a === b ? `${a}` : shortRange(a, b, rng));
    i = j + 1;
  }
  return parts.join(', ');
}

/**
 * The images of `numbered` (a reference writeReference() wrote) in series `series`, named by
 * words instead: "coronal T2 image 52", "axial T1 post-contrast images 14-16", "ax T2 im 12",
 * "sagittal T2 #23". The same images, so the archive's key images stay what they were. `name`
 * comes from seriesNames(); the form is 'named-ambiguous' when the words fit other series too.
 */
export function namedReference(numbered: WrittenReference, series: number, name: string,
  form: 'named' | 'named-im' | 'named-hash' | 'named-ambiguous', rng: Rng): WrittenReference {
  const images = sameImages(numbered, series);
  const list = instanceList(images.map((k) => k.instance), rng);
  const text = form === 'named-im' ? `${name} im ${list}` : form === 'named-hash' ? `${name} #${list}`
    : `${name} ${images.length > 1 ? 'images' : 'image'} ${list}`;
  const named = images.length > 1 && form === 'named' ? 'named-range' : form;
  return { form: named, text, images, seriesNamed: false, seriesText: name };
}

/** "series 3, image #12/40": image 12 of the series' 40 (a reference to one image). */
export function ofTotalReference(numbered: WrittenReference, series: number, total: number): WrittenReference {
  const [image] = sameImages(numbered, series);
  if (image === undefined || sameImages(numbered, series).length > 1) return numbered;
  return { form: 'of-total', text: `series ${series}, image #${image.instance}/${total}`, images: [image], seriesNamed: true };
}

/**
 * The images of `numbered` as "#57 and 60" or "#57-9" (written inside parentheses after an
 * earlier reference of the same paragraph): in the series of `previous`, named by its number or
 * its words, which the bare list takes over.
 */
export function continuedReference(numbered: WrittenReference, previous: WrittenReference, rng: Rng): WrittenReference {
  const series = previous.images[0]?.series as number;
  const instances = [...new Set(numbered.images.map((k) => k.instance))].sort((x, y) => x - y);
  const finding = numbered.images[0]?.finding ?? 0;
  const list = instances.length === 2 ? `${instances[0]} and ${instances[1]}` : instanceList(instances, rng);
  return {
    form: 'continued', text: `#${list}`, images: instances.map((instance) => ({ series, instance, finding })),
    seriesNamed: previous.seriesNamed, ...(previous.seriesText !== undefined ? { seriesText: previous.seriesText } : {}),
  };
}

/** The images of a reference in one series (with the series set), in order, without repeats. */
function sameImages(numbered: WrittenReference, series: number): KeyImage[] {
  const out: KeyImage[] = [];
  for (const k of numbered.images) if (!out.some((x) => x.instance === k.instance)) out.push({ ...k, series });
  return out;
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
