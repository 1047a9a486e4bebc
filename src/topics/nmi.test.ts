import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizedMutualInformation as nmi } from './nmi.js';
import { Rng } from '../util/rng.js';

test('NMI is 1 for the same partition under renaming, about 0 for independent ones', () => {
  const a = Int32Array.from([0, 0, 1, 1, 2, 2, 2]);
  const b = Int32Array.from([5, 5, 3, 3, 9, 9, 9]);
  assert.ok(Math.abs(nmi(a, b) - 1) < 1e-12);
  const rng = new Rng(3);
  const x = Int32Array.from({ length: 5000 }, () => rng.int(4));
  const y = Int32Array.from({ length: 5000 }, () => rng.int(4));
  assert.ok(nmi(x, y) < 0.01);
  // A known value: half the items mislabelled between two classes carries no information.
  assert.ok(nmi(Int32Array.from([0, 0, 1, 1]), Int32Array.from([0, 1, 0, 1])) < 1e-12);
});

test('NMI rejects mismatched or empty inputs', () => {
  assert.throws(() => nmi(new Int32Array(2), new Int32Array(3)), /length/);
  assert.throws(() => nmi(new Int32Array(0), new Int32Array(0)), /zero items/);
});
