import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { listRejects } from '../store/rejects.js';
import { Workspace } from '../store/workspace.js';
import { ingestItems, ingestReports, originalText, type IngestOptions, type IngestSummary } from './ingest.js';
import { killWorkerAfter } from '../../testing/kill-worker.js';
import { CancelledError, WorkerError } from '../util/errors.js';
import { planStudy } from '../sample/plan.js';
import { writeReport } from '../sample/report.js';
import type { SourceItem } from '../ingest/source.js';

function tempWorkspace(): { ws: Workspace; done: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'pacsmine-ingest-'));
  const ws = Workspace.open(dir);
  return { ws, done: () => { ws.close(); rmSync(dir, { recursive: true, force: true }); } };
}

async function* items(list: SourceItem[]): AsyncGenerator<SourceItem> {
  for (const i of list) yield i;
}

/** Reports of the synthetic archive, written in memory, with the references each one wrote. */
function archiveReports(n: number, seed: number) {
  const opts = { seed, size: 32, slices: 8, numPatients: Math.max(1, Math.round(n * 0.6)) };
  return Array.from({ length: n }, (_, i) => {
    const plan = planStudy(i, opts);
    const written = writeReport(plan);
    return { id: `R${String(i + 1).padStart(7, '0')}`, plan, text: written.text, references: written.references };
  });
}

function syntheticItems(n: number, seed: number): SourceItem[] {
  return archiveReports(n, seed).map((r, i) => ({
    ok: true as const,
    record: { recordId: r.id, text: r.text, accession: r.plan.accession, patientId: r.plan.patientId, modality: r.plan.modality, examDate: r.plan.studyDate, location: `mem:${i + 1}` },
  }));
}

function dump(ws: Workspace): unknown {
  return {
    reports: ws.db.prepare('SELECT report_id, text, num_sentences, num_tokens, num_refs FROM reports ORDER BY report_id').all(),
    refs: ws.db.prepare('SELECT report_id, sentence_index, start, end, text, series, instances, sentence, prev_sentence, next_sentence FROM refs ORDER BY report_id, start').all(),
    keys: ws.db.prepare('SELECT report_id, series_number, instance_number FROM key_images ORDER BY report_id, id').all(),
  };
}

test('workers and in-process ingest store exactly the same thing', async () => {
  const a = tempWorkspace();
  const b = tempWorkspace();
  try {
    const list = syntheticItems(300, 3);
    const sa = await ingestItems(a.ws, 'mem', items(list), { workers: 0 });
    const sb = await ingestItems(b.ws, 'mem', items(list), { workers: 2, batchSize: 17 });
    assert.equal(sa.ingested, 300);
    assert.equal(sb.ingested, 300);
    assert.ok(sa.references > 100, `expected many references, got ${sa.references}`);
    assert.deepEqual(dump(a.ws), dump(b.ws));
  } finally {
    a.done();
    b.done();
  }
});

test('references, their sentence windows and key images are stored against the de-identified text', async () => {
  const t = tempWorkspace();
  try {
    const reports = archiveReports(50, 11);
    await ingestItems(t.ws, 'mem', items(syntheticItems(50, 11)), { workers: 0 });
    for (const r of reports) {
      const stored = t.ws.db.prepare('SELECT text FROM reports WHERE report_id = ?').pluck().get(r.id) as string;
      const refs = t.ws.db.prepare('SELECT start, end, text, series, instances, sentence FROM refs WHERE report_id = ? ORDER BY start').all(r.id) as Array<{ start: number; end: number; text: string; series: string; instances: string; sentence: string }>;
      // The generator knows what it wrote (sections in its own order); the parser found exactly those
      // references, each as its (series, instance) pairs.
      const storedPairs = refs.map((x) => {
        const series = JSON.parse(x.series) as number[];
        return (series.length ? series : [null]).flatMap((sn) => (JSON.parse(x.instances) as number[]).map((i) => `${sn}:${i}`)).sort();
      });
      const writtenPairs = r.references.map((w) => [...new Set(w.images.map((k) => `${w.seriesNamed ? k.series : null}:${k.instance}`))].sort());
      const byPairs = (a: string[], b: string[]) => (a.join() < b.join() ? -1 : a.join() > b.join() ? 1 : 0);
      assert.deepEqual([...storedPairs].sort(byPairs), [...writtenPairs].sort(byPairs), r.id);
      for (const x of refs) {
        assert.equal(stored.slice(x.start, x.end), x.text);
        assert.ok(x.sentence.includes(x.text), 'the key sentence contains its reference');
      }
      const keys = t.ws.db.prepare('SELECT COUNT(*) FROM key_images WHERE report_id = ?').pluck().get(r.id) as number;
      assert.equal(keys, writtenPairs.reduce((n, x) => n + x.length, 0));
      // De-identified: no signature name, no dates, no MRN in what mining reads; raw kept apart.
      assert.ok(!/signed by: [A-Z][a-z]+ [A-Z]/.test(stored), stored);
      assert.ok(!/\d{2}\/\d{2}\/\d{4}/.test(stored));
      const raw = t.ws.db.prepare('SELECT raw_text FROM reports_raw WHERE report_id = ?').pluck().get(r.id) as string;
      assert.equal(raw, r.text);
      assert.equal(originalText(t.ws, r.id), r.text);
    }
  } finally {
    t.done();
  }
});

test('rejected and duplicate records are listed with reasons and the counts reconcile', async () => {
  const t = tempWorkspace();
  try {
    const list = syntheticItems(20, 5);
    list.splice(3, 0, { ok: false, rejected: { recordId: 'bad-1', location: 'mem:4', code: 'EMPTY', reason: 'no report text' } });
    list.push({ ...(list[0] as SourceItem) }); // a duplicate id
    const s = await ingestItems(t.ws, 'mem', items(list), { workers: 1, batchSize: 4 });
    assert.equal(s.seen, 22);
    assert.equal(s.ingested, 20);
    assert.equal(s.rejected, 2);
    assert.equal(s.seen, s.ingested + s.rejected);
    assert.deepEqual(s.rejectsByCode, { EMPTY: 1, DUPLICATE_ID: 1 });
    const rejects = listRejects(t.ws);
    assert.deepEqual(rejects.map((r) => [r.recordId, r.code]), [['bad-1', 'EMPTY'], ['R0000001', 'DUPLICATE_ID']]);
    assert.match(rejects[1]?.reason ?? '', /already ingested earlier in this source/);
    // A re-run of the same source replaces, it does not duplicate.
    const again = await ingestItems(t.ws, 'mem', items(syntheticItems(20, 5)), { workers: 0 });
    assert.equal(again.ingested, 20);
    assert.equal(t.ws.db.prepare('SELECT COUNT(*) FROM reports').pluck().get(), 20);
    assert.equal(listRejects(t.ws).length, 0);
  } finally {
    t.done();
  }
});

test('strict mode stops at the first rejected record', async () => {
  const t = tempWorkspace();
  try {
    const list: SourceItem[] = [{ ok: false, rejected: { recordId: 'x', location: 'mem:1', code: 'BAD_UTF8', reason: 'invalid UTF-8 at byte 3' } }];
    await assert.rejects(ingestItems(t.ws, 'mem', items(list), { workers: 0, strict: true }), /record 'x' rejected \(BAD_UTF8\)/);
  } finally {
    t.done();
  }
});

/** 300 archive reports with rejects among them: an empty record every 37th, a duplicate id every 53rd. */
function mixedItems(): SourceItem[] {
  const list: SourceItem[] = [];
  for (const [i, item] of syntheticItems(300, 9).entries()) {
    list.push(item);
    if (i % 37 === 5) list.push({ ok: false, rejected: { recordId: `empty-${i}`, location: `mem:e${i}`, code: 'EMPTY', reason: 'no report text' } });
    if (i % 53 === 7) list.push({ ...item });
  }
  return list;
}

/** What a summary says about the stored rows (not timings, nor whether it resumed). */
const outcome = (s: IngestSummary): unknown => {
  const { seconds: _s, resumedFrom: _r, upToDate: _u, ...rest } = s;
  return rest;
};

// Generous bound: a hang fails the test instead of the whole run.
const bounded = { timeout: 120_000 };

test('ingest with workers 0, 1 and 2 stores the same rows: the same digest and counts', bounded, async () => {
  const list = mixedItems();
  const summaries: IngestSummary[] = [];
  for (const workers of [0, 1, 2]) {
    const t = tempWorkspace();
    try {
      summaries.push(await ingestItems(t.ws, 'mem', items(list), { workers, batchSize: 16 }));
    } finally {
      t.done();
    }
  }
  const [zero, ...others] = summaries as [IngestSummary, ...IngestSummary[]];
  assert.equal(zero.seen, list.length);
  assert.ok(zero.rejectsByCode['EMPTY']! > 0 && zero.rejectsByCode['DUPLICATE_ID']! > 0, JSON.stringify(zero.rejectsByCode));
  for (const s of others) assert.deepEqual(outcome(s), outcome(zero));
});

test('an ingest worker killed mid-run fails the run with a WorkerError naming ingest and the worker; nothing hangs', bounded, async () => {
  const list = mixedItems();
  for (const [index, messages, when] of [[1, 2, 'after its first batch'], [0, 0, 'before it is ready']] as const) {
    const restore = killWorkerAfter('ingest', index, messages);
    const t = tempWorkspace();
    try {
      await assert.rejects(ingestItems(t.ws, 'mem', items(list), { workers: 2, batchSize: 8 }), (e: unknown) =>
        e instanceof WorkerError && new RegExp(`^ingest: worker ${index} of 2 exited unexpectedly`).test(e.message), `killed ${when}`);
    } finally {
      restore();
      t.done();
    }
  }
  // The harness is not left in a bad state: the next run ingests everything.
  const t = tempWorkspace();
  try {
    assert.equal((await ingestItems(t.ws, 'mem', items(list), { workers: 2, batchSize: 8 })).seen, list.length);
  } finally {
    t.done();
  }
});

test('an ingest worker that throws mid-run fails the run with its error, naming ingest and the worker', bounded, async () => {
  const list = syntheticItems(200, 2);
  // A record that breaks the processing code itself (no reader yields one; a library caller could):
  // the worker's handler throws on it, after other batches went through.
  const broken = list[150] as { ok: true; record: { text: unknown } };
  broken.record.text = 42;
  const t = tempWorkspace();
  try {
    await assert.rejects(ingestItems(t.ws, 'mem', items(list), { workers: 2, batchSize: 10 }), (e: unknown) =>
      e instanceof WorkerError && /^ingest: worker [01] of 2 failed: TypeError/.test(e.message) && e.cause instanceof Error);
    assert.ok((t.ws.db.prepare('SELECT COUNT(*) FROM reports').pluck().get() as number) > 0, 'batches before it were stored');
  } finally {
    t.done();
  }
});

test('with a resume key, a run stopped part way continues after its last committed batch and ends with the rows of an uninterrupted run', bounded, async () => {
  const list = mixedItems();
  const straight = tempWorkspace();
  const t = tempWorkspace();
  try {
    const full = await ingestItems(straight.ws, 'mem', items(list), { workers: 0, batchSize: 16 });
    const options: IngestOptions = { workers: 2, batchSize: 16, resumeKey: 'run-1' };
    const ac = new AbortController();
    await assert.rejects(ingestItems(t.ws, 'mem', items(list), { ...options, signal: ac.signal, onProgress: (p) => { if (p.seen >= 100) ac.abort(); } }), CancelledError);
    const committed = t.ws.db.prepare('SELECT records FROM ingest_progress').pluck().get() as number;
    assert.ok(committed >= 100 && committed < list.length, `${committed} records committed`);

    const seen: number[] = [];
    const resumed = await ingestItems(t.ws, 'mem', items(list), { ...options, onProgress: (p) => seen.push(p.seen) });
    assert.equal(resumed.resumedFrom, committed);
    assert.equal(seen[0], committed, 'progress starts where the committed batches ended');
    assert.deepEqual(outcome(resumed), outcome(full));
    assert.equal(t.ws.db.prepare('SELECT COUNT(*) FROM reports').pluck().get(), full.ingested);
    assert.equal(t.ws.db.prepare('SELECT COUNT(*) FROM rejects').pluck().get(), full.rejected);

    // Another key (another input or other options) is another run: the source restarts cleanly.
    const other = await ingestItems(t.ws, 'mem', items(list), { ...options, resumeKey: 'run-2' });
    assert.equal(other.resumedFrom, 0);
    assert.deepEqual(outcome(other), outcome(full));
  } finally {
    straight.done();
    t.done();
  }
});

test('ingestReports resumes an interrupted run of the same file, restarts one whose file changed, and clears its position once recorded', bounded, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pacsmine-ingest-resume-'));
  const t = tempWorkspace();
  const fresh = tempWorkspace();
  try {
    const file = path.join(dir, 'reports.jsonl');
    const line = (r: ReturnType<typeof archiveReports>[number]): string => `${JSON.stringify({ report_id: r.id, accession: r.plan.accession, text: r.text })}\n`;
    const reports = archiveReports(240, 4);
    writeFileSync(file, reports.slice(0, 200).map(line).join(''));
    const position = (): number | undefined => t.ws.db.prepare('SELECT records FROM ingest_progress').pluck().get() as number | undefined;
    const stopAt = async (n: number): Promise<void> => {
      const ac = new AbortController();
      await assert.rejects(ingestReports(t.ws, file, { workers: 0, batchSize: 20, signal: ac.signal, onProgress: (p) => { if (p.seen >= n) ac.abort(); } }), CancelledError);
    };

    await stopAt(60);
    assert.equal(position(), 60);
    const resumed = await ingestReports(t.ws, file, { workers: 1, batchSize: 20 });
    assert.equal(resumed.resumedFrom, 60);
    assert.equal(resumed.ingested, 200);
    assert.equal(position(), undefined, 'a recorded run leaves no position behind');

    // The file grows; a run of the new file stops part way; the file changes again before the rerun.
    appendFileSync(file, reports.slice(200, 220).map(line).join(''));
    await stopAt(100);
    assert.equal(position(), 100);
    appendFileSync(file, reports.slice(220).map(line).join(''));
    const restarted = await ingestReports(t.ws, file, { workers: 1, batchSize: 20 });
    assert.equal(restarted.resumedFrom, 0, 'a changed file restarts from the beginning');
    const expected = await ingestReports(fresh.ws, file, { workers: 0 });
    assert.deepEqual([restarted.ingested, restarted.digest], [240, expected.digest]);
  } finally {
    t.done();
    fresh.done();
    rmSync(dir, { recursive: true, force: true });
  }
});
