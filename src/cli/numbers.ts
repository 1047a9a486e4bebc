/**
 * Numeric flag values: the one parser every command uses. A value must be written plainly
 * (`12`, `0.5`, `1e-4` for real numbers; digits only for integers, so `1e9`, `0x10`, `2.0`
 * and `''` are refused, not silently converted) and fall in the flag's stated range. The
 * error is an OptionsError (exit code 2) that names the flag, the range and the value given.
 */
import { OptionsError } from '../index.js';

/** A flag's allowed range. `above`/`below` are exclusive bounds, `min`/`max` inclusive. */
export interface NumericRange {
  min?: number;
  max?: number;
  above?: number;
  below?: number;
}

export interface NumericSpec extends NumericRange {
  kind: 'integer' | 'number';
}

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Parses an integer flag value (`flag` without the dashes, e.g. 'workers'). */
export function parseInteger(value: string, flag: string, range: NumericRange = {}): number {
  return parseNumeric(value, flag, { kind: 'integer', ...range });
}

/** Parses a real-number flag value. */
export function parseNumber(value: string, flag: string, range: NumericRange = {}): number {
  return parseNumeric(value, flag, { kind: 'number', ...range });
}

export function parseNumeric(value: string, flag: string, spec: NumericSpec): number {
  const text = value.trim();
  const syntax = spec.kind === 'integer' ? INTEGER : NUMBER;
  const n = syntax.test(text) ? Number(text) : NaN;
  const ok = Number.isFinite(n) && (spec.kind === 'number' || Number.isSafeInteger(n)) &&
    (spec.min === undefined || n >= spec.min) && (spec.max === undefined || n <= spec.max) &&
    (spec.above === undefined || n > spec.above) && (spec.below === undefined || n < spec.below);
  if (!ok) throw new OptionsError(`--${flag} must be ${describeSpec(spec)}, got '${value}'`);
  return n;
}

/** "an integer from 0 to 8", "a number > 0", ... */
export function describeSpec(spec: NumericSpec): string {
  const what = spec.kind === 'integer' ? 'an integer' : 'a number';
  if (spec.min !== undefined && spec.max !== undefined) return `${what} from ${spec.min} to ${spec.max}`;
  if (spec.kind === 'integer' && spec.min === 1 && spec.max === undefined && spec.below === undefined) return 'a positive integer';
  const bounds = [
    spec.min !== undefined ? `≥ ${spec.min}` : spec.above !== undefined ? `> ${spec.above}` : undefined,
    spec.max !== undefined ? `≤ ${spec.max}` : spec.below !== undefined ? `< ${spec.below}` : undefined,
  ].filter((b) => b !== undefined);
  return bounds.length ? `${what} ${bounds.join(' and ')}` : what;
}

/** A parser marked with its spec, for commander's `.argParser()` (tests find numeric options by the mark). */
export type NumericParser<T = number> = ((value: string) => T) & { readonly numeric: NumericSpec & { flag: string; list?: boolean } };

export function integerFlag(flag: string, range: NumericRange = {}): NumericParser {
  return numericFlag(flag, { kind: 'integer', ...range });
}

export function numberFlag(flag: string, range: NumericRange = {}): NumericParser {
  return numericFlag(flag, { kind: 'number', ...range });
}

/** A comma-separated list of integers (e.g. --sweep 10,20,40), each checked like one flag value. */
export function integerListFlag(flag: string, range: NumericRange = {}): NumericParser<number[]> {
  const spec: NumericSpec = { kind: 'integer', ...range };
  const parse = (value: string): number[] => value.split(',').map((v) => parseNumeric(v, flag, spec));
  return Object.assign(parse, { numeric: { ...spec, flag, list: true } });
}

function numericFlag(flag: string, spec: NumericSpec): NumericParser {
  const parse = (value: string): number => parseNumeric(value, flag, spec);
  return Object.assign(parse, { numeric: { ...spec, flag } });
}

/** Seeds are unsigned 32-bit integers (the PRNGs mix them into 32-bit state). */
export const SEED_RANGE: NumericRange = { min: 0, max: 0xffffffff };
