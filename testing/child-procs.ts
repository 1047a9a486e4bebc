/**
 * Test support: `pacsmine` child processes (workers, coordinators) that a failing test cannot leave
 * behind. Every process started here is tracked; `stopProcs` sends SIGTERM and, past a deadline,
 * SIGKILL; `killAllProcs` (an `after` hook) and the test process's own exit SIGKILL whatever is left.
 *
 *   const w = startCli(['worker', '--redis', url]);
 *   try { ... } finally { await stopProcs([w]); }
 *   after(killAllProcs);
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './requirements.js';

export const CLI = path.join(repoRoot, 'dist', 'src', 'cli', 'main.js');

export interface CliProc {
  child: ChildProcess;
  /** stdout and stderr so far, interleaved. */
  out: () => string;
  /** The exit code (null when killed by a signal). */
  done: Promise<number | null>;
}

const live = new Set<ChildProcess>();
const running = (c: ChildProcess): boolean => c.exitCode === null && c.signalCode === null;
// A test file that ends (or fails) with children still running takes them down with it.
process.once('exit', () => {
  for (const c of live) if (running(c)) c.kill('SIGKILL');
});

/** Starts `node dist/src/cli/main.js ...args`, tracked. */
export function startCli(args: string[], env: Record<string, string> = {}): CliProc {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      live.delete(child);
      resolve(code);
    }));
  return { child, out: () => out, done };
}

/** SIGTERM to each running process; those still running after `ms` get SIGKILL. Resolves when all have exited. */
export async function stopProcs(ps: readonly CliProc[], ms = 15_000): Promise<void> {
  for (const p of ps) if (running(p.child)) p.child.kill('SIGTERM');
  const timer = setTimeout(() => {
    for (const p of ps) if (running(p.child)) p.child.kill('SIGKILL');
  }, ms);
  try {
    await Promise.all(ps.map((p) => p.done));
  } finally {
    clearTimeout(timer);
  }
}

/** SIGKILLs every tracked process still running (an `after` hook) and waits for them. */
export async function killAllProcs(): Promise<void> {
  const left = [...live].filter(running);
  await Promise.all(left.map((c) => new Promise<void>((resolve) => {
    c.once('exit', () => resolve());
    c.kill('SIGKILL');
  })));
}
