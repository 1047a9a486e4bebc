import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CsvRecordSplitter, type RecordProblem } from './csv-split.js';

interface Out { line: number; problem: RecordProblem; lineFeeds: number; text: string }

/** The splitter's records for input fed in the given chunks. */
function split(input: Buffer, cuts: number[], maxRecordBytes: number): Out[] {
  const out: Out[] = [];
  const splitter = new CsvRecordSplitter(44, maxRecordBytes, (bytes, start, end, line, problem) => {
    let lineFeeds = 0;
    for (let i = start; i < end; i++) if (bytes[i] === 10) lineFeeds++;
    out.push({ line, problem, lineFeeds, text: bytes.toString('latin1', start, end) });
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

function lineCount(input: Buffer): number {
  let n = 1;
  for (const b of input) if (b === 10) n++;
  return input.length > 0 && input[input.length - 1] === 10 ? n - 1 : n;
}

test('every line of any CSV, however badly quoted, lands in exactly one record, whatever the chunking and maxRecordBytes', () => {
  const unit = fc.constantFrom('a', 'b', ',', '"', '\n', '\r\n', ' ', '""');
  fc.assert(fc.property(
    fc.array(unit, { maxLength: 80 }),
    fc.array(fc.nat(120), { maxLength: 6 }),
    fc.integer({ min: 3, max: 40 }),
    (units, cuts, maxRecordBytes) => {
      const input = Buffer.from(units.join(''), 'latin1');
      const whole = split(input, [], maxRecordBytes);
      // The same records however the bytes arrive.
      assert.deepEqual(split(input, cuts, maxRecordBytes), whole);
      // Records cover the lines in order, with no gap and no overlap: a record that is given
      // whole (not an oversize prefix) starts where the one before it ended.
      let next = 1;
      for (const r of whole) {
        assert.equal(r.line, next, JSON.stringify({ input: input.toString('latin1'), whole }));
        if (r.problem === 'oversize') {
          next = whole[whole.indexOf(r) + 1]?.line ?? lineCount(input) + 1;
          assert.ok(next > r.line);
        } else {
          next = r.line + Math.max(r.lineFeeds, 1);
        }
        if (r.problem === 'unclosed' || r.problem === 'quote') {
          // A multi-line record is never given with a problem: its first line is, and the rest is read again.
          assert.ok(r.lineFeeds <= 1, JSON.stringify(r));
        }
        if (r.problem === null) assert.ok(r.text.length <= maxRecordBytes, JSON.stringify(r));
      }
      const last = whole[whole.length - 1];
      if (last) assert.ok(next >= lineCount(input), `lines up to ${lineCount(input)}, records up to ${next - 1}`);
    }), { numRuns: 2000, seed: 7 });
});

test('a quote never closed costs its first line only, the file after it is split again (end of input, and past maxRecordBytes)', () => {
  const input = Buffer.from('id,text\n1,"open\n2,b\n3,c\n4,d\n');
  const summary = (o: Out[]) => o.map((r) => `${r.line}:${r.problem ?? 'ok'}:${r.text.replace(/\n/g, '|')}`);
  // At the end of the input.
  assert.deepEqual(summary(split(input, [], 1 << 20)), ['1:ok:id,text|', '2:unclosed:1,"open|', '3:ok:2,b|', '4:ok:3,c|', '5:ok:4,d|']);
  // Past the limit, before the end: rows after the limit are split again too.
  assert.deepEqual(summary(split(input, [9, 13, 20], 8)), ['1:ok:id,text|', '2:unclosed:1,"open|', '3:ok:2,b|', '4:ok:3,c|', '5:ok:4,d|']);
  // A stray quote closed by a later one: the record in between is badly quoted, its first line rejected.
  assert.deepEqual(summary(split(Buffer.from('1,"a\n2,b\n3,c"d\n4,e\n'), [], 1 << 20)),
    ['1:quote:1,"a|', '2:ok:2,b|', '3:quote:3,c"d|', '4:ok:4,e|']);
});

test('an oversize first line is one TOO_LARGE record held as a prefix, and reading goes on after it', () => {
  const big = 'x'.repeat(300_000);
  const out = split(Buffer.from(`1,a\n2,"${big}\n"\n3,b\n4,${big}\n5,c\n`), [100_000, 200_000], 100_000);
  assert.deepEqual(out.map((r) => `${r.line}:${r.problem ?? 'ok'}`), ['1:ok', '2:oversize', '4:ok', '5:oversize', '6:ok']);
  assert.ok(out[1]!.text.length <= 65536 && out[1]!.text.startsWith('2,"x'));
});
