/**
 * The ingest stage: a report source -> de-identified reports, references and key images in the
 * workspace. Streaming end to end: the source is read in batches, batches are processed on
 * worker threads, and results are written in source order in one transaction per batch, so
 * memory stays flat however large the export. Every record is either stored or listed in
 * `rejects` with a reason: seen = ingested + rejected.
 */
import path from 'node:path';
import type { Workspace } from '../store/workspace.js';
import { digestFile, digestStrings } from '../store/workspace.js';
import { readReports, type SourceItem, type SourceOptions, type SourceRecord, type Rejected } from '../ingest/source.js';
import { processReport, type ProcessedReport } from './process.js';
import { WorkerPool, checkWorkerCount, defaultWorkerCount } from '../util/pool.js';
import type { ProcessBatch, ProcessedBatch } from './process.worker.js';
import { InputError } from '../util/errors.js';
import { Rejects } from '../store/rejects.js';
import { packageVersion } from '../util/version.js';
import { codeDigest } from '../util/code-digest.js';
import { ingestOutputDigest } from './ingest-digest.js';

/** The code this stage's output depends on (the src folders it imports): a change there makes its record stale. */
const CODE = (): string => codeDigest('ingest', 'refs', 'reports', 'store', 'util');

export interface IngestOptions extends SourceOptions {
  /** Worker threads for de-identification, splitting and reference extraction. 0 = in-process. Default: cores - 1. */
  workers?: number;
  /** Records per batch sent to a worker. Default 512. */
  batchSize?: number;
  /** Stop at the first rejected record instead of listing it. Default false. */
  strict?: boolean;
  /** Re-ingest even when the workspace says this source is up to date. */
  force?: boolean;
  /** The stage name rejects are listed under. Default 'ingest' (the collection stage passes its own). */
  rejectStage?: string;
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
  /** SHA-256 of the rows this source stored (reports, references, key images, rejects), never of timings: see ingest-digest.ts. */
  digest: string;
}

const STAGE_PREFIX = 'ingest:';

/** Ingests a report file or folder into the workspace (see SourceOptions for the formats). */
export async function ingestReports(ws: Workspace, file: string, options: IngestOptions = {}): Promise<IngestSummary> {
  const source = path.resolve(file);
  const params = sourceParams(options);
  const digest = await inputDigest(source);
  const stage = STAGE_PREFIX + source;
  if (!options.force && ws.isUpToDate(stage, params, digest, CODE())) {
    const prev = ws.stageRecord(stage)?.summary as IngestSummary;
    // Recomputed, not read back: records written before the digest existed lack it.
    return { ...prev, upToDate: true, digest: ingestOutputDigest(ws, source, options.rejectStage ?? 'ingest') };
  }
  const summary = await ingestItems(ws, source, readReports(file, options), options);
  ws.recordStage(stage, params, digest, CODE(), summary);
  return summary;
}

/** The options that change what ingest stores (progress callbacks and worker counts do not). */
function sourceParams(o: IngestOptions): Record<string, unknown> {
  const { workers: _w, batchSize: _b, onProgress: _p, force: _f, strict: _s, ...rest } = o;
  return { ...rest, packageVersion };
}

async function inputDigest(source: string): Promise<string> {
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

type Slot = { kind: 'ok'; record: SourceRecord } | { kind: 'rejected'; rejected: Rejected };

/**
 * Ingests a stream of source items under the name `source` (rows from an earlier ingest of the
 * same source are replaced).
 */
export async function ingestItems(ws: Workspace, source: string, items: AsyncIterable<SourceItem>, options: IngestOptions = {}): Promise<IngestSummary> {
  const started = performance.now();
  const batchSize = options.batchSize ?? 512;
  const workers = options.workers ?? defaultWorkerCount();
  checkWorkerCount(workers, 'workers');
  const writer = new ReportWriter(ws, source, options.rejectStage ?? 'ingest');
  writer.clearSource();

  const pool = workers > 0 ? new WorkerPool<ProcessBatch, ProcessedBatch>(new URL('./process.worker.js', import.meta.url), workers) : undefined;
  const inFlight: Array<{ slots: Slot[]; results: Promise<ProcessedReport[]> }> = [];
  const maxInFlight = Math.max(2, workers * 2);
  let batchId = 0;

  const submit = (slots: Slot[]): void => {
    const texts: string[] = [];
    for (const s of slots) if (s.kind === 'ok') texts.push(s.record.text);
    const results = pool
      ? pool.run({ batchId: batchId++, texts }).then((r) => r.results)
      : Promise.resolve(texts.map((t) => processReport(t)));
    inFlight.push({ slots, results });
  };
  const drainOne = async (): Promise<void> => {
    const head = inFlight.shift();
    if (!head) return;
    writer.writeBatch(head.slots, await head.results, options.strict ?? false);
    options.onProgress?.(writer.progress());
  };

  try {
    let slots: Slot[] = [];
    for await (const item of items) {
      slots.push(item.ok ? { kind: 'ok', record: item.record } : { kind: 'rejected', rejected: item.rejected });
      if (slots.length >= batchSize) {
        submit(slots);
        slots = [];
        while (inFlight.length >= maxInFlight) await drainOne();
      }
    }
    if (slots.length) submit(slots);
    while (inFlight.length) await drainOne();
  } finally {
    await pool?.close();
  }
  const digest = ingestOutputDigest(ws, source, options.rejectStage ?? 'ingest');
  return { ...writer.summary(), source, seconds: (performance.now() - started) / 1000, upToDate: false, digest };
}

/** Writes processed batches to the store; owns the prepared statements and the counts. */
class ReportWriter {
  private seen = 0;
  private ingested = 0;
  private rejected = 0;
  private references = 0;
  private keyImages = 0;
  private phiReplaced = 0;
  private controlCharsReplaced = 0;
  private readonly rejectsByCode: Record<string, number> = {};
  private readonly insertReport;
  private readonly insertRaw;
  private readonly insertRef;
  private readonly insertKeyImage;
  private readonly rejects: Rejects;
  private readonly ownerOf;

  constructor(private readonly ws: Workspace, private readonly source: string, rejectStage: string) {
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
  }

  /** Removes what an earlier ingest of the same source stored, so a re-run replaces it. */
  clearSource(): void {
    const db = this.ws.db;
    db.transaction(() => {
      db.prepare('DELETE FROM reports_raw WHERE report_id IN (SELECT report_id FROM reports WHERE source = ?)').run(this.source);
      db.prepare('DELETE FROM key_images WHERE report_id IN (SELECT report_id FROM reports WHERE source = ?)').run(this.source);
      db.prepare('DELETE FROM reports WHERE source = ?').run(this.source);
      this.rejects.clear();
    })();
  }

  writeBatch(slots: Slot[], results: ProcessedReport[], strict: boolean): void {
    const db = this.ws.db;
    db.transaction(() => {
      let r = 0;
      for (const slot of slots) {
        this.seen++;
        if (slot.kind === 'rejected') {
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
          this.references++;
          const seriesList = ref.series.length ? ref.series : [null];
          for (const series of seriesList) {
            for (const instance of ref.instances) {
              this.insertKeyImage.run(refId, rec.recordId, series, instance, 'text');
              this.keyImages++;
            }
          }
        }
        this.ingested++;
        this.phiReplaced += p.numPhi;
        this.controlCharsReplaced += rec.controlCharsReplaced ?? 0;
      }
    })();
  }

  private reject(rej: Rejected, strict: boolean): void {
    if (strict) throw new InputError(`${rej.location}: record '${rej.recordId}' rejected (${rej.code}): ${rej.reason}`, rej.recordId);
    this.rejects.add(rej.recordId || `@${rej.location}`, rej.code, `${rej.location}: ${rej.reason}`);
    this.rejected++;
    this.rejectsByCode[rej.code] = (this.rejectsByCode[rej.code] ?? 0) + 1;
  }

  progress(): IngestProgress {
    return { seen: this.seen, ingested: this.ingested, rejected: this.rejected };
  }

  summary(): Omit<IngestSummary, 'source' | 'seconds' | 'upToDate' | 'digest'> {
    return {
      ...this.progress(),
      references: this.references,
      keyImages: this.keyImages,
      phiReplaced: this.phiReplaced,
      controlCharsReplaced: this.controlCharsReplaced,
      rejectsByCode: { ...this.rejectsByCode },
    };
  }
}

/** A report's original text (the store's raw table, or the stored text where nothing was replaced). */
export function originalText(ws: Workspace, reportId: string): string | undefined {
  return ws.db
    .prepare('SELECT COALESCE(w.raw_text, r.text) FROM reports r LEFT JOIN reports_raw w ON w.report_id = r.report_id WHERE r.report_id = ?')
    .pluck()
    .get(reportId) as string | undefined;
}
