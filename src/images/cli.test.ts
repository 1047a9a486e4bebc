import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../testing/requirements.js';

const cli = path.join(repoRoot, 'dist', 'src', 'cli', 'main.js');
const run = (...args: string[]): { status: number | null; stdout: string; stderr: string } =>
  spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

test('`pacsmine sample` then `pacsmine images index --json` prints one object with indexed and rejected counts', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-cli-'));
  try {
    const out = path.join(dir, 'archive');
    const s = run('sample', '--out', out, '--studies', '3', '--seed', '2', '--size', '32', '--slices', '4', '--json');
    assert.equal(s.status, 0, s.stderr);
    const summary = JSON.parse(s.stdout) as { files: number; studies: number };
    assert.equal(summary.studies, 3);
    for (const f of ['reports.csv', 'reports.jsonl', 'truth.jsonl', 'manifest.json']) assert.ok(existsSync(path.join(out, f)), f);
    const r = run('images', 'index', out, '--workspace', path.join(dir, 'ws'), '--json');
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    const idx = JSON.parse(lines[0] as string) as { indexed: number; rejected: number };
    assert.equal(idx.indexed, summary.files);
    assert.equal(idx.rejected, 4, 'the report, ground-truth and manifest files are not DICOM');
    const bad = run('sample', '--out', out, '--studies', '0');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /studies must be a positive integer/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
