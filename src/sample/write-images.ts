/** Writes one planned study's DICOM files (used in-process and by the generator's workers). */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { encodeRle } from '../images/rle.js';
import { SOP_CLASS, imageDataset, instanceUid, writePart10 } from './dicom.js';
import { keyObjectDataset } from './key-object.js';
import { renderImage } from './phantom.js';
import { planStudy, type PlanOptions, type StudyPlan } from './plan.js';
import { writeReport } from './report.js';

/** Relative path of one image inside the archive's dicom/ folder. */
export function imagePath(plan: StudyPlan, seriesNumber: number, instance: number): string {
  return path.join(plan.patientId, plan.accession, `S${String(seriesNumber).padStart(4, '0')}`, `I${String(instance).padStart(4, '0')}.dcm`);
}

/** Relative path of a study's Key Object Selection document inside the archive's dicom/ folder. */
export function keyObjectPath(plan: StudyPlan): string {
  return path.join(plan.patientId, plan.accession, 'KO', 'KO0001.dcm');
}

/** The series number of the synthetic KOS documents: apart from every image series. */
export const KEY_OBJECT_SERIES_NUMBER = 9001;

export type Compression = 'none' | 'rle';
export const RLE_LOSSLESS = '1.2.840.10008.1.2.5';

/** One image as Part 10 bytes, uncompressed or RLE Lossless. */
function imageFile(plan: StudyPlan, series: StudyPlan['series'][number], k: number, compression: Compression): Buffer {
  const ds = imageDataset(plan, series, k, renderImage(plan, series, k));
  if (compression === 'none') return writePart10(ds);
  const stored = new Uint8Array((ds['PixelData'] as ArrayBuffer[])[0] as ArrayBuffer);
  const rle = encodeRle(stored, plan.size * plan.size, 1, 16);
  return writePart10({ ...ds, PixelData: [rle.buffer], _vrMap: { PixelData: 'OB' } }, RLE_LOSSLESS);
}

/**
 * Renders and writes every image of study `index`, and its Key Object Selection document when the
 * report's radiologist bookmarked images; returns the number of image files and of KOS files.
 */
export function writeStudyImages(index: number, opts: PlanOptions, dicomDir: string, compression: Compression = 'none'): { files: number; keyObjects: number } {
  const plan = planStudy(index, opts);
  let files = 0;
  for (const series of plan.series) {
    mkdirSync(path.join(dicomDir, path.dirname(imagePath(plan, series.seriesNumber, 1))), { recursive: true });
    for (let k = 1; k <= series.numInstances; k++) {
      writeFileSync(path.join(dicomDir, imagePath(plan, series.seriesNumber, k)), imageFile(plan, series, k, compression));
      files++;
    }
  }
  const kos = writeReport(plan).keyObject;
  if (kos === undefined) return { files, keyObjects: 0 };
  const file = path.join(dicomDir, keyObjectPath(plan));
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, writePart10(keyObjectDataset({
    studyUid: plan.studyUid, accession: plan.accession, patientId: plan.patientId, patientName: plan.patientName,
    patientBirthDate: plan.birthDate, patientSex: plan.sex, studyDate: plan.studyDate, studyTime: plan.studyTime,
    studyId: String(plan.index + 1), referringPhysician: plan.referrer.split(' ').reverse().join('^'),
    seriesNumber: KEY_OBJECT_SERIES_NUMBER, description: kos.description,
    images: kos.images.map((k) => {
      const series = plan.series.find((s) => s.seriesNumber === k.series)!;
      return { sopClassUid: SOP_CLASS[plan.modality], sopInstanceUid: instanceUid(plan, series, k.instance), seriesUid: series.seriesUid };
    }),
  })));
  return { files, keyObjects: 1 };
}

/** What every image worker of one archive shares (the generator's workerData). */
export interface ImageWriterData {
  plan: PlanOptions;
  dicomDir: string;
  compression: Compression;
}

/** Files written for one study. */
export interface StudyFiles {
  files: number;
  keyObjects: number;
}

/**
 * The image worker's setup (images.worker.ts serves it; `workers: 0` calls it in the calling
 * thread): each request, a study index, writes that study's files. Plans depend only on
 * (seed, index), so the files are the same whichever thread writes them.
 */
export function setupImageWriter(data: ImageWriterData): (request: { study: number }) => StudyFiles {
  return ({ study }) => writeStudyImages(study, data.plan, data.dicomDir, data.compression);
}
