/**
 * Library errors name options as the library knows them ("option `maxPixels`") and stages by
 * name (MissingStageError: "run the `dataset` stage for the document level first"), never CLI
 * flags or commands (src/cli/no-cli-flags.test.ts keeps it so); the CLI translates them to its
 * flags and commands here, before printing. Most flags are the option in kebab case; the rest are listed.
 */
import { MissingStageError, describeError } from '../index.js';

const FLAGS: Readonly<Record<string, string>> = {
  workspace: '-w/--workspace',
  waitMs: '--wait SECONDS',
  client: '--url (and --user)',
  modelDir: '--model DIR',
  manifest: '--manifest FILE',
  workers: '--workers',
  outDir: '--out',
  synonymScopes: '--scopes',
};

/** "option `maxPixels`" -> "--max-pixels"; text without such names is returned as is. */
export function translateOptionNames(message: string): string {
  return message.replace(/option `([A-Za-z][A-Za-z0-9]*)`/g, (_m, name: string) =>
    FLAGS[name] ?? `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
}

/** The command line that runs a stage (for a level, when it runs per level), in backticks. */
export function stageCommand(stage: string, level: string | undefined): string {
  if (stage === 'convert') return '`pacsmine images convert` (or `pacsmine ingest-collection`)';
  if (stage === 'train') return level === undefined ? '`pacsmine train --chain`' : `\`pacsmine train --level ${level}\` (or \`pacsmine train --chain\`)`;
  return level === undefined ? `\`pacsmine ${stage}\`` : `\`pacsmine ${stage} --level ${level}\``;
}

/** What the CLI prints for an error: a missing stage as the command to run, option names as flags, secrets redacted. */
export function cliMessage(error: unknown): string {
  if (error instanceof MissingStageError) {
    const advice = `run ${stageCommand(error.missingStage, error.level)} ${error.stale ? 'again' : 'first'}`;
    return translateOptionNames(describeError(new Error(`${error.problem}: ${advice}`)));
  }
  return translateOptionNames(describeError(error));
}
