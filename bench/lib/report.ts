/** Shared helpers for benchmarks: peak memory, the anchor's Python, and the closing JSON line. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Peak resident set size of this process so far, in MiB. */
export function peakRssMb(): number {
  return Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
}

/** Debian's python3 (the anchors' interpreter), when present. */
export const DEBIAN_PYTHON = '/usr/bin/python3';

/**
 * Runs a Python anchor script with Debian's interpreter and returns the JSON object it prints
 * on its last line, or undefined when the interpreter or its modules are missing.
 */
export function runPythonAnchor(script: string, args: string[], env: Record<string, string> = {}): Record<string, unknown> | undefined {
  if (!existsSync(DEBIAN_PYTHON)) return undefined;
  const r = spawnSync(DEBIAN_PYTHON, ['-c', script, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) {
    process.stderr.write(`anchor failed (exit ${r.status}): ${r.stderr.slice(-2000)}\n`);
    return undefined;
  }
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? '{}') as Record<string, unknown>;
}

/** Prints the benchmark's closing JSON line. */
export function finish(result: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
