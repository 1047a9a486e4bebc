/**
 * The review app's one secret: a token, printed once by `pacsmine serve` (or taken from
 * PACSMINE_TOKEN), that every request but GET /health must carry, in an `Authorization: Bearer`
 * header or a `token` query parameter. Compared in constant time (hashes of equal length), so
 * the time a wrong token takes says nothing about the right one.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { OptionsError } from '../util/errors.js';

export const TOKEN_ENV = 'PACSMINE_TOKEN';

/** The token from the environment when set (at least 16 characters), else a new random one. */
export function resolveToken(env: NodeJS.ProcessEnv = process.env): { token: string; fromEnv: boolean } {
  const given = env[TOKEN_ENV];
  if (given !== undefined && given !== '') {
    if (given.length < 16 || /\s/.test(given)) throw new OptionsError(`${TOKEN_ENV} must be at least 16 characters without spaces`);
    return { token: given, fromEnv: true };
  }
  return { token: randomBytes(24).toString('base64url'), fromEnv: false };
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** True when `given` is the token (constant time over the hashes). */
export function tokenMatches(given: string | undefined, token: string): boolean {
  if (given === undefined || given === '') return false;
  return timingSafeEqual(digest(given), digest(token));
}

/** The token a request carries: the Bearer header, else the `token` query parameter. */
export function requestToken(authorization: string | undefined, url: string): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (m) return m[1];
  const q = url.indexOf('?');
  if (q < 0) return undefined;
  return new URLSearchParams(url.slice(q + 1)).get('token') ?? undefined;
}
