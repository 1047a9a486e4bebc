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

/** Header names tried for metadata when the caller names no column (case-insensitive, first present wins). */
export const DEFAULT_META_COLUMNS = {
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

export async function* readCsv(file: string, options: Resolved): AsyncGenerator<SourceItem> {
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
        fatal = new FormatError(`${location}: the CSV header ${problem === 'quote' ? 'is badly quoted' : 'is too large'}`);
        return;
      }
      let header = bytes.toString('utf8', start, end);
      if (header.charCodeAt(0) === 0xfeff) header = header.slice(1);
      try { columns = resolveColumns(splitCsvFields(header, delimiter), options); } catch (error) { fatal = error as Error; }
      return;
    }
    if (problem === null) {
      queue.push(toItem(splitCsvFields(bytes.toString('utf8', start, end), delimiter), columns, location, maxReportBytes));
      return;
    }
    const recordId = salvageId(bytes.subarray(start, end), columns.id, delimiter);
    queue.push(problem === 'quote'
      ? reject(recordId, location, 'CSV_QUOTE', 'record is badly quoted (a quote inside an unquoted field, text after a closing quote, or a quote never closed)')
      : reject(recordId, location, 'TOO_LARGE', `record is over ${options.maxRecordBytes} bytes (maxRecordBytes)`));
  }

  const splitter = new CsvRecordSplitter(delimiter.charCodeAt(0), options.maxRecordBytes, onRecord);
  const stream = createReadStream(file, { highWaterMark: 1024 * 1024 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      splitter.push(chunk);
      if (fatal) throw fatal;
      for (let i = 0; i < queue.length; i++) yield queue[i]!;
      queue.length = 0;
    }
    splitter.end();
    if (fatal) throw fatal;
    for (let i = 0; i < queue.length; i++) yield queue[i]!;
    queue.length = 0;
  } finally {
    stream.destroy();
  }
}

function toItem(fields: string[], c: Columns, location: string, maxReportBytes: number): SourceItem {
  const n = fields.length;
  const recordId = c.id < n ? fields[c.id]!.trim() : '';
  if (n !== c.count) {
    return reject(recordId, location, 'CSV_RAGGED', `record has ${n} fields, the header has ${c.count}`);
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

function resolveColumns(header: string[], options: Resolved): Columns {
  const names = header.map((h) => h.replace(/^\uFEFF/, '').trim());
  const find = (wanted: string, required: boolean): number => {
    let i = names.indexOf(wanted);
    if (i < 0) i = names.findIndex((n) => n.toLowerCase() === wanted.toLowerCase());
    if (i < 0 && required) {
      throw new OptionsError(`CSV has no column '${wanted}'; its columns are: ${names.join(', ')}`);
    }
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
  const textNames = options.textColumns ?? ['text'];
  if (textNames.length === 0) throw new OptionsError('textColumns must name at least one column');
  return {
    count: names.length,
    id: find(options.idColumn ?? 'id', true),
    text: textNames.map((t) => find(t, true)),
    textNames,
    accession: meta(options.accessionColumn, DEFAULT_META_COLUMNS.accession),
    patient: meta(options.patientColumn, DEFAULT_META_COLUMNS.patient),
    modality: meta(options.modalityColumn, DEFAULT_META_COLUMNS.modality),
    date: meta(options.dateColumn, DEFAULT_META_COLUMNS.date),
  };
}

/** Best effort id of a record that csv-parse will not take: parse it leniently, ignoring errors. */
function salvageId(body: Buffer, idIndex: number, delimiter: string): string {
  try {
    const rows = parseSync(body, { delimiter, relax_quotes: true, relax_column_count: true, to: 1 }) as string[][];
    return rows[0]?.[idIndex]?.trim() ?? '';
  } catch {
    const first = body.subarray(0, 4096).toString('utf8').split(delimiter)[idIndex];
    return first !== undefined && !first.includes('"') ? first.trim() : '';
  }
}
