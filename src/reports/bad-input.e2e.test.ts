/**
 * Bad input through the whole ingest stage, in every format: each bad record is listed with its
 * id, a code and a reason, the run goes on, and seen = ingested + rejected.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { listRejects } from '../store/rejects.js';
import { Workspace } from '../store/workspace.js';
import { ingestReports } from './ingest.js';
import { Rng } from '../util/rng.js';
import { syntheticReport, CSV_HEADER, csvRow, jsonlLine, fhirDiagnosticReport, hl7Message } from '../../testing/report-exports.js';

const BAD_UTF8 = Buffer.from([0x66, 0x6f, 0xff, 0xfe, 0x6f]);
const BIG = 'Stable nodule. '.repeat(700_000); // about 10 MB

function run(files: Record<string, Buffer | string>, main: string, options: Parameters<typeof ingestReports>[2]) {
  const dir = mkdtempSync(path.join(tmpdir(), 'pacsmine-bad-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  const ws = Workspace.open(path.join(dir, 'ws'));
  return {
    ws,
    go: () => ingestReports(ws, path.join(dir, main), { workers: 1, ...options }),
    done: () => { ws.close(); rmSync(dir, { recursive: true, force: true }); },
  };
}

function check(s: { seen: number; ingested: number; rejected: number }, ws: Workspace, expected: Record<string, string[]>): void {
  assert.equal(s.seen, s.ingested + s.rejected);
  const rejects = listRejects(ws);
  assert.equal(rejects.length, s.rejected);
  const byCode: Record<string, string[]> = {};
  for (const r of rejects) (byCode[r.code] ??= []).push(r.recordId);
  for (const [code, ids] of Object.entries(expected)) assert.deepEqual(byCode[code]?.sort(), ids.sort(), `${code}: ${JSON.stringify(rejects)}`);
  for (const r of rejects) {
    assert.ok(r.reason.length > 10, r.reason);
    assert.ok(!r.reason.includes('Stable nodule'), 'no report text in reasons');
  }
}

test('CSV: invalid UTF-8, empty, 10 MB, ragged, badly quoted and duplicate rows', async () => {
  const rng = new Rng(1);
  const ok = Array.from({ length: 6 }, (_, i) => csvRow(syntheticReport(rng, i)));
  const content = Buffer.concat([
    Buffer.from(`${CSV_HEADER}\n${ok[0]}\n`),
    Buffer.from('bad8,P1,A1,CT,2020-01-01,"'), BAD_UTF8, Buffer.from('",x\n'),
    Buffer.from(`${ok[1]}\nempty,P2,A2,CT,2020-01-01,,\n${ok[2]}\n`),
    Buffer.from(`big,P3,A3,CT,2020-01-01,"${BIG}",x\n`),
    Buffer.from(`ragged,P4,A4\n${ok[3]}\n`),
    Buffer.from(`quote,P5,A5,CT,2020-01-01,"bad"quote,x\n${ok[4]}\n`),
    Buffer.from(`${ok[0]}\n${ok[5]}\n`),
  ]);
  const t = run({ 'r.csv': content }, 'r.csv', { format: 'csv', textColumns: ['findings', 'impression'] });
  try {
    const s = await t.go();
    assert.equal(s.ingested, 6);
    check(s, t.ws, { BAD_UTF8: ['bad8'], EMPTY: ['empty'], TOO_LARGE: ['big'], CSV_RAGGED: ['ragged'], CSV_QUOTE: ['quote'], DUPLICATE_ID: [syntheticReport(new Rng(1), 0).id] });
  } finally {
    t.done();
  }
});

test('JSON Lines, FHIR NDJSON and HL7: malformed records are listed and the rest ingested', async () => {
  const rng = new Rng(2);
  const reports = Array.from({ length: 4 }, (_, i) => syntheticReport(rng, i));
  const jsonl = [jsonlLine(reports[0]!), '{"id": "broken", "text": ', jsonlLine(reports[1]!), '{"id": "e", "text": ""}'].join('\n');
  const fhir = [
    JSON.stringify(fhirDiagnosticReport(reports[0]!)),
    '{"resourceType": "DiagnosticReport", "id": "nobody"',
    JSON.stringify({ id: 'typeless' }),
    JSON.stringify(fhirDiagnosticReport(reports[1]!)),
  ].join('\n');
  const hl7 = [hl7Message(reports[0]!), 'MSH|^~\\&|X|Y|Z|W|20200101||ADT^A01|CTRL9|P|2.5\rPID|1||123', hl7Message(reports[1]!)].join('\r');
  for (const [name, content, format, expectOk] of [
    ['r.jsonl', jsonl, 'jsonl', 2], ['r.ndjson', fhir, 'fhir', 2], ['r.hl7', hl7, 'hl7', 2],
  ] as const) {
    const t = run({ [name]: content }, name, format === 'jsonl' ? { format, textColumns: ['findings', 'impression'] } : { format });
    try {
      const s = await t.go();
      assert.equal(s.ingested, expectOk, `${name}: ${JSON.stringify(listRejects(t.ws))}`);
      assert.ok(s.rejected >= 1, name);
      check(s, t.ws, {});
    } finally {
      t.done();
    }
  }
});

test('a NUL byte inside a report is replaced by a space, counted in the summary, and never stored', async () => {
  const t = run({ 'r.csv': 'id,text\nn1,"Stable\u0000 nodule (series 3 image 45).\u0000"\nn2,Normal chest.\n' }, 'r.csv', { format: 'csv' });
  try {
    const s = await t.go();
    assert.equal(s.ingested, 2);
    assert.equal(s.controlCharsReplaced, 2);
    const stored = t.ws.db.prepare("SELECT text FROM reports WHERE report_id = 'n1'").pluck().get() as string;
    assert.ok(!stored.includes('\u0000'), JSON.stringify(stored));
    assert.match(stored, /^Stable  nodule \(series 3 image 45\)\.$/);
    check(s, t.ws, {});
  } finally {
    t.done();
  }
});
