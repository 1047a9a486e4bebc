/**
 * Sentence splitting for radiology text. Reports are not prose: they carry section headers
 * (`FINDINGS:`), numbered impressions (`1. ... 2. ...`), abbreviations (`e.g.`, `approx.`,
 * `Dr.`), decimals, hard line wraps and de-identification placeholders (`XXXX`, `[DATE]`).
 * Headers become section labels, not sentences; list markers, abbreviations, decimals and
 * placeholders never end a sentence.
 */

export interface Sentence {
  /** 0-based position among the report's sentences. */
  index: number;
  /** Character span in the report text (trimmed of surrounding space and list markers). */
  start: number;
  end: number;
  text: string;
  /** The section header in force, upper-cased without its colon (`FINDINGS`), or '' before any. */
  section: string;
}

/** Words that end in a period without ending a sentence (compared lower-case). */
const ABBREVIATIONS = new Set([
  'e.g', 'i.e', 'eg', 'ie', 'approx', 'dr', 'mr', 'mrs', 'ms', 'prof', 'sr', 'jr', 'vs', 'cf', 'fig', 'figs', 'incl',
  'ca', 'st', 'b.i.d', 't.i.d', 'q.d', 'p.o', 'a.m', 'p.m', 'resp', 'est', 'max', 'min', 'dept', 'mt', 'ant', 'post',
  'sup', 'inf', 'lat', 'med', 'ext', 'img', 'im', 'ser', 'se', 'sl', 'no', 'nos', 'vol', 'al',
]);

/** Section headers recognised in any case; fully upper-case headers are recognised without a list. */
const KNOWN_HEADERS =
  'findings|impressions?|technique|comparisons?|history|clinical history|indications?|conclusions?|report|exam|examination|procedure|reason for exam|reason for study|clinical information|clinical indication|recommendations?|addendum|summary|opinion|diagnosis';

// At a sentence start: an upper-case header ("ABDOMEN, PELVIS:", "REASON FOR EXAM (Entered by ...):")
// or a known one in any case ("Findings:"), then a colon that does not start a time or ratio.
const HEADER = new RegExp(
  `(?:(?<upper>[A-Z][A-Z0-9,/&' -]{1,60}?)|(?<known>${KNOWN_HEADERS}))\\s*(?:\\([^)\\n]{0,120}\\))?\\s*:(?!\\d)`,
  'iy',
);
const LIST_MARKER = /(\d{1,2})[.)](?=\s)/y;
const PLACEHOLDER_ONLY = /^(?:X+|\[[A-Z]+\])$/;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11 || c === 160;
}
function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}
function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The word that ends just before `pos` (letters, digits and inner dots), lower-cased. */
function wordBefore(text: string, pos: number): string {
  let s = pos;
  while (s > 0) {
    const c = text.charCodeAt(s - 1);
    if (isUpper(c) || isLower(c) || isDigit(c) || c === 46) s--;
    else break;
  }
  return text.slice(s, pos).toLowerCase();
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/**
 * A header is short and ends in a colon before any period or line break: looking for that colon
 * first keeps the header regex off the great majority of sentence starts.
 */
function colonAhead(text: string, pos: number): boolean {
  const limit = Math.min(text.length, pos + 200);
  let depth = 0;
  for (let k = pos; k < limit; k++) {
    const c = text.charCodeAt(k);
    if (c === 58 /* : */) return true;
    if (c === 40 /* ( */) depth++;
    else if (c === 41 /* ) */) depth--;
    else if ((c === 46 /* . */ && depth <= 0) || c === 10) return false;
  }
  return false;
}

/** Tries to read a header at `pos`; returns [label, end] or undefined. */
function readHeader(text: string, pos: number): [string, number] | undefined {
  if (!colonAhead(text, pos)) return undefined;
  HEADER.lastIndex = pos;
  const m = HEADER.exec(text);
  if (!m) return undefined;
  const upper = m.groups?.['upper'];
  if (upper !== undefined) {
    // Upper-case alternatives must really be upper case (the regex is case-insensitive for
    // the known list) and must not be a placeholder such as XXXX.
    const label = upper.trim();
    if (label !== label.toUpperCase() || /[a-z]/.test(label) || PLACEHOLDER_ONLY.test(label) || !/[A-Z]{2}/.test(label)) {
      const known = m.groups?.['known'];
      if (known === undefined) return tryKnownOnly(text, pos);
    }
    return [label.toUpperCase().replace(/\s+/g, ' '), HEADER.lastIndex];
  }
  return [(m.groups?.['known'] ?? '').trim().toUpperCase().replace(/\s+/g, ' '), HEADER.lastIndex];
}

const KNOWN_ONLY = new RegExp(`(${KNOWN_HEADERS})\\s*(?:\\([^)\\n]{0,120}\\))?\\s*:(?!\\d)`, 'iy');
function tryKnownOnly(text: string, pos: number): [string, number] | undefined {
  KNOWN_ONLY.lastIndex = pos;
  const m = KNOWN_ONLY.exec(text);
  if (!m) return undefined;
  return [(m[1] ?? '').toUpperCase().replace(/\s+/g, ' '), KNOWN_ONLY.lastIndex];
}

/** Splits report text into sentences with section labels. */
export function splitSentences(text: string): Sentence[] {
  const out: Sentence[] = [];
  const n = text.length;
  let section = '';
  let listNumber = 0;
  let i = skipSpace(text, 0);

  while (i < n) {
    // At a sentence start: headers (possibly several) and a list marker.
    for (;;) {
      const header = readHeader(text, i);
      if (!header) break;
      section = header[0];
      listNumber = 0;
      i = skipSpace(text, header[1]);
    }
    LIST_MARKER.lastIndex = i;
    const marker = LIST_MARKER.exec(text);
    if (marker) {
      listNumber = Number(marker[1]);
      i = skipSpace(text, LIST_MARKER.lastIndex);
    }
    if (i >= n) break;

    const start = i;
    let end = n;
    let next = n;
    for (let j = i; j < n; j++) {
      const c = text.charCodeAt(j);
      if (c === 46 || c === 33 || c === 63) {
        // '.', '!', '?' end a sentence only before space or the end of the text.
        if (j + 1 < n && !isSpace(text.charCodeAt(j + 1))) continue;
        const after = skipSpace(text, j + 1);
        if (c === 46) {
          const word = wordBefore(text, j);
          if (ABBREVIATIONS.has(word) && after < n && !hasBlankLine(text, j + 1, after)) continue;
          // A single capital letter is an initial ("J. Smith"), unless the next word starts a header.
          if (word.length === 1 && isLower(word.charCodeAt(0)) && isUpper(text.charCodeAt(j - 1)) && after < n && isUpper(text.charCodeAt(after)) && !readHeader(text, after)) continue;
          // Lower case after the period continues the sentence (a wrapped placeholder such as "x-XXXX. findings").
          if (after < n && isLower(text.charCodeAt(after)) && !hasNewline(text, j + 1, after)) continue;
        }
        end = j + 1;
        next = after;
        break;
      }
      if (c === 10) {
        const after = skipSpace(text, j + 1);
        if (after >= n || hasBlankLine(text, j, after) || readHeader(text, after) || startsListItem(text, after)) {
          end = j;
          next = after;
          break;
        }
        continue;
      }
      // An inline numbered item with no period before it: "1. No mass 2. Aneurysm".
      if (listNumber > 0 && isSpace(c) && j + 1 < n && isDigit(text.charCodeAt(j + 1))) {
        LIST_MARKER.lastIndex = j + 1;
        const m = LIST_MARKER.exec(text);
        if (m && Number(m[1]) === listNumber + 1 && isUpper(text.charCodeAt(skipSpace(text, LIST_MARKER.lastIndex)))) {
          end = j;
          next = j + 1;
          break;
        }
      }
    }
    let e = end;
    while (e > start && isSpace(text.charCodeAt(e - 1))) e--;
    if (e > start && !/^[.!?]+$/.test(text.slice(start, e))) {
      out.push({ index: out.length, start, end: e, text: text.slice(start, e), section });
    }
    i = next;
  }
  return out;
}

function hasNewline(text: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (text.charCodeAt(k) === 10) return true;
  return false;
}

function hasBlankLine(text: string, from: number, to: number): boolean {
  let newlines = 0;
  for (let k = from; k < to; k++) if (text.charCodeAt(k) === 10) newlines++;
  return newlines >= 2;
}

function startsListItem(text: string, pos: number): boolean {
  LIST_MARKER.lastIndex = pos;
  return LIST_MARKER.exec(text) !== null;
}

/** The index of the sentence containing character `pos`, or the nearest one before it. */
export function sentenceAt(sentences: readonly Sentence[], pos: number): number {
  let lo = 0;
  let hi = sentences.length - 1;
  let best = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((sentences[mid] as Sentence).start <= pos) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}
