/**
 * Which jobs of a queued run the coordinator has committed, kept in the workspace beside the
 * results themselves (same transaction): a coordinator stopped mid-run and started again adds only
 * the jobs not committed yet, so nothing is done twice and nothing is recorded twice. A run is
 * named by a hash of its parameters; a run with other parameters starts over. The marks go when
 * the run's stage is recorded.
 */
import type { Workspace } from '../store/workspace.js';

const SCHEMA = `CREATE TABLE IF NOT EXISTS queue_commits (
  stage TEXT NOT NULL,
  run TEXT NOT NULL,
  job_id TEXT NOT NULL,
  ok INTEGER NOT NULL,
  item TEXT NOT NULL,   -- the committed record's key (a SOP Instance UID, a shard): what the stage's summary reads back
  PRIMARY KEY (stage, job_id)
)`;

export class QueueCommits {
  readonly #ws: Workspace;
  readonly stage: string;
  readonly run: string;

  constructor(ws: Workspace, stage: string, run: string) {
    ws.db.exec(SCHEMA);
    this.#ws = ws;
    this.stage = stage;
    this.run = run;
  }

  /**
   * Opens the run: the job ids an earlier coordinator of the same run committed, and whether there
   * were any (a resumed run keeps its rejects; a fresh one clears them). Another run's marks are dropped.
   */
  open(): { resumed: boolean; done: Set<string> } {
    this.#ws.db.prepare('DELETE FROM queue_commits WHERE stage = ? AND run <> ?').run(this.stage, this.run);
    const ids = this.#ws.db.prepare('SELECT job_id FROM queue_commits WHERE stage = ? AND run = ?').pluck().all(this.stage, this.run) as string[];
    return { resumed: ids.length > 0, done: new Set(ids) };
  }

  /** Marks jobs committed: call inside the transaction that writes their results. */
  mark(jobs: ReadonlyArray<{ id: string; ok: boolean; item: string }>): void {
    const insert = this.#ws.db.prepare('INSERT OR IGNORE INTO queue_commits (stage, run, job_id, ok, item) VALUES (?, ?, ?, ?, ?)');
    for (const j of jobs) insert.run(this.stage, this.run, j.id, j.ok ? 1 : 0, j.item);
  }

  /** The items of the jobs committed with a result (not a reject), in key order. */
  okItems(): string[] {
    return this.#ws.db.prepare('SELECT item FROM queue_commits WHERE stage = ? AND run = ? AND ok = 1 ORDER BY item').pluck().all(this.stage, this.run) as string[];
  }

  /** Ends the run (its stage is recorded): the next run starts fresh. */
  close(): void {
    this.#ws.db.prepare('DELETE FROM queue_commits WHERE stage = ?').run(this.stage);
  }
}
