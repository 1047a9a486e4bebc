/**
 * The words the reference grammar knows. A word is classified by comparing its letters in
 * place (case-insensitively) with a short list of candidates of the same length, so that no
 * substring is ever cut out of the report.
 */

// Keyword ids are typed `number` for the same reason as the lexer's token kinds.

/** Not a grammar word. */
export const KW_NONE: number = 0;
/** `series`, `ser`, `se`. */
export const KW_SERIES: number = 1;
/** `image`, `images`, `img`, `imgs`, `slice`, `slices`. */
export const KW_IMAGE: number = 2;
/** `im`: an image keyword too short to stand alone without a series. */
export const KW_IMAGE_SHORT: number = 3;
/** `number`, `numbers`, `no`, `nos` (as in "image no. 45"). */
export const KW_NUMBER: number = 4;
/** `and`. */
export const KW_AND: number = 5;
/** `or`. */
export const KW_OR: number = 6;
/** `through`, `thru`, `to`: a range operator. */
export const KW_THROUGH: number = 7;
/** `of`, `on`, `in`, `from`: joins an image clause to the series after it. */
export const KW_OF: number = 8;
/** A unit of measure or time: the number before it is a measurement, not an image number. */
export const KW_UNIT: number = 9;

/** Abbreviations that may be followed by a period (`se.`, `ser.`, `im.`, `img.`, `no.`). */
export const ABBREVIATIONS: ReadonlySet<string> = new Set(['se', 'ser', 'im', 'img', 'imgs', 'no', 'nos']);

const WORDS: ReadonlyArray<readonly [string, number]> = [
  ['series', KW_SERIES], ['ser', KW_SERIES], ['se', KW_SERIES],
  ['image', KW_IMAGE], ['images', KW_IMAGE], ['img', KW_IMAGE], ['imgs', KW_IMAGE],
  ['slice', KW_IMAGE], ['slices', KW_IMAGE],
  ['im', KW_IMAGE_SHORT],
  ['number', KW_NUMBER], ['numbers', KW_NUMBER], ['no', KW_NUMBER], ['nos', KW_NUMBER],
  ['and', KW_AND], ['or', KW_OR],
  ['through', KW_THROUGH], ['thru', KW_THROUGH], ['to', KW_THROUGH],
  ['of', KW_OF], ['on', KW_OF], ['in', KW_OF], ['from', KW_OF],
  // Units seen after numbers in radiology text ("5 mm", "45 s delay", "2 cc/s", "3 x 4 cm").
  ...['mm', 'cm', 'm', 'cc', 'ml', 'l', 's', 'sec', 'secs', 'second', 'seconds', 'ms', 'min', 'mins', 'minute',
    'minutes', 'h', 'hr', 'hrs', 'hour', 'hours', 'day', 'days', 'week', 'weeks', 'month', 'months', 'year',
    'years', 'yo', 'kv', 'kvp', 'ma', 'mas', 'mgy', 'msv', 'mg', 'g', 'kg', 'hu', 'x', 'times', 'cps', 'fps',
    'mhz', 'hz', 't', 'mci', 'mbq'].map((w) => [w, KW_UNIT] as const),
];

/** WORDS grouped by length, each word as lowercase char codes. */
const BY_LENGTH: Array<Array<{ codes: Uint16Array; keyword: number }>> = [];
for (const [word, keyword] of WORDS) {
  const list = (BY_LENGTH[word.length] ??= []);
  if (list.some((w) => String.fromCharCode(...w.codes) === word)) continue;
  list.push({ codes: Uint16Array.from(word, (ch) => ch.charCodeAt(0)), keyword });
}
const MAX_WORD_LENGTH = BY_LENGTH.length - 1;

/** The keyword id of text[start, end), compared case-insensitively (ASCII letters only). */
export function keywordOf(text: string, start: number, end: number): number {
  const length = end - start;
  if (length > MAX_WORD_LENGTH) return KW_NONE;
  if (length === 1 && text.charCodeAt(start) === 0xd7) return KW_UNIT; // '×' as in "3 × 4 cm"
  const list = BY_LENGTH[length];
  if (list === undefined) return KW_NONE;
  for (let w = 0; w < list.length; w++) {
    const entry = list[w]!;
    const codes = entry.codes;
    let i = 0;
    // `| 0x20` lowercases ASCII letters; the candidates are all lowercase letters.
    while (i < length && (text.charCodeAt(start + i) | 0x20) === codes[i]) i++;
    if (i === length) return entry.keyword;
  }
  return KW_NONE;
}

/** Whether text[start, end) is one of the abbreviations that may take a trailing period. */
export function isAbbreviation(text: string, start: number, end: number): boolean {
  const length = end - start;
  if (length < 2 || length > 4) return false;
  let word = '';
  for (let i = start; i < end; i++) word += String.fromCharCode(text.charCodeAt(i) | 0x20);
  return ABBREVIATIONS.has(word);
}
