/** Worker thread for ingest: processes batches of report texts (setupProcessor, process.ts). */
import { serveWorker } from '../util/serve-worker.js';
import { setupProcessor } from './process.js';

serveWorker(setupProcessor);
