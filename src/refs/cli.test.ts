import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../../testing/requirements.js';

const cli = path.join(repoRoot, 'dist', 'src', 'cli', 'main.js');

test('`pacsmine refs --json` reads standard input and prints one JSON array', () => {
  const input = 'Sacral mass (series 3 image 88-9) and a cyst on image 12 of series 2.\nNo other images were obtained.\n';
  const r = spawnSync(process.execPath, [cli, 'refs', '--json'], { input, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const refs = JSON.parse(r.stdout) as Array<{ series: number[]; seriesText: string | null; instances: number[]; text: string; start: number; end: number }>;
  assert.deepEqual(refs, [
    { series: [3], seriesText: null, instances: [88, 89], text: 'series 3 image 88-9', start: 13, end: 32 },
    { series: [2], seriesText: null, instances: [12], text: 'image 12 of series 2', start: 48, end: 68 },
  ]);
  for (const ref of refs) assert.equal(input.slice(ref.start, ref.end), ref.text);
});

test('`pacsmine refs` prints one readable line per reference, and says so when there is none', () => {
  const r = spawnSync(process.execPath, [cli, 'refs'], { input: 'se 4 im 7-9; series 5/6, image 1', encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 2);
  assert.match(lines[0]!, /series 4 .*images 7,8,9/);
  assert.match(lines[1]!, /series 5\/6 .*images 1/);
  const named = spawnSync(process.execPath, [cli, 'refs', '--json'], { input: 'Edema (sagittal STIR #23).', encoding: 'utf8' });
  assert.equal(named.status, 0, named.stderr);
  assert.deepEqual(JSON.parse(named.stdout), [{ series: [], seriesText: 'sagittal STIR', instances: [23], text: 'sagittal STIR #23', start: 7, end: 24 }]);
  const none = spawnSync(process.execPath, [cli, 'refs', '--json'], { input: '3 images were obtained.', encoding: 'utf8' });
  assert.equal(none.status, 0, none.stderr);
  assert.deepEqual(JSON.parse(none.stdout), []);
});
