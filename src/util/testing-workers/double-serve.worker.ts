/** TEST ONLY: an entry that serves twice, as happens when one worker entry imports another. */
import { serveWorker } from '../workers.js';

serveWorker(() => () => 'first');
serveWorker(() => () => 'second');
