import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseSync } from 'csv-parse/sync';
import { needsSharedData, sharedDataDir } from '../../testing/requirements.js';
import { readReports } from './source.js';

const RELATIVE = 'iu-xray/indiana_reports.csv';

test('the Indiana chest X-ray reports: all 3,851 rows come out ok or rejected, matching csv-parse', { skip: needsSharedData(RELATIVE) }, async () => {
  const file = path.join(sharedDataDir, RELATIVE);
  // The reference: csv-parse reads the whole (small) file at once.
  const rows = parseSync(readFileSync(file), { columns: true }) as Record<string, string>[];
  const expectEmpty = rows.filter((r) => !r['findings']!.trim() && !r['impression']!.trim()).length;
  let ok = 0;
  const codes = new Map<string, number>();
  let n = 0;
  for await (const it of readReports(file, { idColumn: 'uid', textColumns: ['findings', 'impression'] })) {
    const row = rows[n++]!;
    if (it.ok) {
      ok++;
      assert.equal(it.record.recordId, row['uid']);
      const parts = [];
      if (row['findings']!.trim()) parts.push(`FINDINGS: ${row['findings']!.trim()}`);
      if (row['impression']!.trim()) parts.push(`IMPRESSION: ${row['impression']!.trim()}`);
      assert.equal(it.record.text, parts.join('\n'));
    } else {
      assert.equal(it.rejected.recordId, row['uid']);
      codes.set(it.rejected.code, (codes.get(it.rejected.code) ?? 0) + 1);
    }
  }
  assert.equal(rows.length, 3851);
  assert.equal(n, 3851);
  assert.ok(expectEmpty > 0);
  assert.deepEqual([...codes], [['EMPTY', expectEmpty]]);
  assert.equal(ok + expectEmpty, 3851);
});
