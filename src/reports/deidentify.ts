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
 * One combined regular expression does a single pass over the text; the replacer picks the
 * placeholder by which named group matched. A second, rarer pattern (URLs, e-mails, a city
 * with its state and ZIP code) runs first, only when a cheap test says the text may hold one.
 * What is found and what is not: docs/reports.md.
 */
import {
  CREDENTIALS, NAME_LABELS, NAME_STOP_WORDS, NAME_VERBS, NOT_NAMES, ONES, PHONE_LABELS, RELATIVES, STATE_ABBREVIATIONS, STATE_NAMES,
  STREET_SUFFIXES, TEENS, UNIT_WORDS, alternatives, capOrUpper, ci,
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

/** A case-insensitive pattern for a phrase: each word case-insensitive, any white space between. */
const ciPhrase = (phrase: string): string => phrase.split(' ').map(ci).join(String.raw`\s+`);

// ---- Names.
const UPPER = String.raw`A-Z\u00C0-\u00D6\u00D8-\u00DE`;
const LOWER = String.raw`a-z\u00DF-\u00F6\u00F8-\u00FF`;
const LETTER = String.raw`a-zA-Z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F`;
// Header labels that follow a name on the same line are never its first word either.
const HEADER_WORD = String.raw`(?:MRN|DOB|ACC|SSN|MR|ID|Acc|Dob)\b`;
// ... nor, after its first word, a label that introduces another name ("Dr. Hiroshi Lewis Ref Phys: LEWIS, MARK").
const LABEL_FIRST_WORDS = [...NAME_LABELS, ...NAME_VERBS].map((l) => l.split(' ')[0] ?? l);
const STOP_WORD = String.raw`(?:${alternatives([...new Set([...NAME_STOP_WORDS, ...LABEL_FIRST_WORDS])], ci)})\b`;
// A name is written in one case: "Jane Smith" or "JANE SMITH". A change of case ends it ("HARRIS, NGOZI Radiation
// dose ...", "Harris, Tomasz MD ..."), and so does a label or credential ("Jane Smith Pager 4567").
const MIXED_WORD = String.raw`[${UPPER}](?=[${LETTER}'\u2019\-]*[${LOWER}])[${LETTER}'\u2019\-]+`;
const CAPS_WORD = String.raw`[${UPPER}][${UPPER}'\u2019\-]+(?![${LETTER}])`;
const PARTICLE = '(?:van|von|de|del|della|der|den|di|da|du|la|le|dos|das|bin|ibn|al|el|ter)';
const INITIALS = String.raw`(?:[A-Z]\.[ \t]*)`;
/** One to three words of one case, with initials and particles ("J. R. Smith", "Mary-Ann O'Neil", "van der Berg", "Jane R."). */
function person(word: string, minWords: 1 | 2): string {
  const first = `(?!${HEADER_WORD})${word}`;
  const next = String.raw`[ \t](?:${PARTICLE}[ \t])*${INITIALS}*(?!${STOP_WORD})${word}`;
  const body = minWords === 1
    ? `${INITIALS}*${first}(?:${next}){0,2}`
    : `(?:${INITIALS}+${first}(?:${next}){0,2}|${first}(?:${next}){1,2})`;
  return String.raw`(?:${PARTICLE}[ \t])*${body}(?:[ \t][A-Z]\.)?`;
}
const PERSON = `(?:${person(MIXED_WORD, 1)}|${person(CAPS_WORD, 1)})`;
// "MARTIN, AHMED" or "Smith, Jane R.": the last-name-first form of header fields.
const LAST_FIRST = String.raw`(?:(?!${HEADER_WORD})${MIXED_WORD},[ \t]?${person(MIXED_WORD, 1)}|(?!${HEADER_WORD})${CAPS_WORD},[ \t]?${person(CAPS_WORD, 1)})`;
const CREDENTIALED_PERSON = `(?:${person(MIXED_WORD, 2)}|${person(CAPS_WORD, 2)})`;
const CREDENTIAL = `(?:${CREDENTIALS.join('|')})`;
const TITLE_WORD = '(?:Doctor|Miss|Prof|Mrs|Dr|Mr|Ms|Mx|DOCTOR|MISS|PROF|MRS|DR|MR|MS|MX)';
// A title, then a period (with or without a space after it, "Dr.Smith") or a space.
const TITLE = String.raw`\b${TITLE_WORD}(?:\.\s*|[ \t]+)`;
const RELATIVE = alternatives([...RELATIVES, ...RELATIVES.filter((r) => r !== 'sister').map((r) => r.charAt(0).toUpperCase() + r.slice(1))]);
const NAME_PREFIX = String.raw`(?:\b(?:${alternatives(NAME_VERBS, ciPhrase)})[ \t]*:?[ \t]*|\b(?:${alternatives(NAME_LABELS, ciPhrase)})\.?\s*:\s*|\b(?:${RELATIVE}),?[ \t]+|\bPt\.?[ \t]+(?!(?:Name|ID|Id|History|Info)\b)|\b[Pp]atient[ \t]+(?=[A-Z][a-z]))`;

// ---- Places. Safe Harbor lets the state stay; the street, city and ZIP code go.
// A street suffix is not part of a city, but "St." is in "St. Paul".
const SAINT_CITY = '(?:Paul|Louis|Petersburg|Cloud|George|Augustine|Charles|Joseph|Albans|Johnsbury)';
const CITY_WORD = String.raw`(?!(?:Street|Avenue|Road|Boulevard|Drive|Lane|Court|Way|Ave|Rd|Blvd|Dr|Ln|Ct|STREET|AVENUE|ROAD|DRIVE|LANE|ST|AVE|RD|DR)\b|St\b(?!\.[ \t]+${SAINT_CITY}))(?:(?:St|Ft|Mt)\.|[${UPPER}][${LETTER}'\-]+)`;
// Capitalised words that start sentences and lines before a city ("From Denver, CO 80202").
const NOT_CITY = String.raw`(?:From|In|At|To|Of|The|And|Near|Lives|Patient|Home|Address|Sent|Mail|Resides|Moved|Referred|Transferred|Born|Visiting|Now|Currently|Formerly|Originally|Seen|Pt)\b`;
const CITY = String.raw`(?!${NOT_CITY})${CITY_WORD}(?:[ \t]${CITY_WORD}){0,2}`;
const STATE = `(?:${STATE_ABBREVIATIONS.join('|')}|${alternatives(STATE_NAMES, (s) => s.split(' ').map(capOrUpper).map((w) => `(?:${w})`).join(String.raw`[ \t]+`))})`;
const ZIP = String.raw`\d{5}(?:-\d{4})?(?![\d-])`;
const ORDINAL = String.raw`\d{1,4}(?:st|nd|rd|th|ST|ND|RD|TH)`;
const DIRECTION = String.raw`(?:North|South|East|West|NORTH|SOUTH|EAST|WEST|NE|NW|SE|SW|[NSEW]\.?)`;
const UNIT = alternatives(UNIT_WORDS, capOrUpper);
const STREET = String.raw`\b\d{1,6}[A-Za-z]?(?:-\d{1,4})?[ \t]+(?:${DIRECTION}[ \t]+)?(?:(?:${CITY_WORD}|${ORDINAL})[ \t]+){1,4}?(?:${alternatives(STREET_SUFFIXES, capOrUpper)})\b(?:\.(?=,|[ \t]+(?:${UNIT}|#|[a-z])))?(?:[ \t]+(?:NW|NE|SW|SE|N|S|E|W)\b)?(?:,?[ \t]*(?:(?:${UNIT})\.?[ \t]*#?|#)[ \t]*[A-Za-z0-9-]*[0-9A-Z][A-Za-z0-9-]*)?`;
const PO_BOX = String.raw`\b(?:[Pp]\.?[ \t]?[Oo]\.?|${ciPhrase('Post Office')})[ \t]*${ci('Box')}[ \t]+\d+`;

// ---- Dates and times. Every element but the year goes (Safe Harbor); a year alone stays.
const month = (abbr: string, rest: string): string => `${abbr}${rest}|${abbr.toUpperCase()}${rest.toUpperCase()}`;
const MONTH_NOT_MAY = `(?:${[
  month('Jan', '(?:uary)?'), month('Feb', '(?:ruary)?'), month('Mar', '(?:ch)?'), month('Apr', '(?:il)?'), month('Jun', '(?:e)?'),
  month('Jul', '(?:y)?'), month('Aug', '(?:ust)?'), month('Sep', '(?:t(?:ember)?)?'), month('Oct', '(?:ober)?'),
  month('Nov', '(?:ember)?'), month('Dec', '(?:ember)?'),
].join('|')})`;
const MONTH = `(?:${MONTH_NOT_MAY}|May|MAY)`;
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
  `${MONTH}\\.?\\s+${D}${ORD}?,?\\s+${Y4}`,
  `${D}${ORD}?(?:\\s+of)?\\s+${MONTH}\\.?,?\\s+${Y4}`,
  // 14-MAR-2019, 14Mar19.
  `${D}[- ]?${MONTH}[- ]?(?:19|20)?\\d{2}`,
  `${MONTH}\\.?\\s+${Y4}`,
  // Without a year: March 14, March 14th, the 14th of March, 14 March. "May 2 lesions" is not a date.
  `${MONTH_NOT_MAY}\\.?\\s+${D}${ORD}?`,
  String.raw`(?:May|MAY)\s+${D}(?:${ORD}|(?=\s*[,.;:)]|\s*$|\s+(?:at|and|to|through)\b))`,
  `${D}${ORD}\\s+of\\s+${MONTH}`,
  `${D}\\s+${MONTH_NOT_MAY}`,
  // Month and year: 03/2019, 2019-03.
  String.raw`${M}\/${Y4}`,
  String.raw`${Y4}-(?:0[1-9]|1[0-2])(?![\d/-])`,
].join('|');

// ---- Ages over 89 ("92-year-old", "92 yo", "ninety-three year old"): the number becomes 90+.
const YEARS_OLD = String.raw`(?=[ \t]*-?[ \t]*(?:${ci('years')}|${ci('year')}|${ci('yrs')}|${ci('yr')}|[Yy])\.?[ \t]*-?[ \t]*(?:${ci('old')}|${ciPhrase('of age')})\b|[ \t]*-?[ \t]*(?:${ci('y/o')}|${ci('y.o.')}|${ci('y.o')}|${ci('yo')}[MmFf]?\b))`;
const OVER_89 = String.raw`(?:9\d|1[01]\d)`;
const ciAll = (words: readonly string[]): string => alternatives(words, ci);
const AGE_WORDS = String.raw`${ci('ninety')}(?:[- ](?:${ciAll(ONES)}))?|(?:${ci('one')}[- ])?${ci('hundred')}(?:(?:[- ]${ci('and')})?[- ](?:${ciAll(TEENS)}|${ci('twenty')}(?:[- ](?:${ciAll(ONES)}))?|${ciAll(ONES)}))?`;

// ---- Phone numbers.
const PHONE_10 = String.raw`(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\b\d{3}[\s.-])\d{3}[\s.-]\d{4}\b(?:\s*(?:x|ext\.?)\s*\d{1,5})?`;
const PHONE_7 = String.raw`[2-9]\d{2}[ .-]\d{4}(?!\d)(?:[ \t]*(?:[xX]|${ci('ext')}\.?)[ \t]*\d{1,5})?`;
const NUMBER_WORD = String.raw`(?:[ \t]*(?:#|${ci('no')}\.?|${ci('number')}|${ci('num')}\.?|:))*[ \t]*`;
// Units after a number make it a measurement ("200-1500 HU"), never a phone number.
const UNITS = String.raw`(?:mm|cm|m|cc|ml|mL|HU|hu|mg|mGy|mSv|Gy|cGy|kg|g|s|sec|ms|min|hours|hrs|kV|kVp|mA|mAs|units|%)(?![A-Za-z])`;
// A seven-digit number after an image keyword, a list of numbers or a range word is an image range ("images 123-4567").
const REF_CONTEXT = String.raw`[\w#.:/-]|\d[ \t]*,[ \t]*|\b(?:${ciAll(['images', 'image', 'imgs', 'img', 'im', 'slices', 'slice', 'series', 'ser', 'se', 'sections', 'section', 'frames', 'frame', 'nos', 'no', 'numbers', 'number'])})\.?[ \t]*:?[ \t]*#?[ \t]*|\d[ \t]+(?:${ciAll(['to', 'and', 'or', 'through', 'thru'])})[ \t]+`;

// ---- Labelled numbers: record, account, health plan, licence, certificate, vehicle and device numbers.
const NO = String.raw`(?:[ \t]*(?:${ci('No')}\.?|${ci('Number')}|${ci('Num')}\.?|#|${ci('ID')}))`;
// Labels whose value may follow directly ("MRN 1234567").
const STRONG_ID_LABELS = [
  'MRN', `${ci('MR')}#`, `${ci('Med')}(?:${ci('ical')})?\\s+${ci('Rec')}(?:${ci('ord')})?${NO}?`, `${ci('Acc')}(?:${ci('ession')})?${NO}?`,
  ciPhrase('Patient ID'), ciPhrase('Pt ID'), ci('SSN'), `${ciPhrase('Social Security')}${NO}?`, `${ci('Encounter')}${NO}?`,
  `${ci('Account')}${NO}?`, `${ci('Acct')}${NO}?`, `${ciPhrase('Health Plan')}${NO}?`, `${ci('Medicare')}${NO}?`, `${ci('Medicaid')}${NO}?`,
  `${ci('Beneficiary')}${NO}?`, 'MBI', 'HICN', `${ci('DEA')}${NO}?`, ci('NPI'), 'VIN', `${ciPhrase('License Plate')}${NO}?`,
  `${ciPhrase('Licence Plate')}${NO}?`, '[Ss]/[Nn]', 'SN', ciPhrase('Device ID'), 'UDI', ciPhrase('Implant ID'),
];
// Labels that need a number word or a colon ("Serial number:", "Plate #", "License No."): alone they are words.
const WEAK_ID_LABELS = [
  `${ci('Visit')}`, `${ci('Order')}`, `${ci('Billing')}`, `${ci('Member')}`, `${ci('Subscriber')}`, `${ci('Policy')}`, `${ci('Group')}`,
  `${ci('Insurance')}`, `${ci('Licen')}[cs]${ci('e')}`, `${ci('Driver')}(?:'?[Ss])?\\s+${ci('Licen')}[cs]${ci('e')}`, `${ci('Lic')}\\.?`,
  `${ci('Certificate')}`, `${ci('Cert')}\\.?`, `${ci('Vehicle')}`, `${ci('Plate')}`, `${ci('Tag')}`, `${ci('Serial')}`, `${ci('Device')}`, 'ID',
  // "Unit number" and "Hospital No." are record numbers in many hospitals.
  `${ci('Unit')}`, `${ci('Hospital')}`, `${ci('Hosp')}\\.?`, `${ci('Case')}`, `${ci('Chart')}`,
];
const LABELLED_ID = String.raw`\b(?:(?:${STRONG_ID_LABELS.join('|')})|(?:${WEAK_ID_LABELS.join('|')})(?:${NO}+[ \t]*[:#]?|[ \t]*[:#]))\s*[:#]?\s*`;
const LABELLED_VALUE = String.raw`(?:[A-Za-z]{1,4}[ -]?)?\d[\dA-Za-z-]{2,}`;

const IPV4_OCTET = String.raw`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`;
const HEX = '[\\da-fA-F]{1,4}';
const IPV6 = String.raw`(?<![\w:])(?:(?:${HEX}:){7}${HEX}|(?:${HEX}:){1,7}:(?:${HEX}(?::${HEX}){0,5})?|::${HEX}(?::${HEX}){0,6})(?![\w:])`;

const PATTERN = new RegExp(
  [
    String.raw`(?<SSN>\b\d{3}-\d{2}-\d{4}\b)`,
    // DICOM UIDs (five or more dotted numbers) identify a study as surely as an accession number.
    String.raw`(?<UID>(?<![\d.])[0-2](?:\.\d{1,39}){4,}(?!\d|\.\d))`,
    String.raw`(?<IPV4>(?<![\d.])(?:${IPV4_OCTET}\.){3}${IPV4_OCTET}(?!\d|\.\d))`,
    `(?<IPV6>${IPV6})`,
    // A street address, with its unit and, where no ZIP follows (the rare pass took those), its city and state.
    String.raw`(?<STREET>${STREET}|${PO_BOX})(?:\.?,?[ \t]+(?<CITY1>${CITY}),[ \t]*(?<STATE1>${STATE})(?![A-Za-z])|[ \t]+in[ \t]+(?<CITY_IN>${CITY}))?`,
    `(?<PHONE>${PHONE_10})`,
    String.raw`(?<DATE>\b(?:${DATE})\b)`,
    String.raw`(?<AGE>(?<![\d.])${OVER_89}${YEARS_OLD})`,
    String.raw`(?<AGE_WORDS>\b(?:${AGE_WORDS})${YEARS_OLD})`,
    String.raw`(?<TIME>\b(?:[01]?\d|2[0-3]):[0-5]\d(?![ \t]*(?:${ci("o'clock")}|${ci('position')}))(?::[0-5]\d(?:[.,]\d{1,9})?)?(?:[ \t]?[AaPp]\.?[Mm]\.?)?(?:[ \t]?(?:Z|UTC|GMT|[ECMP][SD]T))?\b|\b(?:[01]\d|2[0-3])[0-5]\d[ \t]+${ci('hours')}\b)`,
    // Seven digits in the 555-1234 shape, unless an image keyword, a number list or a unit says it is a range.
    String.raw`(?<PHONE7>(?=[2-9]\d{2}-\d{4}(?![\d-]))(?<!${REF_CONTEXT})[2-9]\d{2}-\d{4}(?!\.\d|[ \t]*${UNITS}))`,
    // A labelled social-security number may be written with spaces ("Social Security number: 123 45 6789").
    String.raw`(?<SSN_LABEL>\b(?:SSN|${ciPhrase('Social Security')}${NO}?)\s*[:#]?\s*)(?<SSN_VALUE>\d{3}[ .]\d{2}[ .]\d{4}(?!\d))`,
    String.raw`(?<LABEL_ID>${LABELLED_ID})(?<LABEL_ID_VALUE>${LABELLED_VALUE})`,
    String.raw`(?<FAX_LABEL>\b(?:${ci('fax')}(?:${ci('ed')}[ \t]+${ci('to')})?|${ci('facsimile')})\.?${NUMBER_WORD})(?<FAX_VALUE>${PHONE_10}|${PHONE_7})`,
    String.raw`(?<PHONE_LABEL>\b(?:${ciAll(PHONE_LABELS.map((l) => l))})\.?${NUMBER_WORD}(?:${ci('at')}[ \t]+|${ci('on')}[ \t]+)?)(?<PHONE_VALUE>${PHONE_10}|${PHONE_7}|[xX]\d{3,5}\b)`,
    // Extensions and pagers take four or five digits ("ext. 4567", "pager 45678", "Page 6387"; "page 2 of 3" has fewer).
    String.raw`(?<EXT_LABEL>\b(?:${ciAll(['ext', 'extension', 'pager', 'beeper', 'paged', 'page'])})\.?${NUMBER_WORD}(?:${ci('at')}[ \t]+)?)(?<EXT_VALUE>[xX]?\d{4,5}\b)`,
    String.raw`(?<AGE_LABEL>\b(?:${ci('age')}|${ci('aged')})(?:[ \t]*[:=][ \t]*|[ \t]+${ci('of')}[ \t]+|[ \t]+)|\b${ci('age')}\/${ci('sex')}[ \t]*:?[ \t]*)(?<AGE_VALUE>${OVER_89})(?!\d|\.\d|[ \t]*${UNITS})`,
    // "The patient is 93", "who was 101": a number over 89 right after a person and "is"/"was".
    String.raw`(?<AGE_IS>\b(?:${ci('patient')}|${ci('pt')}|[Ss]he|[Hh]e|[Ww]ho)[ \t]+(?:is|was)[ \t]+(?:now[ \t]+)?)(?<AGE_IS_VALUE>${OVER_89})(?!\d|\.\d|[ \t]*${UNITS})`,
    String.raw`(?<ZIP_LABEL>\b(?:${ci('zip')}(?:[ \t]*${ci('code')})?|${ciPhrase('postal code')})[ \t]*[:#]?[ \t]*)(?<ZIP_VALUE>${ZIP})`,
    // "since 3/14": a month and day with no year, only after a word that introduces a date.
    String.raw`(?<SHORT_DATE_LABEL>\b(?:${ciAll(['on', 'dated', 'since', 'from', 'until', 'DOS'])}):?[ \t]+)(?<SHORT_DATE>${M}\/${D})(?![\d/]|\.\d|[ \t]*(?:${ciAll(['images', 'image', 'slices', 'slice', 'views', 'series'])})\b)`,
    String.raw`(?<TITLE>${TITLE})(?<TITLED_NAME>${PERSON})`,
    // Signature, attribution and communication lines: "Electronically signed by: Jane Smith, MD", "discussed with Jane Doe".
    String.raw`(?<NAME_LABEL>${NAME_PREFIX}(?:${TITLE_WORD}(?:\.\s*|\s+))?)(?<SIGNED_NAME>${LAST_FIRST}|${PERSON})`,
    String.raw`(?<LIVES_LABEL>\b(?:${ciAll(['lives', 'living', 'resides', 'residing', 'resident', 'moved', 'relocated', 'visiting'])})[ \t]+(?:${ciAll(['in', 'at', 'of', 'from', 'to'])})[ \t]+)(?<LIVES_PLACE>${CITY_WORD}(?:[ \t]${CITY_WORD}){0,2})`,
    // "a nursing facility in Cedar Rapids, Arizona": a city after a preposition, before its state.
    String.raw`(?<PLACE_PREP>\b(?:in|from|at|to|near|of)[ \t]+)(?<PLACE>${CITY}),[ \t]*${STATE}(?![A-Za-z])`,
    // A name followed by a credential: "Jane Smith, MD".
    String.raw`(?<CREDENTIALED_NAME>\b${CREDENTIALED_PERSON})(?=,?[ \t]${CREDENTIAL}\b)`,
    // Long bare digit strings (7+ digits) are record numbers, never measurements or image numbers.
    String.raw`(?<LONG_NUMBER>(?<!\d|\d\.)\d{7,}(?!\d|\.\d))`,
  ].join('|'),
  'g',
);

// URLs, e-mails and "City, ST 12345" go first, in their own pass, run only when a cheap test says the text
// may hold one: they contain dots, slashes and digits the main pattern would split, and an e-mail or a city
// tried at every word is the costliest kind of pattern. The city and state are found looking back from the ZIP.
const RARE_HINT = /@|:\/\/|www\.|\.(?:com|org|net|edu|gov|mil|io|us|info|health)\b|\d{5}/;
const RARE_PATTERN = new RegExp(
  [
    String.raw`(?<URL>\b(?:[A-Za-z][A-Za-z0-9+.-]*:\/\/|www\.)[^\s<>"')\]]*[^\s<>"')\].,;:!?]|\b(?:[A-Za-z0-9-]+\.)+(?:com|org|net|edu|gov|mil|io|us|info|health)\b(?:\/[^\s<>"')\]]*[^\s<>"')\].,;:!?])?)`,
    String.raw`(?<EMAIL>\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b)`,
    String.raw`(?=\d{5}(?:-\d{4})?(?![\d-]))(?<=(?<![${LETTER}])(?<CITY>${CITY})(?:,[ \t]*|[ \t]+)(?<STATE>${STATE})\.?,?[ \t]+)(?<ZIP>${ZIP})`,
  ].join('|'),
  'gd',
);

function placeholder(kind: PhiKind): string {
  return kind === 'AGE' ? '90+' : `[${kind}]`;
}

/** Whether a candidate name is report vocabulary ("Name: Chest CT", "MR BRAIN", "discussed with ED staff"). */
function isNotName(name: string): boolean {
  const first = /[^\s,.]+/.exec(name)?.[0] ?? '';
  return NOT_NAMES.has(first.toUpperCase());
}

/**
 * Upper-case `MR`, `MS` and `DR` are also a modality, a disease and a modality ("MR BRAIN", "history of MS.
 * Brain ..."): after them a name must be upper case too, and no header label ("MS\nVASCULATURE:").
 */
function isAmbiguousTitle(title: string, name: string, after: string): boolean {
  const word = /^[A-Z]+/.exec(title)?.[0] ?? '';
  if (word !== 'MR' && word !== 'MS' && !(word === 'DR' && !title.includes('.'))) return false;
  return /[a-z]/.test(name) || after === ':';
}

/** Replaces identifiers in `text` with typed placeholders and says what was replaced where. */
export function deidentify(text: string): DeidentifyResult {
  const spans: PhiSpan[] = [];
  if (!RARE_HINT.test(text)) return { text: replaceMain(text, 0, spans), spans };
  // Replace the rare identifiers, then run the main pass on the pieces between them, so that every
  // span keeps its offset in the original text.
  let out = '';
  let last = 0;
  RARE_PATTERN.lastIndex = 0;
  for (let m = RARE_PATTERN.exec(text); m; m = RARE_PATTERN.exec(text)) {
    const g = m.indices?.groups ?? {};
    const parts: Array<[PhiKind, [number, number] | undefined]> = m.groups?.['ZIP'] !== undefined
      ? [['LOCATION', g['CITY']], ['ZIP', g['ZIP']]]
      : [[m.groups?.['URL'] !== undefined ? 'URL' : 'EMAIL', [m.index, m.index + m[0].length]]];
    for (const [kind, at] of parts) {
      if (at === undefined || at[0] < last) continue; // inside an earlier replacement
      out += replaceMain(text.slice(last, at[0]), last, spans);
      spans.push({ kind, start: at[0], end: at[1] });
      out += placeholder(kind);
      last = at[1];
    }
  }
  out += replaceMain(text.slice(last), last, spans);
  return { text: out, spans };
}

/** The single-pass replacement of everything the rare pass does not take; `base` is `text`'s offset in the original. */
function replaceMain(text: string, base: number, spans: PhiSpan[]): string {
  if (text.length === 0) return text;
  PATTERN.lastIndex = 0;
  return text.replace(PATTERN, (match: string, ...rest: unknown[]) => {
    const groups = rest[rest.length - 1] as Record<string, string | undefined>;
    const at = rest[rest.length - 3] as number;
    const offset = base + at;
    // The whole match is one identifier.
    const whole = (kind: PhiKind): string => {
      spans.push({ kind, start: offset, end: offset + match.length });
      return placeholder(kind);
    };
    // The match is a label that stays, then the identifier: the value is the end of the match.
    const tail = (kind: PhiKind, value: string): string => {
      const start = match.length - value.length;
      spans.push({ kind, start: offset + start, end: offset + match.length });
      return match.slice(0, start) + placeholder(kind);
    };
    if (groups['SSN'] !== undefined) return whole('SSN');
    if (groups['UID'] !== undefined) return whole('ID');
    if (groups['IPV4'] !== undefined || groups['IPV6'] !== undefined) return whole('IP');
    if (groups['STREET'] !== undefined) return replaceAddress(match, offset, groups, spans);
    if (groups['PHONE'] !== undefined || groups['PHONE7'] !== undefined) return whole('PHONE');
    if (groups['DATE'] !== undefined) return whole('DATE');
    if (groups['AGE'] !== undefined || groups['AGE_WORDS'] !== undefined) return whole('AGE');
    if (groups['TIME'] !== undefined) return whole('TIME');
    const labelled = groups['LABEL_ID_VALUE'];
    if (groups['SSN_VALUE'] !== undefined) return tail('SSN', groups['SSN_VALUE']);
    if (labelled !== undefined) return tail(/^(?:SSN|Social)/i.test(groups['LABEL_ID'] ?? '') ? 'SSN' : 'ID', labelled);
    if (groups['FAX_VALUE'] !== undefined) return tail('FAX', groups['FAX_VALUE']);
    const phone = groups['PHONE_VALUE'] ?? groups['EXT_VALUE'];
    if (phone !== undefined) return tail('PHONE', phone);
    const age = groups['AGE_VALUE'] ?? groups['AGE_IS_VALUE'];
    if (age !== undefined) return tail('AGE', age);
    if (groups['ZIP_VALUE'] !== undefined) return tail('ZIP', groups['ZIP_VALUE']);
    if (groups['SHORT_DATE'] !== undefined) return tail('DATE', groups['SHORT_DATE']);
    const titled = groups['TITLED_NAME'];
    if (titled !== undefined) {
      const after = text.charAt(at + match.length);
      if (isNotName(titled) || isAmbiguousTitle(groups['TITLE'] ?? '', titled, after)) return match;
      return tail('NAME', titled);
    }
    const signed = groups['SIGNED_NAME'];
    if (signed !== undefined) return isNotName(signed) ? match : tail('NAME', signed);
    const place = groups['LIVES_PLACE'];
    if (place !== undefined) return isNotName(place) ? match : tail('LOCATION', place);
    const city = groups['PLACE'];
    if (city !== undefined) {
      if (isNotName(city)) return match;
      const start = (groups['PLACE_PREP'] ?? '').length;
      spans.push({ kind: 'LOCATION', start: offset + start, end: offset + start + city.length });
      return match.slice(0, start) + placeholder('LOCATION') + match.slice(start + city.length);
    }
    if (groups['CREDENTIALED_NAME'] !== undefined) return isNotName(match) ? match : whole('NAME');
    if (groups['LONG_NUMBER'] !== undefined) return whole('ID');
    return match;
  });
}

/** "123 Main St, Apt 4, Boston, MA": the street and the city go, the state stays. */
function replaceAddress(match: string, offset: number, groups: Record<string, string | undefined>, spans: PhiSpan[]): string {
  const street = groups['STREET'] ?? '';
  const city = groups['CITY1'] ?? groups['CITY_IN'];
  spans.push({ kind: 'ADDRESS', start: offset, end: offset + street.length });
  if (city === undefined) return placeholder('ADDRESS') + match.slice(street.length);
  const cityStart = match.indexOf(city, street.length);
  spans.push({ kind: 'LOCATION', start: offset + cityStart, end: offset + cityStart + city.length });
  return placeholder('ADDRESS') + match.slice(street.length, cityStart) + placeholder('LOCATION') + match.slice(cityStart + city.length);
}

/** De-identified text only. */
export function deidentifyText(text: string): string {
  return deidentify(text).text;
}

/** The bracketed placeholders `deidentify` writes, so tokenizers and splitters can recognise them (ages become `90+`). */
export const PLACEHOLDER_PATTERN = /\[(?:DATE|TIME|PHONE|FAX|EMAIL|URL|IP|SSN|ID|NAME|ADDRESS|LOCATION|ZIP)\]/g;
