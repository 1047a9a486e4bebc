/** Worker thread for ingest: processes batches of report texts (see process.ts). */
import { parentPort } from 'node:worker_threads';
import { processReport, type ProcessedReport } from './process.js';

export interface ProcessBatch {
  batchId: number;
  texts: string[];
}
export interface ProcessedBatch {
  batchId: number;
  results: ProcessedReport[];
}

parentPort?.on('message', (msg: ProcessBatch) => {
  const results = msg.texts.map((t) => processReport(t));
  const reply: ProcessedBatch = { batchId: msg.batchId, results };
  parentPort?.postMessage(reply);
});
