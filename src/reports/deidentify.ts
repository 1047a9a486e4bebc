/**
 * De-identification of report text before it is stored for mining, after HIPAA's Safe Harbor
 * list of identifiers. Identifiers become typed placeholders (`[DATE]`, `[NAME]`, ...); the
 * paper's own text shows the same idea as `xx/xx/xxxx`. Ages over 89 become `90+` (Safe Harbor
 * lets them stay grouped). Measurements (`2.0 cm`, `130 cc`), vertebral levels (`L5-S1`),
 * key-image references (`series 3 image 88-95`) and eponyms (`Morison pouch`) must survive
 * untouched, so every pattern is anchored on shapes or words those never take: a date has
 * three parts and a plausible month, a name follows a title, a label or precedes a credential,
 * a seven-digit phone number never follows an image keyword ...
 *
 * One combined regular expression does a single pass over the text; the handler picks the
 * placeholder by which named group matched, and checks word lists (stop words, states, report
 * vocabulary) in code. A second, rarer pattern (URLs, e-mails, a city with its state and ZIP
 * code) runs first, only when a cheap test says the text may hold one.
 *
 * The combined pattern's source must stay under 20 KB: past that V8 stops optimising a regular
 * expression and the pass runs about 30 times slower (measured; a test guards the size). That is
 * why label words are written `[Dd]iscussed|DISCUSSED` rather than one class per letter, and why
 * word lists are checked in code. What is found and what is not: docs/reports.md.
 */
import {
  CREDENTIALS, NAME_LABELS, NAME_STOP_WORDS, NAME_VERBS, NOT_NAMES, ONES, PHONE_LABELS, RELATIVES, STATE_ABBREVIATIONS,
  STATE_NAMES, STREET_SUFFIXES, TEENS, UNIT_WORDS, alternatives, anyCase, capOrUpper,
} from './phi-words.js';

export type PhiKind =
  | 'DATE' | 'TIME' | 'AGE' | 'PHONE' | 'FAX' | 'EMAIL' | 'URL' | 'IP' | 'SSN' | 'ID' | 'NAME' | 'ADDRESS' | 'LOCATION' | 'ZIP';

export interface PhiSpan {
  kind: PhiKind;
  /** Offsets into the original text. */
  start: number;
  end: number;
}

export interface DeidentifyResult {
  text: string;
  /** What was replaced, by kind and original span (never the original characters), in text order. */
  spans: PhiSpan[];
}

const any = (phrases: readonly string[]): string => `(?:${alternatives(phrases, anyCase)})`;

// ---- Names. The pattern finds capitalised words after a title, a label or before a credential;
// `nameLength` (code) decides where the name ends.
const UPPER = String.raw`A-Z\u00C0-\u00D6\u00D8-\u00DE`;
const LETTER = String.raw`a-zA-Z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F`;
const NAME_WORD = String.raw`[${UPPER}][${LETTER}'\u2019\-]+`;
const PARTICLE = '(?:van|von|de|del|della|der|den|di|da|du|la|le|dos|das|bin|ibn|al|el|ter)';
const NAME_GAP = String.raw`[ \t](?:${PARTICLE}[ \t])*(?:[A-Z]\.[ \t]*)*`;
// Up to four capitalised words with initials and particles ("J. R. Smith", "Mary-Ann O'Neil", "van der Berg", "Jane R.").
const PERSON = String.raw`(?:${PARTICLE}[ \t])*(?:[A-Z]\.[ \t]*)*${NAME_WORD}(?:${NAME_GAP}${NAME_WORD}){0,3}(?:[ \t][A-Z]\.)?`;
// "MARTIN, AHMED" or "Smith, Jane R.": the last-name-first form of header fields.
const LAST_FIRST = String.raw`${NAME_WORD},[ \t]?${PERSON}`;
const TITLE_WORD = '(?:Doctor|Miss|Prof|Mrs|Dr|Mr|Ms|Mx|DOCTOR|MISS|PROF|MRS|DR|MR|MS|MX)';
// A title, then a period (with or without a space after it, "Dr.Smith") or a space.
const TITLE = String.raw`${TITLE_WORD}(?:\.\s*|[ \t]+)`;
const RELATIVE = alternatives([...RELATIVES, ...RELATIVES.filter((r) => r !== 'sister').map((r) => r.charAt(0).toUpperCase() + r.slice(1))]);
// Words before a name: "discussed with", "her daughter", "Pt". A label before a colon is matched at the colon instead.
const NAME_PREFIX = String.raw`(?:(?:${any(NAME_VERBS)})[ \t]*:?[ \t]*|(?:${RELATIVE}),?[ \t]+|Pt\.?[ \t]+|[Pp]atient[ \t]+(?=[A-Z][a-z]))`;
// The one to three words before a colon, looked back at from the colon and checked against NAME_LABELS in code
// ("Referring physician: ALVAREZ, MARIA"): anchored on the colon, the pattern is not tried at every word.
// The look-behind asks for a label's last word ("physician", "name", "cc" ...), so most colons are passed over at once.
const LABEL_LAST_WORDS = [...new Set(NAME_LABELS.map((l) => l.split(' ').pop() ?? l))];
const COLON_LABEL = String.raw`:(?<=(?<![A-Za-z.])(?<NAME_LABEL_WORDS>(?:[A-Za-z][A-Za-z.]*[ \t]+){0,2}${any(LABEL_LAST_WORDS)}\.?)[ \t]*:)\s*`;
const LABELS: ReadonlySet<string> = new Set(NAME_LABELS.map(normalLabel));
/** Whether the last one, two or three of the words before a colon are a name label ("Report Referring physician"). */
function isNameLabel(words: string): boolean {
  const parts = normalLabel(words).split(' ');
  for (let k = 1; k <= parts.length; k++) if (LABELS.has(parts.slice(-k).join(' '))) return true;
  return false;
}
/** "Ref. Phys." and "REF PHYS" are the same label. */
function normalLabel(label: string): string {
  return label.toLowerCase().replace(/\./g, '').replace(/\s+/g, ' ').trim();
}
const CREDENTIAL = `(?:${CREDENTIALS.join('|')})`;

// ---- Places. Safe Harbor lets the state stay; the street, city and ZIP code go.
// A street suffix is not part of a city, but "St." is in "St. Paul" (the rare pass's pattern; the main pass checks in code).
const SAINT_CITY = '(?:Paul|Louis|Petersburg|Cloud|George|Augustine|Charles|Joseph|Albans)';
const CITY_WORD = String.raw`(?!(?:Street|Avenue|Road|Boulevard|Drive|Lane|Court|Way|Ave|Rd|Blvd|Dr|Ln|Ct|STREET|AVENUE|ROAD|DRIVE|LANE|ST|AVE|RD|DR)\b|St\b(?!\.[ \t]+${SAINT_CITY}))(?:(?:St|Ft|Mt)\.|[${UPPER}][${LETTER}'\-]+)`;
// Capitalised words that start sentences and lines before a city ("From Denver, CO 80202").
const NOT_CITY_WORDS = ['From', 'In', 'At', 'To', 'Of', 'The', 'And', 'Near', 'Lives', 'Patient', 'Home', 'Address', 'Sent', 'Mail', 'Resides', 'Moved', 'Referred', 'Transferred', 'Born', 'Visiting', 'Now', 'Currently', 'Formerly', 'Originally', 'Seen', 'Pt'];
const CITY = String.raw`(?!(?:${NOT_CITY_WORDS.join('|')})\b)${CITY_WORD}(?:[ \t]${CITY_WORD}){0,2}`;
// The main pass's city: one to three capitalised words, checked by `isCity`.
const CITY_LITE = String.raw`(?:(?:St|Ft|Mt)\.|[${UPPER}][${LETTER}'\-]+)(?:[ \t](?:[${UPPER}][${LETTER}'\-]+)){0,2}`;
const NOT_CITY: ReadonlySet<string> = new Set(NOT_CITY_WORDS);
const SUFFIX_WORDS: ReadonlySet<string> = new Set(STREET_SUFFIXES.flatMap((w) => [w, w.toUpperCase()]));
/** A city is no report vocabulary, no sentence-start word and no street suffix. */
function isCity(city: string | undefined): city is string {
  if (city === undefined || isNotName(city)) return false;
  const words = city.split(/[ \t]+/);
  return !NOT_CITY.has(words[0] ?? '') && !words.some((w) => SUFFIX_WORDS.has(w));
}
// Any one or two capitalised words, or two capitals; `STATES` (code) says whether it is a state.
const STATE_LIKE = String.raw`(?:[A-Z]{2}\b|[A-Z][a-z]+(?:[ \t][A-Z][a-z]+)?|[A-Z]{3,}(?:[ \t][A-Z]{3,})?)(?![A-Za-z])`;
const STATES: ReadonlySet<string> = new Set([...STATE_ABBREVIATIONS, ...STATE_NAMES, ...STATE_NAMES.map((s) => s.toUpperCase())]);
/** Whether a state-like run of words is a state, or starts with one ("Iowa Findings ..."). */
function isState(words: string | undefined): boolean {
  return words !== undefined && (STATES.has(words) || STATES.has(words.split(/[ \t]+/)[0] ?? ''));
}
const STATE = `(?:${STATE_ABBREVIATIONS.join('|')}|${alternatives(STATE_NAMES, (s) => s.split(' ').map(capOrUpper).map((w) => `(?:${w})`).join(String.raw`[ \t]+`))})`;
const ZIP = String.raw`\d{5}(?:-\d{4})?(?![\d-])`;
const ORDINAL = String.raw`\d{1,4}(?:st|nd|rd|th|ST|ND|RD|TH)`;
const DIRECTION = String.raw`(?:North|South|East|West|NORTH|SOUTH|EAST|WEST|NE|NW|SE|SW|[NSEW]\.?)`;
const UNIT = alternatives(UNIT_WORDS, capOrUpper);
const STREET_WORD = String.raw`(?:[${UPPER}][${LETTER}'.\-]*|${ORDINAL})`;
const STREET = String.raw`\d{1,6}[A-Za-z]?(?:-\d{1,4})?[ \t]+(?:${DIRECTION}[ \t]+)?(?:${STREET_WORD}[ \t]+){1,4}?(?:${alternatives(STREET_SUFFIXES, capOrUpper)})\b(?:\.(?=,|[ \t]+(?:${UNIT}|#|[a-z])))?(?:[ \t]+(?:NW|NE|SW|SE|N|S|E|W)\b)?(?:,?[ \t]*(?:(?:${UNIT})\.?[ \t]*#?|#)[ \t]*[A-Za-z0-9-]*[0-9A-Z][A-Za-z0-9-]*)?`;
const PO_BOX = String.raw`(?:[Pp]\.?[ \t]?[Oo]\.?|${anyCase('Post Office')})[ \t]*${anyCase('Box')}[ \t]+\d+`;

// ---- Dates and times. Every element but the year goes (Safe Harbor); a year alone stays.
const month = (abbr: string, rest: string): string => `${abbr}${rest}|${abbr.toUpperCase()}${rest.toUpperCase()}`;
const MONTH_NOT_MAY = `(?:${[
  month('Jan', '(?:uary)?'), month('Feb', '(?:ruary)?'), month('Mar', '(?:ch)?'), month('Apr', '(?:il)?'), month('Jun', '(?:e)?'),
  month('Jul', '(?:y)?'), month('Aug', '(?:ust)?'), month('Sep', '(?:t(?:ember)?)?'), month('Oct', '(?:ober)?'),
  month('Nov', '(?:ember)?'), month('Dec', '(?:ember)?'),
].join('|')})\\.?`;
const MONTH = `(?:${MONTH_NOT_MAY}|(?:May|MAY)\\.?)`;
const D = '(?:0?[1-9]|[12]\\d|3[01])';
const M = '(?:0?[1-9]|1[0-2])';
const Y4 = '(?:19|20)\\d{2}';
const ORD = '(?:st|nd|rd|th)';
const CLOCK = String.raw`(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:[.,]\d{1,9})?)?`;
const DATE = [
  // ISO 8601, with an optional time and zone: 2019-03-14, 2019-03-14T10:35:12.123+05:00, 2019-03-14 10:35.
  String.raw`${Y4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?:[T ]${CLOCK}(?:Z|[+-](?:[01]\d|2[0-3])(?::?[0-5]\d)?)?)?(?!\d)`,
  // Compact (DICOM DA and DT): 20190314, 20190314T103512.
  String.raw`${Y4}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:T?(?:[01]\d|2[0-3])[0-5]\d(?:[0-5]\d(?:\.\d{1,6})?)?(?:Z|[+-]\d{4})?)?(?!\d|\.\d)`,
  `${M}[/-]${D}[/-](?:19|20)?\\d{2}`,
  `${Y4}[/-]${M}[/-]${D}`,
  `${D}\\.${M}\\.${Y4}`,
  // March 14, 2019; 14 March 2019; 14th of March, 2019; March 14 and the other forms without a year.
  `${MONTH}\\s+${D}${ORD}?(?:,?\\s+${Y4})?`,
  `${D}${ORD}?(?:\\s+of)?\\s+${MONTH}(?:,?\\s+${Y4})?`,
  // 14-MAR-2019, 14Mar19.
  `${D}[- ]?${MONTH}[- ]?(?:19|20)?\\d{2}`,
  `${MONTH}\\s+${Y4}`,
  // Month and year: 03/2019, 2019-03.
  String.raw`${M}\/${Y4}`,
  String.raw`${Y4}-(?:0[1-9]|1[0-2])(?![\d/-])`,
].join('|');

// ---- Ages over 89 ("92-year-old", "92 yo", "ninety-three year old"): the number becomes 90+.
const YEARS_OLD = String.raw`(?=[ \t]*-?[ \t]*(?:${any(['years', 'year', 'yrs', 'yr'])}|[Yy])\.?[ \t]*-?[ \t]*(?:${any(['old', 'of age'])})\b|[ \t]*-?[ \t]*(?:${any(['y/o', 'y.o.', 'y.o'])}|(?:yo|YO|Yo)[MmFf]?\b))`;
const OVER_89 = String.raw`(?:9\d|1[01]\d)`;
const AGE_WORDS = String.raw`${anyCase('ninety')}(?:[- ](?:${any(ONES)}))?|(?:${anyCase('one')}[- ])?${anyCase('hundred')}(?:(?:[- ]${anyCase('and')})?[- ](?:${any(TEENS)}|${anyCase('twenty')}(?:[- ](?:${any(ONES)}))?|${any(ONES)}))?`;

// ---- Phone numbers.
const PHONE_10 = String.raw`(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\b\d{3}[\s.-])\d{3}[\s.-]\d{4}\b(?:\s*(?:x|ext\.?)\s*\d{1,5})?`;
const PHONE_7 = String.raw`[2-9]\d{2}[ .-]\d{4}(?!\d)(?:[ \t]*(?:[xX]|${anyCase('ext')}\.?)[ \t]*\d{1,5})?`;
const NUMBER_WORD = String.raw`(?:[ \t]*(?:#|${any(['no', 'number', 'num'])}\.?|:))*[ \t]*`;
// Units after a number make it a measurement ("200-1500 HU"), never a phone number or an age.
const UNITS = String.raw`(?:mm|cm|m|cc|ml|mL|HU|hu|mg|mGy|mSv|Gy|cGy|kg|g|s|sec|ms|min|hours|hrs|kV|kVp|mA|mAs|units|%)(?![A-Za-z])`;
// A seven-digit number after an image keyword, a list of numbers or a range word is an image range ("images 123-4567").
const REF_CONTEXT = String.raw`[\w#.:/-]|\d[ \t]*,[ \t]*|\b(?:${any(['images', 'image', 'imgs', 'img', 'im', 'slices', 'slice', 'series', 'ser', 'se', 'sections', 'section', 'frames', 'frame', 'nos', 'no', 'numbers', 'number'])})\.?[ \t]*:?[ \t]*#?[ \t]*|\d[ \t]+(?:to|and|or|through|thru)[ \t]+`;

// ---- Labelled numbers: record, account, health plan, licence, certificate, vehicle and device numbers.
const NO = String.raw`(?:[ \t]*(?:${any(['No', 'Number', 'Num'])}\.?|#|ID|Id))`;
// Labels whose value may follow directly ("MRN 1234567").
const STRONG_ID_LABELS = [
  anyCase('MRN'), '(?:MR|Mr|mr)#', `${anyCase('Med')}(?:ical|ICAL)?\\s+${anyCase('Rec')}(?:ord|ORD)?${NO}?`, `${anyCase('Acc')}(?:ession|ESSION)?${NO}?`,
  anyCase('Patient ID'), anyCase('Pt ID'), 'SSN', `${anyCase('Social Security')}${NO}?`, `${anyCase('Encounter')}${NO}?`,
  `${any(['Account', 'Acct'])}${NO}?`, `${anyCase('Health Plan')}${NO}?`, `${any(['Medicare', 'Medicaid', 'Beneficiary'])}${NO}?`,
  'MBI', 'HICN', `DEA${NO}?`, 'NPI', 'VIN', `${any(['License Plate', 'Licence Plate'])}${NO}?`, '[Ss]/[Nn]', 'SN',
  anyCase('Device ID'), 'UDI', anyCase('Implant ID'),
];
// Labels that need a number word or a colon ("Serial number:", "Plate #", "License No."): alone they are words.
// "Unit number" and "Hospital No." are record numbers in many hospitals.
const WEAK_ID_LABELS = [
  any(['Visit', 'Order', 'Billing', 'Member', 'Subscriber', 'Policy', 'Group', 'Insurance', 'License', 'Licence', 'Certificate',
    'Vehicle', 'Plate', 'Tag', 'Serial', 'Device', 'Unit', 'Hospital', 'Case', 'Chart']),
  `${anyCase('Driver')}(?:'?[Ss])?\\s+${any(['License', 'Licence'])}`, `${any(['Lic', 'Cert', 'Hosp'])}\\.?`, 'ID',
];
const LABELLED_ID = String.raw`(?:(?:${STRONG_ID_LABELS.join('|')})|(?:${WEAK_ID_LABELS.join('|')})(?:${NO}+[ \t]*[:#]?|[ \t]*[:#]))\s*[:#]?\s*`;
const LABELLED_VALUE = String.raw`(?:[A-Za-z]{1,4}[ -]?)?\d[\dA-Za-z-]{2,}`;

const HEX = '[\\da-fA-F]{1,4}';
const IPV6 = String.raw`(?<![\w:])(?:(?:${HEX}:){7}${HEX}|(?:${HEX}:){1,7}:(?:${HEX}(?::${HEX}){0,5})?|::${HEX}(?::${HEX}){0,6})(?![\w:])`;

// Alternatives that start at a word boundary share one `\b` (written once, it is tested once per position).
const WORD_START = [
  String.raw`(?<SSN>\d{3}-\d{2}-\d{4}\b)`,
  // A street address with its unit; then "in Salem" or ", Boston, MA" (a ZIP code after them was taken by the rare pass).
  String.raw`(?<STREET>${STREET}|${PO_BOX})(?:\.?,?[ \t]+(?<CITY1>${CITY_LITE}),[ \t]*(?<STATE1>${STATE_LIKE})|[ \t]+in[ \t]+(?<CITY_IN>${CITY_LITE}))?`,
  String.raw`(?<DATE>(?:${DATE})\b)`,
  String.raw`(?<AGE_WORDS>(?:${AGE_WORDS})${YEARS_OLD})`,
  String.raw`(?<TIME>(?:[01]?\d|2[0-3]):[0-5]\d(?![ \t]*(?:o'clock|position))(?::[0-5]\d(?:[.,]\d{1,9})?)?(?:[ \t]?[AaPp]\.?[Mm]\.?)?(?:[ \t]?(?:Z|UTC|GMT|[ECMP][SD]T))?\b|(?:[01]\d|2[0-3])[0-5]\d[ \t]+${anyCase('hours')}\b)`,
  // A labelled social-security number may be written with spaces ("Social Security number: 123 45 6789").
  String.raw`(?<SSN_LABEL>(?:SSN|${anyCase('Social Security')}${NO}?)\s*[:#]?\s*)(?<SSN_VALUE>\d{3}[ .]\d{2}[ .]\d{4}(?!\d))`,
  String.raw`(?<LABEL_ID>${LABELLED_ID})(?<LABEL_ID_VALUE>${LABELLED_VALUE})`,
  String.raw`(?<FAX_LABEL>(?:${anyCase('fax')}(?:ed[ \t]+to)?|${anyCase('facsimile')})\.?${NUMBER_WORD})(?<FAX_VALUE>${PHONE_10}|${PHONE_7})`,
  String.raw`(?<PHONE_LABEL>(?:${any(PHONE_LABELS)})\.?${NUMBER_WORD}(?:(?:at|on)[ \t]+)?)(?<PHONE_VALUE>${PHONE_10}|${PHONE_7}|[xX]\d{3,5}\b)`,
  // Extensions and pagers take four or five digits ("ext. 4567", "pager 45678", "Page 6387"; "page 2 of 3" has fewer).
  String.raw`(?<EXT_LABEL>(?:${any(['ext', 'extension', 'pager', 'beeper', 'paged', 'page'])})\.?${NUMBER_WORD}(?:at[ \t]+)?)(?<EXT_VALUE>[xX]?\d{4,5}\b)`,
  String.raw`(?<AGE_LABEL>(?:${any(['age', 'aged'])})(?:[ \t]*[:=][ \t]*|[ \t]+of[ \t]+|[ \t]+)|${anyCase('age')}\/${anyCase('sex')}[ \t]*:?[ \t]*)(?<AGE_VALUE>${OVER_89})(?!\d|\.\d|[ \t]*${UNITS})`,
  // "The patient is 93", "who was 101": a number over 89 right after a person and "is"/"was".
  String.raw`(?<AGE_IS>(?:${any(['patient', 'pt'])}|[Ss]he|[Hh]e|[Ww]ho)[ \t]+(?:is|was)[ \t]+(?:now[ \t]+)?)(?<AGE_IS_VALUE>${OVER_89})(?!\d|\.\d|[ \t]*${UNITS})`,
  String.raw`(?<ZIP_LABEL>(?:${anyCase('zip')}(?:[ \t]*${anyCase('code')})?|${anyCase('postal code')})[ \t]*[:#]?[ \t]*)(?<ZIP_VALUE>${ZIP})`,
  // "since 3/14": a month and day with no year, only after a word that introduces a date.
  String.raw`(?<SHORT_DATE_LABEL>(?:${any(['on', 'dated', 'since', 'from', 'until', 'DOS'])}):?[ \t]+)(?<SHORT_DATE>${M}\/${D})(?![\d/]|\.\d|[ \t]*(?:${any(['images', 'image', 'slices', 'slice', 'views', 'series'])})\b)`,
  String.raw`(?<TITLE>${TITLE})(?<TITLED_NAME>${PERSON})`,
  String.raw`(?<LIVES_LABEL>(?:${any(['lives', 'living', 'resides', 'residing', 'resident', 'moved', 'relocated', 'visiting'])})[ \t]+(?:in|at|of|from|to)[ \t]+)(?<LIVES_PLACE>${CITY_LITE})`,
  // Signature, attribution and communication lines: "Electronically signed by: Jane Smith, MD", "discussed with Jane Doe".
  String.raw`(?<NAME_LABEL>${NAME_PREFIX}(?:${TITLE_WORD}(?:\.\s*|\s+))?)(?<SIGNED_NAME>${LAST_FIRST}|${PERSON})`,
];
const ANYWHERE = [
  // "Referring physician: ALVAREZ, MARIA": a name after a label and its colon.
  String.raw`(?<COLON_LABEL>${COLON_LABEL}(?:${TITLE_WORD}(?:\.\s*|\s+))?)(?<COLON_NAME>${LAST_FIRST}|${PERSON})`,  // DICOM UIDs (five or more dotted numbers) identify a study as surely as an accession number.
  // Patterns that must not start inside a number consume one digit, then look behind it: an alternative that
  // starts with a look-behind is tried at every position, one that starts with a character class only where it fits.
  String.raw`(?<UID>[0-2](?<![\d.][0-2])(?:\.\d{1,39}){4,}(?!\d|\.\d))`,
  // Four dotted numbers; each must be at most 255 (checked in code).
  String.raw`(?<IPV4>\d(?<![\d.]\d)\d{0,2}(?:\.\d{1,3}){3}(?!\d|\.\d))`,
  `(?<PHONE>${PHONE_10})`,
  // A number over 89 before "year old", "yo", "y/o" ...
  String.raw`(?<AGE>(?:9(?<![\d.]9)\d|1(?<![\d.]1)[01]\d)(?!\d)${YEARS_OLD})`,
  // Seven digits in the 555-1234 shape, unless an image keyword, a number list or a unit says it is a range.
  String.raw`(?<PHONE7>[2-9](?<!(?:${REF_CONTEXT})[2-9])\d{2}-\d{4}(?![\d-]|\.\d|[ \t]*${UNITS}))`,
  // "a nursing facility in Cedar Rapids, Arizona": a city after a preposition, before its state.
  // Anchored on the comma, looking back at the preposition and the city.
  String.raw`,(?=[ \t]*${STATE_LIKE})(?<=(?<![A-Za-z])(?:in|from|at|to|near|of)[ \t]+(?<PLACE>${CITY_LITE}),)[ \t]*(?<PLACE_STATE>${STATE_LIKE})`,
  // A name followed by a credential: "Jane Smith, MD".
  // A credential, looking back at the name before it ("Jane Smith, MD"): anchored on the credential, the
  // pattern is not tried at every capitalised word.
  String.raw`(?<CREDENTIAL>${CREDENTIAL})\b(?<=(?<![${LETTER}'\-])(?<CREDENTIALED_NAME>(?:[A-Z]\.[ \t]*)*${NAME_WORD}(?:${NAME_GAP}${NAME_WORD}){0,3}(?:[ \t][A-Z]\.)?)(?<CREDENTIAL_SEP>,?[ \t])${CREDENTIAL})`,
  // Long bare digit strings (7+ digits) are record numbers, never measurements or image numbers.
  String.raw`(?<LONG_NUMBER>\d(?<!\d\d|\d\.\d)\d{6,}(?!\d|\.\d))`,];
const PATTERN_SOURCE = String.raw`\b(?:${WORD_START.join('|')})|${ANYWHERE.join('|')}`;
// Named groups are for reading; the pattern runs with plain groups, found by index: an exec result with a `groups`
// object of some eighty names costs more to build and read than the match itself.
const GROUP = groupIndices(PATTERN_SOURCE);
const PATTERN = new RegExp(PATTERN_SOURCE.replace(/\(\?<(?=\w+>)\w+>/g, '('), 'g');

/** The index of every named group in `source`, counting capturing groups as the regular-expression engine does. */
function groupIndices(source: string): Record<string, number> {
  const out: Record<string, number> = {};
  let count = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') {
      const named = /^\?<(\w+)>/.exec(source.slice(i + 1, i + 64));
      if (named) out[named[1]!] = ++count;
      else if (source[i + 1] !== '?') count++;
    }
  }
  return out;
}

/** The text of a named group of a main-pattern match. */
function group(m: RegExpExecArray, name: string): string | undefined {
  return m[GROUP[name]!];
}

/** The combined pattern's length as compiled, which must stay under V8's 20 KB optimisation limit (tested). */
export const PATTERN_SOURCE_LENGTH = PATTERN.source.length;

// URLs, e-mails, IPv6 addresses and "City, ST 12345" go first, in their own pass, run only when cheap tests say
// the text may hold one, and with only the patterns it may hold: they contain dots, colons, slashes and digits the
// main pattern would split, and an e-mail or a domain tried at every word is the costliest kind of pattern. The
// city and state are found looking back from the ZIP code.
const RARE_PARTS = [
  String.raw`(?<URL>\b(?:https?|s?ftp|dicom|file):\/\/[^\s<>"')\]]*[^\s<>"')\].,;:!?]|\bwww\.[^\s<>"')\]]*[^\s<>"')\].,;:!?]|\b(?:[A-Za-z0-9-]+\.)+(?:com|org|net|edu|gov|mil|io|us|info|health)\b(?:\/[^\s<>"')\]]*[^\s<>"')\].,;:!?])?)`,
  String.raw`(?<EMAIL>\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b)`,
  `(?<IPV6>${IPV6})`,
  // The ZIP code's first digit, then a look back at the state and the city before it.
  String.raw`(?<ZIP>\d(?<=(?<![${LETTER}])(?<CITY>${CITY})(?:,[ \t]*|[ \t]+)(?<STATE>${STATE})\.?,?[ \t]+\d)\d{4}(?:-\d{4})?(?![\d-]))`,
];
const TLD = /\.(?:com|org|net|edu|gov|mil|io|us|info|health)\b/;
const FIVE_DIGITS = /\d{5}/;
// Anchored on a colon, so it is not tried at every hexadecimal letter.
const IPV6_FULL = /:[\da-fA-F]{1,4}:[\da-fA-F]{1,4}:[\da-fA-F]{1,4}:/;
const rarePatterns = new Map<number, RegExp>();

/** The rare pass's pattern for what `text` may hold (bit 0 URL, 1 e-mail, 2 IPv6, 3 ZIP), or undefined for none. */
function rarePattern(text: string): RegExp | undefined {
  let parts = 0;
  if (text.includes('://') || text.includes('www.') || TLD.test(text)) parts |= 1;
  if (text.includes('@')) parts |= 2;
  if (text.includes('::') || hasSevenColons(text)) parts |= 4;
  if (FIVE_DIGITS.test(text)) parts |= 8;
  if (parts === 0) return undefined;
  let re = rarePatterns.get(parts);
  if (re === undefined) {
    re = new RegExp(RARE_PARTS.filter((_, i) => parts & (1 << i)).join('|'), 'gd');
    rarePatterns.set(parts, re);
  }
  return re;
}

/** A full IPv6 address has seven colons: counted with indexOf, far cheaper than a pattern. */
function hasSevenColons(text: string): boolean {
  let colons = 0;
  for (let i = text.indexOf(':'); i >= 0 && colons < 7; i = text.indexOf(':', i + 1)) colons++;
  return colons === 7 && IPV6_FULL.test(text);
}

function placeholder(kind: PhiKind): string {
  return kind === 'AGE' ? '90+' : `[${kind}]`;
}

/** Replaces identifiers in `text` with typed placeholders and says what was replaced where. */
export function deidentify(text: string): DeidentifyResult {
  const spans: PhiSpan[] = [];
  const rare = rarePattern(text);
  if (rare === undefined) return { text: replaceMain(text, 0, text.length, spans), spans };
  // Replace the rare identifiers, then run the main pass on the pieces between them, so that every
  // span keeps its offset in the original text.
  let out = '';
  let last = 0;
  rare.lastIndex = 0;
  for (let m = rare.exec(text); m; m = rare.exec(text)) {
    const g = m.indices?.groups ?? {};
    const parts: Array<[PhiKind, [number, number] | undefined]> = m.groups?.['ZIP'] !== undefined
      ? [['LOCATION', g['CITY']], ['ZIP', g['ZIP']]]
      : [[m.groups?.['URL'] !== undefined ? 'URL' : m.groups?.['IPV6'] !== undefined ? 'IP' : 'EMAIL', [m.index, m.index + m[0].length]]];
    for (const [kind, at] of parts) {
      if (at === undefined || at[0] < last) continue; // inside an earlier replacement
      out += replaceMain(text, last, at[0], spans);
      spans.push({ kind, start: at[0], end: at[1] });
      out += placeholder(kind);
      last = at[1];
    }
  }
  out += replaceMain(text, last, text.length, spans);
  return { text: out, spans };
}

/** One replacement: text[start, end) becomes `text`; the scan goes on at `resume` (at least `end`). */
interface Edit {
  start: number;
  end: number;
  text: string;
  resume: number;
}

/** The single pass over text[from, to) for everything the rare pass does not take. */
function replaceMain(text: string, from: number, to: number, spans: PhiSpan[]): string {
  if (from >= to) return '';
  // Offsets in `piece` plus `from` are offsets in the original text.
  const piece = from === 0 && to === text.length ? text : text.slice(from, to);
  const first = spans.length;
  let out = '';
  let last = 0;
  PATTERN.lastIndex = 0;
  for (let m = PATTERN.exec(piece); m; m = PATTERN.exec(piece)) {
    const edit = handle(m, piece, last, spans);
    if (edit === undefined) {
      PATTERN.lastIndex = m.index + 1;
      continue;
    }
    out += piece.slice(last, edit.start) + edit.text;
    last = edit.end;
    PATTERN.lastIndex = edit.resume;
  }
  if (from > 0) for (let i = first; i < spans.length; i++) (spans[i]!.start += from), (spans[i]!.end += from);
  return out + piece.slice(last);
}

/** The edit for one match, or undefined when the match is not an identifier after all (the scan goes on past its start). */
function handle(m: RegExpExecArray, text: string, floor: number, spans: PhiSpan[]): Edit | undefined {
  const start = m.index;
  const end = start + m[0].length;
  const replace = (kind: PhiKind, from: number, to: number, resume = to): Edit => {
    spans.push({ kind, start: from, end: to });
    return { start: from, end: to, text: placeholder(kind), resume };
  };
  // The identifier is the end of the match, after a label that stays.
  const tail = (kind: PhiKind, value: string): Edit => replace(kind, end - value.length, end);

  if (group(m, 'SSN') !== undefined) return replace('SSN', start, end);
  if (group(m, 'UID') !== undefined) return replace('ID', start, end);
  if (group(m, 'IPV4') !== undefined) return m[0].split('.').every((n) => Number(n) <= 255) ? replace('IP', start, end) : undefined;
  if (group(m, 'STREET') !== undefined) return address(m, spans);
  if (group(m, 'PHONE') !== undefined || group(m, 'PHONE7') !== undefined) return replace('PHONE', start, end);
  if (group(m, 'DATE') !== undefined) return isMayVerb(m[0], text, end) ? undefined : replace('DATE', start, end);
  if (group(m, 'AGE') !== undefined || group(m, 'AGE_WORDS') !== undefined) return replace('AGE', start, end);
  if (group(m, 'TIME') !== undefined) return replace('TIME', start, end);
  const ssn = group(m, 'SSN_VALUE');
  if (ssn !== undefined) return tail('SSN', ssn);
  const labelled = group(m, 'LABEL_ID_VALUE');
  if (labelled !== undefined) return tail(/^(?:SSN|Social)/i.test(group(m, 'LABEL_ID') ?? '') ? 'SSN' : 'ID', labelled);
  const fax = group(m, 'FAX_VALUE');
  if (fax !== undefined) return tail('FAX', fax);
  const phone = group(m, 'PHONE_VALUE') ?? group(m, 'EXT_VALUE');
  if (phone !== undefined) return tail('PHONE', phone);
  const age = group(m, 'AGE_VALUE') ?? group(m, 'AGE_IS_VALUE');
  if (age !== undefined) return tail('AGE', age);
  const zip = group(m, 'ZIP_VALUE');
  if (zip !== undefined) return tail('ZIP', zip);
  const shortDate = group(m, 'SHORT_DATE');
  if (shortDate !== undefined) return tail('DATE', shortDate);
  const titled = group(m, 'TITLED_NAME');
  if (titled !== undefined) return name(end - titled.length, titled, spans, group(m, 'TITLE') ?? '', text);
  const signed = group(m, 'SIGNED_NAME');
  if (signed !== undefined) return name(end - signed.length, signed, spans, '', text);
  const afterLabel = group(m, 'COLON_NAME');
  if (afterLabel !== undefined) return isNameLabel(group(m, 'NAME_LABEL_WORDS') ?? '') ? name(end - afterLabel.length, afterLabel, spans, '', text) : undefined;
  const place = group(m, 'LIVES_PLACE');
  if (place !== undefined) return isCity(place) ? tail('LOCATION', place) : undefined;
  const city = group(m, 'PLACE');
  if (city !== undefined) {
    if (!isCity(city) || !isState(group(m, 'PLACE_STATE'))) return undefined;
    const at = start - city.length;
    return at < floor ? undefined : replace('LOCATION', at, start, end);
  }
  const credentialed = group(m, 'CREDENTIALED_NAME');
  if (credentialed !== undefined) {
    return credentialedName(start - (group(m, 'CREDENTIAL_SEP') ?? '').length - credentialed.length, credentialed, floor, end, spans);
  }
  if (group(m, 'LONG_NUMBER') !== undefined) return replace('ID', start, end);
  return undefined;
}

/**
 * The name before a credential is the longest run of its last words that is a name of two words or more
 * ("Findings reviewed. Jane Smith, MD": not "Findings"). It may not reach back into an earlier replacement.
 */
function credentialedName(at: number, words: string, floor: number, resume: number, spans: PhiSpan[]): Edit | undefined {
  const starts = [0, ...[...words.matchAll(/[ \t]+(?=\S)/g)].map((w) => (w.index ?? 0) + w[0].length)];
  for (const s of starts) {
    const candidate = words.slice(s);
    if (at + s < floor || !/\s/.test(candidate.trim()) || /^[a-z]/.test(candidate)) continue;
    if (nameLength(candidate) !== candidate.length) continue;
    spans.push({ kind: 'NAME', start: at + s, end: at + words.length });
    return { start: at + s, end: at + words.length, text: placeholder('NAME'), resume };
  }
  return undefined;
}

/** "May 2 lesions" is a verb and a count, not a date: "May" with a day and no year needs punctuation or "at" after it. */
function isMayVerb(date: string, text: string, end: number): boolean {
  if (!/^(?:(?:May|MAY)\s+\d{1,2}|\d{1,2}\s+(?:May|MAY))$/.test(date)) return false;
  return !/^(?:\s*[,.;:)]|\s*$|\s+(?:at|and|to|through)\b)/.test(text.slice(end, end + 10));
}

/** Whether a candidate name is report vocabulary ("Name: Chest CT", "MR BRAIN", "discussed with ED staff"). */
function isNotName(candidate: string): boolean {
  const first = /[^\s,.]+/.exec(candidate)?.[0] ?? '';
  return NOT_NAMES.has(first.toUpperCase()) || HEADER_WORDS.has(first);
}

// Header labels that follow a name on the same line, and words a name never runs into: the labels that introduce
// another identifier ("Dictated by: Jane Smith Pager 4567", "Dr. Hiroshi Lewis Ref Phys: LEWIS, MARK"),
// credentials and capitalised clinical tokens.
const HEADER_WORDS: ReadonlySet<string> = new Set(['MRN', 'DOB', 'ACC', 'SSN', 'MR', 'ID', 'Acc', 'Dob']);
const STOP_WORDS: ReadonlySet<string> = new Set(
  [...NAME_STOP_WORDS, ...[...NAME_LABELS, ...NAME_VERBS].map((l) => l.split(' ')[0] ?? l)].map((w) => w.toUpperCase()),
);
const NAME_TOKEN = /[^\s,]+/g;

/**
 * How much of `candidate` is a name: its words up to the first stop word, the first change of case
 * ("HARRIS, NGOZI Radiation dose", "Harris, Tomasz MD"), or the fourth full word. 0 when its first word is
 * report vocabulary.
 */
function nameLength(candidate: string): number {
  let words = 0;
  let caps: boolean | undefined;
  let end = 0;
  NAME_TOKEN.lastIndex = 0;
  for (let t = NAME_TOKEN.exec(candidate); t; t = NAME_TOKEN.exec(candidate)) {
    const word = t[0];
    const initial = /^[A-Z]\.$/.test(word);
    const particle = /^[a-z]+$/.test(word);
    if (!initial && !particle) {
      const upper = word.toUpperCase();
      const wordCaps = word === upper;
      if (words === 0) {
        if (NOT_NAMES.has(upper) || HEADER_WORDS.has(word)) return 0;
      } else if (words === 3 || STOP_WORDS.has(upper) || wordCaps !== caps) {
        break;
      }
      caps = wordCaps;
      words++;
      end = t.index + word.length;
    } else if (words > 0 && initial) {
      end = t.index + word.length;
    }
  }
  return words === 0 ? 0 : end;
}

/**
 * Upper-case `MR`, `MS` and `DR` are also a modality, a disease and a modality ("MR BRAIN", "history of MS.
 * Brain ..."): after them a name must be upper case too, and no header label ("MS\nVASCULATURE:").
 */
function isAmbiguousTitle(title: string, candidate: string, after: string): boolean {
  const word = /^[A-Z]+/.exec(title)?.[0] ?? '';
  if (word !== 'MR' && word !== 'MS' && !(word === 'DR' && !title.includes('.'))) return false;
  return /[a-z]/.test(candidate) || after === ':';
}

/** Replaces the name part of `candidate` (at `at` in the text); the scan goes on after it, so a label it ran into is seen. */
function name(at: number, candidate: string, spans: PhiSpan[], title: string, text: string): Edit | undefined {
  const length = nameLength(candidate);
  if (length === 0) return undefined;
  if (title && isAmbiguousTitle(title, candidate.slice(0, length), text.charAt(at + length))) return undefined;
  spans.push({ kind: 'NAME', start: at, end: at + length });
  return { start: at, end: at + length, text: placeholder('NAME'), resume: at + length };
}

/** "123 Main St, Apt 4, Boston, MA" or "... in Salem": the street and the city go, the state stays. */
function address(m: RegExpExecArray, spans: PhiSpan[]): Edit {
  const start = m.index;
  const street = group(m, 'STREET') ?? '';
  const city = group(m, 'CITY1') ?? group(m, 'CITY_IN');
  const streetEnd = start + street.length;
  const validCity = isCity(city) && (group(m, 'CITY_IN') !== undefined || isState(group(m, 'STATE1')));
  spans.push({ kind: 'ADDRESS', start, end: streetEnd });
  if (!validCity || city === undefined) return { start, end: streetEnd, text: placeholder('ADDRESS'), resume: streetEnd };
  const cityStart = m[0].indexOf(city, street.length) + start;
  spans.push({ kind: 'LOCATION', start: cityStart, end: cityStart + city.length });
  const end = start + m[0].length;
  return {
    start,
    end: cityStart + city.length,
    text: placeholder('ADDRESS') + m[0].slice(street.length, cityStart - start) + placeholder('LOCATION'),
    resume: end,
  };
}

/** De-identified text only. */
export function deidentifyText(text: string): string {
  return deidentify(text).text;
}

/** The bracketed placeholders `deidentify` writes, so tokenizers and splitters can recognise them (ages become `90+`). */
export const PLACEHOLDER_PATTERN = /\[(?:DATE|TIME|PHONE|FAX|EMAIL|URL|IP|SSN|ID|NAME|ADDRESS|LOCATION|ZIP)\]/g;
