/**
 * The job kinds on the queue and their keys. A job carries ids and paths (a SOP Instance UID, the
 * DICOM file's location, the shared output folder) and rendering options, never report text.
 * Its BullMQ jobId is a hash of what it does, so adding the same job twice (a retried
 * coordinator, a duplicated study) finds the first and changes nothing.
 */
import { createHash } from 'node:crypto';
import type { ConvertOutcome, ImageInput } from '../images/convert-one.js';

/** One queue per job kind, under this prefix in Redis. */
export const CONVERT_QUEUE = 'pacsmine-convert';
export const QUEUE_PREFIX = 'pacsmine';

export interface ConvertJobOptions {
  size?: number;
  window?: [number, number] | string;
  maxPixels?: number;
}

/** The payload of one conversion job. */
export interface ConvertJob {
  image: ImageInput;
  /** The output folder every worker shares (an absolute path, the same on every machine). */
  outDir: string;
  options: ConvertJobOptions;
}

export type ConvertJobResult = ConvertOutcome;

/** The job's id: a hash of the image's key (SOP Instance UID and location), the output folder and the options. */
export function convertJobId(job: ConvertJob): string {
  const key = JSON.stringify(['convert', job.image.sopInstanceUid, job.image.location, job.image.source, job.outDir, job.options.size ?? null, job.options.window ?? null, job.options.maxPixels ?? null]);
  return `convert-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}

/** Retries for a job whose attempt threw (a PACS that did not answer, a full disk): 4 tries, back-off 0.5 s, 1 s, 2 s. */
export const CONVERT_ATTEMPTS = 4;
export const CONVERT_BACKOFF_MS = 500;
