/** Entry of a gradient worker (parallel.ts); its setup lives in grad-service.ts. */
import { serveWorker } from '../util/serve-worker.js';
import { setupGradients } from './grad-service.js';

serveWorker(setupGradients);
