/**
 * JSON Lines: one object per line. Blank lines are no records. A line that is not valid UTF-8 is
 * BAD_UTF8, one that does not parse to an object is BAD_JSON (with its line number); the run goes on.
 */
import { isUtf8 } from 'node:buffer';
import path from 'node:path';
import { readLines, isBlank, type ByteRange } from './lines.js';
import { finishRecord, joinSections, reject, withMeta } from './record.js';
import { jsonSyntaxProblem } from './json-error.js';
import type { ResolvedSourceOptions, SourceItem, SourceRecord } from './source.js';

type Resolved = ResolvedSourceOptions;

/** Field names tried when the caller names none (first present wins); `report_id` is what `pacsmine sample` writes. */
export const DEFAULT_META_FIELDS = {
  id: ['id', 'report_id', 'reportId'],
  accession: ['accession', 'accession_number', 'accessionNumber'],
  patient: ['patient_id', 'patientId', 'patient'],
  modality: ['modality'],
  date: ['exam_date', 'examDate', 'study_date', 'studyDate', 'date'],
} as const;

/** The records of the file, or of the lines in `range` (a queued shard: src/queue/ingest-split.ts). */
export async function* readJsonl(file: string, options: Resolved, range?: ByteRange): AsyncGenerator<SourceItem> {
  const name = path.basename(file);
  const idField = options.idColumn;
  const textFields = options.textColumns;
  const limit = options.maxRecordBytes;
  for await (const line of readLines(file, limit, false, range)) {
    const location = `${name}:line ${line.lineNo}`;
    if (line.oversize) {
      yield reject('', location, 'TOO_LARGE', `line is over ${limit} bytes (maxRecordBytes)`);
      continue;
    }
    if (isBlank(line.bytes)) continue;
    const utf8 = isUtf8(line.bytes);
    let value: unknown;
    try {
      value = JSON.parse(line.bytes.toString('utf8'));
    } catch (error) {
      yield reject('', location, utf8 ? 'BAD_JSON' : 'BAD_UTF8',
        utf8 ? `line is not valid JSON (${jsonSyntaxProblem(error)})` : 'line is not valid UTF-8');
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      yield reject('', location, 'BAD_JSON', 'line is JSON but not an object');
      continue;
    }
    const obj = value as Record<string, unknown>;
    const recordId = idField !== undefined ? scalar(obj[idField]) : firstScalar(obj, DEFAULT_META_FIELDS.id);
    if (!utf8) {
      yield reject(recordId, location, 'BAD_UTF8', 'line is not valid UTF-8');
      continue;
    }
    yield fromObject(obj, recordId, location, textFields, options);
  }
}

/** Builds a record from a JSON object (shared with nothing else, but kept apart for reading). */
function fromObject(obj: Record<string, unknown>, recordId: string, location: string,
  textFields: string[] | undefined, options: Resolved): SourceItem {
  let text: string;
  if (textFields) {
    const values: (string | undefined)[] = [];
    for (const f of textFields) values.push(textOf(obj[f]));
    text = joinSections(textFields, values);
  } else {
    text = (textOf(obj['report']) ?? textOf(obj['text']) ?? '').trim();
  }
  const record: SourceRecord = { recordId, text, location };
  withMeta(record,
    pick(obj, options.accessionColumn, DEFAULT_META_FIELDS.accession),
    pick(obj, options.patientColumn, DEFAULT_META_FIELDS.patient),
    pick(obj, options.modalityColumn, DEFAULT_META_FIELDS.modality),
    pick(obj, options.dateColumn, DEFAULT_META_FIELDS.date));
  return finishRecord(record, options.maxReportBytes);
}

/** A string or number as a trimmed string; anything else as ''. */
function scalar(v: unknown): string {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return '';
}

function firstScalar(obj: Record<string, unknown>, fields: readonly string[]): string {
  for (const f of fields) {
    const v = scalar(obj[f]);
    if (v) return v;
  }
  return '';
}

function textOf(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

function pick(obj: Record<string, unknown>, named: string | undefined, defaults: readonly string[]): string | undefined {
  if (named !== undefined) return scalar(obj[named]) || undefined;
  return firstScalar(obj, defaults) || undefined;
}
