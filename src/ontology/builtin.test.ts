import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinOntology, BUILTIN_TERM_COUNT } from './builtin.js';
import { loadObo } from './obo.js';
import { needsSharedData, sharedDataDir } from '../../testing/requirements.js';

test('the built-in subset parses cleanly', () => {
  const o = builtinOntology();
  assert.equal(o.problems.length, 0);
  assert.equal(o.terms.length, BUILTIN_TERM_COUNT);
});

test('every built-in term has the id, name and synonyms of the real release', { skip: needsSharedData('disease-ontology/doid_2016-09-01.obo') }, () => {
  const real = new Map(loadObo(path.join(sharedDataDir, 'disease-ontology', 'doid_2016-09-01.obo')).terms.map((t) => [t.id, t]));
  for (const t of builtinOntology().terms) {
    const r = real.get(t.id);
    assert.ok(r, `${t.id} is in the release`);
    assert.equal(r.name, t.name, t.id);
    assert.equal(r.obsolete, false, t.id);
    const realSynonyms = new Set(r.synonyms.filter((s) => s.scope === 'EXACT').map((s) => s.text.toLowerCase().trim()));
    for (const s of t.synonyms) assert.ok(realSynonyms.has(s.text.toLowerCase()), `${t.id}: '${s.text}' is an EXACT synonym in the release`);
  }
});

test('`pacsmine terms --json` works on a fresh clone with the built-in subset', () => {
  const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'main.js');
  const env = { ...process.env };
  delete env['PACSMINE_ONTOLOGY'];
  const r = spawnSync(process.execPath, [cli, 'terms', '--json'], { input: 'No evidence of lung cancer.\nPossible pneumonia in the left lower lobe.\n', encoding: 'utf8', env });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /built-in subset/);
  const [a, b] = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Array<{ id: string; status: string; text: string }>);
  assert.deepEqual(a?.map((h) => [h.id, h.status, h.text]), [['DOID:1324', 'negated', 'lung cancer']]);
  assert.deepEqual(b?.map((h) => [h.id, h.status, h.text]), [['DOID:552', 'uncertain', 'pneumonia']]);
});
