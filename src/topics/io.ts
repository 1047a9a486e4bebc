/**
 * Manifest + binary file pairs for corpora and models: `<base>.json` (small, readable) and
 * `<base>.bin` (typed arrays back to back, each 8-byte aligned). Both are written to a
 * temporary name and renamed, so a crash never leaves a half-written model behind.
 */
import { readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { FormatError } from '../util/errors.js';

export type ArrayKind = 'u32' | 'u16' | 'i32' | 'f64';
type AnyArray = Uint32Array | Uint16Array | Int32Array | Float64Array;

export interface ArrayEntry {
  name: string;
  kind: ArrayKind;
  length: number;
  offset: number;
}

function kindOf(a: AnyArray): ArrayKind {
  if (a instanceof Uint32Array) return 'u32';
  if (a instanceof Uint16Array) return 'u16';
  if (a instanceof Int32Array) return 'i32';
  return 'f64';
}

function ctorOf(kind: ArrayKind) {
  switch (kind) {
    case 'u32': return Uint32Array;
    case 'u16': return Uint16Array;
    case 'i32': return Int32Array;
    case 'f64': return Float64Array;
  }
}

/** Writes `<base>.json` with `manifest` plus an `arrays` index, and `<base>.bin`, atomically. */
export function writeBundle(base: string, manifest: Record<string, unknown>, arrays: Record<string, AnyArray>): void {
  mkdirSync(path.dirname(path.resolve(base)), { recursive: true });
  const entries: ArrayEntry[] = [];
  let offset = 0;
  for (const [name, a] of Object.entries(arrays)) {
    entries.push({ name, kind: kindOf(a), length: a.length, offset });
    offset += Math.ceil(a.byteLength / 8) * 8;
  }
  const buf = Buffer.alloc(offset);
  for (const e of entries) {
    const a = arrays[e.name] as AnyArray;
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(buf, e.offset);
  }
  const tmpBin = `${base}.bin.tmp-${process.pid}`;
  const tmpJson = `${base}.json.tmp-${process.pid}`;
  writeFileSync(tmpBin, buf);
  writeFileSync(tmpJson, `${JSON.stringify({ ...manifest, arrays: entries }, null, 1)}\n`);
  // The .bin goes first: a manifest never points at a binary that is not there yet.
  renameSync(tmpBin, `${base}.bin`);
  renameSync(tmpJson, `${base}.json`);
}

/** Reads a bundle written by `writeBundle`, checking the format name and version. */
export function readBundle(base: string, format: string, version: number): { manifest: Record<string, unknown>; arrays: Record<string, AnyArray> } {
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as Record<string, unknown>;
  } catch (cause) {
    throw new FormatError(`cannot read ${base}.json: expected a ${format} manifest`, { cause });
  }
  if (manifest['format'] !== format) throw new FormatError(`${base}.json: format is ${String(manifest['format'])}, expected ${format}`);
  if (manifest['version'] !== version) throw new FormatError(`${base}.json: version ${String(manifest['version'])} is not supported (expected ${version})`);
  const bin = readFileSync(`${base}.bin`);
  const arrays: Record<string, AnyArray> = {};
  for (const e of (manifest['arrays'] as ArrayEntry[] | undefined) ?? []) {
    const Ctor = ctorOf(e.kind);
    const bytes = e.length * Ctor.BYTES_PER_ELEMENT;
    if (e.offset + bytes > bin.length) throw new FormatError(`${base}.bin is truncated (array ${e.name})`);
    const copy = new Ctor(e.length);
    Buffer.from(copy.buffer).set(bin.subarray(e.offset, e.offset + bytes));
    arrays[e.name] = copy;
  }
  return { manifest, arrays };
}
