/**
 * A hand-written lexer for the key-image reference grammar. It reads ONE token at a given
 * offset into its own fields (no token objects, no substrings), so the parser can back up by
 * simply re-reading from an earlier offset. It is only ever run near an anchor word
 * (series / image / slice...), never over a whole report.
 */
import { KW_NONE, keywordOf } from './keywords.js';

// Token kinds are typed `number`, not literal types: the parser compares lx.kind again after
// lx.read() has changed it, which literal-type narrowing would wrongly call impossible.

/** End of text. */
export const TK_END: number = 0;
/** A run of letters (ASCII or any non-space, non-dash character above U+007F). */
export const TK_WORD: number = 1;
/** A run of digits standing alone (not glued to letters, not a decimal). */
export const TK_NUM: number = 2;
/** Digits glued to letters ("5mm", "1st"): never an image number. */
export const TK_ALNUM: number = 3;
/** Digits with a decimal part ("2.5"): never an image number. */
export const TK_DECIMAL: number = 4;
/** '-', or an en/em dash, figure dash or minus sign. */
export const TK_DASH: number = 5;
export const TK_COMMA: number = 6;
export const TK_SEMI: number = 7;
export const TK_SLASH: number = 8;
export const TK_COLON: number = 9;
export const TK_HASH: number = 10;
export const TK_PERIOD: number = 11;
export const TK_LPAREN: number = 12;
export const TK_RPAREN: number = 13;
export const TK_AMP: number = 14;
export const TK_PERCENT: number = 15;
/** Any other single character. */
export const TK_OTHER: number = 16;

/** More digits than this and a number is an accession number, a date or an id, not an image number. */
export const MAX_NUMBER_DIGITS = 6;

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

export function isDashCode(c: number): boolean {
  return c === 45 || c === 0x2010 || c === 0x2011 || c === 0x2012 || c === 0x2013 || c === 0x2014 || c === 0x2212;
}

export function isSpaceCode(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || (c >= 0x2000 && c <= 0x200b) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff || c === 0x1680;
}

/**
 * Letters of a word: ASCII letters, and characters above U+007F outside the Latin-1 symbols
 * (U+0080-U+00BF, x and ÷), general punctuation (U+2000-U+206F: dashes, curly quotes,
 * bullets) and CJK punctuation, so that ligatures ("ﬁ") and accents stay inside words.
 */
export function isWordCode(c: number): boolean {
  if (c < 0x80) return isAsciiLetter(c);
  if (c <= 0xbf || c === 0xd7 || c === 0xf7) return false;
  if (c >= 0x2000 && c <= 0x206f) return false;
  if (c >= 0x3000 && c <= 0x303f) return false;
  return c !== 0x1680 && c !== 0xfeff && c !== 0x2212;
}

export class Lexer {
  text = '';
  /** The token read by the last read(): its kind and [start, end). */
  kind = TK_END;
  start = 0;
  end = 0;
  /** TK_NUM: its value and how many digits it was written with (leading zeros count). */
  value = 0;
  digits = 0;
  /** TK_WORD: its keyword id (KW_NONE when not a grammar word). */
  keyword = KW_NONE;

  /** The offset the current token was read from: the parser re-reads the same offset often when it backs up. */
  private readFrom = -1;

  reset(text: string): void {
    this.text = text;
    this.kind = TK_END;
    this.readFrom = -1;
  }

  /** Reads the token at or after `pos` (skipping white space) into this lexer's fields. */
  read(pos: number): void {
    if (pos === this.readFrom) return;
    this.readFrom = pos;
    const text = this.text;
    const n = text.length;
    let i = pos;
    while (i < n && isSpaceCode(text.charCodeAt(i))) i++;
    this.start = i;
    this.keyword = KW_NONE;
    if (i >= n) {
      this.kind = TK_END;
      this.end = n;
      return;
    }
    const c = text.charCodeAt(i);
    if (isDigit(c)) {
      this.readNumber(i);
      return;
    }
    if (c === 0xd7) { // '×' is a word of its own, so "3×4" reads as 3, ×, 4
      this.kind = TK_WORD;
      this.end = i + 1;
      this.keyword = keywordOf(text, i, i + 1);
      return;
    }
    if (isWordCode(c)) {
      let j = i + 1;
      while (j < n && isWordCode(text.charCodeAt(j))) j++;
      this.kind = TK_WORD;
      this.end = j;
      this.keyword = keywordOf(text, i, j);
      return;
    }
    this.end = i + 1;
    this.kind = punctuationKind(c);
  }

  private readNumber(i: number): void {
    const text = this.text;
    const n = text.length;
    let j = i;
    let value = 0;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (!isDigit(d)) break;
      if (j - i < MAX_NUMBER_DIGITS + 1) value = value * 10 + (d - 48);
      j++;
    }
    this.value = value;
    this.digits = j - i;
    this.kind = TK_NUM;
    if (j < n) {
      const next = text.charCodeAt(j);
      if (next === 46 && j + 1 < n && isDigit(text.charCodeAt(j + 1))) { // "2.5"
        j += 2;
        while (j < n && isDigit(text.charCodeAt(j))) j++;
        this.kind = TK_DECIMAL;
      } else if (isWordCode(next)) { // "5mm", "1st", "3D"
        j++;
        while (j < n && (isWordCode(text.charCodeAt(j)) || isDigit(text.charCodeAt(j)))) j++;
        this.kind = TK_ALNUM;
      }
    }
    this.end = j;
  }
}

function punctuationKind(c: number): number {
  switch (c) {
    case 44: return TK_COMMA; // ,
    case 59: return TK_SEMI; // ;
    case 47: return TK_SLASH; // /
    case 58: return TK_COLON; // :
    case 35: return TK_HASH; // #
    case 46: return TK_PERIOD; // .
    case 40: case 91: return TK_LPAREN; // ( [
    case 41: case 93: return TK_RPAREN; // ) ]
    case 38: return TK_AMP; // &
    case 37: return TK_PERCENT; // %
    default: return isDashCode(c) ? TK_DASH : TK_OTHER;
  }
}
