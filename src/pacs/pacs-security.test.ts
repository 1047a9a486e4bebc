/**
 * The PACS verbs under hostile or wrong input, against a real Orthanc: refused credentials stop a
 * run (and keep what it committed), and credentials given in --url never reach output or the
 * workspace.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { needsExecutable, repoRoot, requirement } from '../../testing/requirements.js';
import { Workspace } from '../store/workspace.js';
import { generateArchive, type GenerateSummary } from '../sample/generate.js';
import { ingestReports } from '../reports/ingest.js';
import { listRejects } from '../store/rejects.js';
import { AuthError } from '../util/errors.js';
import { DicomwebClient } from './dicomweb.js';
import { DICOMWEB_PLUGIN, ORTHANC_BINARY, freePort, startOrthanc, type OrthancServer } from './orthanc.js';
import { pushToPacs } from './push.js';
import { linkKeyImagesViaDicomweb } from './link.js';

const skip = needsExecutable(ORTHANC_BINARY, 'apt-get install orthanc orthanc-dicomweb') ??
  requirement(existsSync(DICOMWEB_PLUGIN), `${DICOMWEB_PLUGIN} (apt-get install orthanc-dicomweb)`);

const cli = path.join(repoRoot, 'dist', 'src', 'cli', 'main.js');
/** Runs the real CLI with only the PACS variables given here (none inherited). */
function run(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const base = { ...process.env };
  delete base['PACSMINE_PACS_USER'];
  delete base['PACSMINE_PACS_PASSWORD'];
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...base, ...env } });
}

let dir = '';
let pacs: OrthancServer | undefined;
let archive: GenerateSummary | undefined;

/** A new workspace holding the archive's reports (key images, no links yet). */
async function reportsWorkspace(name: string): Promise<Workspace> {
  const ws = Workspace.open(path.join(dir, name));
  await ingestReports(ws, archive?.reportsJsonl as string, { format: 'jsonl', idColumn: 'report_id', textColumns: ['text'], accessionColumn: 'accession', patientColumn: 'patient_id', modalityColumn: 'modality', dateColumn: 'exam_date', workers: 0 });
  return ws;
}

const count = (ws: Workspace, sql: string): number => ws.db.prepare(sql).pluck().get() as number;

before(async () => {
  if (skip) return;
  dir = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-pacs-sec-'));
  pacs = await startOrthanc();
  archive = await generateArchive({ outDir: path.join(dir, 'archive'), studies: 6, seed: 5, size: 32, slices: 4 });
  const pushed = await pushToPacs(archive.dicomDir, new DicomwebClient(pacs.dicomwebUrl, pacs.auth));
  assert.equal(pushed.stored, archive.files + archive.keyObjects);
});

after(async () => {
  await pacs?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('pacs link with a wrong or missing password stops with a clear message and a non-zero exit, and keeps the links and rejects it had', { skip, timeout: 120_000 }, async () => {
  const server = pacs as OrthancServer;
  (await reportsWorkspace('ws-auth')).close();
  const wsDir = path.join(dir, 'ws-auth');
  const good = run(['pacs', 'link', '--url', server.dicomwebUrl, '--user', server.auth.user, '--workspace', wsDir, '--json'], { PACSMINE_PACS_PASSWORD: server.auth.password });
  assert.equal(good.status, 0, good.stderr);
  const before = (ws: Workspace): [number, number] => [count(ws, 'SELECT COUNT(*) FROM links'), count(ws, "SELECT COUNT(*) FROM rejects WHERE stage = 'pacs-link'")];
  let was: [number, number];
  const ws0 = Workspace.open(wsDir);
  try {
    was = before(ws0);
  } finally {
    ws0.close();
  }
  assert.ok(was[0] > 0);
  const cases: Array<{ what: string; args: string[]; env: Record<string, string>; says: RegExp }> = [
    { what: 'wrong password', args: ['--user', server.auth.user], env: { PACSMINE_PACS_PASSWORD: 'not-the-password' }, says: /refused the credentials \(DICOMweb GET \/studies answered 401/ },
    { what: 'user without a password', args: ['--user', server.auth.user], env: {}, says: /refused the credentials .*401/ },
    { what: 'no credentials at all', args: [], env: {}, says: /refused a request without credentials .*401/ },
  ];
  for (const c of cases) {
    const r = run(['pacs', 'link', '--url', server.dicomwebUrl, ...c.args, '--workspace', wsDir, '--json'], c.env);
    assert.notEqual(r.status, 0, c.what);
    assert.match(r.stderr, c.says, c.what);
    assert.match(r.stderr, /--user and \$PACSMINE_PACS_PASSWORD/, c.what);
    assert.equal(r.stdout, '', `${c.what}: no summary printed`);
    const ws = Workspace.open(wsDir);
    try {
      assert.deepEqual(before(ws), was, `${c.what}: links and rejects as they were`);
      assert.equal(count(ws, "SELECT COUNT(*) FROM rejects WHERE code = 'pacs-error'"), 0, c.what);
    } finally {
      ws.close();
    }
  }
});

test('credentials refused in the middle of pacs link: AuthError, and the references committed before it keep their links', { skip, timeout: 120_000 }, async () => {
  const server = pacs as OrthancServer;
  // A real PACS behind a proxy that starts refusing the session after `allow` requests.
  let allow = Infinity;
  let seen = 0;
  // While the full run goes: how many links it had made when each request came (so the refusal can fall between two).
  let watch: Workspace | undefined;
  const linksAt: number[] = [];
  const proxy: Server = createServer((req, res) => {
    void (async () => {
      if (watch) linksAt[seen] = count(watch, 'SELECT COUNT(*) FROM links');
      if (++seen > allow) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="pacs"' }).end();
        return;
      }
      const upstream = await fetch(`${server.url}${req.url ?? ''}`, { headers: { authorization: req.headers.authorization ?? '', accept: req.headers.accept ?? '*/*' } });
      const body = Buffer.from(await upstream.arrayBuffer());
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream' }).end(body);
    })();
  });
  const port = await freePort();
  await new Promise<void>((resolve) => proxy.listen(port, '127.0.0.1', resolve));
  const client = new DicomwebClient(`http://127.0.0.1:${port}/dicom-web`, server.auth);
  const full = await reportsWorkspace('ws-full');
  const ws = await reportsWorkspace('ws-mid');
  try {
    // The references alone (the key object documents come after them). The refusal falls at the
    // first request made once some, not all, of the links were committed.
    watch = full;
    const all = await linkKeyImagesViaDicomweb(full, client, { keyObjects: false });
    watch = undefined;
    assert.ok(all.linked > 2 && all.queries > 4);
    allow = linksAt.findIndex((n) => n > 0);
    assert.ok(allow > 0 && (linksAt[allow] as number) < all.linked, `links before each request: ${linksAt.join(',')}`);
    seen = 0;
    await assert.rejects(linkKeyImagesViaDicomweb(ws, client), (e: unknown) => e instanceof AuthError && /refused the credentials/.test(e.message) && !e.message.includes(server.auth.password));
    const kept = count(ws, 'SELECT COUNT(*) FROM links');
    assert.ok(kept > 0 && kept < all.linked, `${kept} of ${all.linked} links kept`);
    // What was kept is right: each link is one the full run made too.
    const fullLinks = new Set((full.db.prepare('SELECT key_image_id || \':\' || sop_instance_uid FROM links').pluck().all() as string[]));
    for (const l of ws.db.prepare('SELECT key_image_id || \':\' || sop_instance_uid FROM links').pluck().all() as string[]) assert.ok(fullLinks.has(l));
    assert.equal(listRejects(ws, 'pacs-link').filter((r) => r.code === 'pacs-error').length, 0, 'no reference rejected for the refusal');
    assert.equal(ws.stageRecord('pacs-link'), undefined, 'a stopped run is not recorded as finished');
  } finally {
    full.close();
    ws.close();
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
  }
});

/** Every byte of a workspace's database files, as text (what a leak would be found in). */
function databaseText(wsDir: string): string {
  return ['workspace.db', 'workspace.db-wal'].map((f) => path.join(wsDir, f)).filter(existsSync).map((f) => readFileSync(f).toString('latin1')).join('\n');
}

test('a password or token in --url never appears in the output of pacs push / pacs link / images convert, nor in the workspace', { skip, timeout: 120_000 }, async () => {
  const server = pacs as OrthancServer;
  // Port 1 (fetch will not use it) and a port nobody listens on: the run stops, and says where without the credentials.
  const secretUrl = 'http://user:s3cretPW@127.0.0.1:1/dicom-web';
  const push = run(['pacs', 'push', archive?.dicomDir as string, '--url', secretUrl, '--json']);
  assert.notEqual(push.status, 0);
  assert.match(push.stderr, /cannot reach the PACS at http:\/\/127\.0\.0\.1:1\/dicom-web \(bad port\)/);
  const closed = await freePort();
  const tokenPush = run(['pacs', 'push', archive?.dicomDir as string, '--url', `http://127.0.0.1:${closed}/dicom-web?access_token=s3cretTOKEN`]);
  assert.notEqual(tokenPush.status, 0);
  assert.match(tokenPush.stderr, new RegExp(`cannot reach the PACS at http://127\\.0\\.0\\.1:${closed}/dicom-web\\?access_token=\\*\\*\\* \\(ECONNREFUSED\\)`));
  (await reportsWorkspace('ws-leak')).close();
  const wsDir = path.join(dir, 'ws-leak');
  const link = run(['pacs', 'link', '--url', secretUrl, '--workspace', wsDir, '--json']);
  assert.notEqual(link.status, 0);
  const link2 = run(['pacs', 'link', '--url', `http://user:s3cretPW@127.0.0.1:${closed}/dicom-web`, '--workspace', wsDir, '--json']);
  assert.notEqual(link2.status, 0);
  assert.match(link2.stderr, /cannot reach the PACS at http:\/\/127\.0\.0\.1:\d+\/dicom-web \(ECONNREFUSED\)/);
  for (const r of [push, tokenPush, link, link2]) {
    for (const secret of ['s3cretPW', 's3cretTOKEN']) assert.ok(!`${r.stdout}${r.stderr}`.includes(secret), `${secret} in ${r.stdout}${r.stderr}`);
  }
  // A real PACS with the password in the URL: it is used, warned about, and stored nowhere.
  const withPassword = `http://${server.auth.user}:${server.auth.password}@127.0.0.1:${new URL(server.url).port}/dicom-web`;
  const ok = run(['pacs', 'link', '--url', withPassword, '--workspace', wsDir, '--json']);
  assert.equal(ok.status, 0, ok.stderr);
  assert.ok((JSON.parse(ok.stdout) as { linked: number }).linked > 0);
  assert.match(ok.stderr, /warning: --url carries credentials \(http:\/\/\*\*\*@127\.0\.0\.1/);
  const convert = run(['images', 'convert', '--url', withPassword, '--workspace', wsDir, '--json', '--size', '32']);
  assert.equal(convert.status, 0, convert.stderr);
  assert.ok((JSON.parse(convert.stdout) as { converted: number }).converted > 0);
  for (const r of [ok, convert]) assert.ok(!`${r.stdout}${r.stderr}`.includes(server.auth.password));
  const ws = Workspace.open(wsDir);
  try {
    const params = ws.db.prepare("SELECT params FROM stages WHERE stage = 'pacs-link'").pluck().get() as string;
    assert.equal(JSON.parse(params).url, server.dicomwebUrl, 'the stage records the URL without credentials');
    assert.ok((ws.db.prepare("SELECT location FROM images WHERE source = 'dicomweb'").pluck().all() as string[]).every((l) => l.startsWith(`${server.dicomwebUrl}/studies/`)));
  } finally {
    ws.close();
  }
  const db = databaseText(wsDir);
  for (const secret of ['s3cretPW', server.auth.password]) assert.ok(!db.includes(secret), 'the workspace database holds no password');
});
