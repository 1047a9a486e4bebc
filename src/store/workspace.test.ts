import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Workspace, stableJson } from './workspace.js';

test('a stage is up to date only for the same params and inputs, and survives reopening', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pacsmine-ws-'));
  try {
    const ws = Workspace.open(dir);
    assert.equal(ws.isUpToDate('ingest', { a: 1 }, 'd1'), false);
    ws.recordStage('ingest', { b: 2, a: 1 }, 'd1', { ingested: 3 });
    assert.equal(ws.isUpToDate('ingest', { a: 1, b: 2 }, 'd1'), true);
    assert.equal(ws.isUpToDate('ingest', { a: 1, b: 3 }, 'd1'), false);
    assert.equal(ws.isUpToDate('ingest', { a: 1, b: 2 }, 'd2'), false);
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
