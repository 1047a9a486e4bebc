/**
 * Ingest resume: the `ingest_progress` row of one (stage, source). Every batch's transaction
 * also writes how many source records the committed batches consumed and the summary counts
 * so far, so the row and the stored rows can never disagree, whenever the process dies. A rerun
 * with the same run key (input file digest, parameters, code) skips that many records of the
 * source (they are read and parsed again, not processed or stored) and carries on with the
 * counts; any other key means another input or another run, and the source restarts cleanly.
 */
import type { Workspace } from '../store/workspace.js';

/** The counts an ingest summary reports, accumulated batch by batch. */
export interface IngestCounts {
  seen: number;
  ingested: number;
  rejected: number;
  references: number;
  keyImages: number;
  phiReplaced: number;
  controlCharsReplaced: number;
  rejectsByCode: Record<string, number>;
}

export interface SavedPosition {
  /** Source records (stored or rejected) the committed batches consumed. */
  records: number;
  counts: IngestCounts;
}

export class IngestProgress {
  readonly #find;
  readonly #save;
  readonly #clear;

  constructor(ws: Workspace, readonly stage: string, readonly source: string) {
    this.#find = ws.db.prepare('SELECT run_key, records, counts FROM ingest_progress WHERE stage = ? AND source = ?');
    this.#save = ws.db.prepare(`INSERT INTO ingest_progress (stage, source, run_key, records, counts) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT(stage, source) DO UPDATE SET run_key = excluded.run_key, records = excluded.records, counts = excluded.counts`);
    this.#clear = ws.db.prepare('DELETE FROM ingest_progress WHERE stage = ? AND source = ?');
  }

  /** Where the run with `runKey` stopped; undefined when none of it was committed (or another run's row is there). */
  find(runKey: string): SavedPosition | undefined {
    const row = this.#find.get(this.stage, this.source) as { run_key: string; records: number; counts: string } | undefined;
    if (!row || row.run_key !== runKey) return undefined;
    return { records: row.records, counts: JSON.parse(row.counts) as IngestCounts };
  }

  /** Records the position; call it inside the transaction that writes the batch it follows. */
  save(runKey: string, position: SavedPosition): void {
    this.#save.run(this.stage, this.source, runKey, position.records, JSON.stringify(position.counts));
  }

  clear(): void {
    this.#clear.run(this.stage, this.source);
  }
}
