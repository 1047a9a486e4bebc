/**
 * The workspace's rejects table: every input a stage did not take, with a code and the reason.
 * Counts reconcile through it (seen = processed + rejected), and `pacsmine rejects` lists it.
 */
import type { Workspace } from '../store/workspace.js';

export interface RejectRow {
  stage: string;
  source: string;
  recordId: string;
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

/** The rejects of one stage (every stage when none is named), oldest first. */
export function listRejects(ws: Workspace, stage?: string): RejectRow[] {
  const sql = 'SELECT stage, source, record_id AS recordId, code, reason FROM rejects' + (stage ? ' WHERE stage = ?' : '') + ' ORDER BY id';
  return (stage ? ws.db.prepare(sql).all(stage) : ws.db.prepare(sql).all()) as RejectRow[];
}
