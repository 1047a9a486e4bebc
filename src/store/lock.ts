/**
 * One writer per workspace. The lock is an exclusive SQLite transaction held open on a small
 * file beside the store (`workspace.lock`): SQLite takes it with a POSIX advisory lock, which the
 * kernel drops the moment the holding process dies, kill -9 included, so a dead holder can never
 * block the next run and no stale-lock guessing (pids, hosts, clocks) is needed. Who holds it is
 * written to `workspace.lock.json`, only so that the process turned away can say whom it waited
 * for; that file is advice, never the lock.
 */
import Database from 'better-sqlite3';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkspaceBusyError } from '../util/errors.js';

export const LOCK_FILE = 'workspace.lock';
export const HOLDER_FILE = 'workspace.lock.json';

export interface LockHolder {
  pid: number;
  host: string;
  since: string;
  command: string;
}

export interface LockOptions {
  /** How long to wait for another process to finish, in milliseconds. Default 0: refuse at once. */
  waitMs?: number;
  /** What the holder is doing, for the message another process shows (e.g. 'pacsmine ingest'). */
  command?: string;
}

export class WorkspaceLock {
  private constructor(private readonly db: Database.Database, private readonly holderFile: string) {}

  /**
   * Takes the write lock of the workspace in `dir`, or throws WorkspaceBusyError naming the
   * holder. Waiting (waitMs > 0) blocks the thread: SQLite's busy handler sleeps and retries.
   */
  static acquire(dir: string, options: LockOptions = {}): WorkspaceLock {
    const waitMs = Math.max(0, Math.min(options.waitMs ?? 0, 0x7fffffff));
    const db = new Database(path.join(dir, LOCK_FILE), { timeout: waitMs });
    try {
      db.exec('BEGIN EXCLUSIVE');
    } catch (error) {
      db.close();
      if ((error as { code?: string }).code === 'SQLITE_BUSY') throw new WorkspaceBusyError(busyMessage(dir, waitMs));
      throw error;
    }
    const holderFile = path.join(dir, HOLDER_FILE);
    const holder: LockHolder = { pid: process.pid, host: os.hostname(), since: new Date().toISOString(), command: options.command ?? 'pacsmine' };
    try {
      writeFileSync(holderFile, `${JSON.stringify(holder)}\n`);
    } catch {
      // Advice only: the lock holds without it.
    }
    return new WorkspaceLock(db, holderFile);
  }

  /** Releases the lock (the holder file goes first, so it never names the next holder wrongly). */
  release(): void {
    if (!this.db.open) return;
    rmSync(this.holderFile, { force: true });
    this.db.exec('ROLLBACK');
    this.db.close();
  }
}

/** The holder the lock file names, if it can be read. */
export function lockHolder(dir: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(path.join(dir, HOLDER_FILE), 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

function busyMessage(dir: string, waitMs: number): string {
  const h = lockHolder(dir);
  const who = h ? `${h.command} (pid ${h.pid} on ${h.host}, since ${h.since})` : 'another process';
  const waited = waitMs > 0 ? ` and did not finish within ${waitMs / 1000} s` : '';
  return `the workspace ${dir} is in use by ${who}${waited}: one process writes to a workspace at a time. ` +
    'Wait for it to finish, or give option `waitMs` to queue behind it';
}
