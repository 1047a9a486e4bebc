/**
 * Finds every key-image reference in a report ("series 3 image 84-7") and expands it to
 * (series, instance) pairs with the span it came from.
 *
 * The scan is its own cheap pre-check: it walks the text once with charCodeAt and only
 * wakes the parser at a word that starts with "se", "sl" or "im" (series, se, ser, slice,
 * image, im, img). Most reports have no such word next to a number, and the parser gives
 * up after one or two tokens.
 */
import { ReferenceParser } from './parser.js';
import { expandItems } from './ranges.js';
import { isDigit, isWordCode } from './lexer.js';

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

/** 1 for the ASCII characters that continue a word (letters and digits): anchors must start a word. */
const ASCII_WORD = new Uint8Array(128);
for (let c = 0; c < 128; c++) ASCII_WORD[c] = isDigit(c) || isWordCode(c) ? 1 : 0;

const LOWER_S = 115;
const LOWER_I = 105;
const LOWER_E = 101;
const LOWER_L = 108;
const LOWER_M = 109;

/** Every key-image reference in `text`, in text order; spans never overlap. */
export function extractReferences(text: string): ImageReference[] {
  const refs: ImageReference[] = [];
  const n = text.length - 1; // an anchor needs two letters
  let prevIsWord = false;
  let i = 0;
  parser.reset(text);
  try {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (!prevIsWord) {
        const lower = c | 0x20;
        if (lower === LOWER_S || lower === LOWER_I) {
          const second = text.charCodeAt(i + 1) | 0x20;
          const anchor = lower === LOWER_S ? second === LOWER_E || second === LOWER_L : second === LOWER_M;
          if (anchor) {
            if (parser.parseAt(i)) {
              refs.push(buildReference(text));
              i = parser.end;
              prevIsWord = true; // a reference ends with a digit
              continue;
            }
          }
        }
      }
      prevIsWord = c < 128 ? ASCII_WORD[c] === 1 : isWordCode(c);
      i++;
    }
  } finally {
    parser.reset(''); // do not keep the last report alive
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
