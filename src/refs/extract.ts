/**
 * Finds every key-image reference in a report ("series 3 image 84-7", "coronal T2 image 52")
 * and expands it to (series, instance) pairs with the span it came from.
 *
 * The anchor search is its own cheap pre-check: the parser only wakes at a word that starts
 * with "se", "sl" or "im" (series, se, ser, slice, image, im, img), or at "#". Most reports have
 * no such word next to a number, and the parser gives up after one or two tokens. Words naming
 * the series ("coronal T2") are read backwards from there, only once an image clause is found.
 */
import { ReferenceParser } from './parser.js';
import { expandItems } from './ranges.js';
import { isWordCode } from './lexer.js';

export interface ImageReference {
  /** Series numbers in text order, without repeats; [] when the text names no series number. */
  series: number[];
  /**
   * The words that name the series by what it is ("coronal T2", "axial T1 post-contrast"), as
   * they appear; null when there are none. A continued list ("(#210 and 214)") takes the series
   * numbers and words of the reference it continues.
   */
  seriesText: string | null;
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
 * match object) was 4x faster than a charCodeAt loop over the same reports. "#" (a "#23" after
 * words naming the series, a bare "(#210 and 214)") is found by indexOf beside it: as a third
 * alternative in the regex it made reports without any anchor 2-3x slower to reject.
 */
const ANCHOR = /\b(?:s[el]|im)/gi;

/** The next word anchor from ANCHOR.lastIndex on, or -1. */
function nextWordAnchor(text: string): number {
  return ANCHOR.test(text) ? ANCHOR.lastIndex - 2 : -1;
}

/** Every key-image reference in `text`, in text order; spans never overlap. */
export function extractReferences(text: string): ImageReference[] {
  const refs: ImageReference[] = [];
  ANCHOR.lastIndex = 0;
  let word = nextWordAnchor(text);
  let hash = text.indexOf('#');
  if (word < 0 && hash < 0) return refs;
  parser.reset(text);
  let floor = 0;
  try {
    while (word >= 0 || hash >= 0) {
      const isHash = hash >= 0 && (word < 0 || hash < word);
      const at = isHash ? hash : word;
      if (isHash) hash = text.indexOf('#', at + 1);
      else word = nextWordAnchor(text);
      // \b only knows ASCII: "ésérie" must not anchor at its "sé".
      if (!isHash && at > 0 && isWordCode(text.charCodeAt(at - 1))) continue;
      if (!parser.parseAt(at, floor)) continue;
      if (parser.bare) {
        // "(#210 and 214)" continues the previous reference of the same paragraph, or is none.
        const previous = refs[refs.length - 1];
        if (previous === undefined || blankLineBetween(text, previous.end, parser.start)) continue;
        refs.push(buildReference(text, previous));
      } else {
        refs.push(buildReference(text));
      }
      floor = parser.end;
      ANCHOR.lastIndex = parser.end;
      word = nextWordAnchor(text);
      if (hash >= 0 && hash < parser.end) hash = text.indexOf('#', parser.end);
    }
  } finally {
    parser.reset(''); // do not keep the last report alive
    ANCHOR.lastIndex = 0;
  }
  return refs;
}

/** Paragraphs end at a blank line: two line breaks with only white space between. */
function blankLineBetween(text: string, from: number, to: number): boolean {
  let breaks = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      if (++breaks === 2) return true;
    } else if (c !== 13 && c !== 32 && c !== 9) {
      breaks = 0;
    }
  }
  return false;
}

function buildReference(text: string, continues?: ImageReference): ImageReference {
  const series: number[] = continues ? [...continues.series] : [];
  for (let s = 0; s < parser.numSeries; s++) {
    const value = parser.series[s]!;
    if (!series.includes(value)) series.push(value);
  }
  const seriesText = continues ? continues.seriesText
    : parser.seriesTextStart >= 0 ? text.slice(parser.seriesTextStart, parser.seriesTextEnd) : null;
  return {
    series,
    seriesText,
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
