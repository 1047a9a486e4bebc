/**
 * A small DICOMweb client on Node 20's fetch: STOW-RS (store), QIDO-RS (query) and WADO-RS
 * (retrieve), with multipart/related bodies built and parsed here (PS3.18 §8.6, RFC 2387).
 */
import { randomBytes } from 'node:crypto';
import { AuthError, OptionsError, PacsmineError, UnreachableError } from '../util/errors.js';
import { redactUrl, splitUrlCredentials } from '../util/redact.js';

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

/**
 * Network failures of one request (a dropped connection, a slow answer): that request's record is
 * rejected and the run goes on. Any other failure to get an answer (refused connection, unknown
 * host, a port fetch will not use, a TLS error) means the server cannot be reached at all.
 */
const TRANSIENT = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** One path segment of a URL from a UID (UIDs come from headers and PACS answers: never trusted). */
const seg = (uid: string): string => encodeURIComponent(uid);

/** A request path for messages: the query dropped and UIDs replaced by their role (no identifiers in messages). */
const pathForMessage = (pathAndQuery: string): string => (pathAndQuery.split('?')[0] ?? '')
  .replace(/\/(studies|series|instances)\/[^/]+/g, (_m, kind: string) => `/${kind}/{${kind === 'studies' ? 'study' : kind === 'series' ? 'series' : 'instance'}}`);

export class DicomwebClient {
  /** The DICOMweb root, without credentials. */
  readonly baseUrl: string;
  /** The root as it may be printed or stored: no credentials, no secret query values. */
  readonly displayUrl: string;
  /**
   * When the URL given carried credentials (http://user:password@host): that URL as it may be
   * printed (`http://***@host`), for a warning that a command line is visible to every user of
   * the machine. Undefined otherwise.
   */
  readonly credentialsInUrl: string | undefined;
  readonly #authHeader: string | undefined;

  /**
   * `baseUrl` is the DICOMweb root, e.g. http://127.0.0.1:8042/dicom-web. Credentials in it
   * (http://user:password@host/...) are moved to the Authorization header unless `auth` is given;
   * they never stay in the URL, so no error or record can repeat them.
   */
  constructor(baseUrl: string, auth?: DicomwebAuth) {
    const split = splitUrlCredentials(baseUrl);
    this.baseUrl = split.url.replace(/\/+$/, '');
    this.displayUrl = redactUrl(this.baseUrl);
    this.credentialsInUrl = split.user !== undefined ? redactUrl(baseUrl) : undefined;
    let protocol = '';
    try {
      protocol = new URL(this.baseUrl).protocol;
    } catch { /* not a URL */ }
    if (protocol !== 'http:' && protocol !== 'https:') throw new OptionsError(`the DICOMweb root must be an http(s) URL, got '${this.displayUrl}'`);
    const fromUrl = split.user !== undefined ? { user: split.user, password: split.password ?? '' } : undefined;
    const a = auth ?? fromUrl;
    this.#authHeader = a ? `Basic ${Buffer.from(`${a.user}:${a.password}`).toString('base64')}` : undefined;
  }

  #headers(extra: Record<string, string> = {}): Record<string, string> {
    return this.#authHeader ? { authorization: this.#authHeader, ...extra } : extra;
  }

  /** fetch, with failures named by method and path only (never the full URL, never the query). */
  async #fetch(what: string, pathAndQuery: string, init: RequestInit): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${pathAndQuery}`, init);
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause;
      const code = (cause as { code?: string } | undefined)?.code;
      const reason = code ?? (cause instanceof Error ? cause.message : 'no response');
      if (code && TRANSIENT.has(code)) throw new PacsmineError('INPUT', `${what} failed: ${reason}`);
      throw new UnreachableError(`cannot reach the PACS at ${this.displayUrl} (${reason})`);
    }
    if (res.status === 401 || res.status === 403) {
      await res.arrayBuffer();
      throw new AuthError(`the PACS at ${this.displayUrl} refused ${this.#authHeader ? 'the credentials' : 'a request without credentials'} ` +
        `(${what} answered ${res.status} ${res.statusText}); check option \`user\` and $PACSMINE_PACS_PASSWORD`);
    }
    return res;
  }

  async #get(pathAndQuery: string, accept: string): Promise<Response> {
    const what = `DICOMweb GET ${pathForMessage(pathAndQuery)}`;
    const res = await this.#fetch(what, pathAndQuery, { headers: this.#headers({ accept }) });
    if (!res.ok && res.status !== 204) {
      await res.arrayBuffer();
      throw new PacsmineError(res.status === 404 ? 'NOT_FOUND' : 'INPUT', `${what} answered ${res.status} ${res.statusText}`);
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
    return this.qido(`/studies/${seg(studyUid)}/series?includefield=${TAG.SeriesNumber}&includefield=${TAG.Modality}`);
  }

  searchInstances(studyUid: string, seriesUid: string): Promise<DicomJson[]> {
    return this.qido(`/studies/${seg(studyUid)}/series/${seg(seriesUid)}/instances?includefield=${TAG.InstanceNumber}&includefield=${TAG.Rows}&includefield=${TAG.Columns}`);
  }

  /** The WADO-RS URL of one instance. */
  instanceUrl(studyUid: string, seriesUid: string, sopUid: string): string {
    return `${this.baseUrl}/studies/${seg(studyUid)}/series/${seg(seriesUid)}/instances/${seg(sopUid)}`;
  }

  /** WADO-RS: the instance's Part 10 bytes, in its stored transfer syntax. */
  async retrieveInstance(studyUid: string, seriesUid: string, sopUid: string): Promise<Uint8Array> {
    const res = await this.#get(`/studies/${seg(studyUid)}/series/${seg(seriesUid)}/instances/${seg(sopUid)}`, 'multipart/related; type="application/dicom"; transfer-syntax=*');
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
    const res = await this.#fetch('STOW-RS', '/studies', {
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
