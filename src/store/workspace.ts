/**
 * A workspace is one run's state: a SQLite store (workspace.db) plus artifact files beside it.
 * Every stage records what it was run with (parameters, input digests, package version), so a
 * re-run can skip work that is up to date.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdirSync, existsSync, createReadStream } from 'node:fs';
import path from 'node:path';
import { SCHEMA } from './schema.js';
import { packageVersion } from '../util/version.js';

export type Db = Database.Database;

export interface StageRecord {
  stage: string;
  params: unknown;
  inputDigest: string;
  packageVersion: string;
  finishedAt: string;
  summary: unknown;
}

export class Workspace {
  readonly dir: string;
  readonly db: Db;

  private constructor(dir: string, db: Db) {
    this.dir = dir;
    this.db = db;
  }

  /** Opens (creating when needed) the workspace in `dir`. */
  static open(dir: string): Workspace {
    mkdirSync(dir, { recursive: true });
    const db = new Database(path.join(dir, 'workspace.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.exec(SCHEMA);
    return new Workspace(path.resolve(dir), db);
  }

  /** Path of an artifact file or folder inside the workspace (its parent is created). */
  artifactPath(...parts: string[]): string {
    const p = path.join(this.dir, 'artifacts', ...parts);
    mkdirSync(path.dirname(p), { recursive: true });
    return p;
  }

  /** The last record of a stage, if it ran. */
  stageRecord(stage: string): StageRecord | undefined {
    const row = this.db
      .prepare('SELECT stage, params, input_digest, package_version, finished_at, summary FROM stages WHERE stage = ?')
      .get(stage) as { stage: string; params: string; input_digest: string; package_version: string; finished_at: string; summary: string } | undefined;
    if (!row) return undefined;
    return {
      stage: row.stage,
      params: JSON.parse(row.params),
      inputDigest: row.input_digest,
      packageVersion: row.package_version,
      finishedAt: row.finished_at,
      summary: JSON.parse(row.summary),
    };
  }

  /** True when the stage last ran with the same parameters, inputs and package version. */
  isUpToDate(stage: string, params: unknown, inputDigest: string): boolean {
    const rec = this.stageRecord(stage);
    return rec !== undefined && rec.inputDigest === inputDigest && rec.packageVersion === packageVersion &&
      stableJson(rec.params) === stableJson(params);
  }

  /** Records that a stage finished, with what it ran on and a small summary. */
  recordStage(stage: string, params: unknown, inputDigest: string, summary: unknown): void {
    this.db
      .prepare(`INSERT INTO stages (stage, params, input_digest, package_version, finished_at, summary)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(stage) DO UPDATE SET params = excluded.params, input_digest = excluded.input_digest,
                  package_version = excluded.package_version, finished_at = excluded.finished_at, summary = excluded.summary`)
      .run(stage, stableJson(params), inputDigest, packageVersion, new Date().toISOString(), JSON.stringify(summary ?? null));
  }

  /** Forgets a stage's record, so that it runs again. */
  invalidateStage(stage: string): void {
    this.db.prepare('DELETE FROM stages WHERE stage = ?').run(stage);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** Opens a workspace, runs `fn`, and always closes it. */
export async function withWorkspace<T>(dir: string, fn: (ws: Workspace) => Promise<T> | T): Promise<T> {
  const ws = Workspace.open(dir);
  try {
    return await fn(ws);
  } finally {
    ws.close();
  }
}

/** True when `dir` already holds a workspace. */
export function isWorkspace(dir: string): boolean {
  return existsSync(path.join(dir, 'workspace.db'));
}

/** JSON with sorted keys, so that equal parameter objects compare equal. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

/** SHA-256 of a file's bytes, streamed. */
export async function digestFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** SHA-256 of strings. */
export function digestStrings(...parts: string[]): string {
  const hash = createHash('sha256');
  for (const p of parts) hash.update(p).update('\0');
  return hash.digest('hex');
}
