/**
 * Test support: a private redis-server on 127.0.0.1, a free port and a temp folder, stopped (and
 * the folder removed) by `stop()`. `restart()` stops it and starts it again on the same port and
 * folder, as an operator restarting Redis would; with `appendonly` its jobs survive that.
 * `pause()` and `resume()` do the same with time between (Redis gone for a while).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const REDIS_SERVER = '/usr/bin/redis-server';

export interface TestRedis {
  /** redis://[:password@]127.0.0.1:port */
  url: string;
  port: number;
  restart(): Promise<void>;
  /** Stops the server but keeps its port and folder (Redis gone); `resume` starts it again there. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export async function startRedis(options: { password?: string; appendonly?: boolean } = {}): Promise<TestRedis> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-redis-'));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', options.appendonly ? 'yes' : 'no', '--logfile', path.join(dir, 'redis.log')];
  if (options.password) args.push('--requirepass', options.password);
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    child = spawn(REDIS_SERVER, args, { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    // Ready once the log says so (the log is appended to across restarts: count the lines).
    const readyLines = (): number => {
      try {
        return readFileSync(path.join(dir, 'redis.log'), 'utf8').split('Ready to accept connections').length - 1;
      } catch {
        return 0;
      }
    };
    const before = startsSeen;
    while (readyLines() <= before) {
      if (Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    startsSeen = readyLines();
  };
  let startsSeen = 0;
  const halt = async (): Promise<void> => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
    });
  };
  await start();
  return {
    url: `redis://${options.password ? `:${encodeURIComponent(options.password)}@` : ''}127.0.0.1:${port}`,
    port,
    restart: async () => {
      await halt();
      await start();
    },
    pause: halt,
    resume: start,
    stop: async () => {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
