/**
 * Test support; the library never imports it. The demo pipeline (`npm start`) on a tiny synthetic
 * archive — 24 studies, 32 px images, 4 slices — in a temporary folder: every stage runs (topics
 * with sweeps, word vectors, bigrams, datasets, the classifier chain and its evaluation) in about
 * twenty seconds, for tests of what reads a complete workspace (the report, the review app).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Workspace } from '../src/store/workspace.js';
import { runDemo, type DemoSummary } from '../src/pipeline/demo.js';

export const TINY_DEMO = { studies: 24, size: 32, slices: 4, seed: 1 } as const;

export interface TinyDemo {
  /** The workspace folder (closed: open it as the test needs). */
  dir: string;
  summary: DemoSummary;
  /** Removes the temporary folder. */
  remove(): void;
}

export async function buildTinyDemo(prefix = 'pacsmine-tiny-'): Promise<TinyDemo> {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  const dir = path.join(root, 'ws');
  const ws = Workspace.open(dir);
  try {
    const summary = await runDemo(ws, { ...TINY_DEMO });
    return { dir, summary, remove: () => rmSync(root, { recursive: true, force: true }) };
  } finally {
    ws.close();
  }
}
