import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OptionsError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { detectFormat } from './detect.js';
import { collect, fhirDiagnosticReport, hl7Message, jsonlLine, syntheticReport } from '../../testing/report-exports.js';
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

test('NUL and other C0 control characters in report text become spaces and are counted, in every format', async () => {
  // The text carries NUL, BEL, ESC, form feed and DEL-free C0 codes; tab and line breaks stay.
  const dirty = 'Stable\u0000 nodule\u0007.\tNo\u001b effusion\u000c.\nImpression: clear.';
  const clean = 'Stable  nodule .\tNo  effusion .\nImpression: clear.';
  const dir = path.join(tmp, 'control');
  mkdirSync(path.join(dir, 'txt'), { recursive: true });
  const files: [string, string][] = [
    ['r.csv', `id,text\n1,"${dirty}"\n`],
    ['r.jsonl', `${JSON.stringify({ id: '1', text: dirty })}\n`],
    ['txt/1.txt', dirty],
    ['r.ndjson', `${JSON.stringify({ resourceType: 'DiagnosticReport', id: '1', conclusion: dirty })}\n`],
    ['r.hl7', `MSH|^~\\&|A|B|C|D|20200101||ORU^R01|C1|P|2.5\rOBR|1||1\rOBX|1|TX|F||${dirty.replace(/\n/g, '\\.br\\').replace(/\u0007/g, '\\X07\\')}\r`],
  ];
  for (const [name, content] of files) writeFileSync(path.join(dir, name), content);
  for (const name of ['r.csv', 'r.jsonl', 'txt', 'r.ndjson', 'r.hl7']) {
    const items = await collect(readReports(path.join(dir, name), name === 'r.ndjson' ? { format: 'fhir' } : {}));
    assert.equal(items.length, 1, name);
    const it = items[0]!;
    assert.ok(it.ok, `${name}: ${JSON.stringify(it)}`);
    assert.equal(it.record.text, clean, name);
    assert.equal(it.record.controlCharsReplaced, 4, name);
    assert.doesNotMatch(it.record.text, /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/, name);
  }
  // A report of nothing but control characters is EMPTY, not a report of spaces.
  writeFileSync(path.join(dir, 'nul.csv'), 'id,text\n1,"\u0000\u0000"\n2,ok\n');
  const nul = await collect(readReports(path.join(dir, 'nul.csv')));
  assert.deepEqual(nul.map((it) => (it.ok ? `ok ${it.record.recordId} ${it.record.controlCharsReplaced ?? 0}` : it.rejected.code)), ['EMPTY', 'ok 2 0']);
});
