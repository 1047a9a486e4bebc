/** A progress bar on stderr for long work, shown only on a terminal (never in JSON output). */
import cliProgress from 'cli-progress';

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
