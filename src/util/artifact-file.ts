/**
 * The one binary container for everything pacsmine saves (LDA model and corpus, word vectors
 * in our own format, training checkpoints): one file, so that it is written and renamed in one
 * atomic step and can never be half a model. The gensim word2vec formats stay as interchange
 * formats (embeddings/format.ts); this is the format we read back ourselves.
 *
 * Layout (little-endian; tfjs's weight manifest + weight data, minbpe's version line, in one file):
 *
 *   0   "PACSMINE"                      8 bytes of magic
 *   8   container version               u32 (this file's layout; 1)
 *   12  header length H                 u32
 *   16  header                          H bytes of UTF-8 JSON:
 *         { kind, kindVersion, meta, arrays: [{ name, dtype, shape, offset, byteLength }] }
 *       zero padding to a multiple of 8 (the data start, D)
 *   D   the arrays, back to back in header order, each starting at a multiple of 8 from D
 *       (zero padding between them), the file ending right after the last one.
 *
 * `offset` is relative to D. Every array is 8-byte aligned in the file, so a reader gets
 * typed-array views of one buffer, with no copy. The reader checks every number against
 * the file size and says what it expected and what it found.
 */
import { closeSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { FormatError, OptionsError } from './errors.js';

export const ARTIFACT_MAGIC = 'PACSMINE';
export const CONTAINER_VERSION = 1;
const PREAMBLE_BYTES = 16;
/** A header this large is damage, not a model (headers hold names and shapes, not data). */
const MAX_HEADER_BYTES = 64 * 1024 * 1024;

export type Dtype = 'u8' | 'u16' | 'i32' | 'u32' | 'f32' | 'f64';
export interface DtypeArrays {
  u8: Uint8Array;
  u16: Uint16Array;
  i32: Int32Array;
  u32: Uint32Array;
  f32: Float32Array;
  f64: Float64Array;
}
export type ArtifactData = DtypeArrays[Dtype];

const CTORS = { u8: Uint8Array, u16: Uint16Array, i32: Int32Array, u32: Uint32Array, f32: Float32Array, f64: Float64Array } as const;
const DTYPES = Object.keys(CTORS) as Dtype[];

export interface ArtifactArray<D extends Dtype = Dtype> {
  dtype: D;
  /** Row-major; the product is data.length. */
  shape: number[];
  data: DtypeArrays[D];
}

/** One array to write: a typed array (shape [length]) or the array with its shape. */
export type ArrayInput = ArtifactData | { data: ArtifactData; shape: readonly number[] };

export interface ArtifactInput {
  /** What the file holds, e.g. 'lda-model', 'word-vectors', 'train-checkpoint'. */
  kind: string;
  /** The version of that kind's layout (arrays and meta), bumped when it changes. */
  kindVersion: number;
  /** Small JSON-able facts: options, vocabulary size, training report. */
  meta?: unknown;
  /** Arrays by name, written in insertion order. */
  arrays: Record<string, ArrayInput>;
}

export interface Artifact {
  kind: string;
  kindVersion: number;
  meta: unknown;
  arrays: Record<string, ArtifactArray>;
}

interface HeaderEntry {
  name: string;
  dtype: Dtype;
  shape: number[];
  offset: number;
  byteLength: number;
}
interface Header {
  kind: string;
  kindVersion: number;
  meta: unknown;
  arrays: HeaderEntry[];
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

function dtypeOf(a: unknown): Dtype | undefined {
  // Exact prototypes: Uint8ClampedArray or a Float16Array is not silently stored as something else.
  for (const d of DTYPES) if (a instanceof CTORS[d]) return d;
  return undefined;
}

function entriesOf(input: ArtifactInput): { entries: HeaderEntry[]; views: Uint8Array[]; dataBytes: number } {
  const entries: HeaderEntry[] = [];
  const views: Uint8Array[] = [];
  let offset = 0;
  for (const [name, a] of Object.entries(input.arrays)) {
    const data = ArrayBuffer.isView(a) ? a : a.data;
    const dtype = dtypeOf(data);
    if (!dtype) throw new OptionsError(`array "${name}": ${Object.prototype.toString.call(data)} cannot be stored (use one of ${DTYPES.join(', ')}: Uint8Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array)`);
    const shape = ArrayBuffer.isView(a) ? [data.length] : [...a.shape];
    if (!shape.every((n) => Number.isInteger(n) && n >= 0)) throw new OptionsError(`array "${name}": shape [${shape.join(', ')}] must hold integers >= 0`);
    const count = shape.reduce((p, n) => p * n, 1);
    if (count !== data.length) throw new OptionsError(`array "${name}": shape [${shape.join(', ')}] holds ${count} elements but the array has ${data.length}`);
    entries.push({ name, dtype, shape, offset, byteLength: data.byteLength });
    views.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    offset = align8(offset + data.byteLength);
  }
  const last = entries[entries.length - 1];
  return { entries, views, dataBytes: last ? last.offset + last.byteLength : 0 };
}

function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, position + done);
}

/**
 * Writes `file` atomically: into a temporary file in the same folder, flushed to disk, then
 * renamed over `file`. A crash or a failed write leaves the previous file as it was, and no
 * temporary file behind.
 */
export function writeArtifact(file: string, input: ArtifactInput): void {
  if (typeof input.kind !== 'string' || input.kind === '') throw new OptionsError('an artifact needs a kind (a non-empty string)');
  if (!Number.isInteger(input.kindVersion) || input.kindVersion < 1) throw new OptionsError(`kindVersion must be an integer >= 1, got ${input.kindVersion}`);
  const { entries, views, dataBytes } = entriesOf(input);
  const header: Header = { kind: input.kind, kindVersion: input.kindVersion, meta: input.meta ?? null, arrays: entries };
  let json: Buffer;
  try {
    json = Buffer.from(JSON.stringify(header), 'utf8');
  } catch (cause) {
    throw new OptionsError(`the meta of a "${input.kind}" artifact cannot be written as JSON: ${(cause as Error).message}`, { cause });
  }
  const dataStart = align8(PREAMBLE_BYTES + json.length);
  const head = Buffer.alloc(dataStart); // zeros: the padding
  head.write(ARTIFACT_MAGIC, 0, 'latin1');
  head.writeUInt32LE(CONTAINER_VERSION, 8);
  head.writeUInt32LE(json.length, 12);
  json.copy(head, PREAMBLE_BYTES);

  const target = path.resolve(file);
  mkdirSync(path.dirname(target), { recursive: true });
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx');
  try {
    writeAll(fd, head, 0);
    entries.forEach((e, i) => writeAll(fd, views[i] as Uint8Array, dataStart + e.offset));
    // The exact size: padding between arrays reads as zeros, and a trailing empty array still counts.
    ftruncateSync(fd, dataStart + dataBytes);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, target);
  } catch (e) {
    try { closeSync(fd); } catch { /* already closed */ }
    rmSync(tmp, { force: true });
    throw e;
  }
  syncFolder(path.dirname(target));
}

/** Makes the rename itself durable (best effort: some file systems refuse to fsync a folder). */
function syncFolder(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try { fsyncSync(fd); } finally { closeSync(fd); }
  } catch {
    // the data is safe; only the rename may be lost in a power cut
  }
}

export interface ReadOptions {
  /** The kind the caller can read. */
  kind: string;
  /** The kind versions the caller can read. */
  versions: readonly number[];
}

/** Reads and checks a file written by writeArtifact; arrays are views of one buffer. */
export function readArtifact(file: string, options: ReadOptions): Artifact {
  const bytes = readWhole(file);
  const { header, dataStart } = parseHeader(file, bytes);
  if (header.kind !== options.kind) throw new FormatError(`${file} holds a "${header.kind}" artifact, not the "${options.kind}" expected`);
  if (!options.versions.includes(header.kindVersion)) {
    throw new FormatError(`${file}: "${header.kind}" version ${header.kindVersion} is not supported (this build reads version ${options.versions.join(', ')}): re-create it with this version of pacsmine`);
  }
  const arrays: Record<string, ArtifactArray> = {};
  for (const e of header.arrays) {
    const Ctor = CTORS[e.dtype];
    // A view, never a copy: the buffer starts at 0 and every offset is a multiple of 8.
    const data = new Ctor(bytes.buffer, dataStart + e.offset, e.byteLength / Ctor.BYTES_PER_ELEMENT);
    arrays[e.name] = { dtype: e.dtype, shape: e.shape, data };
  }
  return { kind: header.kind, kindVersion: header.kindVersion, meta: header.meta, arrays };
}

/** The header alone (kind, version, meta, array shapes), checked against the file size; no array is read. */
export function readArtifactHeader(file: string): Omit<Artifact, 'arrays'> & { arrays: Omit<HeaderEntry, 'offset' | 'byteLength'>[] } {
  const { header } = parseHeader(file, readWhole(file));
  return { kind: header.kind, kindVersion: header.kindVersion, meta: header.meta, arrays: header.arrays.map(({ name, dtype, shape }) => ({ name, dtype, shape })) };
}

/**
 * The named array, checked to have the dtype (and, where given, the shape; null = any size on
 * that axis) that the caller's format expects. For loaders: `takeArray(a, 'wtCounts', 'u32', [null])`.
 */
export function takeArray<D extends Dtype>(artifact: Artifact, name: string, dtype: D, shape?: readonly (number | null)[]): DtypeArrays[D] {
  const a = artifact.arrays[name];
  if (!a) throw new FormatError(`the "${artifact.kind}" artifact has no array "${name}" (it has: ${Object.keys(artifact.arrays).join(', ') || 'none'})`);
  if (a.dtype !== dtype) throw new FormatError(`array "${name}" of the "${artifact.kind}" artifact is ${a.dtype}, expected ${dtype}`);
  if (shape && (shape.length !== a.shape.length || shape.some((n, i) => n !== null && n !== a.shape[i]))) {
    throw new FormatError(`array "${name}" of the "${artifact.kind}" artifact has shape [${a.shape.join(', ')}], expected [${shape.map((n) => n ?? '*').join(', ')}]`);
  }
  return a.data as DtypeArrays[D];
}

/** The whole file in a fresh ArrayBuffer (offset 0, so 8-aligned offsets give aligned views). */
function readWhole(file: string): Uint8Array<ArrayBuffer> {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (cause) {
    throw new FormatError(`cannot open ${file}: ${(cause as Error).message}`, { cause });
  }
  try {
    const size = fstatSync(fd).size;
    const bytes = new Uint8Array(new ArrayBuffer(size));
    let done = 0;
    while (done < size) {
      const n = readSync(fd, bytes, done, size - done, done);
      if (n === 0) break;
      done += n;
    }
    // A file that shrank while we read it is judged by what was there.
    return done === size ? bytes : new Uint8Array(bytes.buffer, 0, done);
  } finally {
    closeSync(fd);
  }
}

function parseHeader(file: string, bytes: Uint8Array): { header: Header; dataStart: number } {
  const size = bytes.length;
  const magic = Buffer.from(ARTIFACT_MAGIC, 'latin1');
  const prefix = bytes.subarray(0, Math.min(size, magic.length));
  if (!magic.subarray(0, prefix.length).equals(prefix) || size === 0) {
    throw new FormatError(`${file} is not a pacsmine artifact (it does not start with "${ARTIFACT_MAGIC}")`);
  }
  const truncated = (what: string, expected: number): FormatError =>
    new FormatError(`${file} is truncated: ${what} needs ${expected} bytes, the file has ${size}`);
  if (size < PREAMBLE_BYTES) throw truncated('the preamble (magic, version, header length)', PREAMBLE_BYTES);
  const view = new DataView(bytes.buffer, bytes.byteOffset, size);
  const version = view.getUint32(8, true);
  if (version !== CONTAINER_VERSION) throw new FormatError(`${file}: container version ${version} is not supported (this build reads ${CONTAINER_VERSION})`);
  const headerBytes = view.getUint32(12, true);
  if (headerBytes > MAX_HEADER_BYTES) throw new FormatError(`${file} is damaged: a header of ${headerBytes} bytes (at most ${MAX_HEADER_BYTES})`);
  const dataStart = align8(PREAMBLE_BYTES + headerBytes);
  if (size < PREAMBLE_BYTES + headerBytes) throw truncated(`the ${headerBytes}-byte header`, PREAMBLE_BYTES + headerBytes);
  if (size < dataStart) throw truncated('the header and its padding', dataStart);
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + headerBytes)));
  } catch (cause) {
    throw new FormatError(`${file} is damaged: its header is not valid UTF-8 JSON`, { cause });
  }
  const header = checkHeader(file, raw);
  const last = header.arrays[header.arrays.length - 1];
  const expected = dataStart + (last ? last.offset + last.byteLength : 0);
  if (size < expected) throw truncated(`the header and ${header.arrays.length} arrays`, expected);
  if (size > expected) throw new FormatError(`${file} has ${size - expected} unexpected bytes at the end: expected ${expected} bytes, the file has ${size}`);
  for (let p = PREAMBLE_BYTES + headerBytes; p < dataStart; p++) {
    if (bytes[p] !== 0) throw new FormatError(`${file} is damaged: non-zero padding after the header`);
  }
  return { header, dataStart };
}

/** The header's structure, and the array layout writeArtifact produces (no overlaps, no gaps but padding). */
function checkHeader(file: string, raw: unknown): Header {
  const bad = (why: string): FormatError => new FormatError(`${file} is damaged: ${why}`);
  const h = raw as Partial<Header> | null;
  if (!h || typeof h !== 'object') throw bad('the header is not an object');
  if (typeof h.kind !== 'string') throw bad('the header has no kind');
  if (!Number.isInteger(h.kindVersion)) throw bad('the header has no kindVersion');
  if (!Array.isArray(h.arrays)) throw bad('the header has no array list');
  const names = new Set<string>();
  let next = 0;
  for (const e of h.arrays as Partial<HeaderEntry>[]) {
    const label = `array "${String(e?.name)}"`;
    if (!e || typeof e.name !== 'string' || names.has(e.name)) throw bad(`${label} has a missing or repeated name`);
    names.add(e.name);
    if (!DTYPES.includes(e.dtype as Dtype)) throw bad(`${label} has an unknown dtype ${String(e.dtype)}`);
    if (!Array.isArray(e.shape) || !e.shape.every((n) => Number.isInteger(n) && n >= 0)) throw bad(`${label} has an invalid shape`);
    const expectedBytes = e.shape.reduce((p: number, n: number) => p * n, 1) * CTORS[e.dtype as Dtype].BYTES_PER_ELEMENT;
    if (e.byteLength !== expectedBytes) throw bad(`${label} says ${String(e.byteLength)} bytes, but ${e.dtype} [${e.shape.join(', ')}] needs ${expectedBytes}`);
    if (e.offset !== next) throw bad(`${label} starts at offset ${String(e.offset)}, expected ${next}`);
    next = align8(next + expectedBytes);
  }
  return h as Header;
}
