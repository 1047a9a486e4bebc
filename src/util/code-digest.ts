/**
 * Digests of the code that produced a stage's output, for stage records: a record keyed on
 * its parameters, its input digests and these is reused exactly when nothing that could
 * change the output changed — unlike the package version, which stays the same across
 * edits during development and changes across releases that did not touch the stage.
 *
 * The build (scripts/post-build.mjs, after tsc and the wasm kernels) writes
 * dist/src/code-digests.json: one sha256 per top-level folder of dist/src ('topics',
 * 'embeddings', 'util', ...; '.' for the files directly in dist/src), over every file the
 * build put there (compiled .js, .wasm kernels, data assets) except tests, type declarations
 * and source maps. `codeDigest('topics', 'util')` combines the folders a stage depends on.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OptionsError, PacsmineError } from './errors.js';

export const CODE_DIGESTS_FILE = 'code-digests.json';

/** What does not change a stage's output: tests and their worker entries, declarations, maps, the digest file itself. */
function counts(relativePath: string): boolean {
  const name = path.posix.basename(relativePath);
  if (name === CODE_DIGESTS_FILE || name.endsWith('.d.ts') || name.endsWith('.map')) return false;
  if (/\.test\.[cm]?js$/.test(name)) return false;
  return !relativePath.split('/').includes('testing-workers');
}

function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(path.join(dir, e.name), rel));
    else if (e.isFile() && counts(rel)) out.push(rel);
  }
  return out;
}

/**
 * sha256 over the files under `dir` that count, in sorted path order, each as
 * path, NUL, byte length, NUL, bytes: a rename or a moved byte changes it.
 */
export function digestTree(dir: string): string {
  const hash = createHash('sha256');
  for (const rel of listFiles(dir).sort()) {
    const bytes = readFileSync(path.join(dir, rel));
    hash.update(`${rel}\0${bytes.length}\0`);
    hash.update(bytes);
  }
  return hash.digest('hex');
}

/** One digest per top-level folder of `srcDir`, and '.' for the files directly in it. */
export function digestFolders(srcDir: string): Record<string, string> {
  const digests: Record<string, string> = {};
  const entries = readdirSync(srcDir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  const top = createHash('sha256');
  for (const e of entries) {
    if (e.isDirectory()) {
      digests[e.name] = digestTree(path.join(srcDir, e.name));
    } else if (e.isFile() && counts(e.name)) {
      const bytes = readFileSync(path.join(srcDir, e.name));
      top.update(`${e.name}\0${bytes.length}\0`);
      top.update(bytes);
    }
  }
  digests['.'] = top.digest('hex');
  return digests;
}

/** Writes `<srcDir>/code-digests.json` (the build calls this). */
export function writeCodeDigests(srcDir: string): Record<string, string> {
  const folders = digestFolders(srcDir);
  writeFileSync(path.join(srcDir, CODE_DIGESTS_FILE), `${JSON.stringify({ algorithm: 'sha256', folders }, null, 2)}\n`);
  return folders;
}

/** Reads a code-digests.json; a missing or damaged file is a clear error telling how to make it. */
export function loadCodeDigests(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new PacsmineError('NOT_FOUND', `${file} is missing: run \`npm run build\`, which writes the code digests that stage records are keyed on`, { cause });
  }
  const parsed = JSON.parse(text) as { algorithm?: unknown; folders?: unknown };
  if (parsed.algorithm !== 'sha256' || !parsed.folders || typeof parsed.folders !== 'object') {
    throw new PacsmineError('NOT_FOUND', `${file} is not a code-digest file: run \`npm run build\` again`);
  }
  return parsed.folders as Record<string, string>;
}

let cached: Record<string, string> | undefined;

/**
 * One digest for the code of the given top-level src folders ('topics', 'util', ...):
 * order and repeats do not matter. The digest file is read once per process.
 */
export function codeDigest(...folders: string[]): string {
  if (folders.length === 0) throw new OptionsError('codeDigest() needs at least one src folder, e.g. codeDigest(\'topics\', \'util\')');
  cached ??= loadCodeDigests(fileURLToPath(new URL(`../${CODE_DIGESTS_FILE}`, import.meta.url)));
  const digests = cached;
  const hash = createHash('sha256');
  for (const f of [...new Set(folders)].sort()) {
    const d = digests[f];
    if (d === undefined) throw new OptionsError(`codeDigest(): no src folder "${f}" (known: ${Object.keys(digests).sort().join(', ')})`);
    hash.update(`${f}:${d}\n`);
  }
  return hash.digest('hex');
}
