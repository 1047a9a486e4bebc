/**
 * format 'auto': a folder is txt; otherwise the extension decides (.csv .tsv, .jsonl .ndjson,
 * .json, .hl7 .oru .er7, .txt), and the first bytes settle the rest: "MSH" is HL7, a JSON line
 * with "resourceType" is FHIR NDJSON, another JSON object is JSON Lines, anything else CSV.
 */
import { open } from 'node:fs/promises';
import path from 'node:path';
import type { ReportFormat } from './source.js';

export async function detectFormat(file: string, isDirectory: boolean): Promise<ReportFormat> {
  if (isDirectory) return 'txt';
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv' || ext === '.tsv') return 'csv';
  if (ext === '.hl7' || ext === '.oru' || ext === '.er7') return 'hl7';
  if (ext === '.json') return 'fhir';
  const head = await firstBytes(file, 64 * 1024);
  const start = head.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('MSH')) return 'hl7';
  if (ext === '.txt') return 'txt';
  if (start.startsWith('{')) {
    const firstLine = start.split('\n', 1)[0] ?? '';
    return /"resourceType"\s*:/.test(firstLine) ? 'fhir' : 'jsonl';
  }
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  return 'csv';
}

async function firstBytes(file: string, n: number): Promise<string> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }
}
