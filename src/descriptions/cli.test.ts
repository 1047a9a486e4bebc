// The describe verb end to end: -w, --json with the output digest, up to date on a second run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Workspace } from '../store/workspace.js';

const MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const OBO = `format-version: 1.2

[Term]
id: DOID:11
name: liver cancer
synonym: "hepatic tumor" EXACT []

[Term]
id: DOID:15
name: pleural effusion
`;

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: { ...process.env, PACSMINE_ONTOLOGY: '' } });
}

interface DescribeJson {
  skipped: boolean;
  termHits: number;
  keyImagesWithBigrams: number;
  bigramRows: number;
  digest: string;
}

test('pacsmine describe -w --json writes bigrams and targets, prints a digest of them, and is up to date after', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'describe-cli-'));
  try {
    const obo = path.join(dir, 'do.obo');
    writeFileSync(obo, OBO);
    const wsDir = path.join(dir, 'ws');
    const ws = Workspace.open(wsDir);
    try {
      const insert = ws.db.prepare("INSERT INTO reports (report_id, source, text, num_sentences, num_tokens, num_refs) VALUES (?, 'test', ?, 3, 20, 1)");
      for (let i = 0; i < 30; i++) insert.run(`r${i}`, 'There is a pleural effusion on the left. A hepatic tumor is seen (image 3). Possible liver cancer.');
      ws.db.prepare("INSERT INTO refs (id, report_id, sentence_index, start, end, text, series, instances, sentence, prev_sentence, next_sentence) VALUES (1, 'r0', 1, 0, 5, 'image 3', '[]', '[3]', ?, ?, ?)")
        .run('A hepatic tumor is seen (image 3).', 'There is a pleural effusion on the left.', 'Possible liver cancer.');
      ws.db.prepare("INSERT INTO key_images (id, ref_id, report_id, series_number, instance_number) VALUES (7, 1, 'r0', NULL, 3)").run();
    } finally {
      ws.close();
    }
    // Without word vectors: bigrams, no targets.
    const bare = run(['describe', '-w', wsDir, '--ontology', obo, '--json']);
    assert.equal(bare.status, 0, bare.stderr);
    const withoutVectors = JSON.parse(bare.stdout) as DescribeJson & { targetsPath?: string };
    assert.equal(withoutVectors.targetsPath, undefined);
    assert.match(withoutVectors.digest, /^[0-9a-f]{64}$/);

    const embed = run(['embed', '-w', wsDir, '--vector-size', '8', '--window', '3', '--min-count', '1', '--epochs', '1', '--workers', '0', '--json']);
    assert.equal(embed.status, 0, embed.stderr);
    const first = JSON.parse(run(['describe', '-w', wsDir, '--ontology', obo, '--json']).stdout) as DescribeJson;
    assert.equal(first.skipped, false, 'new word vectors: described again');
    assert.equal(first.keyImagesWithBigrams, 1);
    assert.equal(first.bigramRows, 3);
    assert.equal(first.termHits, 3);
    assert.notEqual(first.digest, withoutVectors.digest, 'the targets are part of the digest');
    const second = JSON.parse(run(['describe', '-w', wsDir, '--ontology', obo, '--json']).stdout) as DescribeJson;
    assert.equal(second.skipped, true);
    assert.equal(second.digest, first.digest);
    const forced = JSON.parse(run(['describe', '-w', wsDir, '--ontology', obo, '--force', '--json']).stdout) as DescribeJson;
    assert.equal(forced.skipped, false);
    assert.equal(forced.digest, first.digest, 'the same inputs give the same rows and targets');

    const text = run(['describe', '-w', wsDir, '--ontology', obo]);
    assert.equal(text.status, 0);
    assert.match(text.stdout, /describe: up to date/);
    const missing = run(['describe', '-w', path.join(dir, 'nope'), '--ontology', obo]);
    assert.equal(missing.status, 2, 'a missing workspace is a usage error');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
