/** Worker entry of the LDA sampler (src/topics/sampler-service.ts); nothing here to import. */
import { serveWorker } from '../util/serve-worker.js';
import { setupSampler } from './sampler-service.js';

serveWorker(setupSampler);
