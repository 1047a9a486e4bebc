/**
 * The report shows the stages' own numbers: on a tiny demo workspace (every stage run), each
 * section of `pacsmine report --json` equals what the stage itself prints with --json (or returns
 * to the CLI), and each of those numbers is on the page as format.ts writes it. A workspace where
 * nothing ran shows every section as "not run", with the command that runs it.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Workspace } from '../store/workspace.js';
import { computeCorpusStats } from '../stats/corpus-stats.js';
import { runTopicStage, TOPIC_LEVELS } from '../topics/stage.js';
import { evaluateLevel } from '../evaluation/evaluate.js';
import { readTruthImageCategories } from '../pipeline/truth.js';
import { runDescribeStage } from '../descriptions/stage.js';
import { loadWorkspaceVectors } from '../embeddings/stage.js';
import { projectWords2d } from '../embeddings/pca.js';
import { buildTinyDemo, TINY_DEMO, type TinyDemo } from '../../testing/tiny-demo.js';
import { writeReport } from './write-report.js';
import { escapeHtml, html } from './html.js';
import { formatCount, formatNumber } from './format.js';
import type { ReportData } from './report-data.js';

const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));
let demo: TinyDemo;
let tmp: string;

before(async () => {
  demo = await buildTinyDemo('pacsmine-report-');
  tmp = mkdtempSync(path.join(tmpdir(), 'pacsmine-report-out-'));
});
after(() => {
  demo?.remove();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function cliJson(args: string[]): unknown {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** The page's text between two section ids, for checking that a number is shown where it belongs. */
function sectionOf(page: string, id: string): string {
  const start = page.indexOf(`id="${id}"`);
  assert.ok(start >= 0, `section ${id} on the page`);
  const end = page.indexOf('<section', start + 1);
  return page.slice(start, end < 0 ? undefined : end);
}

test('every number of the report equals the stage\'s own --json output, and is on the page', async () => {
  const out = path.join(tmp, 'report.html');
  // The CLI: `pacsmine report --json` prints the numbers; `pacsmine stats --json` prints Tables 1, 2 and 4.
  const printed = cliJson(['report', '-w', demo.dir, '--out', out, '--json']) as ReportData & { file: string; bytes: number };
  assert.equal(printed.file, out);
  const page = readFileSync(out, 'utf8');
  assert.equal(Buffer.byteLength(page), printed.bytes);
  assert.equal(printed.stats.status, 'ok');
  assert.deepEqual({ ...printed.stats, status: undefined }, { ...(cliJson(['stats', '-w', demo.dir, '--json']) as object), status: undefined });

  const ws = Workspace.open(demo.dir);
  try {
    const data = (await writeReport(ws, { out })).data;
    // Tables 1, 2, 4: the stats function the CLI prints, on the page.
    const stats = computeCorpusStats(ws);
    assert.deepEqual({ ...data.stats, status: undefined }, { ...stats, status: undefined });
    const t124 = sectionOf(page, 'tables-1-2-4');
    for (const v of [stats.documents, stats.words, stats.vocabulary, stats.references, stats.keyImages, ...stats.topWords.map((w) => w.count)]) assert.ok(t124.includes(formatCount(v)), `Table 1/2 shows ${v}`);
    for (const w of stats.topWords) assert.ok(t124.includes(`<td>${escapeHtml(w.word)}</td>`), w.word);
    const wps = stats.wordsPerSentence;
    assert.ok(wps.imageReferencesDiseaseTerms, 'describe ran: Table 4 has its disease-term row');
    for (const m of [wps.reportsWide, wps.imageReferences, wps.imageReferencesNoStopWordsNoDigits, wps.imageReferencesDiseaseTerms]) assert.ok(t124.includes(formatNumber(m.wordsPerSentence)), `Table 4 shows ${m.wordsPerSentence}`);
    assert.ok(t124.includes(formatNumber(stats.perWindow.diseaseTerms!.mean)));

    // Figure 2 and Figures 3/4: what `pacsmine topics --level L --json` prints (the stage, up to date, returns its record).
    const sweeps = { document: [4, 8, 12], second: [2, 3], sentence: [6, 12, 20] };
    for (const level of TOPIC_LEVELS) {
      const s = await runTopicStage(ws, { seed: TINY_DEMO.seed, iterations: 150, workers: 0, level, sweep: sweeps[level] });
      assert.equal(s.skipped, true, `${level}: the demo's own parameters, so its record`);
      const t = data.topics[level];
      assert.equal(t.status, 'ok');
      if (t.status !== 'ok') continue;
      assert.deepEqual([t.numDocs, t.numTopics, t.numImages, t.largestTopicImageShare, t.digest], [s.numDocs, s.numTopics, s.numImages, s.largestTopicImageShare, s.digest]);
      assert.deepEqual(t.sweep, s.sweep ?? null);
      assert.deepEqual(t.topics.map(({ images: _images, ...rest }) => rest), s.topics);
      for (const tp of s.topics) assert.match(sectionOf(page, 'figures-3-4'), new RegExp(`<b>topic ${tp.label.replace('.', '\\.')}</b> — ${formatCount(tp.numDocs)} documents, ${formatCount(tp.numImages)} key images`));
      for (const p of s.sweep?.points ?? []) assert.ok(sectionOf(page, 'figure-2').includes(formatNumber(p.perplexity)), `${level} K=${p.k}`);
      if (t.topics.some((tp) => tp.images.length > 0)) assert.match(sectionOf(page, 'figures-3-4'), /<img src="data:image\/jpeg;base64,/);
    }

    // Table 3: what `pacsmine evaluate --json` prints, in its level's row.
    const truth = readTruthImageCategories(demo.summary.archive.truthJsonl);
    for (const level of TOPIC_LEVELS) {
      const e = await evaluateLevel(ws, { level, seed: 1, truth });
      const c = data.classification[level];
      assert.equal(c.status, 'ok');
      if (c.status !== 'ok') continue;
      assert.deepEqual([c.top1, c.top5, c.macroF1, c.images, c.classes, c.perClass, c.baselines, c.truth], [e.top1, e.top5, e.macroF1, e.images, e.classes, e.perClass, e.baselines, e.truth ?? null]);
      const t3 = sectionOf(page, 'table-3');
      const row = t3.slice(t3.indexOf(`data-level="${level}"`), t3.indexOf('</tr>', t3.indexOf(`data-level="${level}"`)));
      for (const v of [e.top1, e.top5, e.macroF1, e.baselines.majority.top1, e.baselines.priorRandom.top1]) assert.ok(row.includes(formatNumber(v)), `${level} row shows ${v}`);
      assert.ok(t3.includes(`id="confusion-${level}"`));
    }

    // Training curves: the epochs each train stage recorded (what `pacsmine train --json` printed).
    for (const level of TOPIC_LEVELS) {
      const rec = ws.stageRecord(`train:${level}`)!.summary as { epochs: Array<{ trainLoss: number }> };
      const curve = data.training.find((c) => c.stage === `train:${level}`);
      assert.ok(curve, `${level} curve`);
      assert.deepEqual(curve.epochs.map((e) => e.trainLoss), rec.epochs.map((e) => e.trainLoss));
      for (const e of rec.epochs) assert.ok(sectionOf(page, 'training').includes(formatNumber(e.trainLoss)));
    }

    // Figure 6: the PCA of `pacsmine neighbors --pca` (projectWords2d) of the commonest disease-term words.
    assert.equal(data.words.status, 'ok');
    if (data.words.status === 'ok') {
      assert.equal(data.words.source, 'disease terms');
      const again = projectWords2d(loadWorkspaceVectors(ws), data.words.words.map((w) => w.word));
      assert.deepEqual(data.words.words.map(({ count: _c, ...p }) => p), again);
    }

    // Figure 7: what `pacsmine describe --json` prints when it runs.
    const d = await runDescribeStage(ws, { force: true });
    assert.equal(data.descriptions.status, 'ok');
    if (data.descriptions.status === 'ok') {
      assert.deepEqual([data.descriptions.termHits, data.descriptions.keyImagesWithBigrams, data.descriptions.bigramRows, data.descriptions.digest], [d.termHits, d.keyImagesWithBigrams, d.bigramRows, d.digest]);
      assert.ok(data.descriptions.examples.length > 0 && data.descriptions.examples.every((e) => e.bigrams.length > 0));
      assert.ok(sectionOf(page, 'figures-7-8').includes(formatCount(d.termHits)));
    }
    // Figure 8 and R@K: what the keyword stage wrote (artifacts/keywords/evaluation.json, summarised by `regress --json`).
    assert.equal(data.keywords.status, 'ok');
    if (data.keywords.status === 'ok') {
      const e = JSON.parse(readFileSync(ws.artifactPath('keywords', 'evaluation.json'), 'utf8')) as { sentences: { recall: Record<string, number> }; search: { recallAt10: number; mrr: number } };
      assert.deepEqual(data.keywords.recall, e.sentences.recall);
      assert.deepEqual([data.keywords.search['recallAt10'], data.keywords.search['mrr']], [e.search.recallAt10, e.search.mrr]);
      assert.equal(data.keywords.digest, (ws.stageRecord('keywords')!.summary as { digest: string }).digest);
      assert.ok(sectionOf(page, 'figures-7-8').includes(formatNumber(e.sentences.recall['1']!)));
    }
    // Header: data, settings, seed, version.
    assert.equal(data.header.seeds['topics:document'], TINY_DEMO.seed);
    assert.match(page, /pacsmine 0\.\d+\.\d+/);
    // Self-contained: no script and no fetch of anything.
    assert.doesNotMatch(page, /<script|<link|src="http|href="http/);
  } finally {
    ws.close();
  }
});

test('a workspace where no stage ran shows every section as not run, and text as text', async () => {
  const dir = path.join(tmp, 'empty');
  const ws = Workspace.open(dir);
  try {
    ws.db.prepare("INSERT INTO reports (report_id, source, text, num_sentences, num_tokens, num_refs) VALUES ('r1', '<script>alert(1)</script>', 'A <b>bold</b> claim.', 1, 3, 0)").run();
    const { data, file } = await writeReport(ws, { out: path.join(tmp, 'empty.html') });
    const page = readFileSync(file, 'utf8');
    assert.equal(data.stats.status, 'ok');
    for (const level of TOPIC_LEVELS) {
      assert.equal(data.topics[level].status, 'not run');
      assert.equal(data.classification[level].status, 'not run');
    }
    for (const s of [data.words, data.descriptions, data.keywords]) assert.equal(s.status, 'not run');
    assert.deepEqual(data.training, []);
    const notRun = page.match(/Not run: /g) ?? [];
    assert.ok(notRun.length >= 9, `${notRun.length} sections say not run`);
    assert.match(page, /Not run: no document-level topics: run `pacsmine topics --level document/);
    // The source name holds markup: shown escaped, never as a tag.
    assert.ok(page.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.doesNotMatch(page, /<script/);
  } finally {
    ws.close();
  }
});

test('html escapes every interpolated value and keeps only its own markup', () => {
  const evil = `<img src=x onerror="alert('x')">&`;
  assert.equal(html`<td>${evil}</td>`.value, '<td>&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;</td>');
  assert.equal(html`<p>${[evil, html`<b>${'<i>'}</b>`]}</p>`.value, '<p>&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;<b>&lt;i&gt;</b></p>');
  assert.equal(formatNumber(0.6583), '0.658');
  assert.equal(formatNumber(1234.56), '1234.6');
  assert.equal(formatCount(12345), '12,345');
});
