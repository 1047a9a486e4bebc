import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const OBO = `format-version: 1.2

[Term]
id: DOID:1673
name: pneumothorax

[Term]
id: DOID:552
name: pneumonia

[Term]
id: DOID:2
name: lung tumor
`;

function run(args: string[], input: string, env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [MAIN, ...args], { input, encoding: 'utf8', env: { ...process.env, ...env } });
}

test('pacsmine terms --json prints one JSON array per input line, with offsets and status', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'terms-cli-'));
  const obo = path.join(dir, 'do.obo');
  writeFileSync(obo, OBO);
  const input = 'No pneumothorax.\n\nPossible left lower lobe pneumonia; lung tumours.\n';
  const r = run(['terms', '--json', '--ontology', obo], input);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Array<Record<string, unknown>>);
  assert.equal(lines.length, 3);
  assert.deepEqual(lines[0], [{ id: 'DOID:1673', name: 'pneumothorax', text: 'pneumothorax', start: 3, end: 15, status: 'negated' }]);
  assert.deepEqual(lines[1], []);
  assert.deepEqual(lines[2]?.map((h) => [h['id'], h['text'], h['status']]), [['DOID:552', 'pneumonia', 'uncertain'], ['DOID:2', 'lung tumours', 'affirmed']]);
  // The ontology can come from the environment; without one the built-in subset is used, and said.
  const fromEnv = run(['terms', '--json'], 'lung tumor\n', { PACSMINE_ONTOLOGY: obo });
  assert.equal(fromEnv.status, 0);
  assert.equal((JSON.parse(fromEnv.stdout) as Array<{ id: string }>)[0]?.id, 'DOID:2');
  const builtin = run(['terms', '--json'], 'pneumonia\n', { PACSMINE_ONTOLOGY: '' });
  assert.equal(builtin.status, 0);
  assert.match(builtin.stderr, /built-in subset.*--ontology/);
  const unreadable = run(['terms', '--json', '--ontology', path.join(dir, 'nope.obo')], 'x\n');
  assert.notEqual(unreadable.status, 0);
  assert.match(unreadable.stderr, /nope\.obo/);
});
