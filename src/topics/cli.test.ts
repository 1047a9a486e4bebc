import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { registerTopics } from '../cli/commands/topics.js';
import { generateTopicDocs } from '../../testing/topic-docs.js';

async function runCli(args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerTopics(program);
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  // Only the command's text: the test runner's own (binary) messages on stdout go through.
  process.stdout.write = ((s: string | Uint8Array, ...rest: unknown[]) => {
    if (typeof s === 'string') { chunks.push(s); return true; }
    return (write as (...a: unknown[]) => boolean)(s, ...rest);
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync(['node', 'pacsmine', ...args]);
  } finally {
    process.stdout.write = write;
  }
  return chunks.join('');
}

test('pacsmine topics --input FILE --sweep ... --json trains on a plain file and prints the curve and top words', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'topics-cli-'));
  const file = path.join(dir, 'docs.jsonl');
  const gen = generateTopicDocs({ numTopics: 3, numDocs: 60, seed: 2 });
  writeFileSync(file, gen.docs.map((d) => JSON.stringify({ id: d.id, text: d.tokens.join(' ') })).join('\n'));
  const out = await runCli(['topics', '--input', file, '--sweep', '2,3', '--iterations', '30', '--workers', '1', '--drop-top', '0', '--out', path.join(dir, 'm'), '--json']);
  const r = JSON.parse(out) as { numTrainDocs: number; sweep: { points: unknown[]; chosenK: number }; topics: { topWords: string[] }[] };
  assert.equal(r.numTrainDocs, 60);
  assert.equal(r.sweep.points.length, 2);
  assert.equal(r.topics.length, r.sweep.chosenK);
  assert.ok((r.topics[0]?.topWords.length ?? 0) > 5);
  assert.ok(existsSync(path.join(dir, 'm', 'lda-model.bin')));
  assert.match((r as unknown as { digest: string }).digest, /^[0-9a-f]{64}$/);
  await assert.rejects(runCli(['topics', '--input', file]), /--k N or --sweep/);
  await assert.rejects(runCli(['topics', '--input', file, '--k', 'x']), /--k must be an integer/);
});
