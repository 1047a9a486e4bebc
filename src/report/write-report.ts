/**
 * `pacsmine report`: gathers the workspace's results (report-data.ts) and writes them as one
 * self-contained HTML file (render-html.ts), atomically (a temporary file renamed over the target).
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Workspace } from '../store/workspace.js';
import { gatherReportData, type GatherOptions, type ReportData } from './report-data.js';
import { renderReportHtml, type RenderOptions } from './render-html.js';

export interface WriteReportOptions extends GatherOptions, RenderOptions {
  /** The HTML file. Default: report.html in the workspace folder. */
  out?: string;
}

export interface WriteReportResult {
  file: string;
  bytes: number;
  seconds: number;
  data: ReportData;
}

/** The default place of the report: `report.html` beside workspace.db. */
export function defaultReportPath(ws: Workspace): string {
  return path.join(ws.dir, 'report.html');
}

export async function writeReport(ws: Workspace, options: WriteReportOptions = {}): Promise<WriteReportResult> {
  const start = performance.now();
  const data = gatherReportData(ws, options);
  const page = await renderReportHtml(data, ws.dir, options);
  const file = path.resolve(options.out ?? defaultReportPath(ws));
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, page);
  renameSync(tmp, file);
  return { file, bytes: Buffer.byteLength(page), seconds: (performance.now() - start) / 1000, data };
}
