/** Writes one planned study's DICOM files (used in-process and by the generator's workers). */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { imageDataset, writePart10 } from './dicom.js';
import { renderImage } from './phantom.js';
import { planStudy, type PlanOptions, type StudyPlan } from './plan.js';

/** Relative path of one image inside the archive's dicom/ folder. */
export function imagePath(plan: StudyPlan, seriesNumber: number, instance: number): string {
  return path.join(plan.patientId, plan.accession, `S${String(seriesNumber).padStart(4, '0')}`, `I${String(instance).padStart(4, '0')}.dcm`);
}

/** Renders and writes every image of study `index`; returns the number of files. */
export function writeStudyImages(index: number, opts: PlanOptions, dicomDir: string): number {
  const plan = planStudy(index, opts);
  let files = 0;
  for (const series of plan.series) {
    mkdirSync(path.join(dicomDir, path.dirname(imagePath(plan, series.seriesNumber, 1))), { recursive: true });
    for (let k = 1; k <= series.numInstances; k++) {
      writeFileSync(path.join(dicomDir, imagePath(plan, series.seriesNumber, k)), writePart10(imageDataset(plan, series, k, renderImage(plan, series, k))));
      files++;
    }
  }
  return files;
}
