/**
 * A conversion job's work on the worker: one study's images, each through convertOneImage (the
 * function the in-process `images convert` uses, so the two paths give the same PNGs and rows).
 * An image that cannot be converted is a reject, as in process. An image whose conversion threw
 * (the PACS did not answer, the disk is full) makes the attempt throw, so BullMQ retries the study
 * with back-off; on the last attempt it becomes a `job-failed` reject with its reason instead, and
 * the study's other images are still committed. An attempt that throws first saves the outcomes
 * it has (`save`, into the job's progress in Redis), and the retry converts only the other images
 * (`previous`): a study fetched from a PACS is not fetched again. Redoing an image rewrites the
 * same PNG: harmless.
 */
import { convertOneImage, type ConvertOutcome } from '../images/convert-one.js';
import type { DicomwebClient } from '../pacs/dicomweb.js';
import { describeError } from '../util/errors.js';
import { STUDY_IMAGES_IN_FLIGHT, type ConvertJob, type ConvertJobResult } from './jobs.js';

export interface StudyAttempt {
  /** This attempt's number, from 1. */
  attempt: number;
  /** The job's attempts in all: on the last one, images that threw are rejects instead of a retry. */
  attempts: number;
  client?: DicomwebClient;
  /** Outcomes an earlier attempt saved (null: not done): those images are not converted again. */
  previous?: ReadonlyArray<ConvertOutcome | null>;
  /** Keeps this attempt's outcomes before it throws, for the retry. */
  save?: (outcomes: Array<ConvertOutcome | null>) => Promise<void>;
}

export async function convertStudy(job: ConvertJob, at: StudyAttempt): Promise<ConvertJobResult> {
  const outcomes: Array<ConvertOutcome | undefined> = job.images.map((_, i) => at.previous?.[i] ?? undefined);
  const thrown: Array<{ index: number; reason: string }> = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < job.images.length) {
      const index = next++;
      if (outcomes[index]) continue;
      const image = job.images[index]!;
      try {
        outcomes[index] = await convertOneImage(image, job.outDir, { ...job.options, ...(at.client ? { client: at.client } : {}) });
      } catch (error) {
        thrown.push({ index, reason: describeError(error) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(STUDY_IMAGES_IN_FLIGHT, job.images.length) }, lane));
  if (thrown.length && at.attempt < at.attempts) {
    await at.save?.(outcomes.map((o) => o ?? null));
    // The message goes to Redis and the logs: counts and a redacted reason, no patient text.
    throw new Error(`${thrown.length} of ${job.images.length} images of the study failed: ${thrown[0]!.reason}`);
  }
  for (const { index, reason } of thrown) {
    outcomes[index] = { ok: false, recordId: job.images[index]!.location, code: 'job-failed', reason: `failed after ${at.attempts} attempts: ${reason}` };
  }
  return { outcomes: outcomes as ConvertOutcome[] };
}
