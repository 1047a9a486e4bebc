/**
 * Finds every key-image reference in a report ("series 3 image 84-7") and expands it to
 * (series, instance) pairs with the span it came from.
 *
 * The anchor search is its own cheap pre-check: the parser only wakes at a word that starts
 * with "se", "sl" or "im" (series, se, ser, slice, image, im, img). Most reports have no such
 * word next to a number, and the parser gives up after one or two tokens.
 */
import { ReferenceParser } from './parser.js';
import { expandItems } from './ranges.js';
import { isWordCode } from './lexer.js';

export interface ImageReference {
  /** Series numbers in text order, without repeats; [] when the text names no series. */
  series: number[];
  /** Instance (image) numbers, ranges expanded, in text order, without repeats. */
  instances: number[];
  /** Exactly text.slice(start, end). */
  text: string;
  start: number;
  end: number;
}

/** One key image: a series (null when the reference names none) and an instance number. */
export interface KeyImagePair {
  series: number | null;
  instance: number;
}

// One parser per thread, reused: extractReferences is synchronous, so calls never interleave.
const parser = new ReferenceParser();

/**
 * Where a reference can start: "se", "sl" or "im" at the start of an ASCII word. One global
 * regex pass per report (V8 compiles it to machine code; `test` with the g flag allocates no
 * match object) was 4x faster than a charCodeAt loop over the same reports.
 */
const ANCHOR = /\b(?:s[el]|im)/gi;

/** Every key-image reference in `text`, in text order; spans never overlap. */
export function extractReferences(text: string): ImageReference[] {
  const refs: ImageReference[] = [];
  const anchor = ANCHOR;
  anchor.lastIndex = 0;
  if (!anchor.test(text)) return refs;
  parser.reset(text);
  try {
    do {
      const at = anchor.lastIndex - 2;
      // \b only knows ASCII: "ésérie" must not anchor at its "sé".
      if (at > 0 && isWordCode(text.charCodeAt(at - 1))) continue;
      if (parser.parseAt(at)) {
        refs.push(buildReference(text));
        anchor.lastIndex = parser.end;
      }
    } while (anchor.test(text));
  } finally {
    parser.reset(''); // do not keep the last report alive
    anchor.lastIndex = 0;
  }
  return refs;
}

function buildReference(text: string): ImageReference {
  const series: number[] = [];
  for (let s = 0; s < parser.numSeries; s++) {
    const value = parser.series[s]!;
    if (!series.includes(value)) series.push(value);
  }
  return {
    series,
    instances: expandItems(parser.lo, parser.hi, parser.numItems),
    text: text.slice(parser.start, parser.end),
    start: parser.start,
    end: parser.end,
  };
}

/** The (series, instance) pairs a reference names: the cross product, series null when none is named. */
export function keyImagePairs(ref: ImageReference): KeyImagePair[] {
  const pairs: KeyImagePair[] = [];
  if (ref.series.length === 0) {
    for (const instance of ref.instances) pairs.push({ series: null, instance });
    return pairs;
  }
  for (const series of ref.series) {
    for (const instance of ref.instances) pairs.push({ series, instance });
  }
  return pairs;
}
