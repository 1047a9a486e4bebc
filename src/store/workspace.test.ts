import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Workspace, stableJson } from './workspace.js';
import { OptionsError, WorkspaceBusyError } from '../util/errors.js';

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'pacsmine-ws-'));
}

test('a stage is up to date only for the same params, inputs and code digest, and survives reopening', () => {
  const dir = tempDir();
  try {
    const ws = Workspace.open(dir);
    assert.equal(ws.isUpToDate('ingest', { a: 1 }, 'd1', 'c1'), false);
    ws.recordStage('ingest', { b: 2, a: 1 }, 'd1', 'c1', { ingested: 3 });
    assert.equal(ws.isUpToDate('ingest', { a: 1, b: 2 }, 'd1', 'c1'), true);
    assert.equal(ws.isUpToDate('ingest', { a: 1, b: 3 }, 'd1', 'c1'), false);
    assert.equal(ws.isUpToDate('ingest', { a: 1, b: 2 }, 'd2', 'c1'), false);
    assert.equal(ws.isUpToDate('ingest', { a: 1, b: 2 }, 'd1', 'c2'), false, 'changed code makes the stage stale');
    assert.equal(ws.stageRecord('ingest')?.codeDigest, 'c1');
    ws.close();
    const again = Workspace.open(dir);
    assert.deepEqual(again.stageRecord('ingest')?.summary, { ingested: 3 });
    again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('stableJson sorts keys at every depth', () => {
  assert.equal(stableJson({ b: { d: 1, c: 2 }, a: [3, 1] }), '{"a":[3,1],"b":{"c":2,"d":1}}');
});

test('a stage whose recorded artifact was truncated, changed in one byte or deleted is no longer up to date', () => {
  const dir = tempDir();
  const ws = Workspace.open(dir);
  try {
    const file = ws.artifactPath('stage', 'out.bin');
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7) & 0xff));
    const record = (): void => {
      writeFileSync(file, bytes);
      ws.recordStage('s', { p: 1 }, 'd', 'c1', {}, { artifacts: [file] });
    };
    record();
    assert.deepEqual(ws.stageRecord('s')?.artifacts?.map((a) => [a.path, a.size]), [[path.join('artifacts', 'stage', 'out.bin'), 4096]]);
    assert.equal(ws.isUpToDate('s', { p: 1 }, 'd', 'c1'), true);

    truncateSync(file, 4000);
    assert.equal(ws.isUpToDate('s', { p: 1 }, 'd', 'c1'), false);
    assert.match(ws.artifactProblem('s') ?? '', /4000 bytes, 4096 were written/);

    record();
    const flipped = Buffer.from(bytes);
    flipped[2048] = (flipped[2048] as number) ^ 1;
    writeFileSync(file, flipped);
    assert.equal(ws.isUpToDate('s', { p: 1 }, 'd', 'c1'), false, 'same size, one bit changed');
    assert.match(ws.artifactProblem('s') ?? '', /changed since it was written/);

    record();
    rmSync(file);
    assert.equal(ws.isUpToDate('s', { p: 1 }, 'd', 'c1'), false);
    assert.match(ws.artifactProblem('s') ?? '', /missing/);
  } finally {
    ws.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a stage record from before artifacts were recorded is never up to date', () => {
  const dir = tempDir();
  const ws = Workspace.open(dir);
  try {
    ws.recordStage('old', {}, 'd', 'c1', {});
    assert.equal(ws.isUpToDate('old', {}, 'd', 'c1'), true);
    ws.db.prepare("UPDATE stages SET artifacts = NULL WHERE stage = 'old'").run();
    assert.equal(ws.isUpToDate('old', {}, 'd', 'c1'), false);
  } finally {
    ws.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a workspace made before stage records had an artifacts column gains it on open', () => {
  const dir = tempDir();
  try {
    const ws = Workspace.open(dir);
    ws.recordStage('s', {}, 'd', 'c1', {});
    ws.db.exec('ALTER TABLE stages DROP COLUMN artifacts');
    ws.close();
    const again = Workspace.open(dir);
    assert.equal(again.stageRecord('s')?.artifacts, undefined);
    assert.equal(again.isUpToDate('s', {}, 'd', 'c1'), false);
    again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a workspace made when stage records were keyed on the package version opens, and its records are stale', () => {
  const dir = tempDir();
  try {
    const ws = Workspace.open(dir);
    ws.recordStage('s', { p: 1 }, 'd', 'c1', { n: 1 });
    ws.db.exec('ALTER TABLE stages DROP COLUMN code_digest');
    ws.close();
    const again = Workspace.open(dir);
    const rec = again.stageRecord('s');
    assert.deepEqual([rec?.codeDigest, rec?.summary], [undefined, { n: 1 }]);
    assert.equal(again.isUpToDate('s', { p: 1 }, 'd', 'c1'), false, 'no code digest: not up to date');
    again.recordStage('s', { p: 1 }, 'd', 'c1', { n: 2 });
    assert.equal(again.isUpToDate('s', { p: 1 }, 'd', 'c1'), true);
    assert.throws(() => again.recordStage('s', {}, 'd', '', {}), /code digest/);
    again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a workspace made before references kept their series words gains refs.series_text on open, NULL in old rows', () => {
  const dir = tempDir();
  try {
    const ws = Workspace.open(dir);
    ws.db.exec('ALTER TABLE refs DROP COLUMN series_text');
    ws.db.prepare("INSERT INTO reports (report_id, source, text, num_sentences, num_tokens, num_refs) VALUES ('r', 's', 'image 4', 1, 2, 1)").run();
    ws.db.prepare("INSERT INTO refs (report_id, sentence_index, start, end, text, series, instances, sentence) VALUES ('r', 0, 0, 7, 'image 4', '[]', '[4]', 'image 4')").run();
    ws.close();
    const again = Workspace.open(dir);
    assert.deepEqual(again.db.prepare('SELECT text, series_text FROM refs').all(), [{ text: 'image 4', series_text: null }]);
    again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a second writer is refused while the first holds the workspace, naming its pid; readers are not', () => {
  const dir = tempDir();
  try {
    const first = Workspace.open(dir, { command: 'pacsmine test-writer' });
    assert.throws(() => Workspace.open(dir), (e: unknown) =>
      e instanceof WorkspaceBusyError && e.message.includes(`pid ${process.pid}`) && e.message.includes('pacsmine test-writer'));
    const reader = Workspace.open(dir, { access: 'read', create: false });
    assert.equal(reader.db.prepare('SELECT COUNT(*) FROM reports').pluck().get(), 0);
    reader.close();
    first.close();
    assert.ok(!existsSync(path.join(dir, 'workspace.lock.json')), 'the holder note goes with the lock');
    const second = Workspace.open(dir);
    assert.equal(JSON.parse(readFileSync(path.join(dir, 'workspace.lock.json'), 'utf8')).pid, process.pid);
    second.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing workspace is refused (and not created) when create is false', () => {
  const dir = tempDir();
  try {
    const missing = path.join(dir, 'typo');
    for (const access of ['read', 'write'] as const) {
      assert.throws(() => Workspace.open(missing, { create: false, access }), (e: unknown) => e instanceof OptionsError && /no workspace at/.test(e.message));
      assert.ok(!existsSync(missing));
    }
    // A folder that exists but holds no workspace is refused too.
    assert.throws(() => Workspace.open(dir, { create: false, access: 'read' }), OptionsError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// /proc paths, where a recursive mkdir used to spin forever, are tried through the CLI with a
// timeout (src/cli/workspace-paths.e2e.test.ts): a hang here could not fail, only stall.
test('creating a workspace needs an existing, writable parent folder: impossible paths fail at once', () => {
  const dir = tempDir();
  try {
    const cases: Array<[string, RegExp]> = [
      [path.join(dir, 'no', 'such', 'ws'), /parent folder .* does not exist/],
      ['/dev/null/x', /\/dev\/null is not a folder/],
    ];
    writeFileSync(path.join(dir, 'file'), 'x');
    cases.push([path.join(dir, 'file'), /exists and is not a folder/]);
    for (const [p, message] of cases) {
      assert.throws(() => Workspace.open(p), (e: unknown) => e instanceof OptionsError && message.test(e.message), p);
    }
    assert.ok(!existsSync(path.join(dir, 'no')), 'nothing is created on the way');
    const ok = Workspace.open(path.join(dir, 'ws'));
    ok.close();
    assert.ok(existsSync(path.join(dir, 'ws', 'workspace.db')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
