/**
 * Exit codes through the real CLI (README "Flags and exit codes"): 0 success, 1 a failed run, 2 a usage
 * error. Every child runs under a timeout, so a command that hangs (a -w under /proc once spun
 * forever) fails the test instead of stalling it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { maxWorkerCount } from '../util/worker-count.js';

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.js');
const TIMEOUT_MS = 60_000;

interface Result { status: number | null; signal: string | null; stdout: string; stderr: string; ms: number }

function pacsmine(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { timeout: TIMEOUT_MS, killSignal: 'SIGKILL', env: { ...process.env, ...env }, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const e = error as (Error & { code?: number | string; signal?: string }) | null;
      resolve({ status: e ? (typeof e.code === 'number' ? e.code : null) : 0, signal: e?.signal ?? null, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

/** Runs `rows` a few at a time (the machine has few cores; each child loads the whole CLI). */
async function table<R>(rows: R[], one: (row: R) => Promise<void>, parallel = 3): Promise<void> {
  for (let i = 0; i < rows.length; i += parallel) await Promise.all(rows.slice(i, i + parallel).map(one));
}

interface Row { args: string[]; code: 0 | 1 | 2; stderr?: RegExp; stdout?: RegExp }

async function expectCodes(rows: Row[]): Promise<void> {
  await table(rows, async (row) => {
    const r = await pacsmine(row.args);
    const what = `pacsmine ${row.args.join(' ')}`;
    assert.equal(r.signal, null, `${what} hung (killed after ${TIMEOUT_MS} ms)`);
    assert.equal(r.status, row.code, `${what}: exit ${r.status}, stderr: ${r.stderr.slice(0, 300)}`);
    if (row.stderr) assert.match(r.stderr, row.stderr, what);
    if (row.stdout) assert.match(r.stdout, row.stdout, what);
  });
}

test('exit code 0 for success, --help and --version; 1 for a failed run; 2 for commander usage errors', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pacsmine-exit-'));
  try {
    const ws = path.join(dir, 'ws');
    assert.equal((await pacsmine(['init', ws])).status, 0);
    await expectCodes([
      { args: ['--help'], code: 0, stdout: /Usage: pacsmine/ },
      { args: ['--version'], code: 0, stdout: /^\d+\.\d+\.\d+/ },
      { args: ['stats', '-w', ws, '--json'], code: 0, stdout: /"documents":0/ },
      // A failed run: the call was right, the input or the state was not.
      // Writers run three at a time here, so they queue for the workspace lock (--wait) instead of refusing.
      { args: ['ingest', path.join(dir, 'nope.csv'), '-w', ws, '--wait', '120'], code: 1, stderr: /nope\.csv/ },
      { args: ['neighbors', 'effusion', '-w', ws], code: 1, stderr: /no word vectors yet/ },
      { args: ['embed', '-w', ws, '--wait', '120'], code: 1, stderr: /no text to train on/ },
      // Usage errors from commander: exit 2 (commander alone would exit 1).
      { args: [], code: 2, stderr: /Usage: pacsmine/ },
      { args: ['no-such-verb'], code: 2, stderr: /unknown command 'no-such-verb'/ },
      { args: ['stats', '--bogus'], code: 2, stderr: /unknown option '--bogus'/ },
      { args: ['ingest'], code: 2, stderr: /missing required argument 'path'/ },
      { args: ['export', '-w', ws], code: 2, stderr: /required option '--out <dir>' not specified/ },
      { args: ['ingest', 'x.csv', '--workers'], code: 2, stderr: /argument missing/ },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('numeric flags across commands: abc, -1, 1e9, 99999 and the like exit 2 naming the flag', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pacsmine-flags-'));
  try {
    const ws = path.join(dir, 'ws');
    const csv = path.join(dir, 'r.csv');
    writeFileSync(csv, 'id,text\n1,Normal chest.\n');
    const workers = new RegExp(`--workers must be an integer from 0 to ${maxWorkerCount()}, got '`);
    await expectCodes([
      ...['abc', '-1', '1e9', '99999'].map((v): Row => ({ args: ['ingest', csv, '-w', ws, '--workers', v], code: 2, stderr: workers })),
      { args: ['topics', '-w', ws, '--k', '3', '--workers', '99999'], code: 2, stderr: workers },
      { args: ['embed', '-w', ws, '--workers', 'abc'], code: 2, stderr: workers },
      { args: ['sample', '--out', path.join(dir, 's'), '--workers', '-1'], code: 2, stderr: workers },
      { args: ['train', '--synthetic', '--workers', '1e9'], code: 2, stderr: workers },
      { args: ['demo', '-w', ws, '--studies', 'abc'], code: 2, stderr: /--studies must be an integer from 1 to \d+, got 'abc'/ },
      { args: ['stats', '-w', ws, '--top', '-1'], code: 2, stderr: /--top must be an integer from 0 to/ },
      { args: ['neighbors', 'x', '-w', ws, '-n', '0'], code: 2, stderr: /--topn must be an integer from 1 to/ },
      { args: ['predict', '--model', dir, '--manifest', csv, '--batch', '0'], code: 2, stderr: /--batch must be an integer from 1 to/ },
      { args: ['pacs', 'push', dir, '--url', 'http://127.0.0.1:9', '--batch', 'x'], code: 2, stderr: /--batch must be/ },
      { args: ['images', 'convert', '-w', ws, '--size', '0'], code: 2, stderr: /--size must be/ },
      { args: ['images', 'convert', '-w', ws, '--window', '40,abc'], code: 2, stderr: /--window \(width\) must be a number > 0, got 'abc'/ },
      { args: ['topics', '-w', ws, '--sweep', '5,x'], code: 2, stderr: /--sweep must be an integer from 1 to 65535, got 'x'/ },
      { args: ['train', '--synthetic', '--lr', '0'], code: 2, stderr: /--lr must be a number > 0/ },
      { args: ['train', '--synthetic', '--epochs', '2.5'], code: 2, stderr: /--epochs must be an integer/ },
      { args: ['embed', '-w', ws, '--sample', '2'], code: 2, stderr: /--sample must be a number from 0 to 1, got '2'/ },
      { args: ['ingest', csv, '-w', ws, '--wait', '-5'], code: 2, stderr: /--wait must be a number from 0 to/ },
      { args: ['sample', '--out', path.join(dir, 's'), '--seed', '-1'], code: 2, stderr: /--seed must be an integer from 0 to 4294967295, got '-1'/ },
    ]);
    assert.ok(!existsSync(ws), 'no command got as far as creating the workspace');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('commands that read or update a workspace refuse a missing one with exit 2 and create nothing', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pacsmine-missing-'));
  try {
    const typo = path.join(dir, 'typo');
    const none = /no workspace at .*typo: check -w\/--workspace/;
    await expectCodes([
      ['stats'], ['rejects'], ['neighbors', 'effusion'], ['link'], ['topics', '--k', '3'], ['embed'], ['describe'],
      ['export', '--out', path.join(dir, 'out')], ['images', 'convert'], ['pacs', 'link', '--url', 'http://127.0.0.1:9'],
      ['dataset'], ['train', '--chain'], ['train', '--level', 'second'], ['evaluate'], ['classify', 'scan.png'], ['report'], ['serve', '--port', '0'],
    ].map((args): Row => ({ args: [...args, '-w', typo], code: 2, stderr: none })));
    // $PACSMINE_WORKSPACE is a workspace path like -w.
    const r = await pacsmine(['stats'], { PACSMINE_WORKSPACE: typo });
    assert.equal(r.status, 2);
    assert.match(r.stderr, none);
    assert.ok(!existsSync(typo), 'nothing was created for the mistyped path');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('-w at an impossible place fails fast with exit 2 and says why (no spinning under /proc)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pacsmine-paths-'));
  try {
    const csv = path.join(dir, 'r.csv');
    writeFileSync(csv, 'id,text\n1,Normal chest.\n');
    writeFileSync(path.join(dir, 'file'), 'x');
    await expectCodes([
      { args: ['ingest', csv, '-w', '/proc/x/y'], code: 2, stderr: /cannot create the workspace \/proc\/x\/y: its parent folder \/proc\/x does not exist/ },
      { args: ['init', '/proc/x/y'], code: 2, stderr: /parent folder \/proc\/x does not exist/ },
      { args: ['demo', '-w', '/proc/pacsmine-ws'], code: 2, stderr: /cannot create the workspace \/proc\/pacsmine-ws/ },
      { args: ['ingest', csv, '-w', '/dev/null/x'], code: 2, stderr: /cannot create the workspace \/dev\/null\/x: \/dev\/null is not a folder/ },
      { args: ['ingest', csv, '-w', path.join(dir, 'no', 'such', 'ws')], code: 2, stderr: /parent folder .*no\/such does not exist/ },
      { args: ['ingest', csv, '-w', path.join(dir, 'file')], code: 2, stderr: /exists and is not a folder/ },
    ]);
    assert.ok(!existsSync(path.join(dir, 'no')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
