import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Rng } from '../util/rng.js';
import { collect, fhirDiagnosticReport, syntheticReport } from '../../testing/report-exports.js';
import { readReports, type SourceItem } from './source.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-fhir-'));

function summary(items: SourceItem[]): string[] {
  return items.map((it) => (it.ok ? `ok ${it.record.recordId}` : `${it.rejected.code} ${it.rejected.recordId} @${it.rejected.location}`));
}

test('FHIR Bundle: DiagnosticReports become records with accession, patient, modality, date; other resources are passed over', async () => {
  const rng = new Rng(5);
  const reports = Array.from({ length: 3 }, (_, i) => syntheticReport(rng, i));
  const bundle = {
    resourceType: 'Bundle', type: 'collection',
    entry: [
      { resource: { resourceType: 'Patient', id: 'p1' } },
      ...reports.map((r) => ({ resource: fhirDiagnosticReport(r) })),
    ],
  };
  const file = path.join(tmp, 'bundle.json');
  writeFileSync(file, JSON.stringify(bundle, null, 2));
  const items = await collect(readReports(file));
  assert.equal(items.length, 3);
  items.forEach((it, i) => {
    const r = reports[i]!;
    assert.ok(it.ok);
    assert.deepEqual(it.record, {
      recordId: r.id, text: `${r.impression}\n${r.findings}`, location: `bundle.json#entry[${i + 1}]`,
      accession: r.accession, patientId: r.patientId, modality: r.modality, examDate: r.examDate,
    });
  });
});

test('FHIR NDJSON: malformed resources are rejected line by line and the run goes on', async () => {
  const rng = new Rng(6);
  const good = fhirDiagnosticReport(syntheticReport(rng, 0));
  const noText = { resourceType: 'DiagnosticReport', id: 'empty', presentedForm: [{ contentType: 'application/pdf', data: 'JVBERi0=' }] };
  const badForm = { resourceType: 'DiagnosticReport', id: 'latin', presentedForm: [{ contentType: 'text/plain', data: Buffer.from([0x63, 0x61, 0x66, 0xe9]).toString('base64') }] };
  const huge = { resourceType: 'DiagnosticReport', id: 'huge', presentedForm: [{ contentType: 'text/plain', data: Buffer.alloc(10 * 1024 * 1024, 0x61).toString('base64') }] };
  const firstIdOnly = { resourceType: 'DiagnosticReport', id: 'plain', identifier: [{ value: 'ACC-1' }], conclusion: 'Clear.', subject: { reference: 'Patient/p9' } };
  const file = path.join(tmp, 'reports.ndjson');
  writeFileSync(file, [
    JSON.stringify(good),
    '{"resourceType": "DiagnosticReport", "id": ',
    JSON.stringify({ id: 'no-type', conclusion: 'x' }),
    JSON.stringify({ resourceType: 'Observation', id: 'obs' }),
    JSON.stringify(noText),
    JSON.stringify(badForm),
    JSON.stringify(huge),
    JSON.stringify({ resourceType: 'DiagnosticReport', conclusion: 'no id' }),
    JSON.stringify({ resourceType: 'Bundle', entry: [{ resource: firstIdOnly }, { fullUrl: 'x' }] }),
  ].join('\n') + '\n');
  const items = await collect(readReports(file, { format: 'fhir' }));
  assert.deepEqual(summary(items), [
    `ok ${good['id'] as string}`,
    'FHIR_INVALID  @reports.ndjson:line 2',
    'FHIR_INVALID no-type @reports.ndjson:line 3',
    'EMPTY empty @reports.ndjson:line 5',
    'BAD_UTF8 latin @reports.ndjson:line 6',
    'TOO_LARGE huge @reports.ndjson:line 7',
    'NO_ID  @reports.ndjson:line 8',
    'ok plain',
    'FHIR_INVALID  @reports.ndjson:line 9#entry[1]',
  ]);
  const plain = items[7]!;
  assert.ok(plain.ok);
  assert.deepEqual(plain.record, { recordId: 'plain', text: 'Clear.', location: 'reports.ndjson:line 9#entry[0]', accession: 'ACC-1', patientId: 'p9' });
});

test('FHIR: a Bundle file that is not JSON is one FHIR_INVALID rejection', async () => {
  const file = path.join(tmp, 'broken.json');
  writeFileSync(file, '{"resourceType": "Bundle", "entry": [');
  assert.deepEqual(summary(await collect(readReports(file))), ['FHIR_INVALID broken.json @broken.json']);
});

test('FHIR: NDJSON saved as .json is read line by line', async () => {
  const rng = new Rng(4);
  const a = fhirDiagnosticReport(syntheticReport(rng, 0)), b = fhirDiagnosticReport(syntheticReport(rng, 1));
  const file = path.join(tmp, 'lines.json');
  writeFileSync(file, `${JSON.stringify(a)}\n${JSON.stringify(b)}\n`);
  assert.deepEqual(summary(await collect(readReports(file))), [`ok ${a['id'] as string}`, `ok ${b['id'] as string}`]);
});

test('FHIR: a misspelled resourceType (Bundel, DiagnosticReprt) is rejected UNKNOWN_RESOURCE with a reason, not passed over', async () => {
  const rng = new Rng(8);
  const a = fhirDiagnosticReport(syntheticReport(rng, 0)), b = fhirDiagnosticReport(syntheticReport(rng, 1));
  const bundel = path.join(tmp, 'bundel.json');
  writeFileSync(bundel, JSON.stringify({ resourceType: 'Bundel', id: 'b1', entry: [{ resource: a }, { resource: b }] }));
  const top = await collect(readReports(bundel));
  assert.deepEqual(summary(top), ['UNKNOWN_RESOURCE b1 @bundel.json']);
  const topReason = (top[0] as { rejected: { reason: string } }).rejected.reason;
  assert.match(topReason, /not a FHIR resource type/);
  assert.match(topReason, /'Bundle'/, 'the reason suggests the type it is close to');
  assert.match(topReason, /2 entries/);

  const typo = path.join(tmp, 'typo.json');
  writeFileSync(typo, JSON.stringify({ resourceType: 'Bundle', entry: [
    { resource: a }, { resource: { ...b, resourceType: 'DiagnosticReprt' } }, { resource: { resourceType: 'Patient', id: 'p1' } },
  ] }));
  const items = await collect(readReports(typo));
  assert.deepEqual(summary(items), [`ok ${a['id'] as string}`, `UNKNOWN_RESOURCE ${b['id'] as string} @typo.json#entry[1]`]);
  assert.match((items[1] as { rejected: { reason: string } }).rejected.reason, /'DiagnosticReport'/);

  const lines = path.join(tmp, 'typo.ndjson');
  writeFileSync(lines, `${JSON.stringify(a)}\n${JSON.stringify({ ...b, resourceType: 'diagnosticreport' })}\n${JSON.stringify({ resourceType: 'Observation', id: 'o' })}\n`);
  assert.deepEqual(summary(await collect(readReports(lines))), [`ok ${a['id'] as string}`, `UNKNOWN_RESOURCE ${b['id'] as string} @typo.ndjson:line 2`]);
});
