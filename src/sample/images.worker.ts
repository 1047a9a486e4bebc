/**
 * Worker for `generateArchive`: renders and writes the DICOM files of every study whose index
 * is congruent to `workerIndex` modulo `numWorkers`. Plans depend only on (seed, index), so a
 * worker's files are the same whatever the number of workers.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { writeStudyImages, type Compression } from './write-images.js';
import type { PlanOptions } from './plan.js';

interface Job { plan: PlanOptions; dicomDir: string; studies: number; workerIndex: number; numWorkers: number; compression: Compression }

const job = workerData as Job;
let files = 0;
let keyObjects = 0;
for (let i = job.workerIndex; i < job.studies; i += job.numWorkers) {
  const written = writeStudyImages(i, job.plan, job.dicomDir, job.compression);
  files += written.files;
  keyObjects += written.keyObjects;
  parentPort?.postMessage({ type: 'study', files, keyObjects });
}
parentPort?.postMessage({ type: 'done', files, keyObjects });
