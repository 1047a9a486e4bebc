import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkerPool, checkWorkerCount, maxWorkerCount } from './pool.js';
import { OptionsError } from './errors.js';
import type { ProcessBatch, ProcessedBatch } from '../reports/process.worker.js';

const WORKER = new URL('../reports/process.worker.js', import.meta.url);

test('a pool starts threads only when jobs need them: one job on a pool of the largest size starts one thread', async () => {
  const pool = new WorkerPool<ProcessBatch, ProcessedBatch>(WORKER, maxWorkerCount());
  try {
    assert.equal(pool.started, 0);
    const r = await pool.run({ batchId: 7, texts: ['Nodule (series 3 image 45).'] });
    assert.equal(r.batchId, 7);
    assert.equal(r.results[0]?.refs.length, 1);
    assert.equal(pool.started, 1);
    // Sequential jobs reuse the idle thread; jobs in flight together each get one, up to the size.
    await pool.run({ batchId: 8, texts: ['x'] });
    assert.equal(pool.started, 1);
    await Promise.all([0, 1, 2].map((i) => pool.run({ batchId: i, texts: ['y'] })));
    assert.equal(pool.started, Math.min(3, maxWorkerCount()));
  } finally {
    await pool.close();
  }
});

test('worker counts must be whole numbers from 0 (1 for a pool) to 4 per core', () => {
  const max = maxWorkerCount();
  for (const n of [0, 1, max]) assert.doesNotThrow(() => checkWorkerCount(n, 'workers'));
  for (const n of [-1, 2.5, max + 1, 99999, Number.NaN]) assert.throws(() => checkWorkerCount(n, 'workers'), OptionsError, String(n));
  assert.throws(() => new WorkerPool(WORKER, 0), OptionsError);
  assert.throws(() => new WorkerPool(WORKER, 99999), /workers must be an integer from 1 to/);
});
