/**
 * The CLI is a user of the library like any other: every non-test file under src/cli imports
 * library code only from src/index.ts (the public API), statically or with import(). Imports
 * among src/cli files and of packages are fine. ALLOWED lists the exceptions, each with its
 * reason: it is empty and may only stay so or shrink.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'src');
const CLI = path.join(SRC, 'cli');
const INDEX = path.join(SRC, 'index.ts');

/** "cli file -> imported module" (both relative to src/) that may bypass index.ts, with the reason. */
const ALLOWED: Readonly<Record<string, string>> = {};

function* sources(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* sources(p);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') && !e.name.endsWith('.test.ts')) yield p;
  }
}

/** Every relative module a file names: `from '...'` (import and export) and `import('...')`. */
export function relativeSpecifiers(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\bfrom\s+['"](\.[^'"]*)['"]|\bimport\s*\(\s*['"](\.[^'"]*)['"]\s*\)|^\s*import\s+['"](\.[^'"]*)['"]/gm)) out.push((m[1] ?? m[2] ?? m[3])!);
  return out;
}

test('the specifier scan finds static, dynamic, re-export and bare imports', () => {
  assert.deepEqual(relativeSpecifiers(`import { a } from '../index.js';\nexport { b } from "./x.js";\nconst c = await import('../../topics/stage.js');\nimport './side.js';\nimport x from 'commander';`),
    ['../index.js', './x.js', '../../topics/stage.js', './side.js']);
});

test('src/cli imports library code only through src/index.ts', () => {
  const bypasses: string[] = [];
  let files = 0;
  for (const file of sources(CLI)) {
    files++;
    for (const spec of relativeSpecifiers(readFileSync(file, 'utf8'))) {
      const target = path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts');
      if (target === INDEX || !path.relative(CLI, target).startsWith('..')) continue;
      const key = `${path.relative(SRC, file)} -> ${path.relative(SRC, target)}`;
      if (ALLOWED[key] === undefined) bypasses.push(key);
    }
  }
  assert.ok(files > 20, `found only ${files} CLI files under ${CLI}`);
  assert.deepEqual(bypasses, [], 'CLI files that import library internals: export what they need from src/index.ts (or move the work into the stage)');
});
