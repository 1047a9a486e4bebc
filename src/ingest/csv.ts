/**
 * CSV reports, streaming. CsvRecordSplitter cuts the bytes into records and sets aside badly
 * quoted ones; splitCsvFields splits the good ones into fields. (csv-parse, tried first, ran at
 * ~75,000 rows/s here and stays inside quotes after a bad one, losing the rest of the file; it is
 * kept to salvage the id of a rejected record and as the reference in the tests.) The first record
 * is the header. Each later record becomes one item: ok, or rejected CSV_RAGGED (field count differs
 * from the header's), CSV_QUOTE, BAD_UTF8, NO_ID, EMPTY or TOO_LARGE.
 */
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { parse as parseSync } from 'csv-parse/sync';
import { FormatError, OptionsError } from '../util/errors.js';
import { CsvRecordSplitter, type RecordProblem } from './csv-split.js';
import { splitCsvFields } from './csv-fields.js';
import { isBlank } from './lines.js';
import { finishRecord, joinSections, reject, withMeta } from './record.js';
import type { ResolvedSourceOptions, SourceItem, SourceRecord } from './source.js';

type Resolved = ResolvedSourceOptions & { delimiter: string };

/**
 * Header names tried when the caller names no column (case-insensitive, first present wins). The
 * id list covers `report_id`, what `pacsmine sample` writes, so that its archive ingests with no options.
 */
export const DEFAULT_META_COLUMNS = {
  id: ['id', 'report_id', 'reportid'],
  text: ['text', 'report', 'report_text'],
  accession: ['accession', 'accession_number', 'accessionnumber'],
  patient: ['patient_id', 'patientid', 'patient'],
  modality: ['modality'],
  date: ['exam_date', 'examdate', 'study_date', 'studydate', 'date'],
} as const;

const REPLACEMENT = '\uFFFD';

interface Columns {
  count: number;
  id: number;
  text: number[];
  textNames: string[];
  accession: number;
  patient: number;
  modality: number;
  date: number;
}

/**
 * A queued shard of a CSV file (src/queue/ingest-split.ts): the records that start at byte `start`
 * (line `line`, a record boundary of the whole file) and before line `endLine` (absent: to the end).
 * The header is read from the file's start. Scanning goes on past `endLine` only to settle the last
 * record as a whole-file scan would (a quote that never closes), so the shard's records are the
 * whole file's, byte for byte.
 */
export interface CsvRange {
  start: number;
  line: number;
  endLine?: number;
}

export async function* readCsv(file: string, options: Resolved, range?: CsvRange): AsyncGenerator<SourceItem> {
  const name = path.basename(file);
  const delimiter = options.delimiter;
  if (delimiter.length !== 1 || delimiter.charCodeAt(0) > 127 || '"\r\n'.includes(delimiter)) {
    throw new OptionsError(`CSV delimiter must be one ASCII character other than a quote or line break, got ${JSON.stringify(delimiter)}`);
  }
  const maxReportBytes = options.maxReportBytes;
  const queue: SourceItem[] = [];
  let columns: Columns | undefined;
  let fatal: Error | undefined;

  function onRecord(bytes: Buffer, start: number, end: number, startLine: number, problem: RecordProblem): void {
    if (fatal || isBlank(bytes, start, end)) return; // a blank line is no record
    if (end > start && bytes[end - 1] === 10) end--;
    if (end > start && bytes[end - 1] === 13) end--;
    const location = `${name}:line ${startLine}`;
    if (columns === undefined) {
      if (problem !== null) {
        fatal = new FormatError(`${location}: the CSV header ${problem === 'oversize' ? 'is too large' : 'is badly quoted'}`);
        return;
      }
      let header = bytes.toString('utf8', start, end);
      if (header.charCodeAt(0) === 0xfeff) header = header.slice(1);
      try { columns = resolveColumns(splitCsvFields(header, delimiter), options, location); } catch (error) { fatal = error as Error; }
      return;
    }
    if (problem === null) {
      queue.push(toItem(splitCsvFields(bytes.toString('utf8', start, end), delimiter), columns, location, maxReportBytes));
      return;
    }
    const recordId = salvageId(bytes.subarray(start, end), columns.id, delimiter);
    queue.push(problem === 'oversize'
      ? reject(recordId, location, 'TOO_LARGE', `record is over ${options.maxRecordBytes} bytes (maxRecordBytes)`)
      : problem === 'unclosed'
        ? reject(recordId, location, 'CSV_QUOTE', `a quoted field opened on this line is not closed before the end of the file or within ${options.maxRecordBytes} bytes (maxRecordBytes); only this line is rejected and reading goes on with the next line`)
        : reject(recordId, location, 'CSV_QUOTE', 'record is badly quoted (a quote inside an unquoted field, or text after a closing quote)'));
  }

  // A shard: records from its start line up to (not including) its end line.
  let stopLine = Infinity;
  let stopped = false;
  let headerOnly = range !== undefined;
  const sink = (bytes: Buffer, start: number, end: number, startLine: number, problem: RecordProblem): void => {
    if (stopped) return;
    if (columns !== undefined && startLine >= stopLine) {
      stopped = true;
      return;
    }
    onRecord(bytes, start, end, startLine, problem);
    // The header of a shard's file: read, then on to the shard itself.
    if (headerOnly && columns !== undefined) stopped = true;
  };
  async function* scan(start: number, firstLine: number): AsyncGenerator<SourceItem> {
    stopped = false;
    const splitter = new CsvRecordSplitter(delimiter.charCodeAt(0), options.maxRecordBytes, sink, firstLine);
    const stream = createReadStream(file, { highWaterMark: 1024 * 1024, start });
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        splitter.add(chunk);
        while (!stopped && splitter.step()) {
          if (fatal) throw fatal;
          for (let i = 0; i < queue.length; i++) yield queue[i]!;
          queue.length = 0;
        }
        if (stopped) break;
      }
      if (!stopped) splitter.finish();
      while (!stopped && splitter.step()) {
        if (fatal) throw fatal;
        for (let i = 0; i < queue.length; i++) yield queue[i]!;
        queue.length = 0;
      }
      if (fatal) throw fatal;
      for (let i = 0; i < queue.length; i++) yield queue[i]!;
      queue.length = 0;
    } finally {
      stream.destroy();
    }
  }
  // The whole file; for a shard, its header only (the scan stops once the columns are known).
  yield* scan(0, 1);
  if (!range || columns === undefined) return;
  headerOnly = false;
  stopLine = range.endLine ?? Infinity;
  yield* scan(range.start, range.line);
}

function toItem(fields: string[], c: Columns, location: string, maxReportBytes: number): SourceItem {
  const n = fields.length;
  const recordId = c.id < n ? fields[c.id]!.trim() : '';
  if (n !== c.count) {
    // A ragged "record" may be a stray line of report text: its id only when it looks like one.
    return reject(looksLikeId(recordId) ? recordId : '', location, 'CSV_RAGGED', `record has ${n} fields, the header has ${c.count}`);
  }
  for (let i = 0; i < n; i++) {
    if (fields[i]!.includes(REPLACEMENT)) return reject(recordId, location, 'BAD_UTF8', `field ${i + 1} is not valid UTF-8`);
  }
  let text: string;
  if (c.text.length === 1) text = fields[c.text[0]!]!.trim();
  else {
    const values: string[] = [];
    for (const t of c.text) values.push(fields[t]!);
    text = joinSections(c.textNames, values);
  }
  const record: SourceRecord = { recordId, text, location };
  withMeta(record, at(fields, c.accession), at(fields, c.patient), at(fields, c.modality), at(fields, c.date));
  return finishRecord(record, maxReportBytes, 'record');
}

function at(fields: string[], index: number): string | undefined {
  return index < 0 ? undefined : fields[index]!.trim() || undefined;
}

/**
 * Column indexes from the header. A missing column is an OptionsError that names the columns asked
 * for but never the header's own names: in a file without a header row they are a patient's data.
 */
function resolveColumns(header: string[], options: Resolved, location: string): Columns {
  const names = header.map((h) => h.replace(/^\uFEFF/, '').trim());
  const missing: string[] = [];
  const find = (wanted: string, required: boolean): number => {
    let i = names.indexOf(wanted);
    if (i < 0) i = names.findIndex((n) => n.toLowerCase() === wanted.toLowerCase());
    if (i < 0 && required && !missing.includes(wanted)) missing.push(wanted);
    return i;
  };
  const meta = (named: string | undefined, defaults: readonly string[]): number => {
    if (named !== undefined) return find(named, true);
    for (const d of defaults) {
      const i = find(d, false);
      if (i >= 0) return i;
    }
    return -1;
  };
  // Unnamed id / text columns: the first default present, else the first default is reported missing.
  const either = (named: string | undefined, defaults: readonly string[]): string =>
    named ?? defaults.find((d) => find(d, false) >= 0) ?? defaults[0]!;
  const textNames = options.textColumns ?? [either(undefined, DEFAULT_META_COLUMNS.text)];
  if (textNames.length === 0) throw new OptionsError('textColumns must name at least one column');
  const columns: Columns = {
    count: names.length,
    id: find(either(options.idColumn, DEFAULT_META_COLUMNS.id), true),
    text: textNames.map((t) => find(t, true)),
    textNames,
    accession: meta(options.accessionColumn, DEFAULT_META_COLUMNS.accession),
    patient: meta(options.patientColumn, DEFAULT_META_COLUMNS.patient),
    modality: meta(options.modalityColumn, DEFAULT_META_COLUMNS.modality),
    date: meta(options.dateColumn, DEFAULT_META_COLUMNS.date),
  };
  if (missing.length > 0) {
    const alternatives = (m: string): string => {
      const list = options.idColumn === undefined && m === DEFAULT_META_COLUMNS.id[0] ? DEFAULT_META_COLUMNS.id
        : options.textColumns === undefined && m === DEFAULT_META_COLUMNS.text[0] ? DEFAULT_META_COLUMNS.text : [m];
      return list.map((n) => `'${n}'`).join(' or ');
    };
    throw new OptionsError(`${location}: the CSV header has ${names.length} column${names.length === 1 ? '' : 's'} and none named ` +
      `${missing.map(alternatives).join(', ')} (compared case-insensitively). The first line is read as the header; its names are ` +
      'not shown, since in a file without a header row they would be patient data. Name the columns with option `idColumn` / option `textColumns` ' +
      'or add a header row.');
  }
  return columns;
}

/**
 * Best effort id of a badly quoted or oversize record: parse it leniently, ignoring errors. Such a
 * "record" may be a stray line of report text, so its id column is kept only when it looks like an
 * id (no white space, at most 64 characters); otherwise the rejection is known by its line alone.
 */
function salvageId(body: Buffer, idIndex: number, delimiter: string): string {
  let id: string;
  try {
    const rows = parseSync(body, { delimiter, relax_quotes: true, relax_column_count: true, to: 1 }) as string[][];
    id = rows[0]?.[idIndex]?.trim() ?? '';
  } catch {
    const first = body.subarray(0, 4096).toString('utf8').split(delimiter)[idIndex];
    id = first !== undefined && !first.includes('"') ? first.trim() : '';
  }
  return looksLikeId(id) ? id : '';
}

/** An id of a record whose fields could not be trusted: one word, not too long. */
export function looksLikeId(value: string): boolean {
  return value.length <= 64 && !/\s/.test(value);
}
