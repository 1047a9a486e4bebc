/**
 * What the Orthanc that pacsmine launches exposes. Orthanc 1.10 has no bind-address setting and
 * listens on every IPv4 interface; `RemoteAccessAllowed: false` makes it refuse every HTTP request
 * whose source address is not 127.0.0.1. A request to one of this machine's other addresses comes
 * from that address (not from loopback), exactly as a request from another host would, so it shows
 * what another host gets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { needsExecutable, repoRoot, requirement } from '../../testing/requirements.js';
import { DICOMWEB_PLUGIN, ORTHANC_BINARY, orthancConfig, startOrthanc } from './orthanc.js';

const skip = needsExecutable(ORTHANC_BINARY, 'apt-get install orthanc orthanc-dicomweb') ??
  requirement(existsSync(DICOMWEB_PLUGIN), `${DICOMWEB_PLUGIN} (apt-get install orthanc-dicomweb)`);

/** This machine's addresses other than loopback (link-local IPv6 left out: it needs a zone). */
const otherAddresses = Object.values(os.networkInterfaces()).flat()
  .filter((a): a is os.NetworkInterfaceInfo => a !== undefined && !a.internal && !(a.family === 'IPv6' && a.address.startsWith('fe80')))
  .map((a) => (a.family === 'IPv6' ? `[${a.address}]` : a.address));
const noOtherAddress = skip ?? requirement(otherAddresses.length > 0, 'a network interface with a non-loopback address (to send requests from)');

test('the launcher\'s config: remote access refused, authentication on, the DICOM port off', () => {
  const c = orthancConfig({ port: 8042, storageDir: '/tmp/x', plugin: DICOMWEB_PLUGIN, user: 'u', password: 'p' });
  assert.equal(c['RemoteAccessAllowed'], false);
  assert.equal(c['AuthenticationEnabled'], true);
  assert.equal(c['DicomServerEnabled'], false);
  assert.deepEqual(c['RegisteredUsers'], { u: 'p' });
});

test('the launched Orthanc answers 127.0.0.1 but refuses, even with the right password, every request to this machine\'s other addresses', { skip: noOtherAddress, timeout: 60_000 }, async () => {
  const server = await startOrthanc();
  try {
    const port = new URL(server.url).port;
    const authorization = `Basic ${Buffer.from(`${server.auth.user}:${server.auth.password}`).toString('base64')}`;
    const loopback = await fetch(`http://127.0.0.1:${port}/system`, { headers: { authorization } });
    assert.equal(loopback.status, 200);
    await loopback.arrayBuffer();
    for (const address of otherAddresses) {
      let outcome: string;
      try {
        const res = await fetch(`http://${address}:${port}/dicom-web/studies`, { headers: { authorization } });
        await res.arrayBuffer();
        outcome = `HTTP ${res.status}`;
      } catch (error) {
        outcome = String((error as { cause?: { code?: string } }).cause?.code);
      }
      // Orthanc answers 401 to a refused remote; IPv6 addresses are not listened on at all.
      assert.ok(['HTTP 401', 'HTTP 403', 'ECONNREFUSED'].includes(outcome), `${address}: ${outcome}`);
    }
  } finally {
    await server.stop();
  }
});

test('ss: the launched Orthanc listens on its HTTP port only (no DICOM port)', { skip: skip ?? requirement(existsSync('/usr/bin/ss') || existsSync('/bin/ss'), 'ss (apt-get install iproute2)'), timeout: 60_000 }, async () => {
  const server = await startOrthanc();
  try {
    const ss = spawnSync('ss', ['-ltnpH'], { encoding: 'utf8' });
    assert.equal(ss.status, 0, ss.stderr);
    const mine = ss.stdout.split('\n').filter((l) => l.includes(`pid=${server.pid},`));
    const ports = new Set(mine.map((l) => /:(\d+)\s/.exec(l.split(/\s+/).slice(3, 4).join(' ') + ' ')?.[1]));
    assert.deepEqual(ports, new Set([new URL(server.url).port]), mine.join('\n'));
  } finally {
    await server.stop();
  }
});

test('`pacs orthanc --help` says that Orthanc listens on every interface and refuses requests not from 127.0.0.1', () => {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'src', 'cli', 'main.js'), 'pacs', 'orthanc', '--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const text = r.stdout.replace(/\s+/g, ' ');
  assert.match(text, /listens on every IPv4 interface but refuses HTTP requests that do not come from 127\.0\.0\.1/);
  assert.match(text, /DICOM port is off/);
});
