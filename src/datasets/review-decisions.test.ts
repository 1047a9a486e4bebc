/**
 * Review decisions reach the next dataset run: a merged topic's images take the other label, a
 * rejected topic's images leave, a relabelled image takes its new label, a rename names the class;
 * the run says how many decisions it applied. Bad actions are refused with the reason.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Workspace } from '../store/workspace.js';
import { OptionsError } from '../util/errors.js';
import { writeFixture } from '../../testing/dataset-fixture.js';
import { buildLevelDataset, type LevelDatasetEntry } from './level.js';
import { listReviewActions, recordReviewAction, resolveLabel } from './review-decisions.js';

test('merge, reject, relabel and rename change what the next dataset run writes, and it counts them', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pacsmine-review-'));
  const ws = Workspace.open(path.join(dir, 'ws'));
  try {
    const images = await writeFixture(ws, { cases: 24, topics: 3 });
    const before = buildLevelDataset(ws, { level: 'document', minTrain: 1 });
    assert.equal(before.review.applied, 0);
    const byLabel = (l: string) => images.filter((i) => i.document === l).length;

    const who = 'dr test';
    recordReviewAction(ws, { action: 'merge', level: 'document', target: '1', value: '0', who });
    recordReviewAction(ws, { action: 'rename', level: 'document', target: '0', value: 'chest CT', who });
    recordReviewAction(ws, { action: 'rename', level: 'document', target: '0', value: 'chest CT, lungs', who }); // the latest wins
    const moved = images.find((i) => i.document === '2')!;
    recordReviewAction(ws, { action: 'relabel', level: 'document', target: moved.sop, value: '0', who });
    recordReviewAction(ws, { action: 'reject', level: 'second', target: '0.0', who }); // another level: not applied here
    assert.equal(listReviewActions(ws).length, 5);
    assert.ok(listReviewActions(ws).every((a) => a.who === who && !Number.isNaN(Date.parse(a.at))));

    const after = buildLevelDataset(ws, { level: 'document', minTrain: 1 });
    assert.equal(after.review.applied, 3, 'merge, rename (once), relabel');
    assert.equal(after.review.relabelledImages, byLabel('1') + 1);
    assert.deepEqual(after.review.names, { '0': 'chest CT, lungs' });
    assert.deepEqual(after.classes.keptLabels, ['0', '2']);
    const manifest = JSON.parse(readFileSync(after.manifest, 'utf8')) as LevelDatasetEntry[];
    assert.equal(manifest.find((e) => e.id === moved.sop)?.label, '0');
    assert.equal(manifest.filter((e) => e.label === '0').length, byLabel('0') + byLabel('1') + 1);
    assert.notEqual(after.digest, before.digest);

    const second = buildLevelDataset(ws, { level: 'second', minTrain: 1 });
    assert.equal(second.review.rejectedImages, images.filter((i) => i.second === '0.0').length);
    assert.ok(!second.classes.keptLabels.includes('0.0'));

    for (const bad of [
      { action: 'merge', level: 'document', target: '0', value: '0', who },
      { action: 'merge', level: 'document', target: '0', value: '99', who },
      { action: 'reject', level: 'document', target: 'nope', who },
      { action: 'relabel', level: 'document', target: 'no-such-image', value: '0', who },
      { action: 'rename', level: 'document', target: '0', value: '', who },
      { action: 'rename', level: 'document', target: '0', value: 'x', who: ' ' },
      { action: 'drop', level: 'document', target: '0', who },
      { action: 'reject', level: 'ward', target: '0', who },
    ] as const) assert.throws(() => recordReviewAction(ws, bad as never), OptionsError, JSON.stringify(bad));
    assert.equal(listReviewActions(ws).length, 5, 'refused actions are not stored');
  } finally {
    ws.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('merges are followed to their end, and a cycle stops where it closes', () => {
  const d = { names: new Map(), rejected: new Set<string>(), relabelled: new Map(), count: 0, mergedInto: new Map([['a', 'b'], ['b', 'c'], ['x', 'y'], ['y', 'x']]) };
  assert.equal(resolveLabel(d, 'a'), 'c');
  assert.equal(resolveLabel(d, 'c'), 'c');
  assert.equal(resolveLabel(d, 'x'), 'y');
});
