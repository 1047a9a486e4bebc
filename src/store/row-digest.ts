/**
 * SHA-256 over the rows of a few queries, in the order the queries give: the output digest that
 * stage `--json` prints. Values are separated by control characters that never occur in stored
 * text (it is cleaned on ingest), NULL is told apart from '' and each query's rows are closed off,
 * so two different outputs cannot hash alike by shifting a value from one column or query to the next.
 */
import { createHash } from 'node:crypto';
import type { Workspace } from './workspace.js';

export interface RowDigest {
  /** Adds every row of `sql` (run with `args`) to the digest. */
  rows(sql: string, ...args: unknown[]): void;
  digest(): string;
}

export function rowDigest(ws: Workspace): RowDigest {
  const h = createHash('sha256');
  return {
    rows(sql, ...args) {
      for (const row of ws.db.prepare(sql).raw().iterate(...args) as Iterable<unknown[]>) {
        for (const v of row) h.update(v === null ? '\u0001' : String(v)).update('\u0000');
        h.update('\u0002');
      }
      h.update('\u0003');
    },
    digest: () => h.digest('hex'),
  };
}
