/**
 * The job queue (docs/queue.md): `pacsmine worker` takes jobs from Redis until SIGTERM, and
 * `pacsmine queue status` counts them. The Redis URL may carry a password; it is used, never printed
 * (messages name the server through its redacted form). $PACSMINE_REDIS_URL keeps it off the command line.
 */
import type { Command } from 'commander';
import { integerFlag, numberFlag } from '../numbers.js';
import { printResult } from '../output.js';
import { OptionsError, queueStatus, runQueueWorker } from '../../index.js';
import { pacsClient } from './pacs.js';

/** --redis, else $PACSMINE_REDIS_URL. */
export function redisUrl(flag: string | undefined): string {
  const url = flag ?? process.env['PACSMINE_REDIS_URL'];
  if (!url) throw new OptionsError('--redis URL (or $PACSMINE_REDIS_URL) is required, e.g. redis://127.0.0.1:6379');
  return url;
}

const testDelay = (): number | undefined => {
  const v = Number(process.env['PACSMINE_QUEUE_JOB_DELAY_MS'] ?? '');
  return Number.isFinite(v) && v > 0 ? v : undefined;
};

export function registerQueue(program: Command): void {
  program
    .command('worker')
    .description('take jobs (image conversion, inference batches) from the Redis queue and run them until SIGTERM (see docs/queue.md)')
    .option('--redis <url>', 'redis://[user:password@]host:port (or $PACSMINE_REDIS_URL)')
    .option('--concurrency <n>', 'jobs run at once', integerFlag('concurrency', { min: 1, max: 256 }), 4)
    .option('--lock-duration <n>', 'ms a job stays locked without renewal: a dead worker\'s job is taken back after about this long', integerFlag('lock-duration', { min: 100, max: 3_600_000 }), 30_000)
    .option('--stalled-interval <n>', 'ms between checks for jobs of dead workers', integerFlag('stalled-interval', { min: 100, max: 3_600_000 }), 30_000)
    .option('--grace <s>', 'seconds Redis may stay silent after SIGTERM before the worker drops its connections and exits with code 1 (its jobs in hand go back to the queue when their locks expire)', numberFlag('grace', { min: 0, max: 3600 }), 5)
    .option('--url <dicomweb>', 'DICOMweb root for images that live on a PACS')
    .option('--user <user>', 'PACS user (or $PACSMINE_PACS_USER)')
    .action(async (opts: { redis?: string; concurrency: number; lockDuration: number; stalledInterval: number; grace: number; url?: string; user?: string }) => {
      const delay = testDelay();
      const worker = runQueueWorker({
        redis: redisUrl(opts.redis),
        concurrency: opts.concurrency,
        lockDurationMs: opts.lockDuration,
        stalledIntervalMs: opts.stalledInterval,
        closeGraceMs: opts.grace * 1000,
        ...(opts.url ? { client: pacsClient(opts.url, opts.user) } : {}),
        ...(delay ? { jobDelayMs: delay } : {}),
      });
      await worker.ready();
      process.stderr.write(`pacsmine worker: taking jobs from ${worker.label} (concurrency ${opts.concurrency}); SIGTERM stops after the jobs in hand, a second one at once\n`);
      // The first signal closes (jobs in hand finish); a second one drops the connections at once.
      let signals = 0;
      const stopped = new Promise<void>((resolve) => {
        const onSignal = (): void => {
          if (++signals === 1) resolve();
          else void worker.close({ force: true });
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      });
      await stopped;
      const stop = await worker.close();
      if (!stop.forced) {
        process.stderr.write('pacsmine worker: stopped\n');
        return;
      }
      const why = stop.reason === 'asked' ? 'stopped at once (a second signal)' : `Redis at ${worker.label} did not answer for ${opts.grace} s after the stop signal`;
      process.stderr.write(`pacsmine worker: ${why}: connections dropped with ${stop.released} job(s) in hand, which go back to the queue when their locks expire\n`);
      // Timers of the unfinished jobs would keep the process alive: exit now (code 1: the jobs in hand were not finished).
      process.exit(1);
    });
  const queue = program.command('queue').description('the Redis job queue');
  queue
    .command('status')
    .description('count the queue\'s jobs (waiting, active, delayed, completed, failed) and connected workers')
    .option('--redis <url>', 'redis://[user:password@]host:port (or $PACSMINE_REDIS_URL)')
    .option('--json', 'print JSON')
    .action(async (opts: { redis?: string; json?: boolean }) => {
      const s = await queueStatus(redisUrl(opts.redis));
      printResult(s, opts.json, (x) => `${x.queue} at ${x.redis}: ${x.waiting} waiting, ${x.active} active, ${x.delayed} delayed (retrying), ${x.completed} completed, ${x.failed} failed; ${x.workers} workers`);
    });
}
