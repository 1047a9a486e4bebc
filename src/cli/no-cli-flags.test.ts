/**
 * Library errors never name CLI flags; the CLI translates (src/cli/errors.ts). This test reads
 * every src/**\/*.ts outside src/cli and the tests, takes the text of each `Error(` call (up to its
 * closing `);`, a few lines at most) and fails on a `--flag` there. KNOWN lists the exceptions left
 * in files other helpers own, or hints naming a whole command line: it may only shrink.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { translateOptionNames } from './errors.js';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'src');

/** file: the number of flag-naming error calls still there. */
const KNOWN: Readonly<Record<string, number>> = {
  'evaluation/evaluate.ts': 3, // "run `pacsmine dataset --level L` first", "pacsmine train --level L"
  'training/chain.ts': 2, // the same hints
  'training/classify.ts': 1, // "run `pacsmine train --chain` first"
  'training/predict.ts': 1, // "save models with pacsmine train --out"
  'training/model-io.ts': 1, // tensorflowjs_converter's own flag, not ours
  'datasets/level.ts': 2, // "run `pacsmine topics/dataset --level L`"
  'topics/label.ts': 1, // owned by the topics helper
  'topics/stage.ts': 2,
  'topics/select.ts': 1,
};

function* sources(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) { if (p !== path.join(SRC, 'cli')) yield* sources(p); } else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') && !/\.test\.ts$/.test(e.name)) yield p;
  }
}

test('no library error message names a --flag (beyond the known exceptions)', () => {
  const found: Record<string, string[]> = {};
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8');
    for (let i = text.indexOf('Error('); i >= 0; i = text.indexOf('Error(', i + 1)) {
      const end = text.indexOf(');', i);
      const call = text.slice(i, end < 0 ? i + 400 : Math.min(end, i + 800));
      if (/(^|[\s('"`/])--[a-z]/.test(call)) (found[path.relative(SRC, file)] ??= []).push(call.slice(0, 120));
    }
  }
  for (const [file, calls] of Object.entries(found)) {
    assert.ok(calls.length <= (KNOWN[file] ?? 0), `${file}: error messages naming CLI flags (name the option, e.g. "option \`maxPixels\`"):\n${calls.join('\n')}`);
  }
});

test('the CLI translates option names to its flags', () => {
  assert.equal(translateOptionNames('over the limit (option `maxPixels`)'), 'over the limit (--max-pixels)');
  assert.equal(translateOptionNames('check option `workspace`'), 'check -w/--workspace');
  assert.equal(translateOptionNames('no options here'), 'no options here');
});
