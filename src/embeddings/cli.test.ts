// The embed and neighbors verbs, end to end: plain-text mode, workspace mode with -w, and a
// real `pacsmine embed` process killed with SIGKILL mid-training that resumes from its
// checkpoint and ends with the vectors of an uninterrupted run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Workspace } from '../store/workspace.js';
import { syntheticCorpus } from '../../testing/corpora.js';

const MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8' });
}

/** A workspace whose reports are `texts` (the embed stage reads only reports.text). */
function workspaceWith(dir: string, texts: readonly string[]): void {
  const ws = Workspace.open(dir);
  try {
    const insert = ws.db.prepare("INSERT INTO reports (report_id, source, text, num_sentences, num_tokens, num_refs) VALUES (?, 'test', ?, 1, 1, 0)");
    ws.db.transaction(() => texts.forEach((t, i) => insert.run(`r${i}`, t)))();
  } finally {
    ws.close();
  }
}

const LINES = Array.from({ length: 300 }, (_, i) => (i % 2 ? 'small left pleural effusion and basilar atelectasis' : 'heart size is normal and the lungs are clear'));

test('pacsmine embed --text and neighbors --json, with a digest that a seed reproduces', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'embed-cli-'));
  try {
    const text = path.join(dir, 'corpus.txt');
    writeFileSync(text, LINES.join('\n'));
    const vectors = path.join(dir, 'v.txt');
    const args = ['embed', '--text', text, '--out', vectors, '--format', 'text', '--vector-size', '16', '--window', '3', '--epochs', '2', '--workers', '0', '--json'];
    const e = run(args);
    assert.equal(e.status, 0, e.stderr);
    const out = JSON.parse(e.stdout) as { numWords: number; digest: string };
    assert.equal(out.numWords, 15);
    assert.match(out.digest, /^[0-9a-f]{64}$/);
    assert.equal((JSON.parse(run(args).stdout) as { digest: string }).digest, out.digest, 'same seed, same digest');
    const n = run(['neighbors', 'effusion', '--vectors', vectors, '--format', 'text', '-n', '3', '--json']);
    assert.equal(n.status, 0, n.stderr);
    const near = JSON.parse(n.stdout) as Array<{ word: string; similarity: number }>;
    assert.equal(near.length, 3);
    assert.ok(near.every((x) => x.word !== 'effusion' && x.similarity <= 1));
    const bad = run(['neighbors', 'nosuchword', '--vectors', vectors, '--format', 'text']);
    assert.equal(bad.status, 1, 'a failed run (unknown word) exits 1');
    assert.equal(run(['embed', '--text', text, '--out', vectors, '--workers', '-1']).status, 2, 'a bad --workers is a usage error');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pacsmine embed -w and neighbors -w work on a workspace; a second embed is up to date with the same digest', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'embed-cli-ws-'));
  try {
    const ws = path.join(dir, 'ws');
    workspaceWith(ws, LINES.map((l) => `${l}.`));
    const args = ['embed', '-w', ws, '--vector-size', '16', '--window', '3', '--min-count', '2', '--epochs', '2', '--workers', '1', '--json'];
    const first = run(args);
    assert.equal(first.status, 0, first.stderr);
    const r = JSON.parse(first.stdout) as { skipped: boolean; digest: string; modelPath: string; vectorsPath: string; report: { numWords: number } };
    assert.equal(r.skipped, false);
    assert.equal(r.report.numWords, 15);
    assert.ok(existsSync(r.modelPath) && existsSync(r.vectorsPath));
    const second = JSON.parse(run(args).stdout) as { skipped: boolean; digest: string };
    assert.deepEqual(second, { ...second, skipped: true, digest: r.digest });
    const n = run(['neighbors', 'effusion', '-w', ws, '-n', '2', '--json']);
    assert.equal(n.status, 0, n.stderr);
    assert.equal((JSON.parse(n.stdout) as unknown[]).length, 2);
    const empty = path.join(dir, 'empty');
    workspaceWith(empty, []);
    const none = run(['neighbors', 'effusion', '-w', empty]);
    assert.equal(none.status, 1);
    assert.match(none.stderr, /run `pacsmine embed` first/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pacsmine embed killed with SIGKILL after a checkpoint resumes and ends with the uninterrupted digest', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'embed-cli-kill-'));
  try {
    // About 80,000 words, so that an epoch takes a good part of a second with the TypeScript kernel.
    const sentences = syntheticCorpus(80000, { vocabulary: 400, numTopics: 8, seed: 11 });
    const texts: string[] = [];
    for (let i = 0; i < sentences.length; i += 4) texts.push(sentences.slice(i, i + 4).map((s) => `${s.join(' ')}.`).join(' '));
    const whole = path.join(dir, 'whole');
    const killed = path.join(dir, 'killed');
    workspaceWith(whole, texts);
    workspaceWith(killed, texts);
    // One worker thread: Hogwild with one thread is sequential, so the seed fixes the vectors.
    const args = (ws: string): string[] => ['embed', '-w', ws, '--kernel', 'ts', '--workers', '1', '--vector-size', '48', '--window', '5', '--min-count', '1', '--sample', '0', '--epochs', '8', '--seed', '7', '--json'];

    const reference = run(args(whole));
    assert.equal(reference.status, 0, reference.stderr);
    const expected = JSON.parse(reference.stdout) as { digest: string };

    const checkpoint = path.join(killed, 'artifacts', 'embeddings', 'checkpoint.pacsmine');
    const child = spawn(process.execPath, [MAIN, ...args(killed)], { stdio: 'ignore' });
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    let finished = false;
    void ended.then(() => (finished = true));
    while (!finished && !existsSync(checkpoint)) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGKILL');
    const end = await ended;
    assert.equal(end.signal, 'SIGKILL', `the run was to be killed mid-training, but it ended with code ${end.code}: train longer`);
    assert.ok(existsSync(checkpoint), 'the checkpoint survives the kill');

    const resumed = run(args(killed));
    assert.equal(resumed.status, 0, resumed.stderr);
    const r = JSON.parse(resumed.stdout) as { digest: string; report: { resumedFromEpoch: number } };
    assert.ok(r.report.resumedFromEpoch >= 1, `resumed after epoch ${r.report.resumedFromEpoch}`);
    assert.equal(r.digest, expected.digest, 'the resumed run ends with the vectors of the uninterrupted one');
    assert.equal(existsSync(checkpoint), false, 'the checkpoint is removed once the model is saved');
    const ws = Workspace.open(killed);
    try {
      assert.deepEqual(ws.db.pragma('integrity_check'), [{ integrity_check: 'ok' }]);
    } finally {
      ws.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
