/**
 * Property tests: the parser never throws, spans always match the text, and references
 * written in every supported form, with random numbers inside random filler, parse back to
 * the series and instances they were generated from.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { extractReferences } from './extract.js';
import type { ImageReference } from './extract.js';

const RUNS = 400;

/** Generated text plus the references it must parse to. */
interface Sample {
  text: string;
  expected: Array<{ series: number[]; seriesText: string | null; instances: number[]; text: string }>;
}

/** A reference in pieces: its source text and what it means. */
interface Piece {
  text: string;
  series: number[];
  seriesText?: string;
  instances: number[];
}

const SERIES_WORDS = ['series', 'Series', 'SERIES', 'se', 'ser', 'ser.', 'se.', 'SE'];
const IMAGE_WORDS = ['image', 'images', 'Image', 'IMAGES', 'img', 'img.', 'imgs', 'slice', 'slices', 'Slice'];
const SHORT_IMAGE_WORDS = ['im', 'im.', 'IM'];
const HEADS = ['', ':', ' number', ' no.', ' Number', ' no'];
const ITEM_SEPARATORS = [', ', ',', ' and ', ', and ', ' & ', ' or ', ' ,  '];
const RANGE_OPERATORS = ['-', ' - ', '\u2013', ' through ', ' to ', ' thru ', '-'];
const SERIES_SEPARATORS = ['/', ' / ', ' and ', ' & '];
const CONNECTORS = [' of ', ' on ', ' in ', ' from ', ', ', ' ', ', of '];
// Words naming a series by what it is; the first ones name a plane or sequence, as "#" lists need.
const SERIES_NAMES = ['coronal T2', 'ax T2', 'sagittal STIR', 'Sag T2*', 'cor T1 fat-sat', 'AXIAL T1 POST-CONTRAST',
  'T2', 'axial lung window', 'arterial phase', 'T1 with contrast'];
const PLANE_OR_SEQUENCE_NAMES = SERIES_NAMES.slice(0, 6);
const BETWEEN_SERIES_AND_IMAGE = [' ', ', ', ': ', ',\n', '  '];
// Filler words: no digits, no grammar words, nothing that continues a list or names a unit.
const FILLER = ['There is', 'mild', 'fat stranding', 'lesion', 'e.g.', 'increasing', 'noted', 'the', 'mass',
  'foci', 'soV Lssues', 'Uterine fundus', 'seen', 'simple', 'images were obtained', 'imaging', 'axial images',
  'a series of images', '\u00e9paississement', 'calci\ufb01caLons', 'no change'];
const PUNCTUATION = [' ', '. ', '; ', ' (', ') ', '\n', ', ', ' - '];

const hash = fc.constantFrom('', '', '#', '# ');
const seriesNumber = fc.integer({ min: 0, max: 99999 });

function numberText(h: string, n: number): string {
  return `${h}${n}`;
}

/** One list item: a number, a full range or an abbreviated range, with its expansion. */
const item: fc.Arbitrary<{ text: string; values: number[] }> = fc.oneof(
  fc.tuple(hash, fc.integer({ min: 0, max: 999999 })).map(([h, n]) => ({ text: numberText(h, n), values: [n] })),
  fc.tuple(fc.integer({ min: 0, max: 99999 }), fc.integer({ min: 0, max: 60 }), fc.constantFrom(...RANGE_OPERATORS))
    .map(([lo, span, op]) => ({ text: `${lo}${op}${lo + span}`, values: range(lo, lo + span) })),
  // Abbreviated: the upper bound replaces the lower bound's last k digits ("84-7", "1013-78").
  fc.tuple(fc.integer({ min: 10, max: 99999 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 60 }),
    fc.constantFrom(...RANGE_OPERATORS))
    .map(([lo, kWanted, span, op]) => {
      const k = Math.min(kWanted, String(lo).length - 1);
      const scale = 10 ** k;
      const suffix = Math.min(scale - 1, (lo % scale) + span);
      const hi = lo - (lo % scale) + suffix;
      return { text: `${lo}${op}${String(suffix).padStart(k, '0')}`, values: range(lo, hi) };
    }),
);

const imageClause = (words: string[]): fc.Arbitrary<{ text: string; instances: number[] }> =>
  fc.tuple(fc.constantFrom(...words), fc.constantFrom(...HEADS), fc.array(item, { minLength: 1, maxLength: 5 }),
    fc.array(fc.constantFrom(...ITEM_SEPARATORS), { minLength: 5, maxLength: 5 }))
    .map(([word, head, items, seps]) => ({
      text: `${word}${head} ${items.map((it, i) => (i === 0 ? it.text : seps[i]! + it.text)).join('')}`,
      instances: unique(items.flatMap((it) => it.values)),
    }));

const seriesClause: fc.Arbitrary<{ text: string; series: number[] }> =
  fc.tuple(fc.constantFrom(...SERIES_WORDS), fc.constantFrom('', ':', ' number'), fc.array(fc.tuple(hash, seriesNumber), { minLength: 1, maxLength: 3 }),
    fc.constantFrom(...SERIES_SEPARATORS))
    .map(([word, head, numbers, sep]) => ({
      text: `${word}${head} ${numbers.map(([h, n]) => numberText(h, n)).join(sep)}`,
      series: unique(numbers.map(([, n]) => n)),
    }));

/** A "#" list: its first item carries the "#". */
const hashList: fc.Arbitrary<{ text: string; instances: number[] }> =
  fc.tuple(fc.array(item, { minLength: 1, maxLength: 4 }), fc.array(fc.constantFrom(...ITEM_SEPARATORS), { minLength: 4, maxLength: 4 }))
    .map(([items, seps]) => {
      const text = items.map((it, i) => (i === 0 ? it.text : seps[i]! + it.text)).join('');
      return { text: text.startsWith('#') ? text : `#${text}`, instances: unique(items.flatMap((it) => it.values)) };
    });

/** Every supported form: series first, image first with a series, image alone, named series, "#" lists. */
const piece: fc.Arbitrary<Piece> = fc.oneof(
  fc.tuple(seriesClause, fc.constantFrom(...BETWEEN_SERIES_AND_IMAGE), imageClause([...IMAGE_WORDS, ...SHORT_IMAGE_WORDS]))
    .map(([s, between, im]) => ({ text: s.text + between + im.text, series: s.series, instances: im.instances })),
  fc.tuple(imageClause([...IMAGE_WORDS, ...SHORT_IMAGE_WORDS]), fc.constantFrom(...CONNECTORS), seriesClause)
    .map(([im, connector, s]) => ({ text: im.text + connector + s.text, series: s.series, instances: im.instances })),
  imageClause(IMAGE_WORDS).map((im) => ({ text: im.text, series: [], instances: im.instances })),
  fc.tuple(fc.constantFrom(...SERIES_NAMES), imageClause([...IMAGE_WORDS, ...SHORT_IMAGE_WORDS]))
    .map(([name, im]) => ({ text: `${name} ${im.text}`, series: [], seriesText: name, instances: im.instances })),
  fc.tuple(fc.constantFrom(...PLANE_OR_SEQUENCE_NAMES), hashList)
    .map(([name, list]) => ({ text: `${name} ${list.text}`, series: [], seriesText: name, instances: list.instances })),
);

const filler = fc.array(fc.tuple(fc.constantFrom(...FILLER), fc.constantFrom(...PUNCTUATION)), { minLength: 1, maxLength: 4 })
  .map((parts) => parts.map(([w, p]) => w + p).join(''));

/** Filler, then references each followed by filler. */
// A reference ends a clause: what follows it starts with punctuation or a plain word.
const AFTER_REFERENCE = ['. ', '; ', ') ', ', ', ' noted. ', ').\n', ' mild '];
const sample: fc.Arbitrary<Sample> = fc.tuple(filler,
  fc.array(fc.tuple(piece, fc.constantFrom(...AFTER_REFERENCE), filler), { minLength: 1, maxLength: 4 }))
  .map(([lead, parts]) => {
    let text = `${lead} `;
    const expected: Sample['expected'] = [];
    for (const [p, punctuation, after] of parts) {
      expected.push({ series: p.series, seriesText: p.seriesText ?? null, instances: p.instances, text: p.text });
      text += `${p.text}${punctuation}${after} `;
    }
    return { text, expected };
  });

function range(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let v = lo; v <= hi; v++) out.push(v);
  return out;
}

function unique(values: number[]): number[] {
  return [...new Set(values)];
}

function checkSpans(text: string, refs: ImageReference[]): void {
  let previousEnd = 0;
  for (const ref of refs) {
    assert.equal(text.slice(ref.start, ref.end), ref.text);
    assert.ok(ref.start >= previousEnd && ref.start < ref.end, 'spans are ordered and do not overlap');
    assert.ok(ref.instances.length > 0, 'a reference names at least one instance');
    for (const v of [...ref.series, ...ref.instances]) assert.ok(Number.isInteger(v) && v >= 0 && v <= 999999);
    previousEnd = ref.end;
  }
}

/** Strings made of the grammar's own words, numbers and punctuation: the parser's worst case. */
const grammarSoup = fc.array(fc.oneof(
  fc.constantFrom('series', 'se', 'ser', 'image', 'images', 'im', 'img', 'slice', 'and', 'or', 'of', 'through',
    'to', 'number', 'no', 'mm', 'cm', '-', '\u2013', ',', ';', ':', '/', '#', '.', '(', ')', '&', '%', ' ', '\n',
    'x', '\u00d7', 'e.g.', '2.5', '1234567', '5mm'),
  fc.nat({ max: 2_000_000 }).map(String),
), { maxLength: 40 }).chain((tokens) => fc.array(fc.constantFrom('', ' ', ' ', '  '), { minLength: tokens.length, maxLength: tokens.length })
  .map((gaps) => tokens.map((t, i) => t + gaps[i]).join('')));

test('never throws, and spans hold, on arbitrary strings', () => {
  for (const strings of [fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 }), grammarSoup]) {
    fc.assert(fc.property(strings, (text) => {
      checkSpans(text, extractReferences(text));
    }), { numRuns: RUNS, seed: 20150607 });
  }
});

test('references in every form, with random numbers and filler, parse back to what was written', () => {
  fc.assert(fc.property(sample, ({ text, expected }) => {
    const refs = extractReferences(text);
    checkSpans(text, refs);
    assert.deepEqual(refs.map((r) => ({ series: r.series, seriesText: r.seriesText, instances: r.instances, text: r.text })), expected);
  }), { numRuns: RUNS, seed: 20150608 });
});

test('filler alone, built from radiology phrases about images, gives no reference', () => {
  fc.assert(fc.property(filler, (text) => {
    assert.deepEqual(extractReferences(text), []);
  }), { numRuns: RUNS, seed: 20150609 });
});
