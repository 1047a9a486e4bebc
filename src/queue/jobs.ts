/**
 * The job kinds on the queue and their keys. A conversion job is one study: its images as
 * (SOP Instance UID, location) pairs, the shared output folder and rendering options, never report
 * text. Its BullMQ jobId is a hash of what it does, so adding the same job twice (a retried
 * coordinator, a duplicated study) finds the first and changes nothing; inside the workspace each
 * image's row and reject are keyed by its SOP Instance UID / location, so committing a study twice
 * writes the same rows again.
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

/** The payload of one conversion job: one study's images. */
export interface ConvertJob {
  /** The study's key: its Study Instance UID, or `image:<SOP UID>` for an image indexed without one. */
  study: string;
  /** The study's images, sorted by SOP Instance UID, each once. */
  images: ImageInput[];
  /** The output folder every worker shares (an absolute path, the same on every machine). */
  outDir: string;
  options: ConvertJobOptions;
}

/** One outcome per image of the job, in the job's order: the row, or the reject with its reason. */
export interface ConvertJobResult {
  outcomes: ConvertOutcome[];
}

/** The job's id: a hash of the study, its images' keys (SOP Instance UID and location), the output folder and the options. */
export function convertJobId(job: ConvertJob): string {
  const images = job.images.map((i) => [i.sopInstanceUid, i.location, i.source]);
  const key = JSON.stringify(['convert-study', job.study, images, job.outDir, job.options.size ?? null, job.options.window ?? null, job.options.maxPixels ?? null]);
  return `convert-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}

/** Groups images into study jobs' image lists (by study key, then SOP Instance UID); a UID listed twice goes into the first study that lists it, once. */
export function groupByStudy(images: ReadonlyArray<ImageInput & { studyUid?: string | null }>): Array<{ study: string; images: ImageInput[] }> {
  const studies = new Map<string, Map<string, ImageInput>>();
  const seen = new Set<string>();
  for (const { studyUid, ...image } of images) {
    if (seen.has(image.sopInstanceUid)) continue;
    seen.add(image.sopInstanceUid);
    const study = studyUid ? studyUid : `image:${image.sopInstanceUid}`;
    let group = studies.get(study);
    if (!group) studies.set(study, (group = new Map()));
    group.set(image.sopInstanceUid, image);
  }
  const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return [...studies.keys()].sort(byKey).map((study) => ({
    study,
    images: [...(studies.get(study) as Map<string, ImageInput>).values()].sort((a, b) => byKey(a.sopInstanceUid, b.sopInstanceUid)),
  }));
}

/** Retries for a job whose attempt threw (a PACS that did not answer, a full disk): 4 tries, back-off 0.5 s, 1 s, 2 s. */
export const CONVERT_ATTEMPTS = 4;
export const CONVERT_BACKOFF_MS = 500;
/** Images of one study job converted at once (sharp overlaps a few calls well; the worker runs several jobs too). */
export const STUDY_IMAGES_IN_FLIGHT = 4;
