import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { CancelledError, OptionsError, WorkerError } from './errors.js';
import { WorkerGroup, createBarrier, resolveWorkers, serveWorker, setSpawnHook, shared, sharedCopy, type WorkerGroupOptions } from './workers.js';
import { BARRIER_THREW, SAW_CANCEL, type ProbeData, type ProbeRequest } from './testing-workers/probe-protocol.js';
import { killWorkerAfter } from '../../testing/kill-worker.js';

// Every test is bounded: a harness bug shows up as a timeout failure, never as a hung suite.
const bounded = { timeout: 20_000 };
const PROBE = new URL('./testing-workers/probe.worker.js', import.meta.url);

function probe(count: number, extra: Partial<WorkerGroupOptions<ProbeData>> = {}): Promise<WorkerGroup<ProbeRequest, unknown>> {
  return WorkerGroup.start<ProbeRequest, unknown, ProbeData>({ stage: 'probe', entry: PROBE, count, ...extra });
}

/**
 * Checks that `p` rejects with an instance of `Class` whose message matches `message`.
 * Attaches its handler at once, so a rejection that happens before the test awaits it is
 * never reported as unhandled.
 */
function fails(p: Promise<unknown>, Class: new (...args: never[]) => Error, message: RegExp): Promise<Error> {
  return p.then(
    () => assert.fail(`expected a ${Class.name} matching ${message}, but the call succeeded`),
    (e: unknown) => {
      assert.ok(e instanceof Class, `expected a ${Class.name}, got ${String(e)}`);
      assert.match(e.message, message);
      return e;
    },
  );
}

/** Records every worker spawned while `fn` runs, to check that none outlives its group. */
async function withSpawned<T>(fn: (workers: Worker[], exits: Promise<number>[]) => Promise<T>): Promise<T> {
  const workers: Worker[] = [];
  const exits: Promise<number>[] = [];
  const previous = setSpawnHook((_s, _i, w) => {
    workers.push(w);
    exits.push(new Promise((r) => w.once('exit', r)));
  });
  try {
    return await fn(workers, exits);
  } finally {
    setSpawnHook(previous);
  }
}

test('start waits for ready; request, broadcast and queue mode return the right replies', bounded, async () => {
  const g = await probe(3);
  try {
    assert.equal(g.size, 3);
    assert.deepEqual(await g.request(1, { op: 'echo', value: 'x' }), { value: 'x', index: 1, count: 3, stage: 'probe' });
    const all = (await g.broadcast({ op: 'echo', value: 7 })) as { index: number; value: number }[];
    assert.deepEqual(all.map((r) => [r.index, r.value]), [[0, 7], [1, 7], [2, 7]]);
    const each = (await g.broadcast((i) => ({ op: 'echo', value: i * 10 }))) as { value: number }[];
    assert.deepEqual(each.map((r) => r.value), [0, 10, 20]);
    // Queue mode: 12 jobs over 3 workers; every job answered with its own value, every worker used.
    const jobs = Array.from({ length: 12 }, (_, k) => g.run({ op: 'sleep', ms: 5 + (k % 3) * 5, value: k }));
    const replies = (await Promise.all(jobs)) as { value: number; index: number }[];
    assert.deepEqual(replies.map((r) => r.value), Array.from({ length: 12 }, (_, k) => k));
    assert.deepEqual([...new Set(replies.map((r) => r.index))].sort(), [0, 1, 2]);
    await assert.rejects(g.request(3, { op: 'echo', value: 0 }), OptionsError);
  } finally {
    await g.close();
  }
  assert.equal(g.failure, undefined);
  await assert.rejects(g.request(0, { op: 'echo', value: 0 }), /probe: the worker group is closed/);
});

test('progress values reach onProgress with the worker index; transferred replies arrive intact', bounded, async () => {
  const seen: [unknown, number][] = [];
  const g = await probe(2, { onProgress: (v, i) => seen.push([v, i]) });
  try {
    assert.equal(await g.request(1, { op: 'progress', n: 3 }), 3);
    assert.deepEqual(seen, [[{ done: 1, total: 3 }, 1], [{ done: 2, total: 3 }, 1], [{ done: 3, total: 3 }, 1]]);
    const a = (await g.request(1, { op: 'transfer', n: 4 })) as Float64Array;
    assert.deepEqual([...a], [1, 1, 1, 1]);
  } finally {
    await g.close();
  }
});

test('an onProgress callback that throws fails the group instead of crashing the process', bounded, async () => {
  const g = await probe(1, { onProgress: () => { throw new Error('bar gone'); } });
  try {
    await fails(g.request(0, { op: 'progress', n: 2 }), WorkerError, /^probe: the onProgress callback threw: bar gone$/);
  } finally {
    await g.close();
  }
});

test('close waits for calls in flight, then every worker exits without a failure', bounded, async () => {
  await withSpawned(async (_workers, exits) => {
    const g = await probe(2);
    const inFlight = g.request(0, { op: 'sleep', ms: 100, value: 'late' });
    const closing = g.close();
    assert.deepEqual(await inFlight, { value: 'late', index: 0 });
    await closing;
    assert.deepEqual(await Promise.all(exits), [0, 0]);
    assert.equal(g.failure, undefined);
  });
});

test('a handler that throws rejects every pending and later call with a WorkerError naming stage, worker and cause', bounded, async () => {
  await withSpawned(async (_workers, exits) => {
    const g = await probe(2);
    const other = g.request(0, { op: 'sleep', ms: 5000, value: 0 });
    const failing = g.request(1, { op: 'throw', message: 'bad shape' });
    const err = await failing.then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof WorkerError);
    assert.match(err.message, /^probe: worker 1 of 2 failed: RangeError: bad shape$/);
    assert.equal(err.stage, 'probe');
    assert.equal(err.workerIndex, 1);
    assert.match(String((err.cause as Error).stack), /probe\.worker\.js/);
    await assert.rejects(other, (e) => e === err);
    await assert.rejects(g.request(0, { op: 'echo', value: 1 }), (e) => e === err);
    await assert.rejects(g.run({ op: 'echo', value: 1 }), (e) => e === err);
    await g.close();
    assert.equal((await Promise.all(exits)).length, 2); // both threads are gone
  });
});

test('setup that throws rejects start, and no thread is left running', bounded, async () => {
  await withSpawned(async (workers, exits) => {
    await assert.rejects(probe(3, { workerData: (i) => (i === 2 ? { failSetup: 'no model file' } : { setupDelayMs: 50 }) }),
      (e: unknown) => e instanceof WorkerError && /^probe: worker 2 of 3 failed to start: no model file$/.test(e.message));
    assert.equal(workers.length, 3);
    await Promise.all(exits);
  });
  await fails(probe(2, { workerData: (i) => (i === 1 ? { exitInSetup: 0 } : {}) }), WorkerError, /^probe: worker 1 of 2 exited unexpectedly \(code 0\)$/);
  await fails(probe(1, { workerData: () => { throw new Error('cannot build data'); } }), WorkerError, /^probe: worker 0 of 1 could not be started: cannot build data$/);
});

test('an uncaught exception from a timer inside a worker fails the group', bounded, async () => {
  const g = await probe(2);
  try {
    await assert.rejects(g.request(0, { op: 'throwLater', message: 'late boom' }), (e: unknown) =>
      e instanceof WorkerError && /^probe: worker 0 of 2 crashed: late boom$/.test(e.message));
  } finally {
    await g.close();
  }
});

for (const code of [0, 3]) {
  test(`process.exit(${code}) inside a worker is a failure, whatever the code`, bounded, async () => {
    const g = await probe(2);
    try {
      const stuck = fails(g.request(0, { op: 'sleep', ms: 5000, value: 0 }), WorkerError, /exited unexpectedly/);
      await fails(g.request(1, { op: 'exit', code }), WorkerError, new RegExp(`^probe: worker 1 of 2 exited unexpectedly \\(code ${code}\\)$`));
      await stuck;
    } finally {
      await g.close();
    }
  });
}

test('a worker terminated by someone else mid-request fails the group (the test hook can do it in any stage)', bounded, async () => {
  await withSpawned(async (workers) => {
    const g = await probe(2);
    try {
      const p = g.request(1, { op: 'sleep', ms: 5000, value: 0 });
      void (workers[1] as Worker).terminate();
      await fails(p, WorkerError, /^probe: worker 1 of 2 exited unexpectedly \(code 1\)$/);
      assert.match(String(g.failure?.message), /^probe: worker 1 of 2 exited unexpectedly \(code 1\)$/);
    } finally {
      await g.close();
    }
  });
  // killWorkerAfter: worker 0 dies after its 2nd message (ready, then one progress value).
  const restore = killWorkerAfter('probe', 0, 2);
  try {
    const g = await probe(2);
    try {
      await fails(g.broadcast({ op: 'spin', cooperative: true }), WorkerError, /^probe: worker 0 of 2 exited unexpectedly \(code 1\)$/);
    } finally {
      await g.close();
    }
  } finally {
    restore();
  }
});

test('terminate() ends the group now and rejects what is pending', bounded, async () => {
  const g = await probe(2);
  const p = fails(g.request(0, { op: 'spin', cooperative: false }), WorkerError, /^probe: the worker group was terminated by its owner$/);
  await g.terminate();
  await p;
  await assert.rejects(g.request(1, { op: 'echo', value: 0 }), WorkerError);
});

function onFirstProgress(n: number): { onProgress: () => void; started: Promise<void> } {
  let left = n;
  let done!: () => void;
  const started = new Promise<void>((r) => { done = r; });
  return { onProgress: () => { if (--left === 0) done(); }, started };
}

test('abort: cooperative workers see isCancelled() and stop; calls reject with CancelledError', bounded, async () => {
  const flags = shared(Int32Array, 3);
  const controller = new AbortController();
  const { onProgress, started } = onFirstProgress(3);
  const g = await probe(3, { signal: controller.signal, onProgress, workerData: () => ({ flags }), graceMs: 10_000 });
  const run = g.broadcast({ op: 'spin', cooperative: true });
  await started;
  controller.abort();
  const err = await run.then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof CancelledError);
  assert.equal(err.code, 'CANCELLED');
  assert.equal(err.message, 'probe: cancelled');
  await g.close();
  assert.deepEqual([...flags], [SAW_CANCEL, SAW_CANCEL, SAW_CANCEL]); // they stopped on their own, within the grace period
  await assert.rejects(g.request(0, { op: 'echo', value: 0 }), CancelledError);
});

test('abort: a worker that never checks is terminated after the grace period', bounded, async () => {
  await withSpawned(async (_workers, exits) => {
    const controller = new AbortController();
    const { onProgress, started } = onFirstProgress(2);
    const g = await probe(2, { signal: controller.signal, onProgress, graceMs: 50 });
    const run = g.broadcast({ op: 'spin', cooperative: false });
    await started;
    controller.abort(new Error('user pressed Ctrl-C'));
    await assert.rejects(run, (e: unknown) => e instanceof CancelledError && e.message === 'probe: cancelled: user pressed Ctrl-C');
    await g.close();
    assert.deepEqual(await Promise.all(exits), [1, 1]); // terminated, not exited
  });
});

test('abort before or during start rejects start with CancelledError and leaves no thread', bounded, async () => {
  await withSpawned(async (workers, exits) => {
    await assert.rejects(probe(2, { signal: AbortSignal.abort() }), CancelledError);
    assert.equal(workers.length, 0);
    const controller = new AbortController();
    const starting = probe(2, { signal: controller.signal, workerData: () => ({ setupDelayMs: 300 }) });
    setTimeout(() => controller.abort(), 20);
    await assert.rejects(starting, CancelledError);
    assert.equal(workers.length, 2);
    await Promise.all(exits);
  });
});

test('a barrier lines up 3 workers round after round, exactly one of them last each round', bounded, async () => {
  const barrier = createBarrier(3);
  const g = await probe(3, { workerData: () => ({ barrier }) });
  try {
    const serial = (await g.broadcast({ op: 'barrier', rounds: 200 })) as number[];
    assert.equal(serial.reduce((a, b) => a + b, 0), 200);
    // Reusable: a second run on the same barrier.
    const again = (await g.broadcast({ op: 'barrier', rounds: 5 })) as number[];
    assert.equal(again.reduce((a, b) => a + b, 0), 5);
  } finally {
    await g.close();
  }
});

test('a barrier releases its waiters (they throw) when a peer dies instead of arriving', bounded, async () => {
  const barrier = createBarrier(3);
  const flags = shared(Int32Array, 3);
  const g = await probe(3, { workerData: () => ({ barrier, flags }), graceMs: 10_000 });
  const waiting = [0, 1].map((i) => fails(g.request(i, { op: 'barrier', rounds: 1 }), WorkerError, /worker 2 of 3 exited unexpectedly/));
  await new Promise((r) => setTimeout(r, 50)); // let them block
  await fails(g.request(2, { op: 'exit', code: 1 }), WorkerError, /^probe: worker 2 of 3 exited unexpectedly \(code 1\)$/);
  await Promise.all(waiting);
  await g.close();
  assert.deepEqual([...flags], [BARRIER_THREW, BARRIER_THREW, 0]);
});

test('a worker can run a group of its own (a stage inside another stage\'s worker)', bounded, async () => {
  const g = await probe(1);
  try {
    assert.deepEqual(await g.request(0, { op: 'nested', value: 'deep' }), {
      outer: 0,
      inner: [{ value: 'deep', index: 0, count: 2, stage: 'inner' }, { value: 'deep', index: 1, count: 2, stage: 'inner' }],
    });
  } finally {
    await g.close();
  }
});

test('a reply or request that cannot be cloned is a clear error', bounded, async () => {
  const g = await probe(1);
  try {
    const bad = { op: 'echo', value: () => 1 } as unknown as ProbeRequest;
    await fails(g.request(0, bad), WorkerError, /^probe: could not send a request to worker 0: .*could not be cloned/);
    assert.equal(g.failure, undefined); // the caller's bug, on that call only
    assert.deepEqual(await g.request(0, { op: 'echo', value: 2 }), { value: 2, index: 0, count: 1, stage: 'probe' });
    await fails(g.request(0, { op: 'unclonable' }), WorkerError, /^probe: worker 0 of 1 failed: DataCloneError: .*could not be cloned/);
  } finally {
    await g.close();
  }
});

test('serveWorker refuses to run outside a harness worker, or twice in one worker', bounded, async () => {
  assert.throws(() => serveWorker(() => () => 0), (e: unknown) => e instanceof WorkerError && /imported a worker entry file for its values/.test(e.message));
  await fails(WorkerGroup.start({ stage: 'double', entry: new URL('./testing-workers/double-serve.worker.js', import.meta.url), count: 1 }),
    // The error reply and the uncaught exception race (separate channels); either one names the problem.
    WorkerError, /^double: worker 0 of 1 (failed to start: WorkerError|crashed): double: serveWorker\(\) was called twice in one worker/);
});

test('bad group options: count 0 (means in-thread) and a missing entry file', bounded, async () => {
  await assert.rejects(probe(0), (e: unknown) => e instanceof OptionsError && /workers: 0 means the stage runs in the calling thread/.test(e.message));
  await fails(WorkerGroup.start({ stage: 'gone', entry: new URL('./testing-workers/missing.worker.js', import.meta.url), count: 2 }),
    WorkerError, /^gone: worker \d of 2 crashed: Cannot find module/);
});

test('an idle group does not keep the process alive (a forgotten close() cannot hang a CLI)', bounded, () => {
  const workersJs = fileURLToPath(new URL('./workers.js', import.meta.url));
  const script = `import { WorkerGroup } from ${JSON.stringify(workersJs)};
    const g = await WorkerGroup.start({ stage: 'probe', entry: new URL(${JSON.stringify(PROBE.href)}), count: 2 });
    console.log(JSON.stringify(await g.request(1, { op: 'echo', value: 'ok' })));`;
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'workers-idle-')), 'forgets-close.mjs');
  writeFileSync(file, script);
  const r = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 15_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /"value":"ok","index":1/);
});

test('resolveWorkers: 0 = in-thread, N = N threads (at most items), undefined = cores (at most max and items)', bounded, () => {
  const cores = os.availableParallelism();
  assert.equal(resolveWorkers(0), 0);
  assert.equal(resolveWorkers(0, { items: 10 }), 0);
  assert.equal(resolveWorkers(3), 3);
  assert.equal(resolveWorkers(3, { items: 2 }), 2);
  assert.equal(resolveWorkers(3, { max: 1 }), 3); // an explicit request is kept
  assert.equal(resolveWorkers(8 * cores), 8 * cores);
  assert.equal(resolveWorkers(undefined), cores);
  assert.equal(resolveWorkers(undefined, { max: 1 }), 1);
  assert.equal(resolveWorkers(undefined, { items: 1 }), 1);
  assert.equal(resolveWorkers(undefined, { items: 0 }), 1);
  for (const bad of [-1, 1.5, Number.NaN, 8 * cores + 1, Infinity]) {
    assert.throws(() => resolveWorkers(bad), (e: unknown) => e instanceof OptionsError && /workers must be an integer from 0 to/.test(e.message), String(bad));
  }
});

test('shared() and sharedCopy() give typed arrays over SharedArrayBuffers', bounded, () => {
  const a = shared(Float32Array, 5);
  assert.ok(a instanceof Float32Array && a.buffer instanceof SharedArrayBuffer);
  assert.deepEqual([...a], [0, 0, 0, 0, 0]);
  const b = sharedCopy(Uint16Array.from([1, 2, 65535]));
  assert.ok(b instanceof Uint16Array && b.buffer instanceof SharedArrayBuffer);
  assert.deepEqual([...b], [1, 2, 65535]);
  assert.ok(shared(BigInt64Array, 1).buffer instanceof SharedArrayBuffer);
  assert.throws(() => shared(Int32Array, -1), RangeError);
  assert.throws(() => createBarrier(0), RangeError);
});
