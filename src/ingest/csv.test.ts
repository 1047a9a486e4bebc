import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Rng } from '../util/rng.js';
import { CSV_HEADER, collect, csvRow, syntheticReport, writeGenerated } from '../../testing/report-exports.js';
import { readReports, type SourceItem } from './source.js';
import { OptionsError } from '../util/errors.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-csv-'));

function write(name: string, content: string | Buffer): string {
  const file = path.join(tmp, name);
  writeFileSync(file, content);
  return file;
}

function summary(items: SourceItem[]): string[] {
  return items.map((it) => (it.ok ? `ok ${it.record.recordId}` : `${it.rejected.code} ${it.rejected.recordId} @${it.rejected.location}`));
}

test('CSV happy path: sections joined, metadata kept, dates normalized', async () => {
  const rng = new Rng(1);
  const reports = Array.from({ length: 5 }, (_, i) => syntheticReport(rng, i));
  const file = write('ok.csv', [CSV_HEADER, ...reports.map(csvRow)].join('\n') + '\n');
  const items = await collect(readReports(file, { textColumns: ['findings', 'impression'] }));
  assert.equal(items.length, 5);
  items.forEach((it, i) => {
    assert.ok(it.ok);
    const r = reports[i]!;
    assert.deepEqual(it.record, {
      recordId: r.id, text: `FINDINGS: ${r.findings}\nIMPRESSION: ${r.impression}`, location: `ok.csv:line ${i + 2}`,
      accession: r.accession, patientId: r.patientId, modality: r.modality, examDate: r.examDate,
    });
  });
});

test('CSV: one text column is taken as is; quoted multi-line fields keep their line numbers; CRLF', async () => {
  const file = write('one.csv', 'key;body;when\r\n1;"line one\r\nline ""two""";01/02/2020\r\n2;plain;20210304\r\n');
  const items = await collect(readReports(file, { idColumn: 'key', textColumns: ['body'], delimiter: ';', dateColumn: 'when' }));
  assert.deepEqual(items.map((it) => it.ok && [it.record.recordId, it.record.text, it.record.location, it.record.examDate]), [
    ['1', 'line one\r\nline "two"', 'one.csv:line 2', '2020-01-02'],
    ['2', 'plain', 'one.csv:line 4', '2021-03-04'],
  ]);
});

test('CSV: bad rows are rejected one by one and the rows after them still come out', async () => {
  const content = Buffer.concat([
    Buffer.from('id,findings,impression\n'),
    Buffer.from('1,ok one,fine\n'),
    Buffer.from('2,too,many,fields\n'),               // ragged
    Buffer.from('3,"bad"quote,x\n'),                   // text after a closing quote
    Buffer.from('4,a"b,x\n'),                          // quote inside an unquoted field
    Buffer.from('5,short\n'),                          // ragged (too few)
    Buffer.from('6,bad \xff byte,x\n', 'latin1'),      // invalid UTF-8
    Buffer.from('7,,\n'),                              // empty
    Buffer.from(',no id,x\n'),                         // missing id
    Buffer.from('\n'),                                 // blank line: no record
    Buffer.from('9,"multi\nline",ok\n'),
    Buffer.from('10,last,"ok"\n'),
  ]);
  const file = write('bad.csv', content);
  const items = await collect(readReports(file, { textColumns: ['findings', 'impression'] }));
  assert.deepEqual(summary(items), [
    'ok 1',
    'CSV_RAGGED 2 @bad.csv:line 3',
    'CSV_QUOTE 3 @bad.csv:line 4',
    'CSV_QUOTE 4 @bad.csv:line 5',
    'CSV_RAGGED 5 @bad.csv:line 6',
    'BAD_UTF8 6 @bad.csv:line 7',
    'EMPTY 7 @bad.csv:line 8',
    'NO_ID  @bad.csv:line 9',
    'ok 9',
    'ok 10',
  ]);
  for (const it of items) if (!it.ok) assert.ok(it.rejected.reason.length > 10, it.rejected.reason);
  const nine = items[8]!;
  assert.ok(nine.ok && nine.record.text === 'FINDINGS: multi\nline\nIMPRESSION: ok' && nine.record.location === 'bad.csv:line 11');
});

test('CSV: a quote never closed is reported on its line and the lines after it are read again', async () => {
  const file = write('open.csv', 'id,text\n1,fine\n2,"never closed\n3,after\n4,"also ""ok"""\n');
  const items = await collect(readReports(file));
  assert.deepEqual(summary(items), ['ok 1', 'CSV_QUOTE 2 @open.csv:line 3', 'ok 3', 'ok 4']);
  assert.ok(items[3]!.ok && items[3]!.record.text === 'also "ok"');
});

test('CSV: a 10 MB report is rejected TOO_LARGE with its id, and the run goes on', async () => {
  const big = 'x'.repeat(10 * 1024 * 1024);
  const file = write('big.csv', `id,text\n1,small\n2,"${big}"\n3,after\n`);
  const items = await collect(readReports(file));
  assert.deepEqual(summary(items), ['ok 1', 'TOO_LARGE 2 @big.csv:line 3', 'ok 3']);
  assert.match((items[1] as { rejected: { reason: string } }).rejected.reason, /maxReportBytes/);
});

test('CSV: an unknown column is an options error naming the columns asked for and the count, never the header\'s names', async () => {
  const file = write('cols.csv', 'uid,findings,extra\n1,x,y\n');
  const error = await collect(readReports(file, { idColumn: 'uid', textColumns: ['report', 'impression'] })).then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof OptionsError);
  assert.match(error.message, /^cols\.csv:line 1: the CSV header has 3 columns and none named 'report', 'impression'/);
  // Were the file without a header row, the first line would be a patient's data.
  assert.doesNotMatch(error.message, /findings|extra/);
});

test('CSV: 50,000 generated rows stream through, every row accounted for', async () => {
  const rng = new Rng(7);
  const file = path.join(tmp, 'many.csv');
  const n = 50_000;
  writeGenerated(file, n, (i) => `${csvRow(syntheticReport(rng, i))}\n`, CSV_HEADER);
  let ok = 0, last = '';
  for await (const it of readReports(file, { textColumns: ['findings', 'impression'] })) {
    if (it.ok) { ok++; last = it.record.recordId; }
  }
  assert.equal(ok, n);
  assert.equal(last, `R${n - 1}`);
});

test('CSV: a record over maxRecordBytes is not held; it is rejected under its id and reading goes on', async () => {
  const file = write('huge.csv', `id,text\n1,small\n2,"${'q'.repeat(3 * 1024 * 1024)}\n"\n3,after\n`);
  const items = await collect(readReports(file, { maxRecordBytes: 1024 * 1024 }));
  assert.deepEqual(summary(items), ['ok 1', 'TOO_LARGE 2 @huge.csv:line 3', 'ok 3']);
});

test('CSV: an unclosed quote early in a file over 64 MiB costs its one line, and every other row is counted', async () => {
  // 400,000 unquoted rows (~73 MiB); row 2 opens a quote that never closes, so the open field runs
  // past maxRecordBytes (64 MiB by default), where the reader used to give up and lose the file.
  const file = path.join(tmp, 'stray-quote-70mb.csv');
  const rows = 400_000;
  const text = 'Stable appearance of the chest; no change since the prior exam. The heart is normal in size. ' +
    'No focal consolidation or effusion or pneumothorax. Degenerative change of the spine.';
  const bytes = writeGenerated(file, rows, (i) => (i === 1 ? `${i},"stray quote that never closes\n` : `${i},${text} ${i}\n`), 'id,text');
  assert.ok(bytes > 64 * 1024 * 1024, `the file must be over the 64 MiB cut, is ${bytes}`);
  try {
    let ok = 0, firstRejects: string[] = [], rejected = 0, lastLine = '';
    for await (const it of readReports(file)) {
      if (it.ok) { ok++; lastLine = it.record.location; continue; }
      rejected++;
      if (firstRejects.length < 5) firstRejects.push(`${it.rejected.code} ${it.rejected.recordId} @${it.rejected.location}`);
    }
    assert.deepEqual(firstRejects, ['CSV_QUOTE 1 @stray-quote-70mb.csv:line 3']);
    assert.equal(ok + rejected, rows);
    assert.equal(ok, rows - 1);
    assert.equal(lastLine, `stray-quote-70mb.csv:line ${rows + 1}`);
  } finally {
    rmSync(file, { force: true });
  }
});
