/** Printing helpers shared by the CLI verbs: JSON for machines, text for people. */
export function printResult<T>(result: T, json: boolean | undefined, text: (r: T) => string): void {
  if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else process.stdout.write(`${text(result)}\n`);
}

/** The workspace a verb works in: --workspace, else $PACSMINE_WORKSPACE, else ./pacsmine-workspace. */
export function workspaceDir(opt: string | undefined): string {
  return opt ?? process.env['PACSMINE_WORKSPACE'] ?? 'pacsmine-workspace';
}

/** Reads all of standard input as UTF-8. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
