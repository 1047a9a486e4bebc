import type { Command } from 'commander';
import { DicomwebClient, linkKeyImagesViaDicomweb, pushToPacs, startOrthanc, type DicomwebAuth } from '../../index.js';
import { inWorkspace, printResult, type WorkspaceFlags } from '../output.js';
import { integerFlag } from '../numbers.js';
import { waitOption, workspaceOption } from '../flags.js';

/** Credentials from --user and $PACSMINE_PACS_PASSWORD (never a password on the command line). */
export function pacsAuth(user?: string): DicomwebAuth | undefined {
  const u = user ?? process.env['PACSMINE_PACS_USER'];
  if (!u) return undefined;
  return { user: u, password: process.env['PACSMINE_PACS_PASSWORD'] ?? '' };
}

/**
 * The DICOMweb client for --url. Credentials in the URL are used (as curl would) but moved out of
 * it, so no message or record repeats them; a warning says that a command line is visible to
 * every user of the machine (ps), unlike $PACSMINE_PACS_PASSWORD.
 */
export function pacsClient(url: string, user?: string): DicomwebClient {
  const client = new DicomwebClient(url, pacsAuth(user));
  if (client.credentialsInUrl !== undefined) {
    process.stderr.write(`pacsmine: warning: --url carries credentials (${client.credentialsInUrl}); other users can read a command line: prefer --user and $PACSMINE_PACS_PASSWORD\n`);
  }
  return client;
}

export function registerPacs(program: Command): void {
  const pacs = program.command('pacs').description('a PACS over DICOMweb: push an archive, resolve key images, run a local Orthanc');
  pacs
    .command('push')
    .description('upload every DICOM file under a folder with STOW-RS')
    .argument('<dir>', 'folder of DICOM files')
    .requiredOption('--url <dicomweb>', 'DICOMweb root, e.g. http://127.0.0.1:8042/dicom-web')
    .option('--user <user>', 'user (password from $PACSMINE_PACS_PASSWORD)')
    .option('--batch <n>', 'files per request', integerFlag('batch', { min: 1, max: 100_000 }), 50)
    .option('--json', 'print JSON')
    .action(async (dir: string, opts: { url: string; user?: string; batch: number; json?: boolean }) => {
      const summary = await pushToPacs(dir, pacsClient(opts.url, opts.user), undefined, { batchSize: opts.batch });
      printResult(summary, opts.json, (s) => `stored ${s.stored} of ${s.files} files in ${s.requests} requests (${s.failed} failed, ${s.skipped} not DICOM)`);
    });
  pacs
    .command('link')
    .description("resolve the workspace's key-image references on the PACS (QIDO-RS) into the image and links tables, " +
      'and read the key object selection documents of the reports\' accessions (their images link to reports without references)')
    .requiredOption('--url <dicomweb>', 'DICOMweb root')
    .option('--user <user>', 'user (password from $PACSMINE_PACS_PASSWORD)')
    .option('--no-key-objects', 'do not read key object selection documents')
    .addOption(workspaceOption())
    .addOption(waitOption())
    .option('--json', 'print JSON')
    .action(async (opts: WorkspaceFlags & { url: string; user?: string; keyObjects: boolean; json?: boolean }) => {
      const client = pacsClient(opts.url, opts.user);
      const summary = await inWorkspace('pacs link', opts, 'update', (ws) => linkKeyImagesViaDicomweb(ws, client, { keyObjects: opts.keyObjects }));
      printResult(summary, opts.json, (s) => `linked ${s.linked} of ${s.keyImages} key images with ${s.queries} queries; ${s.unresolved} unresolved (see the rejects table); ` +
        `${s.keyObjects} key object selection documents flag ${s.flaggedKeyImages} images, ${s.byKeyObject} linked to reports without references`);
    });
  pacs
    .command('orthanc')
    .description('run a local Orthanc (temporary storage, a random password) until interrupted; prints its URL and credentials. ' +
      'Orthanc 1.10 cannot bind one address: it listens on every IPv4 interface but refuses HTTP requests that do not come from 127.0.0.1 (RemoteAccessAllowed false); its DICOM port is off')
    .option('--port <n>', 'HTTP port (default: a free one)', integerFlag('port', { min: 1, max: 65535 }))
    .action(async (opts: { port?: number }) => {
      const server = await startOrthanc(opts.port !== undefined ? { port: opts.port } : {});
      process.stdout.write(`${JSON.stringify({ dicomweb: server.dicomwebUrl, user: server.auth.user, password: server.auth.password, pid: server.pid })}\n`);
      const stop = (): void => { void server.stop().then(() => process.exit(0)); };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await new Promise(() => undefined);
    });
}
