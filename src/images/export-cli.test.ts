/**
 * `pacsmine export` through the real CLI, on a tiny workspace made the way a user would (sample,
 * ingest with no flags, images index, link): every linked key image comes out as a de-identified
 * DICOM file and a PNG, listed in the manifest; a bad --format exits 2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'main.js');

function pacsmine(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(args: string[]): Record<string, unknown> {
  const r = pacsmine([...args, '--json']);
  assert.equal(r.status, 0, `${args[0]}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

test('export writes the linked key images of a tiny workspace as DICOM and PNG', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pacsmine-export-cli-'));
  try {
    const arch = path.join(dir, 'arch');
    const ws = path.join(dir, 'ws');
    const archive = ok(['sample', '--out', arch, '--studies', '4', '--size', '32', '--slices', '4', '--workers', '0']);
    ok(['ingest', path.join(arch, 'reports.csv'), '-w', ws, '--workers', '0']);
    ok(['images', 'index', archive['dicomDir'] as string, '-w', ws]);
    const link = ok(['link', '-w', ws]);
    const out = path.join(dir, 'out');
    const s = ok(['export', '-w', ws, '--out', out]) as { images: number; dicom: number; png: number; rejected: number; manifest: string };
    assert.ok(s.images > 0, JSON.stringify({ link, s }));
    assert.equal(s.rejected, 0);
    assert.equal(s.dicom, s.images);
    assert.equal(s.png, s.images);
    const files = readdirSync(out, { recursive: true }).map(String);
    assert.equal(files.filter((f) => f.endsWith('.png')).length, s.png);
    assert.equal(files.filter((f) => f.endsWith('.dcm')).length, s.dicom);
    assert.ok(readFileSync(s.manifest, 'utf8').length > 0);

    const bad = pacsmine(['export', '-w', ws, '--out', path.join(dir, 'out2'), '--format', 'jpeg']);
    assert.equal(bad.status, 2, bad.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
