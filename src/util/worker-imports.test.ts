/**
 * No module imports a worker entry file (`*.worker.js`) for its values: an entry runs
 * serveWorker() when it is evaluated, so importing one from a module that may itself run
 * inside a worker (LDA inside ingest, say) starts serving in the wrong thread. Workers are
 * started with `new URL('./x.worker.js', import.meta.url)`; shared code and types live in
 * ordinary modules. `import type` is fine: tsc erases it, so the built files are what we scan.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ENTRY = /\.worker\.[cm]?js$/;

/** `importer -> imported` (paths relative to `root`) for every import of a worker entry under `root`. */
function workerEntryImports(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) {
        if (name !== 'node_modules') walk(p);
        continue;
      }
      // Test files may load an entry on purpose (to test its guard); shipped code may not.
      if (!/\.[cm]?js$/.test(name) || /\.test\.[cm]?js$/.test(name)) continue;
      // TypeScript's own import scanner: static imports, re-exports, import() and require(), not comments or strings.
      const info = ts.preProcessFile(readFileSync(p, 'utf8'), true, true);
      for (const ref of info.importedFiles) {
        if (!ENTRY.test(ref.fileName)) continue;
        const target = ref.fileName.startsWith('.') ? path.relative(root, path.resolve(path.dirname(p), ref.fileName)) : ref.fileName;
        found.push(`${path.relative(root, p)} -> ${target}`.split(path.sep).join('/'));
      }
    }
  };
  walk(root);
  return found;
}

/**
 * Violations that predate the harness, each to be removed by the migration that fixes it.
 * The test also fails when one of these is gone, so that this list never goes stale.
 */
const KNOWN: string[] = [];

test('no built module imports a *.worker.js entry for its values (only new URL(...) references are allowed)', () => {
  const dist = fileURLToPath(new URL('../../', import.meta.url)); // dist/: src, bench and testing
  const found = workerEntryImports(dist);
  const added = found.filter((f) => !KNOWN.includes(f));
  assert.deepEqual(added, [], `worker entry files imported for their values:\n${added.join('\n')}\nMove what they share into an ordinary module and import that.`);
  const fixed = KNOWN.filter((k) => !found.includes(k));
  assert.deepEqual(fixed, [], `fixed (remove from KNOWN in ${path.basename(fileURLToPath(import.meta.url))}): ${fixed.join(', ')}`);
});

test('the scanner finds value imports, re-exports and import() of entries, and ignores new URL(), comments and type-only imports', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'worker-imports-'));
  mkdirSync(path.join(root, 'a'));
  writeFileSync(path.join(root, 'a', 'user.js'), [
    "import { seed } from './b.worker.js';",
    "export * from '../f.worker.js';",
    "const url = new URL('./c.worker.js', import.meta.url);",
    "// import { old } from './d.worker.js';",
    "const text = \"from './g.worker.js'\";",
    "const later = await import('./e.worker.js');",
    "import { helper } from './sampler.js';",
  ].join('\n'));
  writeFileSync(path.join(root, 'a', 'typed.ts'), "import type { Init } from './h.worker.js';\n");
  writeFileSync(path.join(root, 'a', 'user.test.js'), "import './b.worker.js';\n");
  assert.deepEqual(workerEntryImports(root).sort(), ['a/user.js -> a/b.worker.js', 'a/user.js -> a/e.worker.js', 'a/user.js -> f.worker.js']);
});
