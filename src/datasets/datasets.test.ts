import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { Workspace } from '../store/workspace.js';
import { assignGroups, groupByKeys, parseFractions, PAPER_FRACTIONS, SPLIT_NAMES } from './split.js';
import { classWeights, imbalance } from './balance.js';
import { ensureSplit } from './workspace-split.js';
import { buildLevelDataset, readLevelDataset, type LevelDatasetEntry } from './level.js';
import { writeFixture } from '../../testing/dataset-fixture.js';

test('groupByKeys: items sharing a case or a patient, directly or through others, form one group named by its smallest key', () => {
  const groups = groupByKeys([['case:b', 'patient:1'], ['case:c'], ['case:a', 'patient:1'], ['case:c', 'patient:2'], ['case:d']]);
  assert.deepEqual(groups, ['case:a', 'case:c', 'case:a', 'case:c', 'case:d']);
  assert.throws(() => groupByKeys([[]]), /no case or patient key/);
});

test('groupByKeys (property): same group iff connected through shared keys', () => {
  fc.assert(fc.property(fc.array(fc.uniqueArray(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 25 }), (items) => {
    const keys = items.map((ks) => ks.map((k) => `k${k}`));
    const groups = groupByKeys(keys);
    // Reference: flood fill over items.
    const n = items.length;
    const comp = new Array<number>(n).fill(-1);
    for (let s = 0; s < n; s++) {
      if (comp[s] !== -1) continue;
      const stack = [s];
      comp[s] = s;
      while (stack.length) {
        const i = stack.pop()!;
        for (let j = 0; j < n; j++) if (comp[j] === -1 && items[j]!.some((k) => items[i]!.includes(k))) { comp[j] = s; stack.push(j); }
      }
    }
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) assert.equal(groups[i] === groups[j], comp[i] === comp[j]);
  }));
});

test('assignGroups (property): every group in one split, each split near its share, deterministic for a seed', () => {
  fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 200 }), fc.nat(), (sizes, seed) => {
    const groups = new Map(sizes.map((s, i) => [`g${i}`, s]));
    const a = assignGroups(groups, PAPER_FRACTIONS, seed);
    assert.deepEqual(a, assignGroups(new Map([...groups].reverse()), PAPER_FRACTIONS, seed), 'insertion order does not matter');
    assert.equal(a.size, groups.size);
    const total = sizes.reduce((x, y) => x + y, 0);
    const largest = Math.max(...sizes);
    for (const s of SPLIT_NAMES) {
      const count = [...a].filter(([, v]) => v === s).reduce((x, [g]) => x + groups.get(g)!, 0);
      assert.ok(count - PAPER_FRACTIONS[s] * total <= largest + 1e-9, `${s} overshoots: ${count} of ${total}`);
      assert.ok(PAPER_FRACTIONS[s] * total - count <= 2 * largest + 1e-9, `${s} falls short: ${count} of ${total}`);
    }
  }));
  const many = new Map(Array.from({ length: 100 }, (_, i) => [`g${i}`, 1]));
  assert.notDeepEqual([...assignGroups(many, PAPER_FRACTIONS, 1)], [...assignGroups(many, PAPER_FRACTIONS, 2)], 'the seed matters');
});

test('parseFractions: percentages or fractions, three of them, summing to one', () => {
  assert.deepEqual(parseFractions('85,5,10'), { train: 0.85, validation: 0.05, test: 0.1 });
  assert.deepEqual(parseFractions('0.8,0.1,0.1'), { train: 0.8, validation: 0.1, test: 0.1 });
  assert.throws(() => parseFractions('85,5'), /three numbers/);
  assert.throws(() => parseFractions('80,5,10'), /sum to 1/);
  assert.throws(() => parseFractions('0,50,50'), /training fraction/);
});

test('classWeights: mean weight 1 over the training images; power 1 makes every class weigh the same, power 0 changes nothing', () => {
  const counts = [200, 50, 5, 0];
  for (const power of [0, 0.5, 1]) {
    const w = classWeights(counts, power);
    const mean = counts.reduce((a, n, i) => a + n * w[i]!, 0) / 255;
    assert.ok(Math.abs(mean - 1) < 1e-12, `power ${power}: mean ${mean}`);
    assert.equal(w[3], 0);
  }
  assert.deepEqual(classWeights(counts, 0).slice(0, 3), [1, 1, 1]);
  const full = classWeights(counts, 1);
  assert.ok(Math.abs(200 * full[0]! - 5 * full[2]!) < 1e-9);
  const half = classWeights(counts, 0.5);
  assert.ok(Math.abs(half[2]! / half[0]! - Math.sqrt(40)) < 1e-9);
  assert.throws(() => classWeights(counts, 2), /power/);
  const im = imbalance([{ label: 'a', images: 60 }, { label: 'b', images: 30 }, { label: 'c', images: 10 }]);
  assert.equal(im.largest.label, 'a');
  assert.equal(im.ratio, 6);
  assert.equal(im.majorityShare, 0.6);
  assert.ok(im.effectiveClasses > 1 && im.effectiveClasses < 3);
});

function withWorkspace(fn: (ws: Workspace) => Promise<void>) {
  return async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pacsmine-datasets-'));
    const ws = Workspace.open(path.join(dir, 'ws'));
    try {
      await fn(ws);
    } finally {
      ws.close();
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test('the workspace split is patient-disjoint, covers every key-image PNG, is shared by the levels and made once', withWorkspace(async (ws) => {
  const images = await writeFixture(ws, { cases: 40, imagesPerCase: 3, casesPerPatient: 2, topics: 3 });
  const split = ensureSplit(ws, { seed: 5 });
  assert.equal(split.images.train + split.images.validation + split.images.test, images.length);
  assert.equal(split.patientsKnown, true);
  assert.equal(split.largestGroup, 6, 'two cases of three images per patient');
  const rows = ws.db.prepare('SELECT sop_instance_uid AS sop, group_key AS g, split FROM dataset_splits').all() as Array<{ sop: string; g: string; split: string }>;
  const byPatient = new Map<string, Set<string>>();
  for (const r of rows) {
    const img = images.find((i) => i.sop === r.sop)!;
    const s = byPatient.get(img.patientId) ?? new Set();
    s.add(r.split);
    byPatient.set(img.patientId, s);
  }
  for (const [p, s] of byPatient) assert.equal(s.size, 1, `patient ${p} in ${[...s].join(' and ')}`);
  assert.ok(split.images.test > 0 && split.images.validation > 0);
  assert.equal(ensureSplit(ws, { seed: 5 }).upToDate, true);

  // Classes with fewer than minTrain training images are dropped and listed; the rest keep every split.
  const doc = buildLevelDataset(ws, { level: 'document', minTrain: 1, seed: 5 });
  assert.equal(doc.classes.kept, 3);
  const second = buildLevelDataset(ws, { level: 'second', minTrain: 1, seed: 5 });
  const docEntries = JSON.parse(readFileSync(doc.manifest, 'utf8')) as LevelDatasetEntry[];
  const secondEntries = JSON.parse(readFileSync(second.manifest, 'utf8')) as LevelDatasetEntry[];
  const docSplit = new Map(docEntries.map((e) => [e.id, e.split]));
  for (const e of secondEntries) assert.equal(e.split, docSplit.get(e.id), 'one split for every level');
  assert.equal(docEntries.length, images.length);
  for (const e of docEntries) assert.equal(e.label, images.find((i) => i.sop === e.id)!.document);

  const trainCounts = second.perClass.map((c) => c.train).sort((a, b) => a - b);
  const cut = trainCounts[Math.floor(trainCounts.length / 2)]!;
  const cutDown = buildLevelDataset(ws, { level: 'second', minTrain: cut, seed: 5 });
  assert.equal(cutDown.classes.kept, trainCounts.filter((n) => n >= cut).length);
  assert.equal(cutDown.classes.kept + cutDown.classes.dropped, cutDown.classes.total);
  for (const d of cutDown.classes.droppedLabels) assert.ok(d.train < cut);
  const dropped = second.perClass.filter((c) => c.train < cut).reduce((a, c) => a + c.train + c.validation + c.test, 0);
  assert.equal(cutDown.images.dropped, dropped);
  assert.equal(cutDown.images.train + cutDown.images.validation + cutDown.images.test + dropped, images.length);
  assert.throws(() => buildLevelDataset(ws, { level: 'second', minTrain: 10_000, seed: 5 }), /need 2|needs 2/);

  // Weights: mean 1 over the training images, larger for smaller classes.
  const w = second.balance.classWeights;
  const mean = second.perClass.reduce((a, c) => a + c.train * w[c.label]!, 0) / second.images.train;
  assert.ok(Math.abs(mean - 1) < 1e-9);
  const none = buildLevelDataset(ws, { level: 'second', minTrain: 1, seed: 5, balance: 'none' });
  assert.ok(Object.values(none.balance.classWeights).every((x) => x === 1));
  assert.notEqual(none.digest, second.digest, 'the weights are part of the digest');
  assert.equal(readLevelDataset(ws, 'second')!.digest, none.digest, 'the last build is the one read back');
  assert.equal(buildLevelDataset(ws, { level: 'second', minTrain: 1, seed: 5, balance: 'none' }).digest, none.digest, 'same input, same digest');
}));
