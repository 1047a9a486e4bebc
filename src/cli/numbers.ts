/** Numeric flag values: one parser each, with the error naming the flag and the value given. */
import { OptionsError } from '../util/errors.js';

export function parseInteger(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new OptionsError(`--${flag} must be an integer, got '${value}'`);
  return n;
}

export function parseNumber(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new OptionsError(`--${flag} must be a number, got '${value}'`);
  return n;
}
