/** Helpers every source shares: building items, size checks, section joining, date normalizing. */
import type { Rejected, SourceItem, SourceRecord } from './source.js';

export function reject(recordId: string, location: string, code: string, reason: string): SourceItem {
  const rejected: Rejected = { recordId, location, code, reason };
  return { ok: false, rejected };
}

/** UTF-8 byte length above limit? Cheap: a string of n UTF-16 units takes n to 3n bytes. */
export function overByteLimit(text: string, maxBytes: number): boolean {
  if (text.length > maxBytes) return true;
  if (text.length * 3 <= maxBytes) return false;
  return Buffer.byteLength(text, 'utf8') > maxBytes;
}

/**
 * Joins text parts. One configured column is taken as is; several are joined as
 * "FINDINGS: …\nIMPRESSION: …" (the column name upper-cased), skipping empty ones.
 */
export function joinSections(names: readonly string[], values: readonly (string | undefined)[]): string {
  if (names.length === 1) return (values[0] ?? '').trim();
  let out = '';
  for (let i = 0; i < names.length; i++) {
    const v = values[i]?.trim();
    if (!v) continue;
    if (out) out += '\n';
    out += `${names[i]!.toUpperCase()}: ${v}`;
  }
  return out;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/;
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})(?:$|\d|[T .+-])/;
const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:$| )/;

/** yyyy-mm-dd from ISO, HL7/DICOM yyyymmdd[hhmm…] or US m/d/yyyy; the value as is when none fits. */
export function normalizeDate(value: string): string {
  const v = value.trim();
  let m = ISO_DATE.exec(v) ?? COMPACT_DATE.exec(v);
  let y: string | undefined, mo: string | undefined, d: string | undefined;
  if (m) { y = m[1]; mo = m[2]; d = m[3]; } else if ((m = US_DATE.exec(v))) { y = m[3]; mo = m[1]!.padStart(2, '0'); d = m[2]!.padStart(2, '0'); }
  if (y === undefined || mo === undefined || d === undefined) return v;
  const month = Number(mo), day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31) return v;
  return `${y}-${mo}-${d}`;
}

/** Adds the optional metadata fields that are present and non-empty. */
export function withMeta(record: SourceRecord, accession?: string, patientId?: string, modality?: string, examDate?: string): SourceRecord {
  if (accession) record.accession = accession;
  if (patientId) record.patientId = patientId;
  if (modality) record.modality = modality;
  if (examDate) record.examDate = normalizeDate(examDate);
  return record;
}

/** C0 control characters other than tab, line feed and carriage return (NUL included). */
const CONTROL_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;

/**
 * Replaces control characters in the text by spaces and counts them. They are no part of any
 * report (a NUL from a fixed-width or RTF export, an escape code) and would end a C string
 * downstream; one is not worth losing a report over, so the text is cleaned, not rejected.
 */
export function replaceControlChars(record: SourceRecord): void {
  if (!CONTROL_CHAR.test(record.text)) return;
  let n = 0;
  record.text = record.text.replace(CONTROL_CHARS, () => { n++; return ' '; }).trim();
  record.controlCharsReplaced = n;
}

/** Final checks shared by all formats: control characters replaced, id present, text not empty, not too large. */
export function finishRecord(record: SourceRecord, maxReportBytes: number, what = 'report'): SourceItem {
  replaceControlChars(record);
  if (!record.recordId) return reject('', record.location, 'NO_ID', `${what} has no id`);
  if (!record.text) return reject(record.recordId, record.location, 'EMPTY', `${what} has no text`);
  if (overByteLimit(record.text, maxReportBytes)) {
    return reject(record.recordId, record.location, 'TOO_LARGE',
      `${what} text is ${Buffer.byteLength(record.text, 'utf8')} bytes, over the limit of ${maxReportBytes} (maxReportBytes)`);
  }
  return { ok: true, record };
}

/** Hard limit on one raw record (line, CSV record, HL7 message) held in memory before it is parsed. */
export function rawRecordLimit(maxReportBytes: number): number {
  return Math.max(4 * maxReportBytes + 65536, 64 * 1024 * 1024);
}
