/**
 * The Redis address of a queue: `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS).
 * The password goes into the connection options and nowhere else: every place that names the
 * server (messages, status output, logs) uses `label`, which has the credentials redacted.
 */
import { OptionsError, UnreachableError } from '../util/errors.js';
import { redactUrl } from '../util/redact.js';

export interface RedisConnectionOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: Record<string, never>;
  /** BullMQ's workers block on Redis; with null, commands wait out a Redis restart instead of failing. */
  maxRetriesPerRequest: null;
  /** Reconnect every 0.2 to 2 s for as long as it takes (a restarted Redis comes back). */
  retryStrategy: (times: number) => number;
}

export interface RedisTarget {
  connection: RedisConnectionOptions;
  /** The URL with its credentials redacted: the only form that is ever printed. */
  label: string;
}

/** Parses a Redis URL; a malformed one is an options error that does not quote its password. */
export function parseRedisUrl(url: string): RedisTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OptionsError(`option \`redis\` must be a URL like redis://host:6379, got '${redactUrl(url)}'`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new OptionsError(`option \`redis\` must start with redis:// or rediss://, got '${redactUrl(url)}'`);
  const port = parsed.port === '' ? 6379 : Number(parsed.port);
  const dbText = parsed.pathname.replace(/^\//, '');
  const db = dbText === '' ? undefined : Number(dbText);
  if (db !== undefined && !(Number.isInteger(db) && db >= 0)) throw new OptionsError(`option \`redis\` database must be a number, got '${redactUrl(url)}'`);
  const connection: RedisConnectionOptions = {
    host: parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port,
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(200 * times, 2000),
  };
  if (parsed.username) connection.username = decodeURIComponent(parsed.username);
  if (parsed.password) connection.password = decodeURIComponent(parsed.password);
  if (db !== undefined) connection.db = db;
  if (parsed.protocol === 'rediss:') connection.tls = {};
  return { connection, label: redactUrl(url) };
}

/**
 * Fails fast, with a message naming the server by its label, when Redis cannot be reached now:
 * the long-lived connections (which wait out a restart) would otherwise wait for a server that
 * was never there. The probe does not reconnect, so it leaves nothing behind.
 */
export async function checkReachable(target: RedisTarget, timeoutMs: number): Promise<void> {
  const { Queue } = await import('bullmq');
  const probe = new Queue('pacsmine-probe', { connection: { ...target.connection, maxRetriesPerRequest: 1, retryStrategy: () => null as unknown as number }, prefix: 'pacsmine' });
  probe.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe.waitUntilReady(),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('no answer')), timeoutMs); }),
    ]);
  } catch (error) {
    throw new UnreachableError(`Redis at ${target.label} cannot be reached (${redactUrl(error instanceof Error ? error.message : String(error))}): start it, or check the address`);
  } finally {
    clearTimeout(timer);
    await closeQuietly([probe]);
  }
}

/**
 * Closes BullMQ objects without hanging on a Redis that is gone: a graceful close has `ms` to
 * finish, then the connections are dropped (they would otherwise reconnect forever and keep the
 * process alive).
 */
export async function closeQuietly(items: ReadonlyArray<{ close(): Promise<void>; disconnect(): Promise<void> }>, ms = 2_000): Promise<void> {
  const wait = (t: number) => new Promise((r) => setTimeout(r, t).unref());
  await Promise.race([Promise.allSettled(items.map((i) => i.close())), wait(ms)]);
  await Promise.race([Promise.allSettled(items.map((i) => i.disconnect())), wait(ms)]);
}
