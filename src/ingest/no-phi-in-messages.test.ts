/**
 * Errors and rejection reasons never carry the input's contents. Every format is fed bad input
 * with a canary standing for patient data in every cell, field and segment it has; the canary
 * must never show in a thrown message, a reason or a location. (Ids are allowed to be a record's
 * own id; here no id is the canary, except where a test says so.)
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readReports, type SourceItem, type SourceOptions } from './source.js';

/** Stands for a patient's name and record number. */
export const CANARY = 'ZZCANARY Smith MRN 12345678';
const C = CANARY;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-nophi-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function write(name: string, content: string | Buffer): string {
  const file = path.join(tmp, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}

/** Reads a source to the end; returns its items and the message of what it threw, if anything. */
async function read(file: string, options: SourceOptions = {}): Promise<{ items: SourceItem[]; thrown?: string }> {
  const items: SourceItem[] = [];
  try {
    for await (const it of readReports(file, options)) items.push(it);
    return { items };
  } catch (error) {
    return { items, thrown: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

function assertNoCanary(what: string, got: { items: SourceItem[]; thrown?: string }, idsToo = true): void {
  const parts = ['ZZCANARY', 'Smith', '12345678'];
  const check = (where: string, s: string): void => {
    for (const p of parts) assert.ok(!s.includes(p), `${what}: ${where} quotes the input: ${s}`);
  };
  if (got.thrown !== undefined) check('the thrown error', got.thrown);
  for (const it of got.items) {
    if (it.ok) continue;
    check('a reason', it.rejected.reason);
    check('a location', it.rejected.location);
    if (idsToo) check('the id of a broken record', it.rejected.recordId);
  }
}

function codes(items: SourceItem[]): string[] {
  return items.map((it) => (it.ok ? 'ok' : it.rejected.code));
}

test('CSV: a file without a header row throws naming counts and lines, not its first row', async () => {
  const got = await read(write('headerless.csv', `R1,${C},${C},CT\nR2,${C},${C},MR\n`));
  assert.match(got.thrown ?? '', /OptionsError: headerless\.csv:line 1: the CSV header has 4 columns and none named 'id' or 'report_id' or 'reportid', 'text' or 'report' or 'report_text'/);
  assertNoCanary('header-less CSV', got);
  // Named columns that the first row lacks: the same.
  const named = await read(write('headerless2.csv', `${C},${C}\n`), { idColumn: 'uid', textColumns: ['findings', 'impression'], patientColumn: 'mrn' });
  assert.match(named.thrown ?? '', /has 2 columns and none named 'uid', 'findings', 'impression', 'mrn'/);
  assertNoCanary('header-less CSV, named columns', named);
  // A header that is itself badly quoted, or a canary that opens a quote in the header.
  assertNoCanary('badly quoted header', await read(write('badheader.csv', `"${C}"x,text\n1,a\n`)));
  assertNoCanary('open quote in the header', await read(write('openheader.csv', `id,"${C}\n1,a\n`)));
});

test('CSV: every kind of bad row is rejected without quoting its cells', async () => {
  const rows = [
    'id,text,other',
    `r1,${C},${C},${C}`, // ragged: too many
    `${C}`, // ragged: one field, the canary where the id would be
    `r3,"${C}"${C},x`, // text after a closing quote
    `r4,${C}"${C},x`, // a quote inside an unquoted field
    `r5,${C} \xff,x`, // invalid UTF-8
    `r6,,${C}`, // empty text
    `,${C},x`, // no id
    `r8,"${'x'.repeat(300)} ${C}",x`, // over maxReportBytes
    `r9,"${C.repeat(20)}\n${C}\n${C}",x`, // over maxRecordBytes
    `"${C}","${C}`, // a quote never closed; the lines after it are read again
    `${C},${C}`,
    `r12,fine,x`,
  ];
  const got = await read(write('rows.csv', Buffer.from(rows.join('\n') + '\n', 'latin1')), { maxReportBytes: 200, maxRecordBytes: 400 });
  assert.equal(got.thrown, undefined);
  assert.deepEqual(codes(got.items), ['CSV_RAGGED', 'CSV_RAGGED', 'CSV_QUOTE', 'CSV_QUOTE', 'BAD_UTF8', 'EMPTY', 'NO_ID', 'TOO_LARGE', 'TOO_LARGE',
    'CSV_QUOTE', 'CSV_RAGGED', 'ok']);
  assertNoCanary('CSV rows', got);
});

test('JSON Lines: bad JSON, non-objects, bad UTF-8, empty and oversize lines are rejected without quoting the line', async () => {
  const lines = [
    `{"id": "j1", "text": ${C}}`, // unquoted value: V8 quotes it in its message
    C, // not JSON at all
    `{"id": "j3", "text": "${C}`, // unterminated string
    `{"id": "j4", "text": "${C}"} ${C}`, // text after the value
    `{"id": "j5", "text": "${C}\u0001"}`, // raw control character in a string
    JSON.stringify(C), // JSON, not an object
    JSON.stringify([C, C]),
    `{"id": "j8", "text": "${C} \xff"}`, // invalid UTF-8
    JSON.stringify({ id: 'j9', text: 5, findings: C }), // no text
    JSON.stringify({ id: 'j10', text: `${'x'.repeat(300)} ${C}` }), // over maxReportBytes
    JSON.stringify({ id: 'j11', text: C.repeat(20) }), // over maxRecordBytes
    JSON.stringify({ text: C }), // no id
    JSON.stringify({ id: 'j13', text: 'fine' }),
  ];
  const got = await read(write('r.jsonl', Buffer.from(lines.join('\n') + '\n', 'latin1')), { maxReportBytes: 200, maxRecordBytes: 400 });
  assert.equal(got.thrown, undefined);
  assert.deepEqual(codes(got.items), ['BAD_JSON', 'BAD_JSON', 'BAD_JSON', 'BAD_JSON', 'BAD_JSON', 'BAD_JSON', 'BAD_JSON', 'BAD_UTF8', 'EMPTY',
    'TOO_LARGE', 'TOO_LARGE', 'NO_ID', 'ok']);
  assertNoCanary('JSON Lines', got);
});

test('a folder of .txt files: oversize, invalid UTF-8 and empty files are rejected without quoting them', async () => {
  write('txt/a-big.txt', `${'x'.repeat(300)} ${C}`);
  write('txt/b-latin.txt', Buffer.from(`${C} caf\xe9`, 'latin1'));
  write('txt/c-empty.txt', ' \n ');
  write('txt/d-control.txt', '\u0000\u0001\u0002');
  write('txt/e-fine.txt', `${C} is fine here: it is the report`);
  const got = await read(path.join(tmp, 'txt'), { maxReportBytes: 200 });
  assert.deepEqual(codes(got.items), ['TOO_LARGE', 'BAD_UTF8', 'EMPTY', 'EMPTY', 'ok']);
  assertNoCanary('txt folder', got);
});

test('FHIR: bad JSON, wrong types, unknown resource types and bad attachments are rejected without quoting the resource', async () => {
  const dr = (extra: Record<string, unknown>) => JSON.stringify({ resourceType: 'DiagnosticReport', id: 'f', conclusion: C, ...extra });
  const lines = [
    `{"resourceType": "DiagnosticReport", "id": "f1", "conclusion": ${C}}`,
    `{"resourceType": "DiagnosticReport", "id": "f2", "conclusion": "${C}`,
    JSON.stringify({ resourceType: C, id: 'f3', conclusion: C }),
    JSON.stringify({ resourceType: 'DiagnosticReprt', id: 'f4', conclusion: C }),
    JSON.stringify({ id: 'f5', conclusion: C }),
    dr({ id: 'f6', presentedForm: C }),
    dr({ id: 'f7', conclusion: '', presentedForm: [{ contentType: 'text/plain', data: Buffer.from(`${C} caf\xe9`, 'latin1').toString('base64') }] }),
    dr({ id: 'f8', conclusion: `${'x'.repeat(300)} ${C}` }),
    dr({ id: 'f9', conclusion: '', presentedForm: [{ contentType: 'text/plain', data: Buffer.from(C.repeat(20)).toString('base64') }] }),
    JSON.stringify({ resourceType: 'Bundle', id: 'f10', entry: C }),
    JSON.stringify({ resourceType: 'Bundle', entry: [{ resource: { resourceType: C, id: 'f11' } }, { resource: C }, { fullUrl: C }] }),
    dr({ id: '', conclusion: C }),
    JSON.stringify({ resourceType: 'DiagnosticReport', id: 'f13', conclusion: 'fine' }),
  ];
  const got = await read(write('r.ndjson', lines.join('\n') + '\n'), { format: 'fhir', maxReportBytes: 200 });
  assert.equal(got.thrown, undefined);
  assert.deepEqual(codes(got.items), ['FHIR_INVALID', 'FHIR_INVALID', 'UNKNOWN_RESOURCE', 'UNKNOWN_RESOURCE', 'FHIR_INVALID', 'FHIR_INVALID',
    'BAD_UTF8', 'TOO_LARGE', 'TOO_LARGE', 'FHIR_INVALID', 'UNKNOWN_RESOURCE', 'FHIR_INVALID', 'FHIR_INVALID', 'NO_ID', 'ok']);
  assertNoCanary('FHIR NDJSON', got);
  // A Bundle file that does not parse, and one over the line limit as NDJSON.
  assertNoCanary('FHIR Bundle file', await read(write('bundle.json', `{"resourceType": "Bundle", "entry": [{"resource": ${C}`)));
  assertNoCanary('FHIR oversize line', await read(write('big.ndjson', `${dr({ id: 'b', conclusion: C.repeat(40) })}\n`), { format: 'fhir', maxRecordBytes: 400 }));
});

test('HL7: segments before MSH, wrong message types, bad UTF-8, oversize and empty messages are rejected without quoting segments', async () => {
  const msh = (type: string, control = 'CTRL') => `MSH|^~\\&|A|B|C|D|20200101||${type}|${control}|P|2.5`;
  const messages = [
    `${C}\rPID|1||${C}`, // before the first MSH
    `${msh(C)}\rOBR|1||h2\rOBX|1|TX|F||${C}`, // MSH-9 is the canary
    `${msh(`ORU^${C}`)}\rOBR|1||h3\rOBX|1|TX|F||${C}`,
    `${msh('ADT^A01')}\rPID|1||${C}`, // a real type, quoted
    `MSH|^\r`, // too short
    `${msh('ORU^R01')}\rOBR|1||h6\rOBX|1|TX|F||${C} caf\xe9`, // invalid UTF-8
    `${msh('ORU^R01')}\rOBR|1||h7\rOBX|1|NM|F||${C}`, // no text segment
    `${msh('ORU^R01')}\rOBR|1||h8\rOBX|1|TX|F||${'x'.repeat(300)} ${C}`, // over maxReportBytes
    `${msh('ORU^R01')}\rOBR|1||h9\r${`OBX|1|TX|F||${C}\r`.repeat(20)}`, // over maxRecordBytes
    `${msh('ORU^R01', '')}\rPID|1||${C}\rOBX|1|TX|F||${C}`, // no id
    `${msh('ORU^R01')}\rOBR|1||h11\rOBX|1|TX|F||fine`,
  ];
  const got = await read(write('r.hl7', Buffer.from(messages.join('\r') + '\r', 'latin1')), { maxReportBytes: 200, maxRecordBytes: 400 });
  assert.equal(got.thrown, undefined);
  assert.deepEqual(codes(got.items), ['HL7_INVALID', 'HL7_INVALID', 'HL7_INVALID', 'HL7_INVALID', 'HL7_INVALID', 'BAD_UTF8', 'EMPTY', 'TOO_LARGE',
    'TOO_LARGE', 'NO_ID', 'ok']);
  assert.match((got.items[3] as { rejected: { reason: string } }).rejected.reason, /'ADT\^A01', not ORU\^R01/);
  assertNoCanary('HL7', got);
});

test('options errors name the option and what was given by the caller, not file contents', async () => {
  const file = write('opts.csv', `id,text\n1,${C}\n`);
  assertNoCanary('bad delimiter', await read(file, { delimiter: ';;' }));
  assertNoCanary('bad format', await read(file, { format: 'xml' as never }));
  assertNoCanary('missing file', await read(path.join(tmp, 'missing.csv')));
});
