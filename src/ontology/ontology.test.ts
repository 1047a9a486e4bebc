import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadObo, parseObo } from './obo.js';
import { TermMatcher } from './matcher.js';
import { findTerms } from './terms.js';
import { normalizeToken } from './normalize.js';
import { needsSharedData, sharedDataDir } from '../../testing/requirements.js';
import { FormatError } from '../util/errors.js';
import { indianaReportTexts, INDIANA_REPORTS } from '../../testing/corpora.js';

const DO_FILE = 'disease-ontology/doid_2016-09-01.obo';

const MINI = `format-version: 1.2
data-version: test

[Term]
id: DOID:1
name: cyst
synonym: "cystic lesion" RELATED []

[Term]
id: DOID:2
name: lung tumor
synonym: "pulmonary neoplasm" EXACT [NCI:C1]
is_a: DOID:9 ! parent

[Term]
id: DOID:3
name: pulmonary edema

[Term]
id: DOID:4
name: disease

[Term]
id: DOID:5
name: edema

[Term]
id: DOID:6
name: old term
is_obsolete: true

[Term]
id: DOID:7
name: chronic obstructive pulmonary disease
synonym: "COPD" EXACT []

[Typedef]
id: part_of
name: part of
`;

test('parseObo reads names, scoped synonyms, is_a, obsolete flags and the header', () => {
  const o = parseObo(MINI);
  assert.equal(o.header['data-version'], 'test');
  assert.equal(o.terms.length, 7);
  const tumor = o.terms.find((t) => t.id === 'DOID:2');
  assert.deepEqual(tumor?.synonyms, [{ text: 'pulmonary neoplasm', scope: 'EXACT' }]);
  assert.deepEqual(tumor?.isA, ['DOID:9']);
  assert.equal(o.terms.find((t) => t.id === 'DOID:6')?.obsolete, true);
  assert.deepEqual(o.problems, []);
});

test('malformed stanzas are reported with line numbers, skipped, or thrown in strict mode', () => {
  const bad = `[Term]\nid: DOID:1\nname: ok\n\n[Term]\nid: DOID:2\nname: broken\nsynonym: unquoted EXACT []\n\n[Term\nid: DOID:3\n\n[Term]\nname: no id\n\n[Term]\nid: DOID:4\nname: fine\nthis line has no colon\n`;
  const o = parseObo(bad);
  assert.deepEqual(o.terms.map((t) => t.id), ['DOID:1']);
  const lines = o.problems.map((p) => p.line);
  assert.ok(lines.includes(8), 'the unquoted synonym');
  assert.ok(lines.includes(10), 'the broken header');
  assert.ok(lines.includes(13), 'the stanza without id');
  assert.ok(lines.includes(19), 'the line without a colon');
  assert.throws(() => parseObo(bad, { strict: true, source: 'bad.obo' }), (e: unknown) => e instanceof FormatError && /bad\.obo: line 8/.test(e.message));
});

test('normalisation joins plural and spelling variants', () => {
  assert.equal(normalizeToken('cysts'), normalizeToken('cyst'));
  assert.equal(normalizeToken('cystic'), normalizeToken('cyst'));
  assert.equal(normalizeToken('tumour'), normalizeToken('tumor'));
  assert.equal(normalizeToken('tumours'), normalizeToken('tumor'));
  assert.equal(normalizeToken('oedema'), normalizeToken('edema'));
  assert.equal(normalizeToken('haemorrhage'), normalizeToken('hemorrhage'));
  assert.equal(normalizeToken('effusions'), normalizeToken('effusion'));
  assert.equal(normalizeToken('pneumothoraces'), normalizeToken('pneumothorax'));
  assert.notEqual(normalizeToken('mediastinal'), normalizeToken('mediastinitis'));
  assert.notEqual(normalizeToken('four'), normalizeToken('for'));
});

test('the matcher finds the longest term, variants and case-sensitive acronyms, with character offsets', () => {
  const m = new TermMatcher(parseObo(MINI), { synonymScopes: ['EXACT', 'RELATED'] });
  const s = 'Two cysts and a lung tumour; mild pulmonary oedema, no edema of the legs. Copd? COPD.';
  const hits = m.match(s);
  assert.deepEqual(hits.map((h) => [h.id, h.text, s.slice(h.start, h.end)]), [
    ['DOID:1', 'cysts', 'cysts'],
    ['DOID:2', 'lung tumour', 'lung tumour'],
    ['DOID:3', 'pulmonary oedema', 'pulmonary oedema'],
    ['DOID:5', 'edema', 'edema'],
    ['DOID:7', 'COPD', 'COPD'],
  ]);
  assert.deepEqual(m.match('A cystic lesion and a disease.').map((h) => h.id), ['DOID:1'], 'root "disease" excluded; synonym found');
  assert.deepEqual(m.match('an old term'), [], 'obsolete terms are left out');
});

test('negation and uncertainty scopes', () => {
  const m = new TermMatcher(parseObo(MINI));
  const status = (s: string): string[] => findTerms(m, s).map((h) => `${h.text}:${h.status}`);
  assert.deepEqual(status('No evidence of pulmonary edema.'), ['pulmonary edema:negated']);
  assert.deepEqual(status('Pulmonary edema is not seen.'), ['Pulmonary edema:negated']);
  assert.deepEqual(status('Clear lungs without edema.'), ['edema:negated']);
  assert.deepEqual(status('Possible cyst in the right lobe.'), ['cyst:uncertain']);
  assert.deepEqual(status('Cannot exclude lung tumor.'), ['lung tumor:uncertain']);
  assert.deepEqual(status('No edema. Large cyst.'), ['edema:negated', 'cyst:affirmed'], 'a sentence end closes the scope');
  assert.deepEqual(status('No edema, but a cyst remains.'), ['edema:negated', 'cyst:affirmed'], '"but" closes the scope');
  assert.deepEqual(status('No change in the cyst.'), ['cyst:affirmed'], 'pseudo-negation');
  assert.deepEqual(status('Lung tumor cannot be excluded.'), ['Lung tumor:uncertain']);
});

// Real sentences from the Indiana reports with hand-written expected terms and states.
const INDIANA_CASES: Array<[string, string[]]> = [
  ['Dual-lumen right IJ catheter is identified without pneumothorax.', ['pneumothorax:negated']],
  ['Left lower lobe pneumonia and minimal scarring or subsegmental atelectasis in the right lung base.', ['pneumonia:affirmed']],
  ['The lungs are clear without focal area of consolidation, pleural effusion, or pneumothorax.', ['pneumothorax:negated']],
  ['Heart size within normal limits, no typical findings of pulmonary edema.', ['pulmonary edema:negated']],
  ['Left base could be atelectasis or pneumonia.', ['pneumonia:uncertain']],
  ['Degenerative disc disease in the thoracic spine with osteophyte formation bridging.', ['Degenerative disc disease:affirmed', 'osteophyte:affirmed']],
  ['There is of uncertain etiology but would benefit from followup at XXXX some concern for neoplasm.', ['neoplasm:uncertain']],
  ['Considerations would include pericardial effusion or dilated cardiomyopathy.', ['pericardial effusion:uncertain', 'dilated cardiomyopathy:uncertain']],
  ['No evidence of active cardiopulmonary disease.', ['cardiopulmonary disease:negated']],
  ['Right paratracheal calcifications due to old histoplasmosis.', ['histoplasmosis:affirmed']],
  ['No discrete nodules or adenopathy are noted.', ['adenopathy:negated']],
  ['There no focal airspace opacities to suggest pneumonia.', ['pneumonia:negated']],
  ['Cardiomegaly and mild interstitial pulmonary edema.', ['pulmonary edema:affirmed']],
  ['There is an S-shaped scoliosis of the thoracic spine.', ['scoliosis:affirmed']],
];

test('Disease Ontology terms and states in real Indiana sentences', { skip: needsSharedData(DO_FILE) ?? needsSharedData(INDIANA_REPORTS) }, () => {
  const ontology = loadObo(path.join(sharedDataDir, DO_FILE), { strict: true });
  assert.equal(ontology.terms.length, 9344);
  const live = ontology.terms.filter((t) => !t.obsolete);
  assert.equal(live.length, 6971);
  assert.equal(live.reduce((s, t) => s + t.synonyms.filter((x) => x.scope === 'EXACT').length, 0), 11537);
  const m = new TermMatcher(ontology);
  const corpus = indianaReportTexts().join('\n');
  for (const [sentence, expected] of INDIANA_CASES) {
    assert.ok(corpus.includes(sentence), `not an Indiana sentence: ${sentence}`);
    assert.deepEqual(findTerms(m, sentence).map((h) => `${h.text}:${h.status}`), expected, sentence);
  }
  const [hit] = findTerms(m, 'No pneumothoraces.');
  assert.equal(hit?.id, 'DOID:1673');
  assert.equal(hit?.name, 'pneumothorax');
});
