/**
 * TEST ONLY: a worker entry for workers.test.ts whose behaviour each request chooses, so that
 * one file can succeed, throw, crash, exit, spin and wait at barriers on demand.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Barrier, WorkerGroup, isCancelled, serveWorker, withTransfer, type WorkerContext } from '../workers.js';
import { BARRIER_THREW, SAW_CANCEL, type ProbeData, type ProbeRequest } from './probe-protocol.js';

function setup(data: ProbeData = {}, ctx: WorkerContext) {
  return (async () => {
    if (data.setupDelayMs) await sleep(data.setupDelayMs);
    if (data.exitInSetup !== undefined) process.exit(data.exitInSetup);
    if (data.failSetup) throw new Error(data.failSetup);
    const barrier = data.barrier ? new Barrier(data.barrier) : undefined;
    return async (req: ProbeRequest): Promise<unknown> => {
      switch (req.op) {
        case 'echo': return { value: req.value, index: ctx.index, count: ctx.count, stage: ctx.stage };
        case 'sleep': await sleep(req.ms); return { value: req.value, index: ctx.index };
        case 'throw': throw new RangeError(req.message);
        case 'throwLater':
          setTimeout(() => { throw new Error(req.message); }, 5);
          return new Promise(() => undefined);
        case 'exit': process.exit(req.code);
        // falls through (process.exit never returns)
        case 'spin': {
          ctx.progress('spinning');
          if (!req.cooperative) for (;;) { /* only terminate() stops this */ }
          while (!isCancelled()) { /* busy work that checks */ }
          if (data.flags) Atomics.store(data.flags, ctx.index, SAW_CANCEL);
          return 'stopped';
        }
        case 'barrier': {
          if (!barrier) throw new Error('no barrier in workerData');
          let serial = 0;
          try {
            for (let r = 0; r < req.rounds; r++) if (barrier.wait()) serial++;
          } catch (e) {
            if (data.flags) Atomics.store(data.flags, ctx.index, BARRIER_THREW);
            throw e;
          }
          return serial;
        }
        case 'progress':
          for (let i = 1; i <= req.n; i++) ctx.progress({ done: i, total: req.n });
          return req.n;
        case 'unclonable': return () => undefined;
        case 'nested': {
          const inner = await WorkerGroup.start<ProbeRequest, unknown>({ stage: 'inner', entry: new URL('./probe.worker.js', import.meta.url), count: 2 });
          try {
            return { outer: ctx.index, inner: await inner.broadcast({ op: 'echo', value: req.value }) };
          } finally {
            await inner.close();
          }
        }
        case 'transfer': {
          const a = new Float64Array(req.n).fill(ctx.index);
          return withTransfer(a, [a.buffer]);
        }
      }
    };
  })();
}

serveWorker(setup);
