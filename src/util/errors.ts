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
  | 'AUTH'
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

/**
 * A stage's input is missing or out of date: another stage must run (again) first. The message
 * names the stage as the library knows it ("run the `dataset` stage for the document level first");
 * `missingStage`, `level` and `stale` say the same for a front-end, which names its own command
 * instead (the CLI: src/cli/errors.ts). An OptionsError: the caller can fix it, CLI exit code 2.
 */
export class MissingStageError extends OptionsError {
  /** The stage to run: 'topics', 'dataset', 'train', 'embed', ... */
  readonly missingStage: string;
  /** The topic level it must run for, when it runs per level. */
  readonly level: string | undefined;
  /** True when the stage ran, but on inputs that have changed since: run it again. */
  readonly stale: boolean;
  /** What is missing, without the advice ("no document-level dataset in the workspace"). */
  readonly problem: string;
  constructor(problem: string, stage: { stage: string; level?: string; stale?: boolean }, options?: { cause?: unknown }) {
    const level = stage.level !== undefined ? ` for the ${stage.level} level` : '';
    super(`${problem}: run the \`${stage.stage}\` stage${level} ${stage.stale ? 'again' : 'first'}`, options);
    this.missingStage = stage.stage;
    this.level = stage.level;
    this.stale = stage.stale ?? false;
    this.problem = problem;
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
 * Another process holds the workspace's write lock. CLI exit code 1: the call was right, the
 * run could not happen now.
 */
export class WorkspaceBusyError extends PacsmineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('BUSY', message, options);
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

/** A short, PHI-free description of any thrown value, with credentials and tokens in URLs redacted. */
export function describeError(error: unknown): string {
  return redactSecrets(error instanceof Error ? error.message : String(error));
}
