import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { progressReporter } from './progress.js';

/** A stream that says it is a terminal and keeps what is drawn on it. */
function fakeTerminal(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({ write(chunk, _enc, done) { chunks.push(String(chunk)); done(); } }) as unknown as NodeJS.WriteStream;
  Object.assign(stream, { isTTY, columns: 120 });
  return { stream, text: () => chunks.join('').replace(/\x1B\[[0-9;?]*[A-Za-z]|\x1B[78]/g, '') }; // without cursor moves
}

test('progressReporter draws Progress values: a bar with a total, a counter without, a new bar per stage', () => {
  const t = fakeTerminal(true);
  const r = progressReporter(true, t.stream);
  r.onProgress({ stage: 'lda', done: 0, total: 200, unit: 'sweeps', detail: 'K=20' });
  r.onProgress({ stage: 'lda', done: 200, total: 200, unit: 'sweeps', detail: 'K=20' });
  r.onProgress({ stage: 'ingest', done: 1500, unit: 'records' });
  r.stop();
  const out = t.text();
  assert.match(out, /lda \[.*\] 100% \| 200\/200 sweeps \| eta 0s K=20/);
  assert.match(out, /ingest 1500 records \|/);
});

test('progressReporter draws nothing when disabled or when the stream is not a terminal', () => {
  for (const [enabled, isTTY] of [[false, true], [true, false]] as const) {
    const t = fakeTerminal(isTTY);
    const r = progressReporter(enabled, t.stream);
    r.onProgress({ stage: 'lda', done: 1, total: 2, unit: 'sweeps' });
    r.stop();
    assert.equal(t.text(), '');
  }
});
