/**
 * Shards of a report file read back as the whole file: for CSV (quoted line breaks, badly quoted
 * and never-closed quotes, ragged rows, blank lines, CRLF, a BOM) and JSON Lines (bad lines, blank
 * lines, no final line feed), every shard size gives, shard after shard, exactly the items of one
 * whole-file read, locations included. No Redis needed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readReports, readReportShard, resolveSource, type SourceItem } from '../ingest/source.js';
import { splitShards } from './ingest-split.js';
import { messyCsv, messyJsonl } from '../../testing/messy-reports.js';

async function all(it: AsyncIterable<SourceItem>): Promise<SourceItem[]> {
  const out: SourceItem[] = [];
  for await (const i of it) out.push(i);
  return out;
}

async function sharded(file: string, size: { records?: number; bytes?: number }): Promise<{ items: SourceItem[]; shards: number }> {
  const { format, resolved, delimiter } = await resolveSource(file, {});
  const shards = await splitShards(file, format as 'csv' | 'jsonl', { ...resolved, delimiter }, size);
  const items: SourceItem[] = [];
  for (const s of shards) items.push(...(await all(readReportShard(file, {}, s))));
  return { items, shards: shards.length };
}

test('CSV and JSON Lines shards, at any size, read back as the whole file', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-split-'));
  try {
    const csv = path.join(dir, 'reports.csv');
    const jsonl = path.join(dir, 'reports.jsonl');
    writeFileSync(csv, messyCsv(60));
    writeFileSync(jsonl, messyJsonl(50));
    for (const file of [csv, jsonl]) {
      const whole = await all(readReports(file));
      assert.ok(whole.some((i) => !i.ok) && whole.filter((i) => i.ok).length > 20, 'the file has good and bad records');
      for (const size of [{ records: 1 }, { records: 2 }, { records: 7 }, { records: 1000 }, { bytes: 1 }, { bytes: 50 }, { bytes: 333 }]) {
        const s = await sharded(file, size);
        assert.deepEqual(s.items, whole, `${path.basename(file)} in shards of ${JSON.stringify(size)}`);
        if (size.records === 1) assert.ok(s.shards > 40, `${s.shards} shards`);
      }
    }
    // A file with a header only has no shards; an empty JSON Lines file neither.
    writeFileSync(csv, 'id,report\n');
    writeFileSync(jsonl, '');
    assert.equal((await sharded(csv, {})).shards, 0);
    assert.equal((await sharded(jsonl, {})).shards, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
