/**
 * The files a stage leaves behind, as its stage record remembers them: path, size and SHA-256.
 * A stage may skip only when every file it would have written is still there, byte for byte:
 * a truncated or edited artifact makes the stage run again instead of being trusted.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import path from 'node:path';

export interface ArtifactRecord {
  /** Relative to the workspace folder when inside it, else absolute. */
  path: string;
  size: number;
  sha256: string;
}

/** SHA-256 of a file's bytes, read in 1 MiB pieces (synchronous, so stage records stay synchronous). */
export function sha256FileSync(file: string): string {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(file, 'r');
  try {
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) hash.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** Size and checksum of each file, with paths made relative to `root` where they lie inside it. */
export function describeArtifacts(root: string, files: readonly string[]): ArtifactRecord[] {
  return [...new Set(files.map((f) => path.resolve(root, f)))].sort().map((abs) => {
    const rel = path.relative(root, abs);
    const inside = rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
    return { path: inside ? rel : abs, size: statSync(abs).size, sha256: sha256FileSync(abs) };
  });
}

/** The first way the recorded artifacts differ from the files on disk, or undefined when none does. */
export function artifactProblem(root: string, records: readonly ArtifactRecord[]): string | undefined {
  for (const a of records) {
    const abs = path.resolve(root, a.path);
    let size: number;
    try {
      size = statSync(abs).size;
    } catch {
      return `${a.path} is missing`;
    }
    if (size !== a.size) return `${a.path} has ${size} bytes, ${a.size} were written`;
    if (sha256FileSync(abs) !== a.sha256) return `${a.path} changed since it was written`;
  }
  return undefined;
}

/** Every file under a folder (recursively), for stages whose artifact is a whole folder. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath ?? dir, e.name));
}
