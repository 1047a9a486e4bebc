/**
 * `pacsmine train` and `pacsmine predict` through the real CLI (the library is tested in
 * manifest.test.ts and chain.e2e.test.ts): flags reach the library, results print as JSON, the
 * saved network labels images, and a usage error exits 2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'main.js');

function pacsmine(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('train --synthetic runs one epoch and prints the run as JSON', () => {
  const r = pacsmine(['train', '--synthetic', '--size', '16', '--epochs', '1', '--batch', '50', '--device', 'cpu', '--workers', '0', '--seed', '3', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout) as { numTrain: number; numValidation: number; classNames: string[]; epochs: Array<{ trainLoss?: number }> };
  assert.equal(s.epochs.length, 1);
  assert.equal(s.numTrain + s.numValidation, 600);
  assert.equal(s.classNames.length, 4);
});

test('train --manifest --out saves a network that predict uses to label the images', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pacsmine-train-cli-'));
  try {
    const entries: Array<{ path: string; label: string }> = [];
    for (let i = 0; i < 12; i++) {
      const label = i % 2 === 0 ? 'dark' : 'bright';
      const raw = Buffer.alloc(16 * 16, label === 'dark' ? 20 + i : 220 - i);
      await sharp(raw, { raw: { width: 16, height: 16, channels: 1 } }).png().toFile(path.join(dir, `${i}.png`));
      entries.push({ path: `${i}.png`, label });
    }
    fs.writeFileSync(path.join(dir, 'train.json'), JSON.stringify(entries));
    fs.writeFileSync(path.join(dir, 'label.json'), JSON.stringify(entries.map((e) => ({ path: e.path }))));
    const out = path.join(dir, 'model');
    const t = pacsmine(['train', '--manifest', path.join(dir, 'train.json'), '--size', '16', '--epochs', '1', '--batch', '4',
      '--device', 'cpu', '--workers', '0', '--seed', '1', '--out', out, '--json']);
    assert.equal(t.status, 0, t.stderr);
    const trained = JSON.parse(t.stdout) as { numTrain: number; numValidation: number; classNames: string[] };
    assert.equal(trained.numTrain + trained.numValidation, 12);
    assert.deepEqual([...trained.classNames].sort(), ['bright', 'dark']);
    for (const f of ['model.pacsmine', 'model.onnx']) assert.ok(fs.existsSync(path.join(out, f)), f);

    const p = pacsmine(['predict', '--model', out, '--manifest', path.join(dir, 'label.json'), '--threads', '1', '--json']);
    assert.equal(p.status, 0, p.stderr);
    const predicted = JSON.parse(p.stdout) as { predictions: Array<{ index: number; label?: string; score?: number }>; rejects: unknown[] };
    assert.equal(predicted.predictions.length, 12);
    assert.equal(predicted.rejects.length, 0);
    for (const q of predicted.predictions) assert.ok(['bright', 'dark'].includes(q.label!) && q.score! >= 0.5 && q.score! <= 1, JSON.stringify(q));

    // A usage error (no model given) exits 2 and names the missing flag.
    const bad = pacsmine(['predict', '--manifest', path.join(dir, 'label.json')]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--model/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
