/**
 * `pacsmine pacs push DIR --url URL`: uploads every DICOM file under a folder with STOW-RS, in
 * batches (one multipart request each). Files that are not DICOM are skipped and counted.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { DicomwebClient, type DicomwebAuth } from './dicomweb.js';

export interface PushSummary {
  files: number;
  stored: number;
  failed: number;
  skipped: number;
  requests: number;
}

export interface PushOptions {
  /** Files per STOW-RS request. Default 50. */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

function listFiles(root: string): string[] {
  const out: string[] = [];
  const visit = (p: string): void => {
    for (const e of readdirSync(p, { withFileTypes: true })) {
      const full = path.join(p, e.name);
      if (e.isDirectory()) visit(full);
      else if (e.isFile()) out.push(full);
    }
  };
  if (statSync(root).isDirectory()) visit(root);
  else out.push(root);
  return out.sort();
}

const isPart10 = (b: Uint8Array): boolean => b.length > 132 && b[128] === 0x44 && b[129] === 0x49 && b[130] === 0x43 && b[131] === 0x4d;

/** Uploads a folder of DICOM files to a DICOMweb server. */
export async function pushToPacs(dir: string, url: string | DicomwebClient, auth?: DicomwebAuth, options: PushOptions = {}): Promise<PushSummary> {
  const client = typeof url === 'string' ? new DicomwebClient(url, auth) : url;
  const files = listFiles(path.resolve(dir));
  const batchSize = Math.max(1, options.batchSize ?? 50);
  const summary: PushSummary = { files: files.length, stored: 0, failed: 0, skipped: 0, requests: 0 };
  let batch: Uint8Array[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const r = await client.store(batch);
    summary.requests++;
    summary.stored += r.stored;
    summary.failed += r.failed;
    batch = [];
  };
  for (let i = 0; i < files.length; i++) {
    const bytes = new Uint8Array(readFileSync(files[i] as string));
    if (!isPart10(bytes) || path.basename(files[i] as string).toUpperCase() === 'DICOMDIR') summary.skipped++;
    else batch.push(bytes);
    if (batch.length >= batchSize) await flush();
    options.onProgress?.(i + 1, files.length);
  }
  await flush();
  return summary;
}
