import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractReferences } from './extract.js';
import { FIGURE1_CHEST_ABDOMEN_CT, FIGURE1_HEAD_NECK_CT } from '../../testing/figure1.js';

function summary(text: string): Array<[string, number[], number[]]> {
  return extractReferences(text).map((r) => {
    assert.equal(text.slice(r.start, r.end), r.text);
    return [r.text, r.series, r.instances];
  });
}

test('Figure 1, head and neck CT: exactly (series 1001, image 32)', () => {
  assert.deepEqual(summary(FIGURE1_HEAD_NECK_CT), [['series 1001, image 32', [1001], [32]]]);
});

test('Figure 1, chest/abdomen/pelvis CT: exactly its four references, nothing from "images following" or "images prior to"', () => {
  assert.deepEqual(summary(FIGURE1_CHEST_ABDOMEN_CT), [
    ['series 4 image 30', [4], [30]],
    ['series 3 image 88-95', [3], [88, 89, 90, 91, 92, 93, 94, 95]],
    ['series 3 image 55, 60, 80, 84-7, 96', [3], [55, 60, 80, 84, 85, 86, 87, 96]],
    ['series 3 image 95', [3], [95]],
  ]);
});

test('Figure 1 spans point at the parenthesised references', () => {
  for (const text of [FIGURE1_HEAD_NECK_CT, FIGURE1_CHEST_ABDOMEN_CT]) {
    for (const ref of extractReferences(text)) {
      const before = text.slice(Math.max(0, ref.start - 6), ref.start);
      assert.ok(before.endsWith('(') || before.endsWith('(e.g. '), `before ${ref.text}: ${before}`);
      assert.equal(text[ref.end], ')');
    }
  }
});
