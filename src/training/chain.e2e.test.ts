/**
 * The chain through the CLI, as a user runs it: `dataset`, `train --chain`, `evaluate`,
 * `train --level`, `classify`, on a small labelled workspace whose document topics are visible in
 * the pixels (testing/dataset-fixture.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Workspace } from '../store/workspace.js';
import { writeFixture } from '../../testing/dataset-fixture.js';

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'main.js');

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
}

const jsonLines = (out: string): Array<Record<string, any>> => out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);

test('dataset → train --chain → evaluate → train --level → classify, through the CLI', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pacsmine-chain-'));
  const wsDir = path.join(dir, 'ws');
  try {
    const ws = Workspace.open(wsDir);
    const images = await writeFixture(ws, { cases: 36, imagesPerCase: 3, topics: 3, size: 24, topicWeights: [2, 1, 1], seed: 3 });
    ws.close();

    const d = run(['dataset', '-w', wsDir, '--min-train', '4', '--json']);
    assert.equal(d.status, 0, d.stderr);
    const datasets = jsonLines(d.stdout);
    assert.deepEqual(datasets.map((x) => x['level']), ['document', 'second', 'sentence']);
    for (const x of datasets) {
      assert.match(x['digest'], /^[0-9a-f]{64}$/);
      assert.equal(x['images'].train + x['images'].validation + x['images'].test + x['images'].dropped, images.length);
    }
    assert.equal(run(['dataset', '-w', wsDir, '--balance', 'often']).status, 2, 'a bad --balance is a usage error');
    assert.equal(run(['dataset', '-w', wsDir, '--split', '80,5']).status, 2);

    const common = ['--size', '24', '--crop', '20', '--epochs', '4', '--batch', '16', '--device', 'cpu', '--workers', '0'];
    const c = run(['train', '--chain', '-w', wsDir, ...common, '--json']);
    assert.equal(c.status, 0, c.stderr);
    const chain = JSON.parse(c.stdout.trim().split('\n').pop()!) as { levels: Record<string, any>; digest: string };
    assert.match(chain.digest, /^[0-9a-f]{64}$/);
    assert.deepEqual(Object.keys(chain.levels), ['document', 'second', 'sentence']);
    const doc = chain.levels['document'];
    assert.equal(doc.from, null, 'the document level from scratch');
    assert.equal(chain.levels['second'].from, doc.outDir, 'second fine-tuned from document');
    assert.equal(chain.levels['sentence'].from, chain.levels['second'].outDir, 'sentence fine-tuned from second');
    assert.equal(chain.levels['second'].learningRate, 0.001, 'the paper\'s fine-tuning rate');
    // The document topic is drawn in the pixels: the network must beat both baselines by far.
    const e = doc.evaluation;
    assert.ok(e.top1 >= 0.8, `document top-1 ${e.top1}`);
    assert.ok(e.top1 > e.baselines.majority.top1 + 0.2 && e.top1 > e.baselines.priorRandom.top1 + 0.2, JSON.stringify(e.baselines));
    assert.ok(e.top5 >= e.top1);
    for (const level of ['document', 'second', 'sentence']) {
      const ev = chain.levels[level].evaluation;
      assert.ok(existsSync(ev.json) && existsSync(ev.svg), `${level}: evaluation files`);
      assert.match(readFileSync(ev.svg, 'utf8'), /^<svg/);
      const saved = JSON.parse(readFileSync(ev.json, 'utf8')) as { confusion: number[][]; images: number };
      assert.equal(saved.confusion.flat().reduce((a, b) => a + b, 0), saved.images);
    }

    // evaluate again: the same numbers and digest (same network, same test split).
    const ev = run(['evaluate', '-w', wsDir, '--json']);
    assert.equal(ev.status, 0, ev.stderr);
    const again = jsonLines(ev.stdout);
    assert.deepEqual(again.map((x) => x['level']), ['document', 'second', 'sentence']);
    assert.equal(again[0]!['digest'], doc.evaluation.digest);

    // One level alone starts from the level above (the workspace's second-level network).
    const one = run(['train', '--level', 'sentence', '-w', wsDir, ...common, '--epochs', '1', '--json']);
    assert.equal(one.status, 0, one.stderr);
    assert.equal(JSON.parse(one.stdout).from, chain.levels['second'].outDir);
    assert.equal(run(['train', '--level', 'sentence', '--chain', '-w', wsDir]).status, 2);
    assert.equal(run(['train', '--level', 'sentence', '--manifest', 'x.json', '-w', wsDir]).status, 2);

    // classify: each image's top topics at every level, with keywords; an unreadable file is listed, not fatal.
    const bad = path.join(dir, 'bad.png');
    writeFileSync(bad, 'not a png');
    const cl = run(['classify', '-w', wsDir, images[0]!.path, images[5]!.path, bad, '--top', '2', '--json']);
    assert.equal(cl.status, 0, cl.stderr);
    const r = JSON.parse(cl.stdout) as { images: Array<{ image: string; levels: Record<string, Array<{ label: string; probability: number; keywords: string[] }>> }>; rejected: Array<{ image: string }> };
    assert.equal(r.images.length, 2);
    assert.deepEqual(r.rejected.map((x) => x.image), [bad]);
    for (const img of r.images) {
      assert.deepEqual(Object.keys(img.levels), ['document', 'second', 'sentence']);
      for (const guesses of Object.values(img.levels)) {
        assert.equal(guesses.length, 2);
        assert.ok(guesses[0]!.probability >= guesses[1]!.probability);
        assert.ok(guesses[0]!.keywords.length > 0);
      }
    }
    assert.equal(r.images[0]!.levels['document']![0]!.label, images[0]!.document, 'the first image\'s document topic');
    assert.equal(run(['classify', '-w', wsDir, bad]).status, 1, 'nothing classified: a failed run');

    // Another split: the networks may have trained on the new test images, so they are refused until trained again.
    assert.equal(run(['dataset', '-w', wsDir, '--min-train', '4', '--seed', '9']).status, 0);
    const stale = run(['evaluate', '-w', wsDir]);
    assert.equal(stale.status, 2);
    assert.match(stale.stderr, /trained on an earlier version of the document-level dataset/);
    const staleParent = run(['train', '--level', 'second', '-w', wsDir, ...common]);
    assert.equal(staleParent.status, 2);
    assert.match(staleParent.stderr, /document-level network was trained on an earlier version/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
