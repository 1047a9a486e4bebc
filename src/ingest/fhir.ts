/**
 * FHIR R4 DiagnosticReport, as a Bundle (a .json file with entry[].resource, parsed whole up to
 * 512 MiB) or as NDJSON (one resource per line, streamed; a Bundle on a line is expanded).
 * Resources of other FHIR types (Patient, ImagingStudy, …) are no reports: they are passed over and
 * give no item. A DiagnosticReport with no text is EMPTY; bad JSON or a missing resourceType is
 * FHIR_INVALID; a resourceType FHIR does not know (a misspelled "Bundel") is UNKNOWN_RESOURCE.
 */
import { isUtf8 } from 'node:buffer';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { FormatError } from '../util/errors.js';
import { readLines, isBlank } from './lines.js';
import { finishRecord, overByteLimit, reject, withMeta } from './record.js';
import { FHIR_RESOURCE_TYPES, closestResourceType } from './fhir-types.js';
import { jsonSyntaxProblem } from './json-error.js';
import type { ResolvedSourceOptions, SourceItem, SourceRecord } from './source.js';

type Resolved = ResolvedSourceOptions;

export const MAX_BUNDLE_BYTES = 512 * 1024 * 1024;
/** DICOM's code system; its codes in category/code are modalities (CT, MR, CR, DX, …). */
export const DICOM_CODE_SYSTEM = 'http://dicom.nema.org/resources/ontology/DCM';
const ACCESSION_TYPE_CODE = 'ACSN';

export async function* readFhir(file: string, options: Resolved): AsyncGenerator<SourceItem> {
  if (path.extname(file).toLowerCase() === '.json') yield* readBundleFile(file, options);
  else yield* readNdjson(file, options);
}

async function* readBundleFile(file: string, options: Resolved): AsyncGenerator<SourceItem> {
  const name = path.basename(file);
  const size = (await stat(file)).size;
  if (size > MAX_BUNDLE_BYTES) {
    throw new FormatError(`${name} is ${size} bytes; a FHIR Bundle file is read whole and may be at most ${MAX_BUNDLE_BYTES} bytes: export NDJSON instead`);
  }
  const bytes = await readFile(file);
  const utf8 = isUtf8(bytes);
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    if (looksLikeNdjson(bytes)) {
      // NDJSON saved as .json: read it line by line instead.
      yield* readNdjson(file, options);
      return;
    }
    yield reject(name, name, 'FHIR_INVALID', `file is not valid JSON (${jsonSyntaxProblem(error)})`);
    return;
  }
  yield* fromResource(value, name, options.maxReportBytes, utf8);
}

async function* readNdjson(file: string, options: Resolved): AsyncGenerator<SourceItem> {
  const name = path.basename(file);
  const limit = options.maxRecordBytes;
  for await (const line of readLines(file, limit)) {
    const location = `${name}:line ${line.lineNo}`;
    if (line.oversize) { yield reject('', location, 'TOO_LARGE', `line is over ${limit} bytes (maxRecordBytes)`); continue; }
    if (isBlank(line.bytes)) continue;
    let value: unknown;
    try {
      value = JSON.parse(line.bytes.toString('utf8'));
    } catch (error) {
      yield reject('', location, 'FHIR_INVALID', `line is not valid JSON (${jsonSyntaxProblem(error)})`);
      continue;
    }
    yield* fromResource(value, location, options.maxReportBytes, isUtf8(line.bytes));
  }
}

/** More than one line, and the first line is a whole JSON object on its own. */
function looksLikeNdjson(bytes: Buffer): boolean {
  const nl = bytes.indexOf(10);
  if (nl < 0) return false;
  try {
    const first: unknown = JSON.parse(bytes.toString('utf8', 0, nl));
    return isObject(first);
  } catch {
    return false;
  }
}

/** Items from one resource: a Bundle gives one per DiagnosticReport entry; other known types none. */
function* fromResource(value: unknown, location: string, maxReportBytes: number, utf8: boolean): Generator<SourceItem> {
  if (!isObject(value) || typeof value['resourceType'] !== 'string') {
    yield reject(isObject(value) ? str(value['id']) : '', location, 'FHIR_INVALID', 'not a FHIR resource (no resourceType)');
    return;
  }
  if (!FHIR_RESOURCE_TYPES.has(value['resourceType'])) {
    yield unknownResource(value, location);
    return;
  }
  if (value['resourceType'] === 'Bundle') {
    const entries = value['entry'];
    if (entries === undefined) return;
    if (!Array.isArray(entries)) { yield reject(str(value['id']), location, 'FHIR_INVALID', 'Bundle.entry is not an array'); return; }
    for (let i = 0; i < entries.length; i++) {
      const entry: unknown = entries[i];
      const at = `${location}#entry[${i}]`;
      const resource = isObject(entry) ? entry['resource'] : undefined;
      if (!isObject(resource) || typeof resource['resourceType'] !== 'string') {
        yield reject(isObject(resource) ? str(resource['id']) : '', at, 'FHIR_INVALID', 'entry has no resource with a resourceType');
        continue;
      }
      if (resource['resourceType'] === 'DiagnosticReport') yield fromDiagnosticReport(resource, at, maxReportBytes, utf8);
      else if (!FHIR_RESOURCE_TYPES.has(resource['resourceType'])) yield unknownResource(resource, at);
    }
    return;
  }
  if (value['resourceType'] === 'DiagnosticReport') yield fromDiagnosticReport(value, location, maxReportBytes, utf8);
}

/**
 * A resource whose type FHIR does not have: most likely a misspelling, which must not drop reports
 * silently. The reason hints at the closest known type but never repeats the input's.
 */
function unknownResource(res: Record<string, unknown>, location: string): SourceItem {
  const hint = closestResourceType(res['resourceType'] as string);
  const entries = Array.isArray(res['entry']) ? (res['entry'] as unknown[]).length : undefined;
  return reject(str(res['id']), location, 'UNKNOWN_RESOURCE',
    'resourceType is not a FHIR resource type (R4, R4B or R5)' +
    (hint ? `; it is close to '${hint}' (misspelled?)` : '') +
    (entries !== undefined ? `; its ${entries} entr${entries === 1 ? 'y is' : 'ies are'} not read` : ''));
}

/** `utf8` false: the bytes this resource came from held invalid UTF-8, so look for U+FFFD in it. */
export function fromDiagnosticReport(res: Record<string, unknown>, location: string, maxReportBytes: number, utf8 = true): SourceItem {
  const recordId = str(res['id']);
  if (!utf8 && JSON.stringify(res).includes('\uFFFD')) {
    return reject(recordId, location, 'BAD_UTF8', 'DiagnosticReport holds invalid UTF-8');
  }
  const parts: string[] = [];
  const conclusion = str(res['conclusion']);
  if (conclusion) parts.push(conclusion);
  const forms = res['presentedForm'];
  if (forms !== undefined && !Array.isArray(forms)) {
    return reject(recordId, location, 'FHIR_INVALID', 'presentedForm is not an array');
  }
  let budget = maxReportBytes;
  for (let i = 0; i < (forms?.length ?? 0); i++) {
    const form: unknown = forms![i];
    if (!isObject(form)) continue;
    const contentType = str(form['contentType']).toLowerCase();
    if (!contentType.startsWith('text/plain')) continue;
    const data = form['data'];
    if (typeof data !== 'string') continue; // a url-only attachment: nothing inline to read
    if (Math.floor((data.length * 3) / 4) - 2 > budget) {
      return reject(recordId, location, 'TOO_LARGE', `presentedForm[${i}] is over the limit of ${maxReportBytes} bytes (maxReportBytes)`);
    }
    const bytes = Buffer.from(data, 'base64');
    if (!isUtf8(bytes)) return reject(recordId, location, 'BAD_UTF8', `presentedForm[${i}] is not valid UTF-8`);
    const text = bytes.toString('utf8').trim();
    budget -= bytes.length;
    if (text) parts.push(text);
  }
  const text = parts.join('\n');
  const record: SourceRecord = { recordId, text, location };
  if (overByteLimit(text, maxReportBytes)) return finishRecord(record, maxReportBytes, 'DiagnosticReport');
  const effective = str(res['effectiveDateTime']) ||
    (isObject(res['effectivePeriod']) ? str(res['effectivePeriod']['start']) : '') || str(res['issued']);
  withMeta(record, accessionOf(res['identifier']), patientOf(res['subject']), modalityOf(res), effective);
  return finishRecord(record, maxReportBytes, 'DiagnosticReport');
}

function accessionOf(identifiers: unknown): string | undefined {
  if (!Array.isArray(identifiers)) return undefined;
  let first: string | undefined;
  for (const id of identifiers as unknown[]) {
    if (!isObject(id)) continue;
    const value = str(id['value']);
    if (!value) continue;
    first ??= value;
    const type = id['type'];
    const codings = isObject(type) && Array.isArray(type['coding']) ? type['coding'] as unknown[] : [];
    if (codings.some((c) => isObject(c) && c['code'] === ACCESSION_TYPE_CODE)) return value;
  }
  return first;
}

function patientOf(subject: unknown): string | undefined {
  if (!isObject(subject)) return undefined;
  const ref = str(subject['reference']);
  if (ref) return ref.startsWith('Patient/') ? ref.slice('Patient/'.length) : ref;
  const identifier = subject['identifier'];
  return isObject(identifier) ? str(identifier['value']) || undefined : undefined;
}

function modalityOf(res: Record<string, unknown>): string | undefined {
  const concepts: unknown[] = [];
  if (Array.isArray(res['category'])) concepts.push(...(res['category'] as unknown[]));
  concepts.push(res['code']);
  for (const concept of concepts) {
    if (!isObject(concept) || !Array.isArray(concept['coding'])) continue;
    for (const c of concept['coding'] as unknown[]) {
      if (isObject(c) && c['system'] === DICOM_CODE_SYSTEM && str(c['code'])) return str(c['code']);
    }
  }
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return '';
}
