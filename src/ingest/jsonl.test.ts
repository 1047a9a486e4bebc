import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Rng } from '../util/rng.js';
import { collect, jsonlLine, syntheticReport } from '../../testing/report-exports.js';
import { readReports, type SourceItem } from './source.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-jsonl-'));

function summary(items: SourceItem[]): string[] {
  return items.map((it) => (it.ok ? `ok ${it.record.recordId}` : `${it.rejected.code} ${it.rejected.recordId} @${it.rejected.location}`));
}

test('JSON Lines happy path: chosen text fields joined as sections, metadata by default names', async () => {
  const rng = new Rng(3);
  const reports = Array.from({ length: 4 }, (_, i) => syntheticReport(rng, i));
  const file = path.join(tmp, 'ok.jsonl');
  writeFileSync(file, reports.map(jsonlLine).join('\r\n') + '\r\n');
  const items = await collect(readReports(file, { textColumns: ['findings', 'impression'] }));
  assert.equal(items.length, 4);
  items.forEach((it, i) => {
    const r = reports[i]!;
    assert.ok(it.ok);
    assert.deepEqual(it.record, {
      recordId: r.id, text: `FINDINGS: ${r.findings}\nIMPRESSION: ${r.impression}`, location: `ok.jsonl:line ${i + 1}`,
      accession: r.accession, patientId: r.patientId, modality: r.modality, examDate: r.examDate,
    });
  });
});

test('JSON Lines defaults: id field "id", text from "report" else "text", taken as is; numeric ids', async () => {
  const file = path.join(tmp, 'defaults.jsonl');
  writeFileSync(file, [
    JSON.stringify({ id: 7, report: 'Report text.', text: 'ignored' }),
    JSON.stringify({ id: 'b', text: ' Only text. ', study_date: '20200131' }),
  ].join('\n'));
  const items = await collect(readReports(file));
  assert.deepEqual(items.map((it) => it.ok && [it.record.recordId, it.record.text, it.record.examDate]), [
    ['7', 'Report text.', undefined],
    ['b', 'Only text.', '2020-01-31'],
  ]);
});

test('JSON Lines: each bad line is rejected with its line number and the run goes on', async () => {
  const file = path.join(tmp, 'bad.jsonl');
  writeFileSync(file, Buffer.concat([
    Buffer.from(`${JSON.stringify({ id: 'a', text: 'fine' })}\n`),
    Buffer.from('{"id": "b", "text": "unterminated\n'),
    Buffer.from('[1,2]\n'),
    Buffer.from('\n'),
    Buffer.from(`${JSON.stringify({ id: 'c', text: '   ' })}\n`),
    Buffer.from(`${JSON.stringify({ text: 'no id' })}\n`),
    Buffer.from('{"id": "d", "text": "bad \xfe byte"}\n', 'latin1'),
    Buffer.from(`${JSON.stringify({ id: 'e', text: 'y'.repeat(10 * 1024 * 1024) })}\n`),
    Buffer.from(`${JSON.stringify({ id: 'f', text: 'last' })}`),
  ]));
  const items = await collect(readReports(file));
  assert.deepEqual(summary(items), [
    'ok a',
    'BAD_JSON  @bad.jsonl:line 2',
    'BAD_JSON  @bad.jsonl:line 3',
    'EMPTY c @bad.jsonl:line 5',
    'NO_ID  @bad.jsonl:line 6',
    'BAD_UTF8 d @bad.jsonl:line 7',
    'TOO_LARGE e @bad.jsonl:line 8',
    'ok f',
  ]);
});

test('JSON Lines: a line over the raw limit is dropped without being held, and the next line is read', async () => {
  const file = path.join(tmp, 'huge.jsonl');
  writeFileSync(file, `{"id":"x","text":"${'z'.repeat(3 * 1024 * 1024)}"}\n{"id":"y","text":"after"}\n`);
  const items = await collect(readReports(file, { maxRecordBytes: 1024 * 1024 }));
  assert.deepEqual(summary(items), ['TOO_LARGE  @huge.jsonl:line 1', 'ok y']);
});
