import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancelledError } from './errors.js';
import { throwIfCancelled } from './progress.js';

test('throwIfCancelled throws CancelledError (code CANCELLED, exit code 130) only once the signal fired', () => {
  throwIfCancelled(undefined);
  const c = new AbortController();
  throwIfCancelled(c.signal, 'lda');
  c.abort();
  assert.throws(() => throwIfCancelled(c.signal, 'lda'), (e: unknown) =>
    e instanceof CancelledError && e.code === 'CANCELLED' && e.stage === 'lda' && e.message === 'lda: cancelled');
  const why = new AbortController();
  why.abort(new Error('time budget spent'));
  assert.throws(() => throwIfCancelled(why.signal), (e: unknown) => e instanceof CancelledError && e.message === 'cancelled: time budget spent' && (e.cause as Error).message === 'time budget spent');
  // The default reason (a DOMException named AbortError) adds nothing to the message.
  assert.throws(() => throwIfCancelled(AbortSignal.abort(), 'ingest'), (e: unknown) => e instanceof CancelledError && e.message === 'ingest: cancelled');
});
