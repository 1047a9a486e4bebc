/** Records rejected inputs (stage, source, record, code, reason) in the workspace's rejects table. */
import type { Workspace } from '../store/workspace.js';

export interface RejectRow {
  stage: string;
  source: string;
  record_id: string;
  code: string;
  reason: string;
}

export class Rejects {
  readonly #insert;
  readonly #clear;

  constructor(private readonly ws: Workspace, readonly stage: string, readonly source: string) {
    this.#insert = ws.db.prepare('INSERT INTO rejects (stage, source, record_id, code, reason) VALUES (?, ?, ?, ?, ?)');
    this.#clear = ws.db.prepare('DELETE FROM rejects WHERE stage = ? AND source = ?');
  }

  /** Forgets this stage's earlier rejects for the same source (a re-run replaces them). */
  clear(): void {
    this.#clear.run(this.stage, this.source);
  }

  add(recordId: string, code: string, reason: string): void {
    this.#insert.run(this.stage, this.source, recordId, code, reason);
  }
}

/** The rejects of one stage, oldest first. */
export function listRejects(ws: Workspace, stage?: string): RejectRow[] {
  const sql = 'SELECT stage, source, record_id, code, reason FROM rejects' + (stage ? ' WHERE stage = ?' : '') + ' ORDER BY id';
  return (stage ? ws.db.prepare(sql).all(stage) : ws.db.prepare(sql).all()) as RejectRow[];
}
