/**
 * Recursive-descent parser for one key-image reference (grammar in docs/reference-grammar.md).
 * Each rule takes a text offset and returns the offset just after what it matched, or -1.
 * Backing up is free: a rule that fails simply returns -1 and the caller re-reads from its
 * own offset. Results go into preallocated typed arrays; nothing is allocated while parsing.
 */
import {
  Lexer, MAX_NUMBER_DIGITS, isAsciiLetter, isDigit, isSpaceCode,
  TK_AMP, TK_COLON, TK_COMMA, TK_DASH, TK_DECIMAL, TK_HASH, TK_NUM, TK_PERCENT, TK_PERIOD, TK_RPAREN, TK_SLASH, TK_WORD,
} from './lexer.js';
import {
  KW_AND, KW_IMAGE, KW_IMAGE_SHORT, KW_NUMBER, KW_OF, KW_OR, KW_SERIES, KW_THROUGH, KW_UNIT, isAbbreviation,
} from './keywords.js';
import { rangeEnd } from './ranges.js';
import { describedSeriesBefore } from './described.js';

/** Most series one reference names ("series 2/3"); more ends the series list. */
export const MAX_SERIES = 16;
/** Most list items one image clause holds; more ends the list. */
export const MAX_ITEMS = 256;

export class ReferenceParser {
  private readonly lx = new Lexer();
  /** The last reference parsed: its series numbers (possibly repeated) ... */
  readonly series = new Int32Array(MAX_SERIES);
  numSeries = 0;
  /** ... its items as [lo, hi] ranges (lo = -1: an item rejected as a backwards range) ... */
  readonly lo = new Int32Array(MAX_ITEMS);
  readonly hi = new Int32Array(MAX_ITEMS);
  numItems = 0;
  private numValidItems = 0;
  /** ... its span [start, end) in the text ... */
  start = 0;
  end = 0;
  /** ... the span of the words naming its series ("coronal T2"), -1 when there are none ... */
  seriesTextStart = -1;
  seriesTextEnd = -1;
  /**
   * ... and whether it is a bare "(#210 and 214)": a list that names no series, a reference only
   * when it continues an earlier one (the caller knows whether there is one).
   */
  bare = false;
  /** Where words naming a series may start: not before the end of the previous reference. */
  private floor = 0;
  /** The value and written digit count of the number the last number() matched. */
  private numValue = 0;
  private numDigits = 0;

  reset(text: string): void {
    this.lx.reset(text);
  }

  /**
   * reference = series-first | image-first | hash-list, starting with the word (or "#") at `pos`;
   * words naming the series may stand before it, back to `floor`.
   */
  parseAt(pos: number, floor = 0): boolean {
    const lx = this.lx;
    lx.read(pos);
    this.numSeries = 0;
    this.numItems = 0;
    this.numValidItems = 0;
    this.seriesTextStart = -1;
    this.seriesTextEnd = -1;
    this.bare = false;
    this.floor = floor;
    if (lx.kind === TK_HASH) return this.hashList(pos);
    if (lx.kind !== TK_WORD) return false;
    const keyword = lx.keyword;
    if (keyword === KW_SERIES) return this.seriesFirst(pos);
    if (keyword === KW_IMAGE || keyword === KW_IMAGE_SHORT) return this.imageFirst(pos, keyword);
    return false;
  }

  /**
   * Takes the words naming the series that stand right before `start` (see described.ts), when
   * there are any and, with `planeOrSequence`, when they name a plane, weighting or sequence.
   */
  private takeSeriesText(start: number, planeOrSequence: boolean): boolean {
    const d = describedSeriesBefore(this.lx.text, start, this.floor);
    if (d === undefined || (planeOrSequence && !d.namesPlaneOrSequence)) return false;
    this.seriesTextStart = d.start;
    this.seriesTextEnd = d.end;
    this.start = d.start;
    return true;
  }

  /** series-first = series-clause [ "," | ":" ] image-clause */
  private seriesFirst(pos: number): boolean {
    const lx = this.lx;
    lx.read(pos);
    const start = lx.start;
    let p = this.seriesClause(pos);
    if (p < 0) return false;
    lx.read(p);
    if (lx.kind === TK_COMMA || lx.kind === TK_COLON) p = lx.end;
    const end = this.imageClause(p);
    if (end < 0) return false;
    this.start = start;
    this.end = end;
    this.takeSeriesText(start, false);
    return true;
  }

  /**
   * image-first = image-clause [ [ "," ] [ connector ] series-clause ]
   * The trailing series is taken only when no image clause follows it (else it starts the
   * next reference). Without a series number or words naming the series ("coronal T2"), "im"
   * alone is too ambiguous (intramuscular) and a number right before the keyword makes it a
   * count ("2 images 3 views").
   */
  private imageFirst(pos: number, keyword: number): boolean {
    const lx = this.lx;
    lx.read(pos);
    const start = lx.start;
    let end = this.imageClause(pos);
    if (end < 0) return false;
    let p = end;
    lx.read(p);
    if (lx.kind === TK_COMMA) {
      p = lx.end;
      lx.read(p);
    }
    if (lx.kind === TK_WORD && lx.keyword === KW_OF) {
      p = lx.end;
      lx.read(p);
    }
    if (lx.kind === TK_WORD && lx.keyword === KW_SERIES) {
      const s = this.seriesClause(p);
      if (s >= 0 && !this.startsImageClause(s)) end = s;
      else this.numSeries = 0;
    }
    this.start = start;
    this.end = end;
    if (this.takeSeriesText(start, false)) return true;
    return !(this.numSeries === 0 && (keyword === KW_IMAGE_SHORT || this.precededByNumber(start)));
  }

  /**
   * hash-list = "#" number [ "/" number | range ] { item-sep item }, after words naming a plane,
   * weighting or sequence ("sagittal STIR #23"), or bare inside parentheses ("(#210 and 214)").
   */
  private hashList(pos: number): boolean {
    const lx = this.lx;
    lx.read(pos);
    const start = lx.start;
    this.numItems = 0;
    this.numValidItems = 0;
    const end = this.itemList(pos);
    if (end < 0) return false;
    this.start = start;
    this.end = end;
    if (this.takeSeriesText(start, true)) return true;
    if (!this.parenthesisBefore(start)) return false;
    lx.read(end);
    if (lx.kind !== TK_RPAREN) return false;
    this.bare = true;
    return true;
  }

  /** series-clause = series-word head series-number { ( "/" | "&" | "and" ) series-number } */
  private seriesClause(pos: number): number {
    const lx = this.lx;
    let p = this.keywordHead(pos, KW_SERIES);
    if (p < 0) return -1;
    p = this.number(p);
    if (p < 0 || this.measurementAfter(p, true)) return -1;
    this.numSeries = 0;
    this.series[this.numSeries++] = this.numValue;
    while (this.numSeries < MAX_SERIES) {
      lx.read(p);
      if (!(lx.kind === TK_SLASH || lx.kind === TK_AMP || (lx.kind === TK_WORD && lx.keyword === KW_AND))) break;
      const q = this.number(lx.end);
      if (q < 0 || this.measurementAfter(q, true)) break;
      this.series[this.numSeries++] = this.numValue;
      p = q;
    }
    return p;
  }

  /** image-clause = image-word head item-list */
  private imageClause(pos: number): number {
    const p = this.keywordHead(pos, KW_IMAGE);
    if (p < 0) return -1;
    this.numItems = 0;
    this.numValidItems = 0;
    return this.itemList(p);
  }

  /** item-list = item { item-separator item }, with at least one item that is not a backwards range. */
  private itemList(pos: number): number {
    const lx = this.lx;
    let p = this.item(pos);
    if (p < 0) return -1;
    for (;;) {
      lx.read(p);
      let q: number;
      if (lx.kind === TK_COMMA) {
        q = lx.end;
        lx.read(q);
        if (lx.kind === TK_WORD && (lx.keyword === KW_AND || lx.keyword === KW_OR)) q = lx.end;
      } else if (lx.kind === TK_AMP || (lx.kind === TK_WORD && (lx.keyword === KW_AND || lx.keyword === KW_OR))) {
        q = lx.end;
      } else {
        break;
      }
      const r = this.item(q);
      if (r < 0) break; // the separator belongs to the sentence, not to the list
      p = r;
    }
    return this.numValidItems > 0 ? p : -1;
  }

  /**
   * item = number ( "/" total | [ range-operator number ] ), not followed by a unit or another
   * image word. "12/40" is image 12 of 40: the total is read and dropped.
   */
  private item(pos: number): number {
    const lx = this.lx;
    let end = this.number(pos);
    if (end < 0) return -1;
    const lo = this.numValue;
    let hi = lo;
    const total = this.totalAfter(end, lo);
    if (total >= 0) end = total;
    lx.read(end);
    if (total < 0 && (lx.kind === TK_DASH || (lx.kind === TK_WORD && lx.keyword === KW_THROUGH))) {
      const loDigits = this.numDigits;
      const r = this.number(lx.end);
      if (r >= 0) {
        hi = rangeEnd(lo, loDigits, this.numValue, this.numDigits);
        end = r;
      }
    }
    if (this.measurementAfter(end, false)) return -1;
    lx.read(end);
    if (lx.kind === TK_WORD && (lx.keyword === KW_IMAGE || lx.keyword === KW_IMAGE_SHORT)) return -1; // "3 images"
    if (this.numItems >= MAX_ITEMS) return -1;
    this.lo[this.numItems] = hi < 0 ? -1 : lo;
    this.hi[this.numItems] = hi;
    this.numItems++;
    if (hi >= 0) this.numValidItems++;
    return end;
  }

  /**
   * The end of "/ total" after image number `value` ("12/40"), or -1: the total must be a number
   * no smaller than the image number, and no third part may follow ("12/5/2010", "1/12/2010" and
   * "12/5" stay dates or ratios).
   */
  private totalAfter(pos: number, value: number): number {
    const lx = this.lx;
    lx.read(pos);
    if (lx.kind !== TK_SLASH) return -1;
    lx.read(lx.end);
    if (lx.kind !== TK_NUM || lx.digits > MAX_NUMBER_DIGITS || lx.value < value) return -1;
    const end = lx.end;
    lx.read(end);
    if (lx.kind === TK_SLASH || lx.kind === TK_COLON) {
      lx.read(lx.end);
      if (lx.kind === TK_NUM || lx.kind === TK_DECIMAL) return -1;
    }
    return end;
  }

  /** number = [ "#" ] digits, at most MAX_NUMBER_DIGITS of them. */
  private number(pos: number): number {
    const lx = this.lx;
    lx.read(pos);
    if (lx.kind === TK_HASH) lx.read(lx.end);
    if (lx.kind !== TK_NUM || lx.digits > MAX_NUMBER_DIGITS) return -1;
    this.numValue = lx.value;
    this.numDigits = lx.digits;
    return lx.end;
  }

  /**
   * head = keyword [ "." ] [ ":" ] [ number-word [ "." ] ] — the keyword and what may stand
   * between it and its first number ("im.", "series:", "image number", "image no.").
   */
  private keywordHead(pos: number, wanted: number): number {
    const lx = this.lx;
    const text = lx.text;
    lx.read(pos);
    if (lx.kind !== TK_WORD) return -1;
    if (wanted === KW_SERIES ? lx.keyword !== KW_SERIES : lx.keyword !== KW_IMAGE && lx.keyword !== KW_IMAGE_SHORT) return -1;
    let wordStart = lx.start;
    let wordEnd = lx.end;
    let p = wordEnd;
    lx.read(p);
    if (lx.kind === TK_PERIOD && lx.start === wordEnd && isAbbreviation(text, wordStart, wordEnd)) {
      p = lx.end;
      lx.read(p);
    }
    if (lx.kind === TK_COLON) {
      p = lx.end;
      lx.read(p);
    }
    if (lx.kind === TK_WORD && lx.keyword === KW_NUMBER) {
      wordStart = lx.start;
      wordEnd = lx.end;
      p = wordEnd;
      lx.read(p);
      if (lx.kind === TK_PERIOD && lx.start === wordEnd && isAbbreviation(text, wordStart, wordEnd)) p = lx.end;
    }
    return p;
  }

  /**
   * Whether the number that ends at `pos` is a measurement, date or ratio rather than an
   * image number: followed by a unit ("5 mm", "45 s", "5-mm", "10 %"), or, for instance
   * numbers, by "/" or ":" and another number ("12/5", "10:30").
   */
  private measurementAfter(pos: number, forSeries: boolean): boolean {
    const lx = this.lx;
    lx.read(pos);
    switch (lx.kind) {
      case TK_WORD:
        return lx.keyword === KW_UNIT;
      case TK_PERCENT:
        return true;
      case TK_DASH:
        lx.read(lx.end);
        return lx.kind === TK_WORD && lx.keyword === KW_UNIT;
      case TK_SLASH:
      case TK_COLON:
        if (forSeries) return false;
        lx.read(lx.end);
        return lx.kind === TK_NUM || lx.kind === TK_DECIMAL;
      default:
        return false;
    }
  }

  /** Whether an image clause with a number starts at `pos` (after an optional comma). */
  private startsImageClause(pos: number): boolean {
    const lx = this.lx;
    lx.read(pos);
    const p = lx.kind === TK_COMMA ? lx.end : pos;
    const q = this.keywordHead(p, KW_IMAGE);
    if (q < 0) return false;
    lx.read(q);
    if (lx.kind === TK_HASH) lx.read(lx.end);
    return lx.kind === TK_NUM;
  }

  /**
   * Whether a number standing alone comes right before `pos`, white space aside ("3 images"):
   * digits glued to letters ("T3 image 4", "L4") are a name, not a count.
   */
  private precededByNumber(pos: number): boolean {
    const text = this.lx.text;
    let i = pos - 1;
    while (i >= 0 && isSpaceCode(text.charCodeAt(i))) i--;
    if (i < 0 || !isDigit(text.charCodeAt(i))) return false;
    while (i >= 0 && isDigit(text.charCodeAt(i))) i--;
    return i < 0 || !isAsciiLetter(text.charCodeAt(i));
  }

  /** Whether "(" (or "[") comes right before `pos`, white space aside. */
  private parenthesisBefore(pos: number): boolean {
    const text = this.lx.text;
    let i = pos - 1;
    while (i >= 0 && isSpaceCode(text.charCodeAt(i))) i--;
    if (i < 0) return false;
    const c = text.charCodeAt(i);
    return c === 40 || c === 91;
  }
}
