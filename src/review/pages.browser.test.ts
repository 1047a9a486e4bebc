/**
 * The report and the review pages in a real browser (playwright-core driving Debian's Chromium):
 * each opens with no console error, shows its key elements, and screenshots as something other
 * than a blank page; report text holding <script> is shown as text and never run; a review action
 * made by clicking changes what the next dataset run writes; without the token the pages answer
 * 401. One tiny demo workspace serves every test. Skips without /usr/bin/chromium (fails under
 * PACSMINE_REQUIRE_ALL=1, as CI runs it).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { needsExecutable } from '../../testing/requirements.js';
import { buildTinyDemo, type TinyDemo } from '../../testing/tiny-demo.js';
import { Workspace } from '../store/workspace.js';
import { buildLevelDataset, type LevelDatasetEntry } from '../datasets/level.js';
import { writeReport } from '../report/write-report.js';
import { startReviewServer, type RunningServer } from './server.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = needsExecutable(CHROMIUM, 'Debian\'s chromium package: apt-get install chromium');
const TOKEN = 'browser-test-token-0123456789';
const EVIL = ' <script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">';

/** The little of the browser's DOM these tests touch inside the page (the build has no DOM types). */
type Dom = { document: { querySelector(s: string): { textContent: string | null } | null } };

let demo: TinyDemo;
let server: RunningServer;
let browser: Browser;
let reportFile: string;
let base: string;

before(async () => {
  if (skip) return;
  demo = await buildTinyDemo('pacsmine-browser-');
  const ws = Workspace.open(demo.dir);
  try {
    // De-identified text that holds markup, as a report might: it must show as text everywhere.
    ws.db.prepare('UPDATE refs SET sentence = sentence || ?').run(EVIL);
    reportFile = (await writeReport(ws, { out: path.join(path.dirname(demo.dir), 'report.html') })).file;
  } finally {
    ws.close();
  }
  server = await startReviewServer({ workspace: demo.dir, token: TOKEN, port: 0, reviewer: 'browser test' });
  base = `http://127.0.0.1:${server.port}`;
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
});
after(async () => {
  await browser?.close();
  await server?.app.close();
  demo?.remove();
});

/** A page that records console errors and uncaught exceptions. */
async function open(url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  const response = await page.goto(url);
  assert.ok(response === null || response.ok(), `${url}: ${response?.status()}`);
  return { page, errors };
}

/** Not blank: the screenshot's pixels vary (a white or single-colour page has no spread). */
async function assertNotBlank(page: Page, what: string): Promise<void> {
  const stats = await sharp(await page.screenshot()).stats();
  const spread = Math.max(...stats.channels.slice(0, 3).map((c) => c.stdev));
  assert.ok(spread > 10, `${what}: screenshot spread ${spread.toFixed(1)}`);
}

async function ready(page: Page): Promise<void> {
  await page.waitForSelector('body[data-ready]');
  assert.equal(await page.locator('main .error').count(), 0, await page.locator('main').innerText());
}

test('the report opens with no console error, shows every part, and shows <script> as text', { skip }, async () => {
  const { page, errors } = await open(`file://${reportFile}`);
  for (const sel of ['#header', '#table-1', '#table-2', '#table-4', '#figure-2 svg', '#figures-3-4 .topic img', '#table-3-scores', '#confusion-document svg', '#training svg', '#figure-6 svg', '#figures-7-8 .example img']) {
    assert.ok(await page.locator(sel).count() > 0, sel);
  }
  const text = await page.locator('#figures-7-8').innerText();
  assert.ok(text.includes('<script>window.__pwned = 1</script>'), 'the sentence\'s markup is shown as text');
  assert.equal(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned), undefined);
  await assertNotBlank(page, 'report');
  assert.deepEqual(errors, []);
  await page.close();
});

test('each review page opens with no console error, shows its elements, and runs no report text', { skip }, async () => {
  const q = `token=${TOKEN}`;
  const topics = await open(`${base}/?${q}`);
  await ready(topics.page);
  assert.ok(await topics.page.locator('[data-topic]').count() > 1);
  assert.ok(await topics.page.locator('[data-topic] .grid img').count() > 0);
  await assertNotBlank(topics.page, 'topics');
  const topicHref = await topics.page.locator('[data-topic] h3 a').first().getAttribute('href');

  const topic = await open(`${base}${topicHref}`);
  await ready(topic.page);
  assert.ok(await topic.page.locator('#topic-grid img').count() > 0);
  assert.ok(await topic.page.locator('#next-level li a').count() > 0, 'the topic opens at the next level down');
  await assertNotBlank(topic.page, 'topic');
  const imageHref = await topic.page.locator('#topic-grid a').first().getAttribute('href');

  const image = await open(`${base}${imageHref}`);
  await ready(image.page);
  assert.equal(await image.page.locator('#labels tr[data-level]').count(), 3);
  assert.ok((await image.page.locator('#sentence').innerText()).includes('<script>window.__pwned = 1</script>'));
  assert.equal(await image.page.locator('#sentence mark').count(), 1, 'the reference is marked');
  await image.page.waitForFunction(() => {
    const i = (globalThis as unknown as Dom).document.querySelector('img.big') as { complete: boolean; naturalWidth: number } | null;
    return i !== null && i.complete && i.naturalWidth > 0;
  });
  await assertNotBlank(image.page, 'image');

  const search = await open(`${base}/search?q=lung&${q}`);
  await ready(search.page);
  assert.ok((await search.page.locator('#results').innerText()).length > 0, 'search answers (results, or why there are none)');
  const log = await open(`${base}/review?${q}`);
  await ready(log.page);
  assert.equal(await log.page.locator('#review-log').count(), 1);

  for (const p of [topics, topic, image, search, log]) {
    assert.equal(await p.page.evaluate(() => (globalThis as { __pwned?: number }).__pwned), undefined);
    assert.deepEqual(p.errors, [], p.page.url());
    await p.page.close();
  }
});

test('a label corrected by clicking changes what the next dataset run writes', { skip }, async () => {
  // An image of the demo's document-level dataset, and another class of it to move the image to.
  const ws = Workspace.open(demo.dir, { access: 'read' });
  let id: string;
  let kept: string[];
  try {
    const manifest = JSON.parse(readFileSync(ws.artifactPath('datasets', 'document.json'), 'utf8')) as LevelDatasetEntry[];
    kept = (JSON.parse(readFileSync(ws.artifactPath('datasets', 'document.dataset.json'), 'utf8')) as { classes: { keptLabels: string[] } }).classes.keptLabels;
    id = manifest[0]!.id;
  } finally {
    ws.close();
  }
  const { page, errors } = await open(`${base}/image?id=${encodeURIComponent(id)}&token=${TOKEN}`);
  await ready(page);
  await page.fill('#who', 'dr click');
  await page.dispatchEvent('#who', 'change');
  const row = page.locator('#labels tr[data-level="document"]');
  const options = await row.locator('select option').evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value));
  const choice = options.find((v) => kept.includes(v));
  assert.ok(choice, `a kept class among ${options.join(', ')}`);
  await row.locator('select').selectOption(choice);
  await row.locator('button').click();
  await page.waitForFunction(() => /saved: relabel/.test(String((globalThis as unknown as Dom).document.querySelector('#status')?.textContent)));
  await page.waitForSelector('#labels tr[data-level="document"] td:nth-child(4):not(:empty)');
  assert.deepEqual(errors, []);
  await page.close();

  const w = Workspace.open(demo.dir);
  try {
    const d = buildLevelDataset(w, { level: 'document', minTrain: 3, seed: 1 });
    assert.equal(d.review.applied, 1);
    const entries = JSON.parse(readFileSync(d.manifest, 'utf8')) as LevelDatasetEntry[];
    assert.equal(entries.find((e) => e.id === id)?.label, choice);
    const stored = w.db.prepare('SELECT who, action FROM review_actions').all();
    assert.deepEqual(stored, [{ who: 'dr click', action: 'relabel' }]);
  } finally {
    w.close();
  }
});

test('without the token the pages answer 401', { skip }, async () => {
  const page = await browser.newPage();
  for (const url of ['/', '/topic?level=document&label=0', '/review', '/app.js', '/api/topics']) {
    const r = await page.goto(`${base}${url}`);
    assert.equal(r?.status(), 401, url);
  }
  await page.close();
});
