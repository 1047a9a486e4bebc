/**
 * The streaming report sources: one entry point, `readReports(path, options)`, that turns a
 * hospital's report export (CSV, JSON Lines, a folder of .txt files, FHIR R4 DiagnosticReport,
 * HL7 v2 ORU^R01) into records. Every input record yields exactly one item, ok or rejected, in
 * source order, so that records seen = ok + rejected. Nothing here holds a whole export in
 * memory (a FHIR Bundle file, one JSON object, is the one exception, up to 512 MiB).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { OptionsError } from '../util/errors.js';
import { readCsv } from './csv.js';
import { readJsonl } from './jsonl.js';
import { readTxtFiles } from './txt.js';
import { readFhir } from './fhir.js';
import { readHl7 } from './hl7.js';
import { detectFormat } from './detect.js';
import { rawRecordLimit } from './record.js';

export type ReportFormat = 'csv' | 'jsonl' | 'txt' | 'fhir' | 'hl7';

export interface SourceRecord {
  /** The record's id in its source (CSV id column, JSON id field, file name, FHIR resource id, HL7 OBR-3 / MSH-10). */
  recordId: string;
  /** The report text; several text columns are joined as "FINDINGS: …\nIMPRESSION: …". */
  text: string;
  accession?: string;
  patientId?: string;
  modality?: string;
  /** ISO yyyy-mm-dd when the source's date parses, else the source's value as is. */
  examDate?: string;
  /** Where it came from, for messages: "file.csv:line 17", "bundle.json#entry[3]", "msgs.hl7:message 5". */
  location: string;
  /** How many control characters (NUL and the other C0 codes but tab, LF and CR) of the text were replaced by spaces; absent when none. */
  controlCharsReplaced?: number;
}

/**
 * A record that could not be read. `code` is one of REJECT_CODES; `reason` never quotes the input
 * (no report text, cell contents or field values): it cites line numbers, counts and sizes.
 */
export interface Rejected {
  recordId: string;
  location: string;
  code: string;
  reason: string;
}

export type SourceItem = { ok: true; record: SourceRecord } | { ok: false; rejected: Rejected };

export interface SourceOptions {
  /** auto (default): by extension, folder or first bytes. */
  format?: ReportFormat | 'auto';
  /** CSV/JSONL: the id column / field. Default: the first present of 'id', 'report_id' (what `pacsmine sample` writes). */
  idColumn?: string;
  /** CSV/JSONL: the text columns / fields. Default: for CSV the first present of 'text', 'report', 'report_text'; for JSONL of 'report', 'text'. */
  textColumns?: string[];
  accessionColumn?: string;
  patientColumn?: string;
  modalityColumn?: string;
  dateColumn?: string;
  /** Larger reports are rejected TOO_LARGE. Default 1 MiB. */
  maxReportBytes?: number;
  /** CSV: one ASCII character. Default ',' (tab for .tsv). */
  delimiter?: string;
  /**
   * The most bytes of one raw record (CSV record, JSON line, HL7 message) held before it is parsed;
   * a longer one is rejected TOO_LARGE without being kept. Default max(4 × maxReportBytes + 64 KiB, 64 MiB),
   * so that a report a little over maxReportBytes is still parsed and rejected under its own id.
   */
  maxRecordBytes?: number;
}

/** Options after defaults: what each format's reader receives. */
export type ResolvedSourceOptions = SourceOptions & { maxReportBytes: number; maxRecordBytes: number };

/** Every rejection code a source can give. */
export const REJECT_CODES = [
  'BAD_UTF8', 'EMPTY', 'TOO_LARGE', 'NO_ID',
  'CSV_RAGGED', 'CSV_QUOTE', 'BAD_JSON', 'FHIR_INVALID', 'UNKNOWN_RESOURCE', 'HL7_INVALID',
] as const;
export type RejectCode = (typeof REJECT_CODES)[number];

export const DEFAULT_MAX_REPORT_BYTES = 1024 * 1024;

/** Reads any supported export as a stream of items, one per input record, in source order. */
export async function* readReports(file: string, options: SourceOptions = {}): AsyncGenerator<SourceItem> {
  const { format, resolved, delimiter } = await resolveSource(file, options);
  switch (format) {
    case 'csv': yield* readCsv(file, { ...resolved, delimiter }); return;
    case 'jsonl': yield* readJsonl(file, resolved); return;
    case 'txt': yield* readTxtFiles(file, resolved); return;
    case 'fhir': yield* readFhir(file, resolved); return;
    case 'hl7': yield* readHl7(file, resolved); return;
    default:
      throw new OptionsError(`unknown report format '${String(format)}'; expected csv, jsonl, txt, fhir, hl7 or auto`);
  }
}

/** The formats whose files split into byte ranges at record boundaries (queued ingest shards). */
export const SHARDABLE_FORMATS = ['csv', 'jsonl'] as const;

/**
 * A shard of a CSV or JSON Lines file: the records from byte `start` (line `line`, a record boundary
 * of the whole file) to byte `end` / before line `endLine` (absent: the file's end). They are the
 * items a whole-file read gives for those records, locations included (src/queue/ingest-split.ts).
 */
export interface SourceShard {
  start: number;
  line: number;
  end?: number;
  endLine?: number;
}

/** The format a file reads as, with the options after defaults (shared by readReports and the shard reader). */
export async function resolveSource(file: string, options: SourceOptions): Promise<{ format: ReportFormat; resolved: ResolvedSourceOptions; delimiter: string }> {
  const maxReportBytes = options.maxReportBytes ?? DEFAULT_MAX_REPORT_BYTES;
  if (!Number.isFinite(maxReportBytes) || maxReportBytes <= 0) {
    throw new OptionsError(`maxReportBytes must be a positive number of bytes, got ${String(options.maxReportBytes)}`);
  }
  const info = await stat(file).catch((cause: unknown) => {
    throw new OptionsError(`cannot read report source '${file}': ${(cause as Error).message}`, { cause });
  });
  const format = options.format === undefined || options.format === 'auto'
    ? await detectFormat(file, info.isDirectory())
    : options.format;
  const maxRecordBytes = options.maxRecordBytes ?? rawRecordLimit(maxReportBytes);
  if (!Number.isFinite(maxRecordBytes) || maxRecordBytes <= 0) {
    throw new OptionsError(`maxRecordBytes must be a positive number of bytes, got ${String(options.maxRecordBytes)}`);
  }
  const delimiter = options.delimiter ?? (path.extname(file).toLowerCase() === '.tsv' ? '\t' : ',');
  return { format, resolved: { ...options, maxReportBytes, maxRecordBytes }, delimiter };
}

/** The items of one shard of a CSV or JSON Lines file (`format` as resolveSource gave it). */
export async function* readReportShard(file: string, options: SourceOptions, shard: SourceShard): AsyncGenerator<SourceItem> {
  const { format, resolved, delimiter } = await resolveSource(file, options);
  if (format === 'csv') yield* readCsv(file, { ...resolved, delimiter }, { start: shard.start, line: shard.line, ...(shard.endLine !== undefined ? { endLine: shard.endLine } : {}) });
  else if (format === 'jsonl') yield* readJsonl(file, resolved, { start: shard.start, line: shard.line, ...(shard.end !== undefined ? { end: shard.end } : {}) });
  else throw new OptionsError(`a ${format} source does not split into shards; the queue takes ${SHARDABLE_FORMATS.join(' and ')} files`);
}
