/**
 * File names from untrusted data. A DICOM header, a PACS answer or a report file chooses UIDs,
 * accession numbers and descriptions; none of them may choose where pacsmine writes. Every path
 * built from such a value goes through here: the value becomes a name pacsmine made (the value
 * itself only when it is a well-formed DICOM UID, else a hash or a sanitised, length-limited
 * name), and the joined path is checked to stay inside its folder, symbolic links included.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { InputError } from './errors.js';

/** A well-formed DICOM UID (PS3.5 §9.1): digits and dots, no empty or zero-led component, at most 64 characters. */
const DICOM_UID = /^(?:0|[1-9][0-9]*)(?:\.(?:0|[1-9][0-9]*))*$/;

/** The longest name safeName returns (before its extension); well under every file system's 255 bytes. */
export const MAX_NAME_LENGTH = 64;

const digest = (value: string, chars: number): string => createHash('sha256').update(value, 'utf8').digest('hex').slice(0, chars);

export function isDicomUid(value: string): boolean {
  return value.length <= 64 && DICOM_UID.test(value);
}

/**
 * The file name for an object named by a UID: `<uid><ext>` when the UID is well formed (so names
 * stay readable and stable), else `uid-<32 hex of sha256(uid)><ext>`. The two forms cannot
 * collide: a well-formed UID never contains a letter.
 */
export function uidFileName(uid: string, ext: string): string {
  return `${isDicomUid(uid) ? uid : `uid-${digest(uid, 32)}`}${ext}`;
}

/**
 * A file name from free text (a level, a description): letters, digits, '.', '_' and '-' only, no
 * leading dot, at most MAX_NAME_LENGTH characters. A value that had to change gets `-<8 hex of its
 * sha256>` appended, so two values that sanitise alike still get different names.
 */
export function safeName(value: string, maxLength = MAX_NAME_LENGTH): string {
  const cleaned = value.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '');
  if (cleaned === value && cleaned.length > 0 && cleaned.length <= maxLength) return cleaned;
  const suffix = `-${digest(value, 8)}`;
  return `${cleaned.slice(0, Math.max(0, maxLength - suffix.length))}${suffix}`.replace(/^-/, 'x-');
}

/** Thrown when a path would leave its folder. The message never repeats the offending value. */
export class UnsafePathError extends InputError {
  constructor(what: string) {
    super(`${what} would be written outside its folder; refused`);
  }
}

/** The nearest existing ancestor of `p` (or `p` itself). */
function existingAncestor(p: string): string {
  let cur = p;
  while (!existsSync(cur)) {
    const parent = path.dirname(cur);
    if (parent === cur) break;
    cur = parent;
  }
  return cur;
}

function inside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/**
 * Joins `parts` under `dir` and returns the absolute path, or throws UnsafePathError when the
 * result is not strictly inside `dir`: by `..`, by an absolute part, by a NUL byte, or through a
 * symbolic link (an existing ancestor that resolves elsewhere, or the target itself being a link).
 */
export function pathInside(dir: string, ...parts: string[]): string {
  if (parts.some((p) => p.includes('\0'))) throw new UnsafePathError('a file name with a NUL byte');
  const root = path.resolve(dir);
  const full = path.resolve(root, ...parts);
  if (!inside(root, full)) throw new UnsafePathError('a file');
  const realRoot = existsSync(root) ? realpathSync(root) : root;
  const ancestor = existingAncestor(path.dirname(full));
  // The folder we will write into, once links are followed, must still be under the root.
  if (ancestor.length >= root.length) {
    const realAncestor = realpathSync(ancestor);
    if (realAncestor !== realRoot && !inside(realRoot, realAncestor)) throw new UnsafePathError('a file (through a symbolic link)');
  }
  // Writing to an existing link would write wherever the link points.
  let isLink = false;
  try {
    isLink = lstatSync(full).isSymbolicLink();
  } catch { /* does not exist yet */ }
  if (isLink) throw new UnsafePathError('a file (a symbolic link)');
  return full;
}
