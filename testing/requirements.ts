/**
 * Tests that need something a user's clone may lack (../shared data, Orthanc, Chromium,
 * Debian's gensim/torch) skip with a message when it is absent. CI sets
 * PACSMINE_REQUIRE_ALL=1, which turns every such skip into a failure, so CI always runs them.
 */
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const requireAll = process.env['PACSMINE_REQUIRE_ALL'] === '1';

/** The repository root: the nearest folder above this file that holds package.json. */
export const repoRoot = findRepoRoot(path.dirname(fileURLToPath(import.meta.url)));

function findRepoRoot(start: string): string {
  let dir = start;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

/** ../shared/data beside the checkout, where the real public test data lives. */
export const sharedDataDir = process.env['PACSMINE_SHARED_DATA'] ?? path.resolve(repoRoot, '..', 'shared', 'data');

/**
 * Returns a reason to skip, or undefined when the requirement is met.
 * Under PACSMINE_REQUIRE_ALL=1 a missing requirement throws instead.
 */
export function requirement(ok: boolean, what: string): string | undefined {
  if (ok) return undefined;
  const message = `needs ${what}`;
  if (requireAll) throw new Error(`${message} (PACSMINE_REQUIRE_ALL=1 turns this skip into a failure)`);
  return message;
}

/** Skip reason for a file or folder under ../shared/data. */
export function needsSharedData(relative: string): string | undefined {
  return requirement(existsSync(path.join(sharedDataDir, relative)), `../shared/data/${relative}`);
}

/** Skip reason for Debian's python3 with the given modules (gensim, sklearn, torch). */
export function needsDebianPython(...modules: string[]): string | undefined {
  const ok = existsSync('/usr/bin/python3') &&
    spawnSync('/usr/bin/python3', ['-c', modules.map((m) => `import ${m}`).join(';') || 'pass']).status === 0;
  return requirement(ok, `/usr/bin/python3 with ${modules.join(', ')} (apt-get install python3-gensim python3-sklearn python3-torch)`);
}

/** Skip reason for an executable on disk. */
export function needsExecutable(file: string, hint: string): string | undefined {
  return requirement(existsSync(file), `${file} (${hint})`);
}
