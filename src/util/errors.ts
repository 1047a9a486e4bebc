/**
 * pacsmine's error types. Messages say what was expected, what arrived and what to do
 * (gensim's habit). They never carry report text or DICOM identifiers: cite a record id
 * and an offset instead, so logs stay free of patient data.
 */
export type ErrorCode =
  | 'OPTIONS'
  | 'INPUT'
  | 'FORMAT'
  | 'WORKER'
  | 'NOT_FOUND'
  | 'UNSUPPORTED'
  | 'BUSY';

export class PacsmineError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Bad options or arguments (a bad flag value, a missing or impossible workspace): the caller can fix the call. CLI exit code 2. */
export class OptionsError extends PacsmineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('OPTIONS', message, options);
  }
}

/** One bad input record. Ingest lists it as rejected and goes on. CLI exit code 1 (a failed run). */
export class InputError extends PacsmineError {
  readonly recordId: string | undefined;
  constructor(message: string, recordId?: string, options?: { cause?: unknown }) {
    super('INPUT', message, options);
    this.recordId = recordId;
  }
}

/** A bad file, model or manifest. CLI exit code 1 (a failed run). */
export class FormatError extends PacsmineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('FORMAT', message, options);
  }
}

/** A worker thread failed; wraps the cause so that it is never swallowed. */
export class WorkerError extends PacsmineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('WORKER', message, options);
  }
}

/**
 * Another process holds the workspace's write lock. CLI exit code 1: the call was right, the
 * run could not happen now.
 */
export class WorkspaceBusyError extends PacsmineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('BUSY', message, options);
  }
}

/**
 * The CLI's exit code for an error: 2 for a usage error (OptionsError: a bad flag value, a missing
 * workspace for a command that reads one), 1 for everything else (a failed run: bad input, a bad
 * file, a busy workspace, an internal error). 0 is success and never comes from here. Commander's
 * own usage errors (unknown option, missing argument) are mapped to 2 in src/cli/main.ts.
 */
export function exitCodeFor(error: unknown): 1 | 2 {
  return error instanceof OptionsError ? 2 : 1;
}

/** A short, PHI-free description of any thrown value. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
