/**
 * Library errors never name CLI flags; the CLI translates (src/cli/errors.ts). This test reads
 * every src/**\/*.ts outside src/cli and the tests, takes the text of each `Error(` call (up to its
 * closing `);`, a few lines at most) and fails on a `--flag` or a `pacsmine VERB` command line there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MissingStageError } from '../index.js';
import { cliMessage, translateOptionNames } from './errors.js';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'src');

/**
 * file: the number of flag-naming error calls still there. Empty: a stage that needs another names
 * it with MissingStageError, and the CLI turns that into the command to run. It may only shrink.
 */
const KNOWN: Readonly<Record<string, number>> = {};

/**
 * file: the number of error calls that still name a `pacsmine VERB` command (no flags), with the
 * reason. It may only shrink: each should become a MissingStageError.
 */
const KNOWN_COMMANDS: Readonly<Record<string, number>> = {
  'keywords/regress.ts': 2, // "run `pacsmine regress` / `pacsmine describe`": the CNN helper's file, being rewritten
  'embeddings/stage.ts': 1, // an InputError (exit code 1): a MissingStageError would change it to 2
  'pipeline/dataset.ts': 1, // names two stages (images convert and topics) in one message
  'store/workspace.ts': 1, // no workspace at all: lists the commands that create one (init or any first stage)
};

function* sources(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) { if (p !== path.join(SRC, 'cli')) yield* sources(p); } else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') && !/\.test\.ts$/.test(e.name)) yield p;
  }
}

test('no library error message names a --flag or a pacsmine command (beyond the known exceptions)', () => {
  const found: Record<string, string[]> = {};
  const commands: Record<string, string[]> = {};
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8');
    for (let i = text.indexOf('Error('); i >= 0; i = text.indexOf('Error(', i + 1)) {
      const end = text.indexOf(');', i);
      const call = text.slice(i, end < 0 ? i + 400 : Math.min(end, i + 800));
      if (/(^|[\s('"`/])--[a-z]/.test(call) || /pacsmine [a-z]+ -/.test(call)) (found[path.relative(SRC, file)] ??= []).push(call.slice(0, 120));
      else if (/`pacsmine [a-z]/.test(call)) (commands[path.relative(SRC, file)] ??= []).push(call.slice(0, 120));
    }
  }
  for (const [file, calls] of Object.entries(found)) {
    assert.ok(calls.length <= (KNOWN[file] ?? 0), `${file}: error messages naming CLI flags (name the option, e.g. "option \`maxPixels\`"):\n${calls.join('\n')}`);
  }
  for (const [file, calls] of Object.entries(commands)) {
    assert.ok(calls.length <= (KNOWN_COMMANDS[file] ?? 0), `${file}: error messages naming a pacsmine command (throw MissingStageError naming the stage):\n${calls.join('\n')}`);
  }
});

test('the CLI translates option names to its flags', () => {
  assert.equal(translateOptionNames('over the limit (option `maxPixels`)'), 'over the limit (--max-pixels)');
  assert.equal(translateOptionNames('check option `workspace`'), 'check -w/--workspace');
  assert.equal(translateOptionNames('no options here'), 'no options here');
});

test('the CLI turns a missing stage into the command that runs it', () => {
  const missing = new MissingStageError('no document-level dataset in the workspace', { stage: 'dataset', level: 'document' });
  assert.equal(missing.message, 'no document-level dataset in the workspace: run the `dataset` stage for the document level first');
  assert.equal(cliMessage(missing), 'no document-level dataset in the workspace: run `pacsmine dataset --level document` first');
  const stale = new MissingStageError('the second-level network was trained on an earlier version of its dataset', { stage: 'train', level: 'second', stale: true });
  assert.equal(cliMessage(stale), 'the second-level network was trained on an earlier version of its dataset: run `pacsmine train --level second` (or `pacsmine train --chain`) again');
  assert.equal(cliMessage(new MissingStageError('no trained level networks in the workspace', { stage: 'train' })), 'no trained level networks in the workspace: run `pacsmine train --chain` first');
  assert.equal(cliMessage(new MissingStageError('no network in d (or give option `modelDir`)', { stage: 'embed' })), 'no network in d (or give --model DIR): run `pacsmine embed` first');
});
