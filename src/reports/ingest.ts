/**
 * The ingest stage: a report source -> de-identified reports, references and key images in the
 * workspace. Streaming end to end: the source is read in batches, batches are processed on
 * worker threads (the harness, stage 'ingest'), and results are written in source order in one
 * transaction per batch, so memory stays flat however large the export. Every record is either
 * stored or listed in `rejects` with a reason: seen = ingested + rejected.
 *
 * Resume: each batch's transaction also records how far into the source it got
 * (ingest-resume.ts), so a run killed at any moment — kill -9, a power cut — continues after its
 * last committed batch when run again on the same file with the same options, and ends with the
 * rows (and digest) of an uninterrupted run.
 */
import path from 'node:path';
import type { Workspace } from '../store/workspace.js';
import { digestFile, digestStrings, stableJson } from '../store/workspace.js';
import { readReports, type SourceItem, type SourceOptions, type Rejected } from '../ingest/source.js';
import type { ProcessedReport } from './process.js';
import { startProcessor } from './process-batches.js';
import { resolveWorkers } from '../util/workers.js';
import { InputError, OptionsError } from '../util/errors.js';
import { throwIfCancelled } from '../util/progress.js';
import { Rejects } from '../store/rejects.js';
import { packageVersion } from '../util/version.js';
import { codeDigest } from '../util/code-digest.js';
import { ingestOutputDigest } from './ingest-digest.js';
import { IngestProgress as SavedProgress, type IngestCounts } from './ingest-resume.js';

/** The code this stage's output depends on (the src folders it imports): a change there makes its record stale. */
export const INGEST_CODE = (): string => codeDigest('ingest', 'refs', 'reports', 'store', 'util');

export interface IngestOptions extends SourceOptions {
  /** Worker threads for de-identification, splitting and reference extraction: 0 = the calling thread, N = N threads, default one per core (resolveWorkers). */
  workers?: number;
  /** Records per batch: the unit of work sent to a worker, of a write transaction and of resume. Default 512. */
  batchSize?: number;
  /** Stop at the first rejected record instead of listing it. Default false. */
  strict?: boolean;
  /** Re-ingest from the beginning, even when the workspace says this source is up to date or an interrupted run of it could resume. */
  force?: boolean;
  /** The stage name rejects are listed under. Default 'ingest' (the collection stage passes its own). */
  rejectStage?: string;
  /**
   * With a key, each committed batch records the position reached under it, and a run with the same
   * key continues after the last committed batch instead of starting over. It must identify the
   * exact input and everything that changes the output: `ingestReports` passes a digest of the
   * file, the options and the code. Without one, every run starts from the beginning.
   */
  resumeKey?: string;
  /** Aborting it stops the run between batches (CancelledError); committed batches stay, and resume. */
  signal?: AbortSignal;
  onProgress?: (p: IngestProgress) => void;
}

export interface IngestProgress {
  seen: number;
  ingested: number;
  rejected: number;
}

export interface IngestSummary extends IngestProgress {
  source: string;
  references: number;
  keyImages: number;
  phiReplaced: number;
  /** Control characters (NUL and other C0 codes but tab and line breaks) replaced by spaces in the stored reports. */
  controlCharsReplaced: number;
  rejectsByCode: Record<string, number>;
  seconds: number;
  /** True when the workspace already held this exact ingest, so nothing was redone. */
  upToDate: boolean;
  /** Source records an interrupted earlier run had committed, which this run skipped (0: it started from the beginning). The counts above cover the whole source either way. */
  resumedFrom: number;
  /** SHA-256 of the rows this source stored (reports, references, key images, rejects), never of timings: see ingest-digest.ts. */
  digest: string;
}

export const STAGE_PREFIX = 'ingest:';

/** Ingests a report file or folder into the workspace (see SourceOptions for the formats); resumes an interrupted run of the same input. */
export async function ingestReports(ws: Workspace, file: string, options: IngestOptions = {}): Promise<IngestSummary> {
  const source = path.resolve(file);
  const params = sourceParams(options);
  const digest = await inputDigest(source);
  const stage = STAGE_PREFIX + source;
  const code = INGEST_CODE();
  const rejectStage = options.rejectStage ?? 'ingest';
  if (!options.force && ws.isUpToDate(stage, params, digest, code)) {
    const prev = ws.stageRecord(stage)?.summary as IngestSummary;
    // Recomputed, not read back: records written before the digest existed lack it.
    return { ...prev, upToDate: true, resumedFrom: 0, digest: ingestOutputDigest(ws, source, rejectStage) };
  }
  const resumeKey = digestStrings('ingest-resume', digest, stableJson(params), code);
  const summary = await ingestItems(ws, source, readReports(file, options), { ...options, resumeKey });
  // One transaction: a crash between the two would otherwise leave a finished run unrecorded
  // with its position gone (a full restart), or recorded with a stale position.
  ws.db.transaction(() => {
    ws.recordStage(stage, params, digest, code, summary);
    new SavedProgress(ws, rejectStage, source).clear();
  })();
  return summary;
}

/** The options that change what ingest stores (progress callbacks, worker counts and batch sizes do not). */
export function sourceParams(o: IngestOptions): Record<string, unknown> {
  const { workers: _w, batchSize: _b, onProgress: _p, force: _f, strict: _s, resumeKey: _k, signal: _g, ...rest } = o;
  return { ...rest, packageVersion };
}

export async function inputDigest(source: string): Promise<string> {
  const { stat, readdir } = await import('node:fs/promises');
  const st = await stat(source);
  if (st.isFile()) return digestFile(source);
  // A folder: names, sizes and times of its files (contents would mean reading everything twice).
  const entries = await readdir(source, { recursive: true, withFileTypes: true });
  const parts: string[] = [];
  for (const e of entries) {
    if (!e.isFile()) continue;
    const p = path.join(e.parentPath ?? source, e.name);
    const s = await stat(p);
    parts.push(`${path.relative(source, p)}:${s.size}:${s.mtimeMs}`);
  }
  return digestStrings(...parts.sort());
}

/** The items of `items` after the first `skip`, in batches of `size`. */
async function* batchesOf(items: AsyncIterable<SourceItem>, size: number, skip: number): AsyncGenerator<SourceItem[]> {
  let seen = 0;
  let batch: SourceItem[] = [];
  for await (const item of items) {
    if (seen++ < skip) continue;
    batch.push(item);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/**
 * Ingests a stream of source items under the name `source`. Without a resume position (see
 * `resumeKey`), rows from an earlier ingest of the same source are replaced.
 */
export async function ingestItems(ws: Workspace, source: string, items: AsyncIterable<SourceItem>, options: IngestOptions = {}): Promise<IngestSummary> {
  const started = performance.now();
  const batchSize = options.batchSize ?? 512;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new OptionsError(`batchSize must be a positive integer, got ${batchSize}`);
  const wanted = resolveWorkers(options.workers); // checks the option before anything is touched
  const writer = new ReportWriter(ws, source, options.rejectStage ?? 'ingest', options.resumeKey);
  const resumedFrom = writer.begin(options.force ?? false);
  if (resumedFrom > 0) options.onProgress?.(writer.progress());

  const batches = batchesOf(items, batchSize, resumedFrom);
  // Threads start once there is a batch for each (or the source has ended): a small input
  // starts only the threads it can use, an empty one none.
  const head: SourceItem[][] = [];
  while (head.length < Math.max(1, wanted)) {
    const next = await batches.next();
    if (next.done) break;
    head.push(next.value);
  }
  const processor = await startProcessor(head.length === 0 ? 0 : options.workers, head.length, options.signal);
  const inFlight: Array<{ slots: SourceItem[]; results: Promise<ProcessedReport[]> }> = [];
  const maxInFlight = Math.max(2, processor.workers * 2);

  const submit = (slots: SourceItem[]): void => {
    const texts: string[] = [];
    for (const s of slots) if (s.ok) texts.push(s.record.text);
    const results = processor.process(texts);
    // Awaited in order by drainOne; once one batch fails the others fail too, and must not
    // surface again as unhandled rejections.
    results.catch(() => undefined);
    inFlight.push({ slots, results });
  };
  const drainOne = async (): Promise<void> => {
    const next = inFlight.shift();
    if (!next) return;
    const results = await next.results;
    throwIfCancelled(options.signal, 'ingest');
    writer.writeBatch(next.slots, results, options.strict ?? false);
    options.onProgress?.(writer.progress());
  };

  try {
    for (const slots of head) submit(slots);
    for await (const slots of { [Symbol.asyncIterator]: () => batches }) {
      submit(slots);
      while (inFlight.length >= maxInFlight) await drainOne();
    }
    while (inFlight.length) await drainOne();
  } finally {
    await processor.close();
  }
  const digest = ingestOutputDigest(ws, source, options.rejectStage ?? 'ingest');
  return { ...writer.summary(), source, seconds: (performance.now() - started) / 1000, upToDate: false, resumedFrom, digest };
}

/**
 * Writes processed batches to the store; owns the prepared statements, the counts and the resume
 * position. Shared with the queued ingest (src/queue/ingest-coordinator.ts), which commits shards through it.
 */
export class ReportWriter {
  private counts: IngestCounts = { seen: 0, ingested: 0, rejected: 0, references: 0, keyImages: 0, phiReplaced: 0, controlCharsReplaced: 0, rejectsByCode: {} };
  private readonly insertReport;
  private readonly insertRaw;
  private readonly insertRef;
  private readonly insertKeyImage;
  private readonly rejects: Rejects;
  private readonly ownerOf;
  private readonly position: SavedProgress;

  constructor(private readonly ws: Workspace, private readonly source: string, rejectStage: string, private readonly resumeKey: string | undefined) {
    const db = ws.db;
    this.insertReport = db.prepare(
      `INSERT OR IGNORE INTO reports (report_id, source, accession, patient_id, modality, exam_date, text, num_sentences, num_tokens, num_refs)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertRaw = db.prepare('INSERT OR REPLACE INTO reports_raw (report_id, raw_text) VALUES (?, ?)');
    this.insertRef = db.prepare(
      `INSERT INTO refs (report_id, sentence_index, section, start, end, text, series, series_text, instances, sentence, prev_sentence, next_sentence)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertKeyImage = db.prepare(
      'INSERT INTO key_images (ref_id, report_id, series_number, instance_number, origin) VALUES (?, ?, ?, ?, ?)',
    );
    this.rejects = new Rejects(ws, rejectStage, source);
    this.ownerOf = db.prepare('SELECT source FROM reports WHERE report_id = ?').pluck();
    this.position = new SavedProgress(ws, rejectStage, source);
  }

  /**
   * Where this run starts: after the records an interrupted run with the same resume key
   * committed (their counts restored), or at 0 with the source's earlier rows removed.
   */
  begin(force: boolean): number {
    const saved = this.resumeKey !== undefined && !force ? this.position.find(this.resumeKey) : undefined;
    if (saved) {
      this.counts = saved.counts;
      return saved.records;
    }
    this.clearSource();
    return 0;
  }

  /** Removes what an earlier ingest of the same source stored (and any position it left), so a re-run replaces it. */
  private clearSource(): void {
    const db = this.ws.db;
    db.transaction(() => {
      db.prepare('DELETE FROM reports_raw WHERE report_id IN (SELECT report_id FROM reports WHERE source = ?)').run(this.source);
      db.prepare('DELETE FROM key_images WHERE report_id IN (SELECT report_id FROM reports WHERE source = ?)').run(this.source);
      db.prepare('DELETE FROM reports WHERE source = ?').run(this.source);
      this.rejects.clear();
      this.position.clear();
    })();
  }

  /** Stores one batch and, in the same transaction, the position after it. */
  writeBatch(slots: SourceItem[], results: ProcessedReport[], strict: boolean): void {
    const db = this.ws.db;
    const c = this.counts;
    db.transaction(() => {
      let r = 0;
      for (const slot of slots) {
        c.seen++;
        if (!slot.ok) {
          this.reject(slot.rejected, strict);
          continue;
        }
        const rec = slot.record;
        const p = results[r++] as ProcessedReport;
        const info = this.insertReport.run(
          rec.recordId, this.source, rec.accession ?? null, rec.patientId ?? null, rec.modality ?? null, rec.examDate ?? null,
          p.text, p.numSentences, p.numTokens, p.refs.length,
        );
        if (info.changes === 0) {
          const owner = this.ownerOf.get(rec.recordId) as string | undefined;
          const where = owner === this.source ? 'earlier in this source' : 'from another source';
          this.reject({ recordId: rec.recordId, location: rec.location, code: 'DUPLICATE_ID', reason: `report id already ingested ${where}` }, strict);
          continue;
        }
        // The original is kept only where de-identification changed something: elsewhere it
        // equals the stored text, and writing every report twice would halve ingest speed.
        if (p.numPhi > 0) this.insertRaw.run(rec.recordId, rec.text);
        for (const ref of p.refs) {
          const refId = this.insertRef.run(
            rec.recordId, ref.sentenceIndex, ref.section, ref.start, ref.end, ref.text,
            JSON.stringify(ref.series), ref.seriesText, JSON.stringify(ref.instances), ref.sentence, ref.prevSentence, ref.nextSentence,
          ).lastInsertRowid;
          c.references++;
          const seriesList = ref.series.length ? ref.series : [null];
          for (const series of seriesList) {
            for (const instance of ref.instances) {
              this.insertKeyImage.run(refId, rec.recordId, series, instance, 'text');
              c.keyImages++;
            }
          }
        }
        c.ingested++;
        c.phiReplaced += p.numPhi;
        c.controlCharsReplaced += rec.controlCharsReplaced ?? 0;
      }
      if (this.resumeKey !== undefined) this.position.save(this.resumeKey, { records: c.seen, counts: c });
    })();
  }

  private reject(rej: Rejected, strict: boolean): void {
    if (strict) throw new InputError(`${rej.location}: record '${rej.recordId}' rejected (${rej.code}): ${rej.reason}`, rej.recordId);
    this.rejects.add(rej.recordId || `@${rej.location}`, rej.code, `${rej.location}: ${rej.reason}`);
    const c = this.counts;
    c.rejected++;
    c.rejectsByCode[rej.code] = (c.rejectsByCode[rej.code] ?? 0) + 1;
  }

  progress(): IngestProgress {
    return { seen: this.counts.seen, ingested: this.counts.ingested, rejected: this.counts.rejected };
  }

  summary(): IngestCounts {
    return { ...this.counts, rejectsByCode: { ...this.counts.rejectsByCode } };
  }
}

/** A report's original text (the store's raw table, or the stored text where nothing was replaced). */
export function originalText(ws: Workspace, reportId: string): string | undefined {
  return ws.db
    .prepare('SELECT COALESCE(w.raw_text, r.text) FROM reports r LEFT JOIN reports_raw w ON w.report_id = r.report_id WHERE r.report_id = ?')
    .pluck()
    .get(reportId) as string | undefined;
}
