import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse as parseSync } from 'csv-parse/sync';
import { CsvRecordSplitter } from './csv-split.js';
import { splitCsvFields } from './csv-fields.js';
import { csvField } from '../../testing/report-exports.js';

/** Our splitter + field splitter, fed in arbitrary chunks, against csv-parse on the whole input. */
function ours(input: Buffer, cuts: number[]): string[][] {
  const out: string[][] = [];
  const splitter = new CsvRecordSplitter(44, 1 << 20, (bytes, start, end, _line, problem) => {
    assert.equal(problem, null);
    if (bytes[end - 1] === 10) end--;
    if (bytes[end - 1] === 13) end--;
    out.push(splitCsvFields(bytes.toString('utf8', start, end), ','));
  });
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    const to = Math.min(c, input.length);
    if (to > at) { splitter.push(input.subarray(at, to)); at = to; }
  }
  splitter.push(input.subarray(at));
  splitter.end();
  return out;
}

test('valid CSV splits exactly as csv-parse splits it, however the bytes are chunked', () => {
  const field = fc.string({ unit: fc.constantFrom('a', 'é', '中', ',', '"', '\n', '\r\n', ' ', 'x') , maxLength: 12 });
  fc.assert(fc.property(
    fc.array(fc.array(field, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 8 }),
    fc.array(fc.nat(200), { maxLength: 6 }),
    (rows, cuts) => {
      const text = rows.map((r) => r.map(csvField).join(',')).join('\n') + '\n';
      const input = Buffer.from(text, 'utf8');
      const expected = parseSync(input, { relax_column_count: true }) as string[][];
      assert.deepEqual(ours(input, cuts), expected);
    }), { numRuns: 300, seed: 42 });
});
