/**
 * A small DICOMweb client on Node 20's fetch: STOW-RS (store), QIDO-RS (query) and WADO-RS
 * (retrieve), with multipart/related bodies built and parsed here (PS3.18 §8.6, RFC 2387).
 */
import { randomBytes } from 'node:crypto';
import { PacsmineError } from '../util/errors.js';

export interface DicomwebAuth {
  user: string;
  password: string;
}

/** A QIDO-RS result: DICOM JSON (PS3.18 Annex F), tag -> { vr, Value }. */
export type DicomJson = Record<string, { vr: string; Value?: unknown[] }>;

export const TAG = {
  StudyInstanceUID: '0020000D',
  SeriesInstanceUID: '0020000E',
  SOPInstanceUID: '00080018',
  AccessionNumber: '00080050',
  PatientID: '00100020',
  Modality: '00080060',
  SeriesNumber: '00200011',
  InstanceNumber: '00200013',
  Rows: '00280010',
  Columns: '00280011',
  BodyPartExamined: '00180015',
} as const;

/** The first value of a DICOM JSON attribute as a string, if present. */
export function jsonString(ds: DicomJson, tag: string): string | undefined {
  const v = ds[tag]?.Value?.[0];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object' && 'Alphabetic' in (v as object)) return String((v as { Alphabetic: unknown }).Alphabetic);
  return String(v);
}

/** The first value as an integer (IS values may arrive as strings, even zero-padded). */
export function jsonInt(ds: DicomJson, tag: string): number | undefined {
  const s = jsonString(ds, tag);
  if (s === undefined) return undefined;
  const n = Number.parseInt(s, 10);
  return Number.isFinite(n) ? n : undefined;
}

/** Splits a multipart/related body into its parts' bodies. */
export function parseMultipart(body: Uint8Array, contentType: string): Uint8Array[] {
  const m = /boundary="?([^";]+)"?/i.exec(contentType);
  if (!m) throw new PacsmineError('INPUT', `multipart response without a boundary (content-type ${contentType})`);
  const boundary = Buffer.from(`--${m[1]}`);
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const parts: Uint8Array[] = [];
  let pos = buf.indexOf(boundary);
  while (pos >= 0) {
    const afterBoundary = pos + boundary.length;
    if (buf[afterBoundary] === 0x2d && buf[afterBoundary + 1] === 0x2d) break; // closing "--"
    const headerEnd = buf.indexOf('\r\n\r\n', afterBoundary);
    if (headerEnd < 0) break;
    const next = buf.indexOf(boundary, headerEnd + 4);
    if (next < 0) break;
    // The part body ends before the CRLF that precedes the next boundary.
    const end = buf[next - 2] === 0x0d && buf[next - 1] === 0x0a ? next - 2 : next;
    parts.push(new Uint8Array(buf.subarray(headerEnd + 4, end)));
    pos = next;
  }
  return parts;
}

export class DicomwebClient {
  readonly baseUrl: string;
  readonly #authHeader: string | undefined;

  /** `baseUrl` is the DICOMweb root, e.g. http://127.0.0.1:8042/dicom-web */
  constructor(baseUrl: string, auth?: DicomwebAuth) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.#authHeader = auth ? `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}` : undefined;
  }

  #headers(extra: Record<string, string> = {}): Record<string, string> {
    return this.#authHeader ? { authorization: this.#authHeader, ...extra } : extra;
  }

  async #get(pathAndQuery: string, accept: string): Promise<Response> {
    const res = await fetch(`${this.baseUrl}${pathAndQuery}`, { headers: this.#headers({ accept }) });
    if (!res.ok && res.status !== 204) {
      await res.arrayBuffer();
      throw new PacsmineError(res.status === 404 ? 'NOT_FOUND' : 'INPUT', `DICOMweb GET ${pathAndQuery.split('?')[0]} answered ${res.status} ${res.statusText}`);
    }
    return res;
  }

  /** QIDO-RS: JSON results for a path under the root (e.g. /studies?AccessionNumber=A1). */
  async qido(pathAndQuery: string): Promise<DicomJson[]> {
    const res = await this.#get(pathAndQuery, 'application/dicom+json');
    if (res.status === 204) return [];
    const text = await res.text();
    return text.trim() === '' ? [] : (JSON.parse(text) as DicomJson[]);
  }

  searchStudies(accession: string): Promise<DicomJson[]> {
    return this.qido(`/studies?AccessionNumber=${encodeURIComponent(accession)}`);
  }

  /**
   * All series of a study. Filtering by SeriesNumber is done by the caller: servers match IS values
   * as exact strings, so "5" would miss a stored "005" (see docs/pacs.md).
   */
  searchSeries(studyUid: string): Promise<DicomJson[]> {
    return this.qido(`/studies/${studyUid}/series?includefield=${TAG.SeriesNumber}&includefield=${TAG.Modality}`);
  }

  searchInstances(studyUid: string, seriesUid: string): Promise<DicomJson[]> {
    return this.qido(`/studies/${studyUid}/series/${seriesUid}/instances?includefield=${TAG.InstanceNumber}&includefield=${TAG.Rows}&includefield=${TAG.Columns}`);
  }

  /** The WADO-RS URL of one instance. */
  instanceUrl(studyUid: string, seriesUid: string, sopUid: string): string {
    return `${this.baseUrl}/studies/${studyUid}/series/${seriesUid}/instances/${sopUid}`;
  }

  /** WADO-RS: the instance's Part 10 bytes, in its stored transfer syntax. */
  async retrieveInstance(studyUid: string, seriesUid: string, sopUid: string): Promise<Uint8Array> {
    const res = await this.#get(`/studies/${studyUid}/series/${seriesUid}/instances/${sopUid}`, 'multipart/related; type="application/dicom"; transfer-syntax=*');
    const body = new Uint8Array(await res.arrayBuffer());
    const parts = parseMultipart(body, res.headers.get('content-type') ?? '');
    if (parts.length !== 1) throw new PacsmineError('INPUT', `WADO-RS returned ${parts.length} parts for one instance`);
    return parts[0] as Uint8Array;
  }

  /** STOW-RS: stores Part 10 files in one multipart/related request; returns the response's JSON. */
  async store(files: Uint8Array[]): Promise<{ stored: number; failed: number; response: DicomJson }> {
    const boundary = `pacsmine-${randomBytes(12).toString('hex')}`;
    const chunks: Uint8Array[] = [];
    for (const f of files) {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\nContent-Length: ${f.length}\r\n\r\n`), f, Buffer.from('\r\n'));
    }
    chunks.push(Buffer.from(`--${boundary}--\r\n`));
    const res = await fetch(`${this.baseUrl}/studies`, {
      method: 'POST',
      headers: this.#headers({ 'content-type': `multipart/related; type="application/dicom"; boundary=${boundary}`, accept: 'application/dicom+json' }),
      body: Buffer.concat(chunks),
    });
    const text = await res.text();
    if (!res.ok && res.status !== 202) throw new PacsmineError('INPUT', `STOW-RS answered ${res.status} ${res.statusText}`);
    const response = (text.trim() ? JSON.parse(text) : {}) as DicomJson;
    const failed = ((response['00081198']?.Value ?? []) as unknown[]).length;
    const stored = ((response['00081199']?.Value ?? []) as unknown[]).length;
    return { stored, failed, response };
  }
}
