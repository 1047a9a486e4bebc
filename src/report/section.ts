/** A report section: the stage's numbers, or why there are none (the page shows "not run" and the command). */
import type { Workspace } from '../store/workspace.js';

export type Section<T> = ({ status: 'ok' } & T) | NotRun;

export interface NotRun {
  status: 'not run';
  /** What is missing and the command that makes it. */
  reason: string;
}

export const notRun = (reason: string): NotRun => ({ status: 'not run', reason });

export function tableExists(ws: Workspace, name: string): boolean {
  return (ws.db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?").pluck().get(name) as number) > 0;
}
