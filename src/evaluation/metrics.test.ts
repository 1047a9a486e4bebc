import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { classificationMetrics, rankOf, softmaxRows, topK } from './metrics.js';
import { baselines } from './baselines.js';
import { confusionSvg } from './confusion-chart.js';
import { truthScore } from './evaluate.js';

const close = (a: number, b: number, eps = 1e-12) => assert.ok(Math.abs(a - b) <= eps, `${a} vs ${b}`);

test('metrics on a hand-computed example: top-1, top-k, per-class recall/precision/F1, macro-F1, confusion', () => {
  const scores = [
    0.7, 0.2, 0.1, // a, predicted a
    0.3, 0.5, 0.2, // a, predicted b (a second)
    0.1, 0.8, 0.1, // b, predicted b
    0.6, 0.3, 0.1, // c, predicted a (c last)
    0.3, 0.3, 0.4, // c, predicted c
  ];
  const m = classificationMetrics(scores, [0, 0, 1, 2, 2], ['a', 'b', 'c']);
  close(m.top1, 3 / 5);
  close(m.top5, 1, 0);
  assert.deepEqual(m.confusion, [[1, 1, 0], [0, 1, 0], [1, 0, 1]]);
  assert.deepEqual(m.perClass.map((p) => [p.support, p.predicted]), [[2, 2], [1, 2], [2, 1]]);
  assert.deepEqual(m.perClass.map((p) => p.recall), [0.5, 1, 0.5]);
  assert.deepEqual(m.perClass.map((p) => p.precision), [0.5, 0.5, 1]);
  close(m.perClass[1]!.f1, 2 / 3);
  close(m.macroF1, (0.5 + 2 / 3 + 2 / 3) / 3);
  // Top-2 by ranks: 0, 1, 0, 2, 0.
  assert.deepEqual([0, 1, 2, 3, 4].map((i) => rankOf(scores.slice(i * 3, i * 3 + 3), [0, 0, 1, 2, 2][i]!)), [0, 1, 0, 2, 0]);
  assert.deepEqual(topK([0.3, 0.3, 0.4], 2), [2, 0], 'ties: the lower index first');
  // A class never seen nor predicted leaves macro-F1 alone; its recall is null.
  const withD = classificationMetrics(scores.flatMap((s, i) => (i % 3 === 2 ? [s, -1] : [s])), [0, 0, 1, 2, 2], ['a', 'b', 'c', 'd']);
  close(withD.macroF1, m.macroF1);
  assert.equal(withD.perClass[3]!.recall, null);
  assert.throws(() => classificationMetrics([1, 2], [0, 0], ['a', 'b']), /scores for 2 images/);
  assert.throws(() => classificationMetrics([1, 2], [2], ['a', 'b']), /not a class index/);
});

test('metrics (property): top-1 ≤ top-5, top-1 is the confusion trace, rows sum to supports, monotone rescaling changes nothing', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 9 }).chain((K) => fc.tuple(fc.constant(K), fc.array(fc.tuple(fc.integer({ min: 0, max: K - 1 }), fc.array(fc.integer({ min: -5, max: 5 }), { minLength: K, maxLength: K })), { minLength: 1, maxLength: 40 }))), ([K, rows]) => {
    const classes = Array.from({ length: K }, (_, j) => `c${j}`);
    const labels = rows.map((r) => r[0]);
    const scores = rows.flatMap((r) => r[1]);
    const m = classificationMetrics(scores, labels, classes);
    assert.ok(m.top1 <= m.top5);
    if (K <= 5) assert.equal(m.top5, 1);
    const trace = m.confusion.reduce((a, row, i) => a + row[i]!, 0);
    close(m.top1, trace / rows.length);
    assert.equal(m.confusion.flat().reduce((a, b) => a + b, 0), rows.length);
    m.perClass.forEach((p, j) => assert.equal(p.support, labels.filter((l) => l === j).length));
    assert.ok(m.macroF1 >= 0 && m.macroF1 <= 1);
    const scaled = classificationMetrics(scores.map((s) => 3 * s + 7), labels, classes);
    assert.deepEqual(scaled, m);
    const p = softmaxRows(scores, K);
    const soft = classificationMetrics(p, labels, classes);
    close(soft.top1, m.top1, 0);
  }));
});

test('baselines: the majority class and a prior-weighted random guess (its mean over draws near the exact expectation)', () => {
  const b = baselines([6, 3, 1], [0, 0, 1, 2], ['a', 'b', 'c'], { seed: 3, draws: 3000 });
  assert.equal(b.majority.label, 'a');
  close(b.majority.top1, 0.5);
  close(b.majority.top5, 1);
  close(b.priorRandom.expectedTop1, 0.6 * 0.5 + 0.3 * 0.25 + 0.1 * 0.25);
  assert.ok(Math.abs(b.priorRandom.top1 - 0.4) < 0.02, `random top-1 ${b.priorRandom.top1}`);
  const again = baselines([6, 3, 1], [0, 0, 1, 2], ['a', 'b', 'c'], { seed: 3, draws: 3000 });
  assert.deepEqual(again, b, 'seeded');
  // Ten classes: the majority's top-5 are the five largest training classes.
  const counts = [1, 9, 2, 8, 3, 7, 4, 6, 5, 10];
  const m = baselines(counts, [9, 1, 3, 5, 7, 0], counts.map(String), { draws: 1 });
  close(m.majority.top5, 5 / 6);
});

test('the majority baseline\'s macro-F1 counts every class present', () => {
  const b = baselines([6, 3, 1], [0, 0, 1, 2], ['a', 'b', 'c'], { draws: 1 });
  // Predicted a for all four: F1(a) = 2·2/(2+4) = 2/3, F1(b) = F1(c) = 0, mean over three present classes.
  close(b.majority.macroF1, (2 / 3) / 3);
});

test('the confusion heat map is an SVG with the class names, rendered without a browser', async () => {
  const svg = await confusionSvg([[3, 1], [0, 2]], ['lung', 'liver'], { title: 'test' });
  assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg, /lung/);
  assert.match(svg, /liver/);
  assert.equal((svg.match(/<path[^>]*aria-roledescription="rect"|role="graphics-symbol"/g) ?? []).length >= 3, true, 'one mark per non-empty cell');
  assert.equal(svg, await confusionSvg([[3, 1], [0, 2]], ['lung', 'liver'], { title: 'test' }), 'deterministic');
});

test('truthScore maps labels to their training images\' most common category', () => {
  const truth = new Map([['t1', 'A'], ['t2', 'A'], ['t3', 'B'], ['t4', 'B'], ['t5', 'B'], ['x1', 'A'], ['x2', 'B'], ['x3', 'B']]);
  const train = [{ id: 't1', label: '0' }, { id: 't2', label: '0' }, { id: 't3', label: '1' }, { id: 't4', label: '1' }, { id: 't5', label: '2' }];
  const s = truthScore(train, [
    { id: 'x1', label: '0', predicted: '0' }, // A -> A: hit
    { id: 'x2', label: '1', predicted: '2' }, // topic wrong, category right (2 -> B)
    { id: 'x3', label: '0', predicted: '0' }, // label maps to A, truth B: miss, and a miss of the ceiling
  ], truth);
  assert.deepEqual(s, { categories: 2, top1: 2 / 3, ceiling: 2 / 3, majorityTop1: 2 / 3, images: 3 });
});
