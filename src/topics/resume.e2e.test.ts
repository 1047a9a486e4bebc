/**
 * Resume after kill -9: a real `pacsmine topics` process on a small workspace is killed with
 * SIGKILL once it has written a checkpoint well into its run; the same command run again
 * resumes from the checkpoint and ends with the same output (the --json "digest") as an
 * uninterrupted run with the same seed and worker count, and the store is intact.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { topicWorkspace } from '../../testing/topic-docs.js';
import { readArtifactHeader } from '../util/artifact-file.js';
import type { TopicSummary } from './stage.js';

const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const SWEEPS = 600;
const EVERY = 20;
/** Kill once a checkpoint at least this far in exists: mid-run, with most of the run still to go. */
const KILL_AT = 60;

interface Exit { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

function start(args: string[]): { kill: () => void; done: Promise<Exit> } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const done = new Promise<Exit>((resolve) => child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr })));
  return { kill: () => child.kill('SIGKILL'), done };
}

function makeWorkspace(root: string, name: string): string {
  const dir = path.join(root, name);
  const { ws } = topicWorkspace(dir, { numTopics: 6, numDocs: 300, seed: 9 });
  ws.close();
  return dir;
}

const args = (ws: string): string[] => [
  'topics', '-w', ws, '--k', '6', '--iterations', String(SWEEPS), '--seed', '3', '--workers', '2',
  '--checkpoint-every', String(EVERY), '--min-doc-freq', '2', '--drop-top', '0', '--json',
];

async function completed(ws: string): Promise<TopicSummary> {
  const r = await start(args(ws)).done;
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as TopicSummary;
}

/** The iteration of the checkpoint in `file`, or -1 while there is none. */
function checkpointAt(file: string): number {
  if (!existsSync(file)) return -1;
  return (readArtifactHeader(file).meta as { iteration: number }).iteration;
}

test('pacsmine topics killed with SIGKILL mid-run resumes from its checkpoint to the digest of an uninterrupted run', async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-resume-'));
  try {
    const reference = await completed(makeWorkspace(root, 'straight'));
    assert.match(reference.digest, /^[0-9a-f]{64}$/);
    assert.equal(reference.resumedFrom, undefined);

    const ws = makeWorkspace(root, 'killed');
    const checkpoint = path.join(ws, 'artifacts', 'topics', 'checkpoints', 'document', 'final-k6.ckpt');
    const run = start(args(ws));
    let exited = false;
    void run.done.then(() => { exited = true; });
    while (!exited && checkpointAt(checkpoint) < KILL_AT) await sleep(5);
    run.kill();
    const killed = await run.done;
    assert.equal(killed.signal, 'SIGKILL', `the run ended before it could be killed (status ${killed.status}): give it more sweeps\n${killed.stderr}`);
    const at = checkpointAt(checkpoint);
    assert.ok(at >= KILL_AT && at < SWEEPS, `checkpoint at sweep ${at}`);

    const resumed = await completed(ws);
    assert.ok((resumed.resumedFrom?.['document'] ?? -1) >= at, `resumed from ${JSON.stringify(resumed.resumedFrom)}, the checkpoint was at ${at}`);
    assert.equal(resumed.digest, reference.digest, 'same labels and model as the uninterrupted run');
    assert.ok(!existsSync(checkpoint), 'the checkpoints go once the stage is recorded');
    const db = new Database(path.join(ws, 'workspace.db'), { readonly: true });
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
      assert.equal(db.prepare("SELECT COUNT(*) FROM topic_labels WHERE level = 'document'").pluck().get(), db.prepare('SELECT COUNT(*) FROM key_images').pluck().get());
    } finally {
      db.close();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
