import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseInteger, parseNumber, describeSpec, integerListFlag } from './numbers.js';
import { OptionsError } from '../util/errors.js';

test('integer flags take plain decimal integers in range and nothing else', () => {
  const range = { min: 0, max: 8 };
  for (const [text, n] of [['0', 0], ['8', 8], ['+3', 3], [' 5 ', 5], ['007', 7]] as const) assert.equal(parseInteger(text, 'workers', range), n, text);
  for (const bad of ['abc', '', ' ', '-1', '9', '99999', '1e9', '1e0', '2.5', '2.0', '0x10', 'Infinity', 'NaN', '1_000', '3abc', '9007199254740993']) {
    assert.throws(() => parseInteger(bad, 'workers', range), (e: unknown) =>
      e instanceof OptionsError && e.message === `--workers must be an integer from 0 to 8, got '${bad}'`, `'${bad}' must be refused`);
  }
});

test('number flags take decimal and exponent notation within their bounds', () => {
  for (const [text, n] of [['0.5', 0.5], ['.5', 0.5], ['1e-4', 1e-4], ['2', 2], ['1.', 1], ['-0.25', -0.25]] as const) assert.equal(parseNumber(text, 'x'), n, text);
  for (const bad of ['abc', '', '1e', 'e5', '--1', 'Infinity', '1e999', '0x1', '1,5']) assert.throws(() => parseNumber(bad, 'x'), OptionsError, bad);
  assert.throws(() => parseNumber('0', 'lr', { above: 0 }), /--lr must be a number > 0, got '0'/);
  assert.throws(() => parseNumber('1', 'validation', { min: 0, below: 1 }), /--validation must be a number ≥ 0 and < 1, got '1'/);
  assert.equal(parseNumber('0.99', 'validation', { min: 0, below: 1 }), 0.99);
});

test('range descriptions read as plain English', () => {
  assert.equal(describeSpec({ kind: 'integer', min: 1 }), 'a positive integer');
  assert.equal(describeSpec({ kind: 'integer', min: 0 }), 'an integer ≥ 0');
  assert.equal(describeSpec({ kind: 'number', above: 0, max: 100 }), 'a number > 0 and ≤ 100');
  assert.equal(describeSpec({ kind: 'number' }), 'a number');
});

test('list flags check every element like a single value', () => {
  const sweep = integerListFlag('sweep', { min: 1, max: 100 });
  assert.deepEqual(sweep('10,20, 40'), [10, 20, 40]);
  assert.equal(sweep.numeric.list, true);
  for (const bad of ['10,x', '10,,20', '0,5', '5,101']) assert.throws(() => sweep(bad), /--sweep must be an integer from 1 to 100/, bad);
});
