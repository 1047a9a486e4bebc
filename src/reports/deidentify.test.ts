import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { deidentify, deidentifyText } from './deidentify.js';
import { planStudy } from '../sample/plan.js';
import { writeReport } from '../sample/report.js';

// One injected identifier of every kind, with the placeholder it must become.
const IDENTIFIERS: Array<[string, string]> = [
  ['03/14/2019', '[DATE]'], ['3-14-19', '[DATE]'], ['2019-03-14', '[DATE]'], ['14.03.2019', '[DATE]'],
  ['March 14, 2019', '[DATE]'], ['14 March 2019', '[DATE]'], ['Sept 2018', '[DATE]'],
  ['10:35', '[TIME]'], ['9:05 PM', '[TIME]'], ['1435 hours', '[TIME]'],
  ['(301) 555-1234', '[PHONE]'], ['301-555-9876', '[PHONE]'], ['301.555.0000 ext 12', '[PHONE]'], ['+1 301 555 1234', '[PHONE]'],
  ['jane.doe@hospital.org', '[EMAIL]'], ['https://pacs.example.org/viewer?study=1.2.3', '[URL]'], ['www.example.com/x', '[URL]'],
  ['123-45-6789', '[SSN]'], ['12345678901', '[ID]'],
];
const LABELLED: Array<[string, string]> = [
  ['MRN: 12345678', 'MRN: [ID]'], ['Accession #: A1234567', 'Accession #: [ID]'], ['Medical Record Number 7654321', 'Medical Record Number [ID]'],
  ['Patient ID: X99-1234', 'Patient ID: [ID]'], ['SSN: 123456789', 'SSN: [SSN]'],
  ['Dr. Jane Smith', 'Dr. [NAME]'], ['Mrs. Okafor', 'Mrs. [NAME]'], ['Dr. J. R. Kowalski', 'Dr. [NAME]'],
  ['Electronically signed by: Maria Garcia, MD', 'Electronically signed by: [NAME], MD'],
  ['Dictated by: Wei Chen', 'Dictated by: [NAME]'], ['Radiologist: Priya Patel', 'Radiologist: [NAME]'],
  ['Sarah Connor, M.D.', '[NAME], M.D.'],
  ['PATIENT: MARTIN, AHMED', 'PATIENT: [NAME]'], ['Patient Name: Smith, Jane R.', 'Patient Name: [NAME]'],
  ['ACC: A0100000001', 'ACC: [ID]'], ['MRN: P0000019', 'MRN: [ID]'], ['DOB: 02/19/1958', 'DOB: [DATE]'],
  ['SIGNED BY: DAVID WILSON', 'SIGNED BY: [NAME]'],
  ['PATIENT: MARTIN, AHMED    MRN: P0000019', 'PATIENT: [NAME]    MRN: [ID]'], ['Patient: John Smith MRN 1234567', 'Patient: [NAME] MRN [ID]'],
];
// What must never change.
const KEEP = [
  '2.0 cm', '130 cc', '5 mm', '1.8 cm', '2 cc/s', '45 s delay', 'L5-S1', 'C5-C6', 'T12', 'Isovue-300', '1:2',
  'series 1001, image 32', 'e.g. series 4 image 30', 'series 3 image 88-95', 'series 3 image 55, 60, 80, 84-7, 96',
  'image 1013-78', 'images 10 and 12', 'series 2/3 image 45', 'series #6 image #5', 'se 3 im 45', 'image 45 of series 3',
  'series 5 images 20 through 25', 'segment 7', '3 x 4 x 5 cm', 'BI-RADS 4', '12-lead', '3-4 mm', 'grade 2/4',
];

test('every kind of identifier becomes its typed placeholder', () => {
  for (const [raw, expected] of IDENTIFIERS) {
    const out = deidentifyText(`Seen on ${raw} in clinic.`);
    assert.equal(out, `Seen on ${expected} in clinic.`, raw);
  }
  for (const [raw, expected] of LABELLED) {
    assert.equal(deidentifyText(`${raw}. Stable.`), `${expected}. Stable.`, raw);
  }
});

test('measurements, vertebral levels and image references survive untouched', () => {
  for (const keep of KEEP) {
    const text = `There is a finding (${keep}) in the liver.`;
    assert.equal(deidentifyText(text), text, keep);
  }
});

test('synthetic reports with identifiers injected everywhere: all replaced, the rest unchanged', () => {
  for (let i = 0; i < 200; i++) {
    const r = { id: `study ${i}`, text: writeReport(planStudy(i, { seed: 7, size: 32, slices: 8, numPatients: 120 })).text };
    const injected = IDENTIFIERS.map(([raw]) => raw);
    const text = `${r.text}\nCall ${injected.join(' or ')}.\n${KEEP.join('; ')}.`;
    const { text: out, spans } = deidentify(text);
    for (const raw of injected) assert.ok(!out.includes(raw), `${r.id}: '${raw}' survived`);
    assert.ok(out.includes(KEEP.join('; ')), `${r.id}: measurements or references changed`);
    assert.ok(!/\d{2}\/\d{2}\/\d{4}/.test(out), `${r.id}: a date survived`);
    assert.ok(!out.includes('MRN: 0') && !/MRN: \d/.test(out), `${r.id}: the MRN survived`);
    assert.ok(spans.length >= injected.length, `${r.id}: spans missing`);
    for (const s of spans) assert.ok(s.start < s.end && s.end <= text.length);
  }
});

test('property: a date, phone or e-mail placed anywhere in clinical text is removed, numbers around it are kept', () => {
  const pad2 = (n: number) => String(n).padStart(2, '0');
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }), fc.integer({ min: 1990, max: 2030 }),
      fc.integer({ min: 200, max: 999 }), fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 1, max: 99 }),
      (m, d, y, area, line, size) => {
        const date = `${pad2(m)}/${pad2(d)}/${y}`;
        const phone = `(${area}) 555-${String(line).padStart(4, '0')}`;
        const text = `Compared with ${date}, the ${size}.5 cm mass (series 3 image ${size}) is stable. Call ${phone}.`;
        const out = deidentifyText(text);
        return !out.includes(date) && !out.includes(phone) && out.includes(`${size}.5 cm`) && out.includes(`(series 3 image ${size})`);
      },
    ),
    { numRuns: 300 },
  );
});
