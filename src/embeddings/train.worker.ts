/** Entry file of a Hogwild word2vec worker: serves trainer-service.ts (import that, never this). */
import { serveWorker } from '../util/serve-worker.js';
import { setupTrainer } from './trainer-service.js';

serveWorker(setupTrainer);
