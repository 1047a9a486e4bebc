/**
 * De-identification of report text before it is stored for mining. Identifiers become typed
 * placeholders (`[DATE]`, `[NAME]`, ...); the paper's own text shows the same idea as `xx/xx/xxxx`.
 * Measurements (`2.0 cm`, `130 cc`), vertebral levels (`L5-S1`) and key-image references
 * (`series 3 image 88-95`) must survive untouched, so every pattern here is anchored on shapes
 * those never take (a date has three parts and a plausible month, a phone number 10 digits ...).
 *
 * One combined regular expression does a single pass over the text; the replacer picks the
 * placeholder by which named group matched.
 */

export type PhiKind = 'DATE' | 'TIME' | 'PHONE' | 'EMAIL' | 'URL' | 'SSN' | 'ID' | 'NAME';

export interface PhiSpan {
  kind: PhiKind;
  /** Offsets into the original text. */
  start: number;
  end: number;
}

export interface DeidentifyResult {
  text: string;
  /** What was replaced, by kind and original span (never the original characters). */
  spans: PhiSpan[];
}

const MONTHS =
  '(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)';
// A capitalised word that is not one of the header labels that often follow a name on the same line.
const NAME_WORD = "(?!(?:MRN|DOB|ACC|SSN|MR|ID|Acc|Dob)\\b)[A-Z][a-zA-Z'\\-]+";
const INITIAL = '[A-Z](?:\\.|\\b)';
// One to four capitalised words or initials, one space apart ("Jane Smith", "J. R. Smith",
// "Mary-Ann O'Neil"). A wider gap or a line break ends the name: header fields sit on one line.
const PERSON = `(?:${NAME_WORD}|${INITIAL})(?:[ \\t](?:${NAME_WORD}|${INITIAL})){0,3}`;
// "MARTIN, AHMED" or "Smith, Jane R.": the last-name-first form of header fields.
const LAST_FIRST = `${NAME_WORD},[ \\t]?${PERSON}`;
const CREDENTIAL = '(?:M\\.?D\\.?|D\\.?O\\.?|Ph\\.?D\\.?|R\\.?N\\.?|PA-C|FRCR|MBBS)';

// URLs and e-mails go first, in their own pass, run only when the text has '@' or 'http'/'www.':
// they contain digits, dots and slashes that the other rules would split, and an e-mail pattern
// tried at every word start is the costliest part of the combined pattern.
const WEB_PATTERN = /(?<URL>\b(?:https?:\/\/|www\.)[^\s<>"')\]]+)|(?<EMAIL>\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b)/g;

const PATTERN = new RegExp(
  [
    // Social-security-like: 123-45-6789.
    `(?<SSN>\\b\\d{3}-\\d{2}-\\d{4}\\b)`,
    // Phone / fax: (301) 555-1234, 301-555-1234, 301.555.1234, +1 301 555 1234, optional ext.
    `(?<PHONE>(?:\\+?1[\\s.-]?)?(?:\\(\\d{3}\\)\\s?|\\b\\d{3}[\\s.-])\\d{3}[\\s.-]\\d{4}\\b(?:\\s*(?:x|ext\\.?)\\s*\\d{1,5})?)`,
    // Labelled identifiers: MRN, accession, medical record number, patient id, SSN, encounter ...
    `(?<LABELLED_ID>\\b(?:${ci('MRN')}|${ci('MR')}#|${ci('Med')}(?:${ci('ical')})?\\s+${ci('Rec')}(?:${ci('ord')})?(?:\\s+(?:${ci('No')}\\.?|${ci('Number')}|#))?|${ci('Acc')}(?:${ci('ession')})?(?:\\s*(?:${ci('No')}\\.?|${ci('Number')}|#))?|${ci('Patient')}\\s+${ci('ID')}|${ci('Pt')}\\s+${ci('ID')}|${ci('SSN')}|${ci('Social')}\\s+${ci('Security')}(?:\\s+(?:${ci('No')}\\.?|${ci('Number')}))?|${ci('Encounter')}(?:\\s+(?:${ci('No')}\\.?|${ci('Number')}|#))?|${ci('Visit')}\\s+(?:${ci('No')}\\.?|${ci('Number')}|#)|${ci('Order')}\\s+(?:${ci('No')}\\.?|${ci('Number')}|#))\\s*[:#]?\\s*)(?<LABELLED_VALUE>[A-Z]{0,4}[-]?\\d[\\dA-Z-]{3,})`,
    // Dates: 03/14/2019, 3-14-19, 2019-03-14, 14.03.2019, March 14, 2019, 14 March 2019, Mar 2019.
    `(?<DATE>\\b(?:(?:0?[1-9]|1[0-2])[/-](?:0?[1-9]|[12]\\d|3[01])[/-](?:19|20)?\\d{2}|(?:19|20)\\d{2}[/-](?:0?[1-9]|1[0-2])[/-](?:0?[1-9]|[12]\\d|3[01])|(?:0?[1-9]|[12]\\d|3[01])\\.(?:0?[1-9]|1[0-2])\\.(?:19|20)\\d{2}|${MONTHS}\\.?\\s+(?:0?[1-9]|[12]\\d|3[01])(?:st|nd|rd|th)?,?\\s+(?:19|20)\\d{2}|(?:0?[1-9]|[12]\\d|3[01])\\s+${MONTHS}\\.?,?\\s+(?:19|20)\\d{2}|${MONTHS}\\.?\\s+(?:19|20)\\d{2})\\b)`,
    // Times: 10:35, 10:35:12, 9:05 PM, 1435 hours.
    `(?<TIME>\\b(?:[01]?\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d)?(?:\\s?[AaPp]\\.?[Mm]\\.?)?\\b|\\b(?:[01]\\d|2[0-3])[0-5]\\d\\s+hours\\b)`,
    // Names after a title: Dr. Jane Smith, Mrs. Jones.
    `(?<TITLE>\\b(?:Dr|Mr|Mrs|Ms|Miss|Prof|Doctor)\\.?\\s+)(?<TITLED_NAME>${PERSON})`,
    // Signature and attribution lines: "Electronically signed by: Jane Smith, MD".
    `(?<SIGNATURE_LABEL>\\b(?:${ci('Electronically')}\\s+)?(?:${ci('Signed')}|${ci('Dictated')}|${ci('Transcribed')}|${ci('Reviewed')}|${ci('Read')}|${ci('Approved')}|${ci('Verified')}|${ci('Reported')})\\s+${ci('By')}\\s*:?\\s*|\\b(?:${ci('Radiologist')}|${ci('Attending')}|${ci('Resident')}|${ci('Fellow')}|${ci('Physician')}|${ci('Referring')}(?:\\s+${ci('Physician')})?|${ci('Ordering')}(?:\\s+${ci('Physician')})?|${ci('Patient')}(?:\\s+${ci('Name')})?|${ci('Name')}|${ci('Technologist')}|${ci('Tech')})\\s*:\\s*)(?:(?:Dr|Mr|Mrs|Ms|DR|MR|MRS|MS)\\.?\\s+)?(?<SIGNED_NAME>${LAST_FIRST}|${PERSON})`,
    // A name followed by a credential: "Jane Smith, MD".
    `(?<CREDENTIALED_NAME>\\b${NAME_WORD}(?:[ \\t](?:${NAME_WORD}|${INITIAL})){1,3})(?=,?[ \\t]${CREDENTIAL}\\b)`,
    // Long bare digit strings (7+ digits) are record numbers, never measurements or image numbers.
    `(?<LONG_NUMBER>(?<!\\d|\\d\\.)\\d{7,}(?!\\d|\\.\\d))`,
  ].join('|'),
  'g',
);

/**
 * A case-insensitive pattern for a label word. V8 in Node 20 has no inline `(?i:)` groups, and the
 * whole pattern cannot be case-insensitive (names are found by their capital letters).
 */
function ci(words: string): string {
  return words.replace(/[A-Za-z]/g, (c) => `[${c.toUpperCase()}${c.toLowerCase()}]`);
}

/** Words that look like names after a label but are report vocabulary ("Name: Chest CT"). */
const NOT_NAMES = new Set([
  'The', 'This', 'There', 'No', 'None', 'Not', 'Chest', 'Abdomen', 'Pelvis', 'Head', 'Neck', 'Spine', 'CT', 'MRI', 'MR',
  'Findings', 'Impression', 'Technique', 'Comparison', 'History', 'Unknown', 'Report', 'Final', 'Preliminary', 'Normal',
]);

function placeholder(kind: PhiKind): string {
  return `[${kind}]`;
}

/** Replaces identifiers in `text` with typed placeholders and says what was replaced where. */
export function deidentify(text: string): DeidentifyResult {
  const spans: PhiSpan[] = [];
  const hasWeb = text.includes('@') || text.includes('http') || text.includes('www.');
  if (!hasWeb) return { text: replaceMain(text, 0, spans), spans };
  // Replace web identifiers, then run the main pass on the pieces between them, so that every
  // span keeps its offset in the original text.
  let out = '';
  let last = 0;
  WEB_PATTERN.lastIndex = 0;
  for (let m = WEB_PATTERN.exec(text); m; m = WEB_PATTERN.exec(text)) {
    out += replaceMain(text.slice(last, m.index), last, spans);
    const kind: PhiKind = m.groups?.['URL'] !== undefined ? 'URL' : 'EMAIL';
    spans.push({ kind, start: m.index, end: m.index + m[0].length });
    out += placeholder(kind);
    last = m.index + m[0].length;
  }
  out += replaceMain(text.slice(last), last, spans);
  return { text: out, spans };
}

/** The single-pass replacement of everything but URLs and e-mails; `base` is `text`'s offset in the original. */
function replaceMain(text: string, base: number, spans: PhiSpan[]): string {
  PATTERN.lastIndex = 0;
  return text.replace(PATTERN, (match: string, ...rest: unknown[]) => {
    const groups = rest[rest.length - 1] as Record<string, string | undefined>;
    const offset = base + (rest[rest.length - 3] as number);
    const record = (kind: PhiKind, start: number, end: number): void => {
      spans.push({ kind, start, end });
    };
    if (groups['SSN'] !== undefined) return record('SSN', offset, offset + match.length), placeholder('SSN');
    if (groups['PHONE'] !== undefined) return record('PHONE', offset, offset + match.length), placeholder('PHONE');
    if (groups['LABELLED_VALUE'] !== undefined) {
      const label = groups['LABELLED_ID'] ?? '';
      const kind: PhiKind = /^(?:SSN|Social)/.test(label) ? 'SSN' : 'ID';
      record(kind, offset + label.length, offset + match.length);
      return label + placeholder(kind);
    }
    if (groups['DATE'] !== undefined) return record('DATE', offset, offset + match.length), placeholder('DATE');
    if (groups['TIME'] !== undefined) return record('TIME', offset, offset + match.length), placeholder('TIME');
    const prefix = groups['TITLE'] !== undefined ? groups['TITLE'] : groups['SIGNATURE_LABEL'];
    const name = groups['TITLED_NAME'] ?? groups['SIGNED_NAME'];
    if (prefix !== undefined && name !== undefined) {
      const first = name.split(/\s+/)[0] ?? '';
      if (NOT_NAMES.has(first)) return match;
      record('NAME', offset + prefix.length, offset + match.length);
      return prefix + placeholder('NAME');
    }
    if (groups['CREDENTIALED_NAME'] !== undefined) {
      const first = match.split(/\s+/)[0] ?? '';
      if (NOT_NAMES.has(first)) return match;
      return record('NAME', offset, offset + match.length), placeholder('NAME');
    }
    if (groups['LONG_NUMBER'] !== undefined) return record('ID', offset, offset + match.length), placeholder('ID');
    return match;
  });
}

/** De-identified text only. */
export function deidentifyText(text: string): string {
  return deidentify(text).text;
}

/** The placeholders `deidentify` writes, so tokenizers and splitters can recognise them. */
export const PLACEHOLDER_PATTERN = /\[(?:DATE|TIME|PHONE|EMAIL|URL|SSN|ID|NAME)\]/g;
