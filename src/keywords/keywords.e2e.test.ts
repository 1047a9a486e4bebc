/**
 * Keywords and search end to end on the keyword fixture (testing/keyword-fixture.ts), as a user
 * runs them: `dataset`, `train --chain`, `regress` (training, then R@K and search on the test
 * split), `keywords IMAGE...` and `search QUERY`, with bad input (an unreadable image, a missing
 * one, an unknown word, an empty query) answered by a reason, never a crash.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Workspace } from '../store/workspace.js';
import { readSplit } from '../datasets/workspace-split.js';
import { predictKeywords } from './predict-keywords.js';
import { searchImages } from './search.js';
import { evaluateKeywords, KEYWORDS_STAGE, type KeywordEvaluation } from './stage.js';
import { TOPIC_BIGRAMS, writeKeywordFixture } from '../../testing/keyword-fixture.js';

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'main.js');
const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

test('regress → keywords → search: R@K beside the baselines, three keywords per image, captions found, bad input reported', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pacsmine-kw-e2e-'));
  const wsDir = path.join(dir, 'ws');
  try {
    let ws = Workspace.open(wsDir);
    const { images } = await writeKeywordFixture(ws, { cases: 36, imagesPerCase: 3, size: 24, seed: 3 });
    ws.close();
    assert.equal(run(['dataset', '-w', wsDir, '--min-train', '3']).status, 0);
    const k0 = run(['keywords', images[0]!.path, '-w', wsDir]);
    assert.equal(k0.status, 2, 'keywords before training is a usage error');
    assert.match(k0.stderr, /train the three-level classifier chain first/);
    const c = run(['train', '--chain', '-w', wsDir, '--size', '24', '--crop', '20', '--epochs', '6', '--batch', '16', '--lr', '0.02', '--device', 'cpu', '--workers', '0', '--no-evaluate', '--json']);
    assert.equal(c.status, 0, c.stderr);
    assert.equal(run(['search', 'lung', '-w', wsDir]).status, 2, 'search before regress is a usage error');

    // Training and the evaluation, with the fixture's own words as a second ground truth.
    const r = run(['regress', '-w', wsDir, '--epochs', '12', '--batch', '16', '--lr', '0.01', '--workers', '0', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { regression: { numTrainRows: number }; evaluation: KeywordEvaluation; digest: string };
    assert.match(out.digest, /^[0-9a-f]{64}$/);
    const e = out.evaluation;
    const s = e.sentences;
    t.diagnostic(`R@1 ${s.recall['1']} R@5 ${s.recall['5']} R@10 ${s.recall['10']}; most frequent ${JSON.stringify(s.baselines.mostFrequent)}; random ${JSON.stringify(s.baselines.randomTopicWord)}; ` +
      `topics only ${JSON.stringify(s.baselines.topicsOnly)}; ceiling ${s.ceiling}; search ${JSON.stringify(e.search)}`);
    assert.deepEqual(e.levels, ['document', 'second', 'sentence']);
    const split = readSplit((ws = Workspace.open(wsDir, { access: 'read' })));
    const test = images.filter((i) => split.get(i.sop) === 'test');
    assert.equal(e.testImages, test.length);
    assert.equal(e.imagesWithoutDiseaseWords, test.filter((i) => i.truth.length === 0).length, 'images whose sentence names no disease are counted, not scored');
    assert.equal(s.pairs, 3 * e.scoredImages, 'one predicted word per level');
    assert.deepEqual(e.candidates, { topWords: 50, mean: 10, min: 10, max: 10 });
    // The fixture's topic order starts with fillers: the topics alone never hit at 1; the regression picks the bigram's words.
    assert.equal(s.baselines.topicsOnly['1'], 0);
    assert.ok(s.recall['1']! >= 0.6, `R@1 ${s.recall['1']}`);
    assert.ok(s.recall['1']! >= s.baselines.randomTopicWord['1']! + 0.3 && s.recall['1']! >= s.baselines.mostFrequent['1']! + 0.2);
    for (const k of ['1', '5', '10']) assert.ok(s.recall[k]! <= s.ceiling + 1e-12);
    assert.ok(s.recall['5']! >= s.recall['1']! && s.recall['10']! >= s.recall['5']!);
    assert.ok(e.search.queries > 0 && e.search.mrr > e.search.randomMrr, JSON.stringify(e.search));
    // The built-in ontology's words restrict the candidates: lung, cancer, breast, liver are disease-related; mass, cyst and the fillers are not.
    const d = e.diseaseCandidates!;
    assert.equal(d.pairs, s.pairs);
    assert.ok(d.candidates.max <= 4 && d.candidates.min >= 2, JSON.stringify(d.candidates));
    assert.ok(d.recall['1']! <= d.ceiling && d.ceiling <= s.ceiling);
    // Table and Figure 8 examples.
    const rows = ws.db.prepare('SELECT sop_instance_uid AS sop, level, topic, keyword, hit FROM image_keywords').all() as Array<{ sop: string; keyword: string; hit: number | null }>;
    assert.equal(rows.length, 3 * test.length);
    const hits = rows.filter((x) => x.hit === 1).length;
    assert.equal(hits / rows.filter((x) => x.hit !== null).length, s.recall['1']);
    const json = JSON.parse(readFileSync(e.json, 'utf8')) as { examples: Array<{ image: string; keywords: unknown[]; diseaseWords: string[]; caption: string }> };
    assert.equal(json.examples.length, test.length);
    const ex = json.examples.find((x) => x.diseaseWords.length > 0)!;
    assert.equal(ex.keywords.length, 3);
    assert.deepEqual(ex.diseaseWords, test.find((i) => i.sop === ex.image)!.truth);
    assert.equal(ex.caption, test.find((i) => i.sop === ex.image)!.caption);
    assert.ok(ws.stageRecord(KEYWORDS_STAGE)?.codeDigest);
    ws.close();

    // The library with a ground truth of words per image (here: each image's first bigram word only).
    ws = Workspace.open(wsDir);
    const truth = new Map(images.filter((i) => i.truth.length).map((i) => [i.sop, [i.truth[0]!]]));
    const withTruth = await evaluateKeywords(ws, { truth });
    assert.ok(withTruth.truth && withTruth.truth.scoredImages === e.scoredImages);
    assert.ok(withTruth.truth.recall['10']! >= withTruth.truth.recall['1']!);
    assert.deepEqual(withTruth.sentences, e.sentences, 'the same seed gives the same scores');

    // keywords IMAGE...: three keywords; an unreadable and a missing image are reported, the rest goes on.
    const bad = path.join(dir, 'not-an-image.png');
    writeFileSync(bad, 'this is text');
    const missing = path.join(dir, 'missing.png');
    const sick = test.filter((i) => i.truth.length > 0).slice(0, 3);
    const lib = await predictKeywords(ws, [bad, ...sick.map((i) => i.path), missing]);
    assert.equal(lib.images.length, sick.length);
    assert.deepEqual(lib.rejected.map((x) => x.image), [bad, missing]);
    assert.ok(lib.rejected.every((x) => x.reason.length > 0));
    ws.close();
    const k = run(['keywords', sick[0]!.path, '-w', wsDir, '--json']);
    assert.equal(k.status, 0, k.stderr);
    const [line, summaryLine] = k.stdout.trim().split('\n');
    assert.deepEqual(Object.keys(JSON.parse(summaryLine!) as object), ['images', 'rejected', 'digest'], 'the last line sums up the run');
    const entries = JSON.parse(line!) as Array<{ level: string; topic: string; keyword: string; cosine: number }>;
    assert.deepEqual(entries.map((x) => x.level), ['document', 'second', 'sentence']);
    assert.deepEqual(Object.keys(entries[0]!), ['level', 'topic', 'keyword', 'cosine']);
    assert.ok(entries.every((x) => typeof x.cosine === 'number' && x.cosine >= -1 && x.cosine <= 1));
    const two = run(['keywords', sick[0]!.path, bad, '-w', wsDir, '--json']);
    assert.equal(two.status, 0);
    assert.equal(two.stdout.trim().split('\n').length, 2, 'one image line and the summary');
    assert.match(two.stdout, /"images":1,"rejected":1,/);
    assert.match(two.stderr, /not-an-image\.png: no keywords \(/);
    assert.equal(run(['keywords', bad, '-w', wsDir]).status, 1, 'no readable image: exit 1');

    // search: the nearest images of "lung cancer" are lung-cancer images; unknown words and empty queries.
    const sr = run(['search', 'lung cancer', '-w', wsDir, '--json', '--top', '10']);
    assert.equal(sr.status, 0, sr.stderr);
    const found = JSON.parse(sr.stdout) as Array<{ image: string; score: number; caption: string }>;
    assert.equal(found.length, 10);
    for (let i = 1; i < found.length; i++) assert.ok(found[i - 1]!.score >= found[i]!.score);
    // The pixels show the document topic (a healthy case's images too, though their sentence names nothing).
    const lungImages = new Set(images.filter((i) => Number(i.document) % TOPIC_BIGRAMS.length === 0).map((i) => i.sop));
    const precision = found.filter((h) => lungImages.has(h.image)).length / found.length;
    t.diagnostic(`search "lung cancer": ${precision} of the top 10 show the lung-cancer topic (${lungImages.size} of ${images.length} images do)`);
    assert.ok(precision >= 0.8, `${precision} of the top 10 show lung cancer`);
    const captioned = images.filter((i) => i.truth[0] === 'lung').map((i) => i.sop);
    assert.ok(found.filter((h) => captioned.includes(h.image)).every((h) => /lung cancer/.test(h.caption)));
    const mixed = run(['search', 'lung', 'pneumothorax', '-w', wsDir, '--json']);
    assert.equal(mixed.status, 0);
    assert.match(mixed.stderr, /left out: pneumothorax/);
    const none = run(['search', 'pneumothorax', '-w', wsDir, '--json']);
    assert.equal(none.status, 0);
    assert.equal(none.stdout.trim(), '[]');
    assert.match(none.stderr, /no query word is in the vocabulary.*pneumothorax/);
    const empty = run(['search', '', '-w', wsDir]);
    assert.equal(empty.status, 2);
    assert.match(empty.stderr, /query is empty/);
    ws = Workspace.open(wsDir, { access: 'read' });
    assert.deepEqual(searchImages(ws, 'lung', { split: 'test', top: 1000 }).hits.map((h) => split.get(h.image)).filter((x) => x !== 'test'), []);
    ws.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
