/**
 * Training checkpoints: everything needed to resume to the same final weights after a
 * crash: weights, momentum, the position in the run, the early-stopping state, and the
 * best weights so far. Layout: <dir>/manifest.json + <dir>/arrays.bin, written to a temp
 * directory and renamed into place, so a crash mid-write leaves the previous checkpoint.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FormatError } from '../util/errors.js';

export const CHECKPOINT_FORMAT = 'pacsmine.train-checkpoint';
export const CHECKPOINT_VERSION = 1;

export interface ArrayGroup {
  name: string;
  arrays: Float32Array[];
}

interface ArrayEntry {
  group: string;
  index: number;
  length: number;
  byteOffset: number;
}

export interface CheckpointContents<S> {
  state: S;
  groups: ArrayGroup[];
}

export function writeCheckpoint<S>(dir: string, contents: CheckpointContents<S>): void {
  const parent = path.dirname(path.resolve(dir));
  mkdirSync(parent, { recursive: true });
  const tmp = `${path.resolve(dir)}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  const entries: ArrayEntry[] = [];
  let bytes = 0;
  for (const g of contents.groups) {
    g.arrays.forEach((a, index) => {
      entries.push({ group: g.name, index, length: a.length, byteOffset: bytes });
      bytes += a.byteLength;
    });
  }
  const buf = Buffer.allocUnsafe(bytes);
  let k = 0;
  for (const g of contents.groups) for (const a of g.arrays) Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(buf, (entries[k++] as ArrayEntry).byteOffset);
  writeFileSync(path.join(tmp, 'arrays.bin'), buf);
  writeFileSync(path.join(tmp, 'manifest.json'), JSON.stringify({ format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, state: contents.state, arrays: entries }));
  const old = `${path.resolve(dir)}.old-${process.pid}`;
  if (existsSync(dir)) renameSync(dir, old);
  renameSync(tmp, dir);
  rmSync(old, { recursive: true, force: true });
}

export function hasCheckpoint(dir: string): boolean {
  return existsSync(path.join(dir, 'manifest.json'));
}

export function readCheckpoint<S>(dir: string): CheckpointContents<S> {
  const manifestPath = path.join(dir, 'manifest.json');
  let manifest: { format?: string; version?: number; state: S; arrays: ArrayEntry[] };
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as typeof manifest;
  } catch (cause) {
    throw new FormatError(`checkpoint ${manifestPath} cannot be read`, { cause });
  }
  if (manifest.format !== CHECKPOINT_FORMAT) throw new FormatError(`${manifestPath} is not a pacsmine training checkpoint`);
  if (manifest.version !== CHECKPOINT_VERSION) throw new FormatError(`${manifestPath}: checkpoint version ${manifest.version} is not supported (expected ${CHECKPOINT_VERSION})`);
  const bin = readFileSync(path.join(dir, 'arrays.bin'));
  const groups = new Map<string, Float32Array[]>();
  for (const e of manifest.arrays) {
    if (e.byteOffset + e.length * 4 > bin.length) throw new FormatError(`${dir}/arrays.bin is truncated (array ${e.group}[${e.index}])`);
    const a = new Float32Array(e.length);
    Buffer.from(a.buffer).set(bin.subarray(e.byteOffset, e.byteOffset + e.length * 4));
    const list = groups.get(e.group) ?? [];
    list[e.index] = a;
    groups.set(e.group, list);
  }
  return { state: manifest.state, groups: [...groups].map(([name, arrays]) => ({ name, arrays })) };
}
