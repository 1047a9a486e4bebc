/** A progress bar on stderr for long work, shown only on a terminal (never in JSON output). */
import cliProgress from 'cli-progress';
import type { Progress } from '../index.js';

export interface ProgressReporter {
  update(done: number, extra?: Record<string, number>): void;
  stop(): void;
}

export function progressBar(label: string, enabled: boolean): ProgressReporter {
  if (!enabled || !process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { format: `${label} {value} records | {rate}/s | rejected {rejected}`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  bar.start(0, 0, { rate: 0, rejected: 0 });
  return {
    update(done, extra = {}) {
      const seconds = (Date.now() - started) / 1000;
      bar.update(done, { rate: seconds > 0 ? Math.round(done / seconds) : 0, rejected: 0, ...extra });
    },
    stop() {
      bar.stop();
    },
  };
}

/**
 * A progress bar fed by the library's `Progress` values (src/util/progress.ts): pass
 * `reporter.onProgress` as a call's `onProgress`, and call `stop()` when the call returns.
 * A bar with a total when the stage knows one, a counter otherwise; a new bar when the stage
 * changes. Nothing is drawn unless enabled and `stream` is a terminal.
 */
export function progressReporter(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): { onProgress: (p: Progress) => void; stop: () => void } {
  if (!enabled || !stream.isTTY) return { onProgress: () => undefined, stop: () => undefined };
  let bar: cliProgress.SingleBar | undefined;
  let current: { stage: string; total: number | undefined } | undefined;
  const stop = (): void => {
    bar?.stop();
    bar = undefined;
    current = undefined;
  };
  return {
    onProgress(p) {
      if (!current || current.stage !== p.stage || current.total !== p.total) {
        stop();
        const known = p.total !== undefined;
        const format = known
          ? `${p.stage} [{bar}] {percentage}% | {value}/{total} ${p.unit} | eta {eta_formatted} {detail}`
          : `${p.stage} {value} ${p.unit} | {duration_formatted} {detail}`;
        bar = new cliProgress.SingleBar({ format, stream, hideCursor: true }, cliProgress.Presets.shades_classic);
        bar.start(p.total ?? 0, p.done, { detail: p.detail ?? '' });
        current = { stage: p.stage, total: p.total };
      }
      bar?.update(p.done, { detail: p.detail ?? '' });
    },
    stop,
  };
}

/**
 * Runs `work` with a progress bar (on a terminal, unless `json`) and Ctrl-C as cancellation: the
 * call rejects with CancelledError, which the CLI turns into exit code 130.
 */
export async function withControl<T>(json: boolean | undefined, work: (control: { signal: AbortSignal; onProgress: (p: Progress) => void }) => Promise<T>): Promise<T> {
  const progress = progressReporter(!json);
  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    return await work({ signal: abort.signal, onProgress: progress.onProgress });
  } finally {
    progress.stop();
    process.off('SIGINT', onSigint);
  }
}
