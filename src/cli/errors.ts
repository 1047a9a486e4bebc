/**
 * Library errors name options as the library knows them ("option `maxPixels`") and never CLI
 * flags (src/cli/no-cli-flags.test.ts keeps it so); the CLI translates them to its
 * flags here, before printing. Most flags are the option in kebab case; the rest are listed.
 */
const FLAGS: Readonly<Record<string, string>> = {
  workspace: '-w/--workspace',
  waitMs: '--wait SECONDS',
  client: '--url (and --user)',
  modelDir: '--model DIR',
  manifest: '--manifest FILE',
  workers: '--workers',
};

/** "option `maxPixels`" -> "--max-pixels"; text without such names is returned as is. */
export function translateOptionNames(message: string): string {
  return message.replace(/option `([A-Za-z][A-Za-z0-9]*)`/g, (_m, name: string) =>
    FLAGS[name] ?? `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
}
