/**
 * Starts Debian's Orthanc (a real PACS) with a config of pacsmine's own: DICOMweb plugin only,
 * storage in a temporary folder, HTTP on a free port, a password required, remote access refused
 * and the DICOM port off (Orthanc 1.10 has no bind-address setting; see docs/pacs.md).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, openSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PacsmineError } from '../util/errors.js';

export const ORTHANC_BINARY = '/usr/sbin/Orthanc';
export const DICOMWEB_PLUGIN = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';

export interface OrthancOptions {
  binary?: string;
  plugin?: string;
  /** HTTP port; default a free one. */
  port?: number;
  /** Folder for the database and files; default a new temporary folder, removed on stop(). */
  storageDir?: string;
  startTimeoutMs?: number;
}

export interface OrthancServer {
  /** http://127.0.0.1:PORT */
  url: string;
  /** The DICOMweb root: http://127.0.0.1:PORT/dicom-web */
  dicomwebUrl: string;
  auth: { user: string; password: string };
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

/** A TCP port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The configuration file's content (exported for docs and tests). */
export function orthancConfig(o: { port: number; storageDir: string; plugin: string; user: string; password: string }): Record<string, unknown> {
  return {
    Name: 'pacsmine',
    StorageDirectory: path.join(o.storageDir, 'storage'),
    IndexDirectory: path.join(o.storageDir, 'storage'),
    Plugins: [o.plugin],
    HttpPort: o.port,
    RemoteAccessAllowed: false,
    AuthenticationEnabled: true,
    RegisteredUsers: { [o.user]: o.password },
    DicomServerEnabled: false,
    HttpTimeout: 60,
    StableAge: 1,
    DicomWeb: { Enable: true, Root: '/dicom-web/', EnableWado: false, StudiesMetadata: 'Full', SeriesMetadata: 'Full' },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Starts Orthanc and waits until its REST API answers. Always stop() it. */
export async function startOrthanc(options: OrthancOptions = {}): Promise<OrthancServer> {
  const binary = options.binary ?? ORTHANC_BINARY;
  const plugin = options.plugin ?? DICOMWEB_PLUGIN;
  if (!existsSync(binary)) throw new PacsmineError('NOT_FOUND', `Orthanc not found at ${binary}; install it with: apt-get install orthanc orthanc-dicomweb`);
  if (!existsSync(plugin)) throw new PacsmineError('NOT_FOUND', `Orthanc's DICOMweb plugin not found at ${plugin}; install it with: apt-get install orthanc-dicomweb`);
  const ownDir = options.storageDir === undefined;
  const dir = options.storageDir ?? mkdtempSync(path.join(os.tmpdir(), 'pacsmine-orthanc-'));
  const port = options.port ?? (await freePort());
  const user = 'pacsmine';
  const password = randomBytes(12).toString('hex');
  const configFile = path.join(dir, 'orthanc.json');
  writeFileSync(configFile, JSON.stringify(orthancConfig({ port, storageDir: dir, plugin, user, password }), null, 2));
  const logFile = path.join(dir, 'orthanc.log');
  const log = openSync(logFile, 'a');
  const child = spawn(binary, [configFile], { stdio: ['ignore', log, log], detached: false });
  closeSync(log);
  const url = `http://127.0.0.1:${port}`;
  const authHeader = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if (!(await waitExit(child, 15_000))) {
        child.kill('SIGKILL');
        await waitExit(child, 5_000);
      }
    }
    if (ownDir) rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + (options.startTimeoutMs ?? 20_000);
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new PacsmineError('NOT_FOUND', `Orthanc exited during start-up (code ${child.exitCode}); see its log`);
    }
    try {
      const res = await fetch(`${url}/system`, { headers: { authorization: authHeader } });
      if (res.ok) {
        await res.arrayBuffer();
        break;
      }
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await stop();
      throw new PacsmineError('NOT_FOUND', `Orthanc did not answer on ${url} within the start timeout`);
    }
    await sleep(100);
  }
  return { url, dicomwebUrl: `${url}/dicom-web`, auth: { user, password }, pid: child.pid ?? -1, logFile, stop };
}
