/**
 * One flag vocabulary: found by walking the real program's commands, so a new command or flag
 * is checked without being listed here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Command, Option } from 'commander';
import { buildProgram, exitCodeForRun } from './program.js';
import type { NumericParser } from './numbers.js';
import { OptionsError } from '../util/errors.js';
import { maxWorkerCount } from '../util/worker-count.js';

const quiet = { writeOut: () => undefined, writeErr: () => undefined };

/** Every runnable command with its path of names (e.g. ['images', 'convert']). */
function commands(): Array<{ path: string[]; command: Command }> {
  const out: Array<{ path: string[]; command: Command }> = [];
  const walk = (c: Command, path: string[]): void => {
    for (const sub of c.commands) {
      const p = [...path, sub.name()];
      if (sub.commands.length) walk(sub, p);
      else out.push({ path: p, command: sub });
    }
  };
  walk(buildProgram(quiet), []);
  return out;
}

const numericOf = (o: Option): NumericParser<unknown>['numeric'] | undefined => (o.parseArg as NumericParser<unknown> | undefined)?.numeric;
const NUMERIC_PLACEHOLDER = /<(n|px|x|a|b|t|seconds)>/;

test('every option with a numeric placeholder is parsed by the one numeric parser, and every such option names its flag', () => {
  let count = 0;
  for (const { path, command } of commands()) {
    for (const o of command.options) {
      const spec = numericOf(o);
      if (NUMERIC_PLACEHOLDER.test(o.flags)) assert.ok(spec, `${path.join(' ')} ${o.flags} has no numeric parser`);
      if (spec) {
        assert.equal(`--${spec.flag}`, o.long, `${path.join(' ')} ${o.flags} reports errors as --${spec.flag}`);
        count++;
      }
    }
  }
  assert.ok(count >= 40, `${count} numeric options found`);
});

test('every numeric option of every command refuses abc, and out-of-range or non-integer values, with exit code 2', async () => {
  for (const { path, command } of commands()) {
    for (const o of command.options) {
      const spec = numericOf(o);
      if (!spec) continue;
      const where = `${path.join(' ')} ${o.long}`;
      // Through commander, as the CLI parses it: the parser runs and its OptionsError (exit 2) comes out.
      await assert.rejects(buildProgram(quiet).parseAsync([...path, o.long as string, 'abc'], { from: 'user' }),
        (e: unknown) => e instanceof OptionsError && exitCodeForRun(e) === 2 && e.message.startsWith(`--${spec.flag} must be `) && e.message.endsWith(`got 'abc'`), where);
      const bad = ['', 'abc'];
      if (spec.kind === 'integer') bad.push('2.5', '1e3');
      if (spec.min !== undefined) bad.push(String(spec.min - (spec.kind === 'integer' ? 1 : 0.001)));
      if (spec.above !== undefined) bad.push(String(spec.above));
      if (spec.max !== undefined) bad.push(String(spec.max + 1));
      if (spec.below !== undefined) bad.push(String(spec.below));
      for (const value of bad) assert.throws(() => o.parseArg?.(value, undefined), OptionsError, `${where} accepted '${value}'`);
      const good = spec.min ?? (spec.above !== undefined ? spec.above + 1 : 1);
      assert.doesNotThrow(() => o.parseArg?.(String(spec.max !== undefined ? Math.min(good, spec.max) : good), undefined), where);
    }
  }
});

test('--workers means the same on every command: 0 (the main thread) to 8 per core, the harness ceiling', () => {
  const found: string[] = [];
  for (const { path, command } of commands()) {
    const o = command.options.find((x) => x.long === '--workers');
    if (!o) continue;
    found.push(path.join(' '));
    assert.deepEqual(numericOf(o), { kind: 'integer', flag: 'workers', min: 0, max: maxWorkerCount() }, path.join(' '));
    assert.match(o.description, /0 = in the main thread/, path.join(' '));
    for (const bad of ['abc', '-1', '1e9', '99999', String(maxWorkerCount() + 1)]) assert.throws(() => o.parseArg?.(bad, undefined), /--workers must be an integer from 0 to/);
  }
  assert.deepEqual(found.sort(), ['embed', 'ingest', 'ingest-collection', 'regress', 'sample', 'topics', 'train']);
});

test('-w/--workspace on every command that uses a workspace, --wait on every one that writes to it', () => {
  const withWorkspace: string[] = [];
  const withWait: string[] = [];
  for (const { path, command } of commands()) {
    const ws = command.options.find((x) => x.long === '--workspace');
    if (ws) {
      withWorkspace.push(path.join(' '));
      assert.equal(ws.flags, '-w, --workspace <dir>', path.join(' '));
    }
    if (command.options.some((x) => x.long === '--wait')) withWait.push(path.join(' '));
  }
  const readers = ['classify', 'keywords', 'neighbors', 'rejects', 'report', 'search', 'serve', 'stats'];
  const writers = ['dataset', 'demo', 'describe', 'embed', 'evaluate', 'export', 'images convert', 'images index', 'ingest', 'ingest-collection', 'link', 'pacs link', 'regress', 'topics', 'train'];
  assert.deepEqual(withWorkspace.sort(), [...readers, ...writers, 'init'].sort());
  assert.deepEqual(withWait.sort(), writers.sort());
});
