/** Worker thread for `generateArchive`: writes the DICOM files of the studies it is sent (setupImageWriter, write-images.ts). */
import { serveWorker } from '../util/serve-worker.js';
import { setupImageWriter } from './write-images.js';

serveWorker(setupImageWriter);
