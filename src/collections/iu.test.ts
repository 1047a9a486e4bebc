import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { needsSharedData, sharedDataDir } from '../../testing/requirements.js';
import { Workspace } from '../store/workspace.js';
import { listRejects } from '../store/rejects.js';
import { COLLECTION_STAGE } from './ingest.js';

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'main.js');

test('Indiana (reports CSV + projections CSV + the 5 real images): 5 images linked, every other row rejected with its reason, one JSON line', { skip: needsSharedData('iu-xray/images-sample') }, () => {
  const dir = path.join(sharedDataDir, 'iu-xray');
  const wsDir = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-iu-'));
  const run = (): { images: number; reports: number; rejected: number; digest: string } => {
    const r = spawnSync(process.execPath, [CLI, 'ingest-pairs', dir, '--format', 'iu', '--images', path.join(dir, 'images-sample'), '--workspace', wsDir, '--json', '--force'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    const last = JSON.parse(lines[lines.length - 1] as string) as { images: number; reports: number; rejected: number; digest: string };
    assert.deepEqual(Object.keys(last), ['images', 'reports', 'rejected', 'digest']);
    return last;
  };
  const s = run();
  assert.equal(s.images, 5);
  assert.match(s.digest, /^[0-9a-f]{64}$/);
  const ws = Workspace.open(wsDir);
  try {
    const rejects = listRejects(ws, COLLECTION_STAGE);
    assert.equal(rejects.length, s.rejected);
    const byCode = new Map<string, number>();
    for (const r of rejects) byCode.set(r.code, (byCode.get(r.code) ?? 0) + 1);
    const casesRejected = (byCode.get('EMPTY') ?? 0) + (byCode.get('DUPLICATE_ID') ?? 0);
    assert.equal(s.reports + casesRejected, 3851, 'every report stored or rejected');
    assert.equal(s.images + s.rejected - casesRejected, 7466, 'every projection row stored or rejected');
    assert.ok((byCode.get('MISSING_FILE') ?? 0) > 7400, JSON.stringify([...byCode]));
    for (const r of rejects.filter((x) => x.code === 'MISSING_FILE').slice(0, 50)) {
      assert.match(r.reason, /^indiana_projections\.csv:line \d+: image file not found$/);
      assert.match(r.recordId, /^\d+_IM-[\d-]+\.dcm\.png$/);
    }
    const linked = ws.db.prepare(`SELECT c.report_id, c.plane, c.image_id, f.sentence, r.text FROM collection_images c
      JOIN key_images k ON k.id = c.key_image_id JOIN refs f ON f.id = k.ref_id JOIN reports r ON r.report_id = c.report_id
      ORDER BY c.image_id`).all() as Array<{ report_id: string; plane: string; image_id: string; sentence: string; text: string }>;
    assert.deepEqual(linked.map((l) => `${l.report_id} ${l.plane}`), ['1900 Frontal', '1900 Lateral', '3 Frontal', '7 Frontal', '7 Lateral']);
    for (const l of linked) {
      assert.ok(l.text.includes('IMPRESSION:') && l.text.includes(l.sentence), 'the key sentence is the study\'s impression');
    }
    assert.equal(ws.db.prepare("SELECT COUNT(*) FROM links WHERE method = 'caption'").pluck().get(), 5);
    assert.equal(ws.db.prepare('SELECT COUNT(*) FROM collection_images WHERE mask IS NOT NULL').pluck().get(), 0, 'no mask by default for Indiana');
  } finally {
    ws.close();
  }
  assert.equal(run().digest, s.digest, 'the same digest again');
});
