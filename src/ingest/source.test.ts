import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OptionsError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { detectFormat } from './detect.js';
import { collect, fhirDiagnosticReport, hl7Message, jsonlLine, syntheticReport } from './fixtures.js';
import { readReports } from './source.js';
import { normalizeDate } from './record.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-source-'));

test('format auto: folder, extension, then first bytes', async () => {
  const rng = new Rng(2);
  const r = syntheticReport(rng, 0);
  const files: [string, string, string][] = [
    ['a.csv', 'id,text\n1,x\n', 'csv'],
    ['a.tsv', 'id\ttext\n1\tx\n', 'csv'],
    ['a.hl7', hl7Message(r), 'hl7'],
    ['a.json', JSON.stringify({ resourceType: 'Bundle', entry: [] }), 'fhir'],
    ['a.ndjson', `${JSON.stringify(fhirDiagnosticReport(r))}\n`, 'fhir'],
    ['b.ndjson', `${jsonlLine(r)}\n`, 'jsonl'],
    ['a.jsonl', `${jsonlLine(r)}\n`, 'jsonl'],
    ['msg.txt', hl7Message(r), 'hl7'],
    ['plain.txt', 'A report.', 'txt'],
    ['export.dat', 'id,text\n1,x\n', 'csv'],
    ['export2.dat', `${jsonlLine(r)}\n`, 'jsonl'],
  ];
  for (const [name, content, want] of files) {
    const file = path.join(tmp, name);
    writeFileSync(file, content);
    assert.equal(await detectFormat(file, false), want, name);
  }
  const dir = path.join(tmp, 'folder');
  mkdirSync(dir);
  assert.equal(await detectFormat(dir, true), 'txt');
  // .tsv is read with a tab delimiter by default
  const tsv = await collect(readReports(path.join(tmp, 'a.tsv')));
  assert.ok(tsv[0]!.ok && tsv[0]!.record.text === 'x');
});

test('bad options are OptionsErrors, raised before reading', async () => {
  const file = path.join(tmp, 'o.csv');
  writeFileSync(file, 'id,text\n1,x\n');
  await assert.rejects(collect(readReports(file, { maxReportBytes: 0 })), OptionsError);
  await assert.rejects(collect(readReports(file, { delimiter: '"' })), OptionsError);
  await assert.rejects(collect(readReports(file, { format: 'xml' as never })), OptionsError);
  await assert.rejects(collect(readReports(path.join(tmp, 'missing.csv'))), OptionsError);
});

test('dates become yyyy-mm-dd where they parse, else stay as given', () => {
  assert.equal(normalizeDate('2020-02-03T10:00:00Z'), '2020-02-03');
  assert.equal(normalizeDate('20200203153000'), '2020-02-03');
  assert.equal(normalizeDate('2/3/2020'), '2020-02-03');
  assert.equal(normalizeDate('20201303'), '20201303');
  assert.equal(normalizeDate('last week'), 'last week');
});
