/**
 * Finds the words that name a series right before an image clause ("coronal T2 image 52",
 * "(ax T2 im 12)", "sagittal STIR #23"). The parser calls this only once it has read an image
 * clause, so it reads backwards over a few words and never over a whole report.
 *
 * The T1/T2 clash: "T1" and "T2" are MR weightings and thoracic levels. A word counts only when
 * it stands right before the image clause (white space between, nothing else), so "T12
 * vertebral body (image 14)" names no series; a level range ("T2-T3", "T12-L1", "T2-3") is never
 * a series word; and a lone "T1"/"T2" after a level or a word that introduces one ("at T2",
 * "C7 - T1", "T1 to T2") is a level.
 */
import { isDashCode, isSpaceCode, isWordCode } from './lexer.js';
import {
  isConnectorWord, isLevelContext, isSeriesWord, isSubstanceWord, readDescription, type ReadDescription,
} from './series-words.js';

/** Most words one series name holds ("axial T1 fat-sat post contrast 3D series" is 7). */
export const MAX_SERIES_WORDS = 8;

export interface DescribedSeries extends ReadDescription {
  /** The words' span in the text: [start, end). */
  start: number;
  end: number;
}

/** Letters, digits, '*', '+' and hyphens: what a series word is made of ("T2*", "C+", "post-contrast"). */
function isSeriesChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 42 || c === 43 || c === 45;
}

/** The word ending at `end` (after white space is skipped back from `pos`), or undefined at a non-word. */
function wordBefore(text: string, pos: number, floor: number): { start: number; end: number } | undefined {
  let end = pos;
  while (end > floor && isSpaceCode(text.charCodeAt(end - 1))) end--;
  let start = end;
  while (start > floor && isSeriesChar(text.charCodeAt(start - 1))) start--;
  if (start === end) return undefined;
  // A word glued to a letter of another script ("éaxial") is not one of ours.
  if (start > floor && isWordCode(text.charCodeAt(start - 1))) return undefined;
  return { start, end };
}

/**
 * The series words that end right before `pos` (white space between), reading back no further
 * than `floor`; undefined when there are none, when they do not name a series on their own, or
 * when they are a vertebral level.
 */
export function describedSeriesBefore(text: string, pos: number, floor: number): DescribedSeries | undefined {
  const words: string[] = [];
  let start = -1;
  let end = -1;
  let p = pos;
  while (words.length < MAX_SERIES_WORDS) {
    const w = wordBefore(text, p, floor);
    if (w === undefined) break;
    const word = text.slice(w.start, w.end);
    // A dash at either end ("T1 -", "-axial") ties the word to something that is not a series word.
    if (isDashCode(word.charCodeAt(0)) || isDashCode(word.charCodeAt(word.length - 1))) break;
    if (!isSeriesWord(word)) break;
    // "with"/"without" belong to a series name only before a substance ("with contrast").
    if (isConnectorWord(word) && !(words.length > 0 && isSubstanceWord(words[0]!))) break;
    words.unshift(word);
    if (end < 0) end = w.end;
    start = w.start;
    p = w.start;
  }
  if (words.length === 0) return undefined;
  const read = readDescription(words);
  if (!read.namesSeries) return undefined;
  if (read.onlyLevelLikeWeighting && levelBefore(text, start, floor)) return undefined;
  return { ...read, start, end };
}

/**
 * Whether a level or a word that introduces one comes right before `pos` ("at T2", "T1 to T2"),
 * or a level or number and a dash or slash ("C7 - T1", "T1/T2", "2 - T2").
 */
function levelBefore(text: string, pos: number, floor: number): boolean {
  let i = pos;
  while (i > floor && isSpaceCode(text.charCodeAt(i - 1))) i--;
  if (i <= floor) return false;
  const c = text.charCodeAt(i - 1);
  if (isDashCode(c) || c === 47) {
    const w = wordBefore(text, i - 1, floor);
    return w !== undefined && /^(?:[ctlsCTLS]\d{1,2}|\d+)$/.test(text.slice(w.start, w.end));
  }
  const w = wordBefore(text, i, floor);
  return w !== undefined && isLevelContext(text.slice(w.start, w.end));
}
