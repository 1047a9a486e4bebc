/**
 * Small tables of a collection (manifests, the Indiana CSVs, a cases file) as rows of named
 * fields, CSV or JSON Lines. Collections are thousands of rows, so a table is read whole. A row
 * that cannot be used (ragged, not valid UTF-8, not a JSON object) comes back with a problem, so
 * the caller rejects it by line number; a file that is not CSV at all is a FormatError.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { FormatError } from '../util/errors.js';

export interface TableRow {
  /** Field name -> value (strings; JSON numbers become strings, other JSON values are dropped). */
  fields: Record<string, string>;
  /** "manifest.csv:line 7". */
  location: string;
  problem?: { code: 'CSV_RAGGED' | 'BAD_UTF8' | 'BAD_JSON'; reason: string };
}

export type TableFormat = 'csv' | 'jsonl';

/** csv for .csv/.tsv, jsonl for .jsonl/.ndjson/.json. */
export function tableFormat(file: string): TableFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return 'jsonl';
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') return 'csv';
  throw new FormatError(`${path.basename(file)}: a manifest is CSV (.csv, .tsv) or JSON Lines (.jsonl, .ndjson)`);
}

export function readTable(file: string): TableRow[] {
  return tableFormat(file) === 'csv' ? readCsvTable(file) : readJsonlTable(file);
}

const REPLACEMENT = '\uFFFD';

export function readCsvTable(file: string): TableRow[] {
  const name = path.basename(file);
  const delimiter = path.extname(file).toLowerCase() === '.tsv' ? '\t' : ',';
  let records: Array<{ record: string[]; info: { lines: number; error?: unknown } }>;
  try {
    records = parse(readFileSync(file), { delimiter, bom: true, relax_column_count: true, skip_empty_lines: true, info: true }) as unknown as typeof records;
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new FormatError(`${name}: not valid CSV${line ? ` near line ${line}` : ''} (a quote never closed, or text after a closing quote)`);
  }
  if (records.length === 0) throw new FormatError(`${name}: empty, no header`);
  const header = records[0]!.record.map((h) => h.trim());
  const rows: TableRow[] = [];
  for (const { record, info } of records.slice(1)) {
    const location = `${name}:line ${info.lines}`;
    const fields: Record<string, string> = {};
    header.forEach((h, i) => { if (i < record.length) fields[h] = record[i] as string; });
    const row: TableRow = { fields, location };
    if (record.length !== header.length) row.problem = { code: 'CSV_RAGGED', reason: `row has ${record.length} fields, the header has ${header.length}` };
    else if (record.some((f) => f.includes(REPLACEMENT))) row.problem = { code: 'BAD_UTF8', reason: 'row is not valid UTF-8' };
    rows.push(row);
  }
  return rows;
}

export function readJsonlTable(file: string): TableRow[] {
  const name = path.basename(file);
  const lines = readFileSync(file, 'utf8').split('\n');
  const rows: TableRow[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const location = `${name}:line ${i + 1}`;
    if (line.includes(REPLACEMENT)) {
      rows.push({ fields: {}, location, problem: { code: 'BAD_UTF8', reason: 'line is not valid UTF-8' } });
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      rows.push({ fields: {}, location, problem: { code: 'BAD_JSON', reason: 'line is not valid JSON' } });
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      rows.push({ fields: {}, location, problem: { code: 'BAD_JSON', reason: 'line is JSON but not an object' } });
      return;
    }
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (typeof v === 'string') fields[k] = v;
      else if (typeof v === 'number' && Number.isFinite(v)) fields[k] = String(v);
    }
    rows.push({ fields, location });
  });
  return rows;
}

/** The first present field of `names` (exact name, then case-insensitive), trimmed; undefined when none. */
export function field(row: TableRow, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = row.fields[n] ?? Object.entries(row.fields).find(([k]) => k.toLowerCase() === n.toLowerCase())?.[1];
    if (v !== undefined) return v.trim();
  }
  return undefined;
}
