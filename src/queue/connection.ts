/**
 * The Redis address of a queue: `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS).
 * The password goes into the connection options and nowhere else: every place that names the
 * server (messages, status output, logs) uses `label`, which has the credentials redacted.
 */
import { OptionsError } from '../util/errors.js';
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
