/**
 * pacsmine's error types. Messages say what was expected, what arrived and what to do
 * (gensim's habit). They never carry report text or DICOM identifiers: cite a record id
 * and an offset instead, so logs stay free of patient data.
 */
import { redactSecrets } from './redact.js';

export type ErrorCode =
  | 'OPTIONS'
  | 'INPUT'
  | 'FORMAT'
  | 'WORKER'
  | 'NOT_FOUND'
  | 'UNSUPPORTED'
  | 'CANCELLED'
  | 'AUTH';

export class PacsmineError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Bad options or arguments: the caller can fix the call. CLI exit code 2. */
export class OptionsError extends PacsmineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('OPTIONS', message, options);
  }
}

/** One bad input record. Ingest lists it as rejected and goes on. CLI exit code 3. */
export class InputError extends PacsmineError {
  readonly recordId: string | undefined;
  constructor(message: string, recordId?: string, options?: { cause?: unknown }) {
    super('INPUT', message, options);
    this.recordId = recordId;
  }
}

/** A bad file, model or manifest. CLI exit code 3. */
export class FormatError extends PacsmineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('FORMAT', message, options);
  }
}

/** A worker thread failed; wraps the cause so that it is never swallowed. */
export class WorkerError extends PacsmineError {
  /** The pipeline stage whose worker failed ('lda', 'word2vec', ...), when known. */
  readonly stage: string | undefined;
  /** The failed worker's index in its group, when one worker is to blame. */
  readonly workerIndex: number | undefined;
  constructor(message: string, options?: { cause?: unknown; stage?: string; workerIndex?: number }) {
    super('WORKER', message, options);
    this.stage = options?.stage;
    this.workerIndex = options?.workerIndex;
  }
}

/**
 * The caller cancelled the run (an AbortSignal fired). Not a failure of the input or the
 * code: the CLI exits with 130, the shell's code for an interrupted command.
 */
export class CancelledError extends PacsmineError {
  readonly stage: string | undefined;
  constructor(message: string, options?: { cause?: unknown; stage?: string }) {
    super('CANCELLED', message, options);
    this.stage = options?.stage;
  }
}

/**
 * A server refused the credentials (HTTP 401 or 403). A run stops at the first one: every other
 * request would be refused the same way. The message names the server without credentials.
 */
export class AuthError extends PacsmineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('AUTH', message, options);
  }
}

/** A server could not be reached at all (connection refused, unknown host): a run stops too. */
export class UnreachableError extends PacsmineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NOT_FOUND', message, options);
  }
}

/** Errors that stop a run instead of rejecting one record: every further request would fail alike. */
export function stopsRun(error: unknown): boolean {
  return error instanceof AuthError || error instanceof UnreachableError;
}

/** The CLI's exit code for an error (0 ok, 1 internal, 2 usage, 3 input/format, 130 cancelled). */
export function exitCodeFor(error: unknown): number {
  if (error instanceof CancelledError) return 130;
  if (error instanceof OptionsError) return 2;
  if (error instanceof InputError || error instanceof FormatError) return 3;
  if (error instanceof PacsmineError && (error.code === 'NOT_FOUND' || error.code === 'UNSUPPORTED')) return 3;
  return 1;
}

/** A short, PHI-free description of any thrown value, with credentials and tokens in URLs redacted. */
export function describeError(error: unknown): string {
  return redactSecrets(error instanceof Error ? error.message : String(error));
}
