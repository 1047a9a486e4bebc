/**
 * The review app over HTTP (fastify's inject: no socket): /health alone answers without the
 * token; every other route, unknown ones included, answers 401 without it; ../ paths and unknown
 * ids answer 404; pixels come from the workspace table only; only de-identified text is served;
 * a review action stored through the API changes what the next dataset run writes.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import http from 'node:http';
import type { FastifyInstance } from 'fastify';
import { Workspace } from '../store/workspace.js';
import { writeFixture, type FixtureImage } from '../../testing/dataset-fixture.js';
import { buildLevelDataset, type LevelDatasetEntry } from '../datasets/level.js';
import { createReviewServer } from './server.js';
import { resolveToken, tokenMatches, requestToken } from './auth.js';

const TOKEN = 'test-token-0123456789abcdef';
const RAW = 'ZZRAW-Jane-Doe-MRN-424242';
let dir: string;
let images: FixtureImage[];
let app: FastifyInstance;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'pacsmine-serve-'));
  const ws = Workspace.open(path.join(dir, 'ws'));
  try {
    images = await writeFixture(ws, { cases: 12, topics: 3 });
    // The original text of a report (identifying) and a de-identified sentence that holds markup.
    ws.db.prepare('INSERT INTO reports_raw (report_id, raw_text) VALUES (?, ?)').run(images[0]!.reportId, `Patient ${RAW} seen.`);
    ws.db.prepare("UPDATE refs SET sentence = 'Lesion <script>window.pwned=1</script> on image 3.', text = 'image 3' WHERE report_id = ?").run(images[0]!.reportId);
  } finally {
    ws.close();
  }
  app = await createReviewServer({ workspace: path.join(dir, 'ws'), token: TOKEN, reviewer: 'default reviewer' });
});
after(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

const auth = { authorization: `Bearer ${TOKEN}` };

test('GET /health answers 200 without a token and says nothing else', async () => {
  for (const url of ['/health', '/health?x=1']) {
    const r = await app.inject({ method: 'GET', url });
    assert.equal(r.statusCode, 200);
    assert.deepEqual(r.json(), { status: 'ok' });
    assert.equal(r.headers['server'], undefined);
  }
  assert.equal((await app.inject({ method: 'POST', url: '/health' })).statusCode, 401);
});

test('without the right token every route answers 401, unknown ones included', async () => {
  const sop = images[0]!.sop;
  const urls = ['/', '/topic?level=document&label=0', `/image?id=${sop}`, '/search', '/review', '/app.js', '/style.css', '/api/topics',
    '/api/topic?level=document&label=0', `/api/image?id=${sop}`, `/pixels/${sop}`, `/thumbs/${sop}`, '/api/review', '/api/search?q=x', '/nope', '/pixels/..%2Fworkspace.db'];
  for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: `Bearer ${TOKEN}x` }, { authorization: `Basic ${TOKEN}` }]) {
    for (const url of urls) assert.equal((await app.inject({ method: 'GET', url, headers })).statusCode, 401, `${url} ${JSON.stringify(headers)}`);
    assert.equal((await app.inject({ method: 'POST', url: '/api/review', headers, payload: { action: 'reject', level: 'document', target: '0' } })).statusCode, 401);
  }
  assert.equal((await app.inject({ method: 'GET', url: '/api/topics?token=wrong' })).statusCode, 401);
  // The right token, either way it may come.
  assert.equal((await app.inject({ method: 'GET', url: '/api/topics', headers: auth })).statusCode, 200);
  assert.equal((await app.inject({ method: 'GET', url: `/api/topics?token=${TOKEN}` })).statusCode, 200);
  assert.ok(tokenMatches(TOKEN, TOKEN) && !tokenMatches('', TOKEN) && !tokenMatches(undefined, TOKEN));
  assert.equal(requestToken('bearer abc', '/x?token=def'), 'abc');
  assert.equal(requestToken(undefined, '/x?token=def'), 'def');
  assert.equal(resolveToken({ PACSMINE_TOKEN: 'from-the-environment-1234' }).token, 'from-the-environment-1234');
  assert.notEqual(resolveToken({}).token, resolveToken({}).token);
  assert.throws(() => resolveToken({ PACSMINE_TOKEN: 'short' }), /at least 16/);
});

test('../ paths and unknown ids answer 404; pixels are the workspace\'s own file', async () => {
  for (const url of ['/pixels/..%2F..%2Fworkspace.db', '/pixels/%2e%2e%2fworkspace.db', '/thumbs/..%2Fworkspace.db',
    '/pixels/1.2.3.999', '/api/image?id=..%2F..%2Fetc%2Fpasswd', '/api/image?id=1.2.3.999', '/api/topic?level=document&label=999',
    '/api/topic?level=ward&label=0', '/api/topics?level=ward', '/workspace.db', '/artifacts/fixture-png/0-0.png', '/nope']) {
    const r = await app.inject({ method: 'GET', url, headers: auth });
    assert.equal(r.statusCode, 404, url);
    assert.doesNotMatch(r.body, /SQLite|PNG/);
  }
  // Over a socket, paths as sent (inject and browsers normalise ../ away before the server sees it).
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  for (const raw of ['/pixels/../workspace.db', '/pixels/..', '/thumbs/%2e%2e', '/pixels/../../../../etc/passwd', '/../workspace.db']) {
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: raw, headers: auth }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 404, raw);
  }
  const im = images[0]!;
  const png = await app.inject({ method: 'GET', url: `/pixels/${im.sop}`, headers: auth });
  assert.equal(png.statusCode, 200);
  assert.equal(png.headers['content-type'], 'image/png');
  assert.deepEqual(png.rawPayload, readFileSync(im.path));
  const thumb = await app.inject({ method: 'GET', url: `/thumbs/${im.sop}?token=${TOKEN}` });
  assert.equal(thumb.headers['content-type'], 'image/jpeg');
});

test('only de-identified text is served, and pages carry no data (the script adds it as text)', async () => {
  const bodies: string[] = [];
  const get = async (url: string) => {
    const r = await app.inject({ method: 'GET', url, headers: auth });
    assert.equal(r.statusCode, 200, url);
    bodies.push(r.body);
    return r;
  };
  for (const level of ['document', 'second', 'sentence']) {
    const topics = (await get(`/api/topics?level=${level}`)).json() as Array<{ label: string }>;
    assert.ok(topics.length > 0);
    for (const t of topics) await get(`/api/topic?level=${level}&label=${encodeURIComponent(t.label)}`);
  }
  for (const im of images) await get(`/api/image?id=${encodeURIComponent(im.sop)}`);
  const page = await get(`/image?id=${encodeURIComponent('<script>x</script>')}`);
  assert.doesNotMatch(page.body, /<script>x/);
  assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
  for (const b of bodies) assert.ok(!b.includes(RAW), 'reports_raw never served');
  const one = (await get(`/api/image?id=${images[0]!.sop}`)).json() as { sentence: string; highlight: [number, number]; labels: unknown[]; study: string[] };
  assert.equal(one.sentence.slice(...one.highlight), 'image 3');
  assert.equal(one.labels.length, 3);
  assert.deepEqual(one.study, images.filter((i) => i.reportId === images[0]!.reportId && i.sop !== images[0]!.sop).map((i) => i.sop).sort());
});

test('a review action stored through the API changes what the next dataset run writes', async () => {
  const target = images.find((i) => i.document !== '0')!;
  const bad = await app.inject({ method: 'POST', url: '/api/review', headers: auth, payload: { action: 'relabel', level: 'document', target: target.sop, value: '99' } });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json().error, /right label must be a document-level topic/);
  const ok = await app.inject({ method: 'POST', url: '/api/review', headers: auth, payload: { action: 'relabel', level: 'document', target: target.sop, value: '0' } });
  assert.equal(ok.statusCode, 201, ok.body);
  assert.equal(ok.json().who, 'default reviewer');
  const log = (await app.inject({ method: 'GET', url: '/api/review', headers: auth })).json() as Array<{ target: string; at: string }>;
  assert.equal(log.at(-1)?.target, target.sop);
  const shown = (await app.inject({ method: 'GET', url: `/api/image?id=${target.sop}`, headers: auth })).json() as { labels: Array<{ level: string; reviewed: string | null }> };
  assert.equal(shown.labels.find((l) => l.level === 'document')?.reviewed, '0');

  const ws = Workspace.open(path.join(dir, 'ws'));
  try {
    const d = buildLevelDataset(ws, { level: 'document', minTrain: 1 });
    assert.equal(d.review.applied, 1);
    const entries = JSON.parse(readFileSync(d.manifest, 'utf8')) as LevelDatasetEntry[];
    assert.equal(entries.find((e) => e.id === target.sop)?.label, '0');
  } finally {
    ws.close();
  }
});
