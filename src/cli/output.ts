/** Printing and workspace helpers shared by the CLI verbs: JSON for machines, text for people. */
import { withWorkspace, type Workspace } from '../index.js';

export function printResult<T>(result: T, json: boolean | undefined, text: (r: T) => string): void {
  if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else process.stdout.write(`${text(result)}\n`);
}

/** The workspace a verb works in: --workspace, else $PACSMINE_WORKSPACE, else ./pacsmine-workspace. */
export function workspaceDir(opt: string | undefined): string {
  return opt ?? process.env['PACSMINE_WORKSPACE'] ?? 'pacsmine-workspace';
}

/**
 * How a verb uses its workspace. 'create': a first stage (init, ingest, images index, demo) that
 * makes the workspace when missing; 'update': a later stage, which refuses a missing workspace
 * rather than mine an empty one; 'read': reads only (no lock, never creates). 'create' and
 * 'update' hold the workspace's write lock while they run.
 */
export type WorkspaceUse = 'create' | 'update' | 'read';

export interface WorkspaceFlags {
  workspace?: string;
  /** Seconds to wait for another writer (--wait). */
  wait?: number;
}

/** Opens the verb's workspace as `use` says, runs `fn`, and closes it (releasing the lock). */
export function inWorkspace<T>(verb: string, flags: WorkspaceFlags, use: WorkspaceUse, fn: (ws: Workspace) => Promise<T> | T): Promise<T> {
  return withWorkspace(workspaceDir(flags.workspace), fn, {
    create: use === 'create',
    access: use === 'read' ? 'read' : 'write',
    waitMs: Math.round((flags.wait ?? 0) * 1000),
    command: `pacsmine ${verb}`,
  });
}

/** Reads all of standard input as UTF-8. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
