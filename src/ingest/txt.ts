/**
 * A folder of .txt reports, read recursively in sorted order (so runs are repeatable); one file
 * is one report, recordId = its path under the folder without the extension ("2019/ct/123").
 * Files that do not end in .txt and names starting with "." are not reports and are passed over.
 * A single .txt file given directly is one report, named by its base name.
 */
import { isUtf8 } from 'node:buffer';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { finishRecord, reject } from './record.js';
import type { ResolvedSourceOptions, SourceItem } from './source.js';

type Resolved = ResolvedSourceOptions;

export async function* readTxtFiles(root: string, options: Resolved): AsyncGenerator<SourceItem> {
  const info = await stat(root);
  if (!info.isDirectory()) {
    yield await readOne(root, path.basename(root), options.maxReportBytes);
    return;
  }
  for await (const rel of walk(root, '')) {
    yield await readOne(path.join(root, rel), rel, options.maxReportBytes);
  }
}

/** Relative paths ('/'-separated) of the .txt files under dir, depth first, names sorted. */
async function* walk(root: string, rel: string): AsyncGenerator<string> {
  const entries = await readdir(path.join(root, rel), { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const child = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) yield* walk(root, child);
    else if (e.isFile() && e.name.toLowerCase().endsWith('.txt')) yield child;
  }
}

async function readOne(file: string, rel: string, maxReportBytes: number): Promise<SourceItem> {
  const recordId = rel.replace(/\.txt$/i, '');
  const location = rel;
  const size = (await stat(file)).size;
  if (size > maxReportBytes) {
    return reject(recordId, location, 'TOO_LARGE', `file is ${size} bytes, over the limit of ${maxReportBytes} (maxReportBytes)`);
  }
  const bytes = await readFile(file);
  if (!isUtf8(bytes)) return reject(recordId, location, 'BAD_UTF8', 'file is not valid UTF-8');
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '').trim();
  return finishRecord({ recordId, text, location }, maxReportBytes, 'file');
}
