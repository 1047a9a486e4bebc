import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { collect } from '../../testing/report-exports.js';
import { readReports, type SourceItem } from './source.js';

function summary(items: SourceItem[]): string[] {
  return items.map((it) => (it.ok ? `ok ${it.record.recordId}` : `${it.rejected.code} ${it.rejected.recordId}`));
}

test('a folder of .txt files, recursive and sorted; bad files rejected one by one', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-txt-'));
  mkdirSync(path.join(dir, 'ct', '2020'), { recursive: true });
  writeFileSync(path.join(dir, 'b.txt'), '\uFEFFFindings: clear lungs.\n');
  writeFileSync(path.join(dir, 'a.TXT'), 'Impression: stable.');
  writeFileSync(path.join(dir, 'ct', '2020', '17.txt'), 'Liver lesion, segment 7.');
  writeFileSync(path.join(dir, 'ct', 'empty.txt'), ' \n ');
  writeFileSync(path.join(dir, 'ct', 'latin1.txt'), Buffer.from('caf\xe9', 'latin1'));
  writeFileSync(path.join(dir, 'ct', 'huge.txt'), 'w'.repeat(10 * 1024 * 1024));
  writeFileSync(path.join(dir, 'notes.md'), 'not a report');
  writeFileSync(path.join(dir, '.hidden.txt'), 'not a report');
  const items = await collect(readReports(dir));
  assert.deepEqual(summary(items), ['ok a', 'ok b', 'ok ct/2020/17', 'EMPTY ct/empty', 'TOO_LARGE ct/huge', 'BAD_UTF8 ct/latin1']);
  const b = items[1]!;
  assert.ok(b.ok && b.record.text === 'Findings: clear lungs.' && b.record.location === 'b.txt');
});

test('one .txt file is one report named by its base name', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-txt1-'));
  const file = path.join(dir, 'report-9.txt');
  writeFileSync(file, 'No acute findings.');
  assert.deepEqual(summary(await collect(readReports(file))), ['ok report-9']);
});
