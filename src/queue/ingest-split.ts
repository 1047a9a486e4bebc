/**
 * Splits a CSV or JSON Lines report file into shards for queued ingest: byte ranges that start at
 * a record boundary, so that a worker reading one range (readReportShard) gets exactly the records
 * a whole-file read gives there, locations included. JSON Lines: any line start is a boundary.
 * CSV: a record may span lines (a quoted field with line breaks), so the coordinator runs the
 * same record splitter as the reader over the whole file (bytes only: no field is parsed, nothing
 * is kept but line numbers), then maps the chosen records' first lines to byte offsets.
 * A second pass counts line feeds; both passes stream, so memory is 8 bytes per record.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { OptionsError } from '../util/errors.js';
import { CsvRecordSplitter } from '../ingest/csv-split.js';
import { isBlank } from '../ingest/lines.js';
import type { ResolvedSourceOptions, SourceShard } from '../ingest/source.js';

export interface ShardSize {
  /** Records per shard (default 1,000 when neither is given). */
  records?: number;
  /** Bytes per shard: a shard ends at the first record boundary at or past this many bytes. */
  bytes?: number;
}

export interface Shard extends SourceShard {
  index: number;
  end: number;
  /** Records (CSV) or lines (JSON Lines) that start in the shard. */
  records: number;
}

export const DEFAULT_SHARD_RECORDS = 1000;

/** The shards of `file` (format 'csv' or 'jsonl'), in source order; none for a file without records. */
export async function splitShards(file: string, format: 'csv' | 'jsonl', options: ResolvedSourceOptions & { delimiter: string }, size: ShardSize): Promise<Shard[]> {
  for (const [name, v] of [['shardRecords', size.records], ['shardBytes', size.bytes]] as const) {
    if (v !== undefined && !(Number.isInteger(v) && v >= 1)) throw new OptionsError(`option \`${name}\` must be a positive integer, got ${v}`);
  }
  if (size.records !== undefined && size.bytes !== undefined) throw new OptionsError('give option `shardRecords` or option `shardBytes`, not both');
  const fileSize = (await stat(file)).size;
  // The first line of each record: every line for JSON Lines (blank ones are skipped by the reader wherever they fall).
  const starts = format === 'csv' ? await csvRecordLines(file, options) : undefined;
  const limitRecords = size.bytes === undefined ? size.records ?? DEFAULT_SHARD_RECORDS : Infinity;
  const limitBytes = size.bytes ?? Infinity;
  const shards: Shard[] = [];
  let k = 0; // next entry of `starts`
  await forEachLineStart(file, (line, offset) => {
    if (offset >= fileSize) return; // after the final line feed: no record starts there
    if (starts) {
      if (k >= starts.length || starts[k] !== line) return;
      k++;
    }
    const cur = shards.at(-1);
    if (cur && cur.records < limitRecords && offset - cur.start < limitBytes) {
      cur.records++;
      return;
    }
    if (cur) {
      cur.end = offset;
      cur.endLine = line;
    }
    shards.push({ index: shards.length, start: offset, line, end: fileSize, records: 1 });
  });
  return shards;
}

/** First lines of the CSV's records after the header (blank "records", skipped by the reader, left out). */
async function csvRecordLines(file: string, options: ResolvedSourceOptions & { delimiter: string }): Promise<number[]> {
  const lines: number[] = [];
  let header = false;
  const splitter = new CsvRecordSplitter(options.delimiter.charCodeAt(0), options.maxRecordBytes, (bytes, start, end, startLine) => {
    if (isBlank(bytes, start, end)) return;
    if (!header) header = true;
    else lines.push(startLine);
  });
  const stream = createReadStream(file, { highWaterMark: 1024 * 1024 });
  for await (const chunk of stream as AsyncIterable<Buffer>) splitter.push(chunk);
  splitter.end();
  return lines;
}

/** Calls `fn(line, offset)` for the start of every line (1-based), in order, the file's end included when it follows a line feed. */
async function forEachLineStart(file: string, fn: (line: number, offset: number) => void): Promise<void> {
  let line = 1;
  let base = 0;
  fn(1, 0);
  const stream = createReadStream(file, { highWaterMark: 1024 * 1024 });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) fn(++line, base + i + 1);
    base += chunk.length;
  }
}
