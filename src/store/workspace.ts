/**
 * A workspace is one run's state: a SQLite store (workspace.db) plus artifact files beside it.
 * Every stage records what it was run with (parameters, input digests, the digest of the code that
 * produced it: util/code-digest.ts) and the files it wrote (size and SHA-256), so a re-run can skip
 * work that is up to date, and only then.
 * One process writes to a workspace at a time (see lock.ts); readers never wait.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { accessSync, constants, mkdirSync, existsSync, createReadStream, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { SCHEMA } from './schema.js';
import { packageVersion } from '../util/version.js';
import { OptionsError } from '../util/errors.js';
import { WorkspaceLock } from './lock.js';
import { listRejects, type RejectRow } from './rejects.js';
import { artifactProblem, describeArtifacts, type ArtifactRecord } from './artifacts.js';

export type Db = Database.Database;

export interface StageRecord {
  stage: string;
  params: unknown;
  inputDigest: string;
  /** codeDigest(...) of the stage's src folders when it ran; undefined in records from before code digests. */
  codeDigest: string | undefined;
  /** The package version that wrote the record (for people; staleness is decided by codeDigest). */
  packageVersion: string;
  finishedAt: string;
  summary: unknown;
  /** The files the stage wrote; undefined for a record written before artifacts were recorded. */
  artifacts: ArtifactRecord[] | undefined;
}

export interface OpenOptions {
  /**
   * Create the workspace when `dir` holds none (default true). The parent folder must already
   * exist and be writable; a missing workspace with `create: false` is an OptionsError.
   */
  create?: boolean;
  /** 'write' (default) takes the workspace's write lock for as long as it is open; 'read' does not. */
  access?: 'write' | 'read';
  /** With 'write': how long to wait for another writer, in ms. Default 0: refuse at once (WorkspaceBusyError). */
  waitMs?: number;
  /** With 'write': what this process is doing, named to any process it turns away. */
  command?: string;
}

export interface RecordOptions {
  /** Files the stage wrote and will skip on next time: their size and SHA-256 are recorded and re-checked. */
  artifacts?: readonly string[];
}

export class Workspace {
  readonly dir: string;
  readonly db: Db;

  private readonly lock: WorkspaceLock | undefined;

  private constructor(dir: string, db: Db, lock: WorkspaceLock | undefined) {
    this.dir = dir;
    this.db = db;
    this.lock = lock;
  }

  /**
   * Opens the workspace in `dir`: by default creating it when missing and taking its write lock
   * (another process writing to it -> WorkspaceBusyError). See OpenOptions.
   */
  static open(dir: string, options: OpenOptions = {}): Workspace {
    const abs = path.resolve(dir);
    const write = (options.access ?? 'write') === 'write';
    if (!isWorkspace(abs)) {
      if (!(options.create ?? true)) {
        throw new OptionsError(`no workspace at ${abs}: check option \`workspace\` (or $PACSMINE_WORKSPACE), ` +
          'or create one with `pacsmine init DIR` or a first stage (`pacsmine ingest`, `pacsmine images index`, `pacsmine demo`)');
      }
      if (!write) throw new OptionsError(`no workspace at ${abs} to read`);
      createWorkspaceDir(abs);
    }
    const lock = write ? WorkspaceLock.acquire(abs, { waitMs: options.waitMs ?? 0, command: options.command ?? 'pacsmine' }) : undefined;
    try {
      const db = new Database(path.join(abs, 'workspace.db'), { fileMustExist: !write });
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.exec(SCHEMA);
      migrate(db);
      return new Workspace(abs, db, lock);
    } catch (error) {
      lock?.release();
      throw error;
    }
  }

  /** Path of an artifact file or folder inside the workspace (its parent is created). */
  artifactPath(...parts: string[]): string {
    const p = path.join(this.dir, 'artifacts', ...parts);
    mkdirSync(path.dirname(p), { recursive: true });
    return p;
  }

  /** The records the stages rejected (one stage's, or every stage's), with their reasons, in the order they were rejected. */
  rejects(stage?: string): RejectRow[] {
    return listRejects(this, stage);
  }

  /** The last record of a stage, if it ran. */
  stageRecord(stage: string): StageRecord | undefined {
    const row = this.db
      .prepare('SELECT stage, params, input_digest, code_digest, package_version, finished_at, summary, artifacts FROM stages WHERE stage = ?')
      .get(stage) as { stage: string; params: string; input_digest: string; code_digest: string | null; package_version: string; finished_at: string; summary: string; artifacts: string | null } | undefined;
    if (!row) return undefined;
    return {
      stage: row.stage,
      params: JSON.parse(row.params),
      inputDigest: row.input_digest,
      codeDigest: row.code_digest ?? undefined,
      packageVersion: row.package_version,
      finishedAt: row.finished_at,
      summary: JSON.parse(row.summary),
      artifacts: row.artifacts === null ? undefined : (JSON.parse(row.artifacts) as ArtifactRecord[]),
    };
  }

  /**
   * True when the stage last ran with the same parameters, inputs and code (`code`: the stage's
   * `codeDigest(...folders)`), and every file it recorded is still there with the same size and
   * SHA-256. A record from before artifacts or code digests were recorded is never up to date.
   */
  isUpToDate(stage: string, params: unknown, inputDigest: string, code: string): boolean {
    const rec = this.stageRecord(stage);
    return rec !== undefined && rec.inputDigest === inputDigest && rec.codeDigest !== undefined && rec.codeDigest === code &&
      stableJson(rec.params) === stableJson(params) && rec.artifacts !== undefined && artifactProblem(this.dir, rec.artifacts) === undefined;
  }

  /** Why a stage's recorded files no longer match the disk (undefined: they match, or there is no record). */
  artifactProblem(stage: string): string | undefined {
    const rec = this.stageRecord(stage);
    if (!rec) return undefined;
    return rec.artifacts === undefined ? 'the record predates artifact checks' : artifactProblem(this.dir, rec.artifacts);
  }

  /**
   * Records that a stage finished, with what it ran on (parameters, input digest, `code`: the
   * stage's `codeDigest(...folders)`), a small summary and the files it wrote (hashed now: call
   * this after the files are complete).
   */
  recordStage(stage: string, params: unknown, inputDigest: string, code: string, summary: unknown, options: RecordOptions = {}): void {
    if (typeof code !== 'string' || code === '') throw new OptionsError(`stage ${stage}: recordStage needs the code digest of the stage's src folders (codeDigest('topics', 'util'), ...)`);
    const artifacts = describeArtifacts(this.dir, options.artifacts ?? []);
    this.db
      .prepare(`INSERT INTO stages (stage, params, input_digest, code_digest, package_version, finished_at, summary, artifacts)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(stage) DO UPDATE SET params = excluded.params, input_digest = excluded.input_digest,
                  code_digest = excluded.code_digest, package_version = excluded.package_version, finished_at = excluded.finished_at,
                  summary = excluded.summary, artifacts = excluded.artifacts`)
      .run(stage, stableJson(params), inputDigest, code, packageVersion, new Date().toISOString(), JSON.stringify(summary ?? null), JSON.stringify(artifacts));
  }

  /** Forgets a stage's record, so that it runs again. */
  invalidateStage(stage: string): void {
    this.db.prepare('DELETE FROM stages WHERE stage = ?').run(stage);
  }

  /** Closes the store and releases the write lock. */
  close(): void {
    if (this.db.open) this.db.close();
    this.lock?.release();
  }
}

/** Opens a workspace, runs `fn`, and always closes it (releasing its lock). */
export async function withWorkspace<T>(dir: string, fn: (ws: Workspace) => Promise<T> | T, options: OpenOptions = {}): Promise<T> {
  const ws = Workspace.open(dir, options);
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

/** Columns added after the first release; older workspaces gain them on open. */
function migrate(db: Db): void {
  const columns = new Set((db.prepare('PRAGMA table_info(stages)').all() as Array<{ name: string }>).map((c) => c.name));
  // NULL for records written before: such a record never counts as up to date.
  if (!columns.has('artifacts')) db.exec('ALTER TABLE stages ADD COLUMN artifacts TEXT');
  // The words naming a series ("coronal T2"): NULL in references ingested before, as for a reference without them.
  const refColumns = new Set((db.prepare('PRAGMA table_info(refs)').all() as Array<{ name: string }>).map((c) => c.name));
  if (!refColumns.has('series_text')) db.exec('ALTER TABLE refs ADD COLUMN series_text TEXT');
  // Stage records were keyed on the package version; now on the code digest. NULL: never up to date.
  if (!columns.has('code_digest')) db.exec('ALTER TABLE stages ADD COLUMN code_digest TEXT');
}

/**
 * Creates the workspace folder, one level only: its parent must already be a writable folder.
 * A recursive mkdir on an impossible path can spin forever (Node 20 on /proc), and would turn
 * a mistyped -w into a fresh empty tree; checking first fails fast with a message instead.
 */
function createWorkspaceDir(dir: string): void {
  const here = statOrCode(dir);
  if (typeof here !== 'string') {
    if (!here.isDirectory()) throw new OptionsError(`cannot use ${dir} as a workspace: it exists and is not a folder`);
    return;
  }
  const parent = path.dirname(dir);
  const up = statOrCode(parent);
  const cannot = `cannot create the workspace ${dir}`;
  if (up === 'ENOENT') throw new OptionsError(`${cannot}: its parent folder ${parent} does not exist (create it first, or check option \`workspace\`)`);
  if (up === 'ENOTDIR' || (typeof up !== 'string' && !up.isDirectory())) throw new OptionsError(`${cannot}: ${parent} is not a folder`);
  if (typeof up === 'string') throw new OptionsError(`${cannot}: cannot read ${parent} (${up})`);
  try {
    accessSync(parent, constants.W_OK);
  } catch {
    throw new OptionsError(`${cannot}: ${parent} is not writable`);
  }
  try {
    mkdirSync(dir);
  } catch (error) {
    const code = (error as { code?: string }).code ?? String(error);
    if (code === 'EEXIST' && statSync(dir).isDirectory()) return; // another process made it first
    throw new OptionsError(`${cannot} (${code})`);
  }
}

function statOrCode(p: string): Stats | string {
  try {
    return statSync(p);
  } catch (error) {
    return (error as { code?: string }).code ?? 'unknown error';
  }
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
