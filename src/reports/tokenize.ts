/**
 * Tokens as the paper's authors made them for topic models: lower-case runs of letters and
 * digits, at least 3 characters long. Inner `.`, `-` and `/` between two alphanumerics stay
 * inside a token, because the paper's topic words keep them (`e.g`, `1.5`, `l5-s1`, `cc/s`,
 * `isovue-300`). Porter stemming is available through the `stemmer` package.
 */
import { stemmer } from 'stemmer';

export interface TokenizeOptions {
  /** Shortest token kept, in characters. Default 3 (the paper's scripts). */
  minLength?: number;
  /** Apply the Porter stemmer to every token. Default false. */
  stem?: boolean;
  /** Keep inner `.`, `-`, `/` between alphanumerics. Default true. */
  keepInnerPunctuation?: boolean;
}

const A = 97, Z = 122, CA = 65, CZ = 90, D0 = 48, D9 = 57;

function isAlnumCode(c: number): boolean {
  return (c >= A && c <= Z) || (c >= D0 && c <= D9) || (c >= CA && c <= CZ) || (c > 127 && isUnicodeLetter(c));
}

const LETTER = /\p{L}/u;
function isUnicodeLetter(c: number): boolean {
  return LETTER.test(String.fromCharCode(c));
}

function isInnerPunct(c: number): boolean {
  return c === 46 /* . */ || c === 45 /* - */ || c === 47 /* / */;
}

/**
 * Calls `visit(start, end)` for each token span in `text` (before length filtering and
 * lower-casing). Allocation-free: the statistics and corpus builders count with it.
 */
export function scanTokens(text: string, visit: (start: number, end: number) => void, keepInnerPunctuation = true): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    while (i < n && !isAlnumCode(text.charCodeAt(i))) {
      // De-identification placeholders ("[DATE]") are not words.
      i = text.charCodeAt(i) === 91 /* [ */ ? skipPlaceholder(text, i) : i + 1;
    }
    if (i >= n) break;
    const start = i;
    for (;;) {
      while (i < n && isAlnumCode(text.charCodeAt(i))) i++;
      if (keepInnerPunctuation && i + 1 < n && isInnerPunct(text.charCodeAt(i)) && isAlnumCode(text.charCodeAt(i + 1))) {
        i++;
        continue;
      }
      break;
    }
    visit(start, i);
  }
}

/** If a `[UPPERCASE]` placeholder starts at `i`, the index after it; else i + 1. */
function skipPlaceholder(text: string, i: number): number {
  let j = i + 1;
  while (j < text.length && text.charCodeAt(j) >= CA && text.charCodeAt(j) <= CZ) j++;
  return j > i + 1 && text.charCodeAt(j) === 93 /* ] */ ? j + 1 : i + 1;
}

/**
 * True for placeholders that other de-identification tools leave as words: the Indiana
 * set's `XXXX` (any run of three or more x's).
 */
export function isPlaceholderToken(token: string): boolean {
  return /^x{3,}$/i.test(token);
}

/** Lower-cased tokens of at least `minLength` characters, optionally Porter-stemmed. */
export function tokenize(text: string, options: TokenizeOptions = {}): string[] {
  const minLength = options.minLength ?? 3;
  const stem = options.stem ?? false;
  const out: string[] = [];
  scanTokens(
    text,
    (start, end) => {
      if (end - start < minLength) return;
      const token = text.slice(start, end).toLowerCase();
      out.push(stem ? stemToken(token) : token);
    },
    options.keepInnerPunctuation ?? true,
  );
  return out;
}

/** Number of tokens `tokenize` would return, without building them. */
export function countTokens(text: string, minLength = 3): number {
  let count = 0;
  scanTokens(text, (start, end) => {
    if (end - start >= minLength) count++;
  });
  return count;
}

/** Porter stem of one lower-case token. Tokens with digits or inner punctuation are left as they are. */
export function stemToken(token: string): string {
  return /^[a-z]+$/.test(token) ? stemmer(token) : token;
}

/** True when a token is made of digits and inner punctuation only (`2.0`, `130`, `1/2`). */
export function isNumericToken(token: string): boolean {
  return /^[0-9][0-9./-]*$/.test(token);
}
