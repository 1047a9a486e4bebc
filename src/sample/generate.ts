/**
 * `pacsmine sample`: writes a synthetic hospital export — DICOM Part 10 files, the reports
 * (CSV and JSONL) and the ground truth (JSONL) — one study at a time, so that memory stays flat
 * whatever the number of studies.
 */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { OptionsError } from '../util/errors.js';
import { WorkerGroup, resolveWorkers } from '../util/workers.js';
import { instanceUid } from './dicom.js';
import type { FindingType } from './catalog.js';
import { planStudy, type KeyImage, type PlanOptions, type StudyPlan } from './plan.js';
import { writeReport } from './report.js';
import { KEY_OBJECT_SERIES_NUMBER, imagePath, setupImageWriter, type Compression, type ImageWriterData, type StudyFiles } from './write-images.js';
import { keyObjectUid } from './key-object.js';

export { imagePath };

export interface GenerateOptions {
  outDir: string;
  /** Number of studies (≥ 1). */
  studies: number;
  seed?: number;
  /** Rows = Columns of each image. Default 512; tests use 64. */
  size?: number;
  /** Slices per CT/MR series. Default 40. */
  slices?: number;
  /** Distinct patients; default about 0.6 per study (many patients have several studies). */
  patients?: number;
  /** Write the report and ground truth only, no DICOM files (for very large text-only runs). */
  reportsOnly?: boolean;
  /** 'rle' writes RLE Lossless (1.2.840.10008.1.2.5) files, as many archives hold. Default 'none'. */
  compression?: Compression;
  /** Worker threads rendering images (resolveWorkers): 0 = the calling thread, N = N threads, default one per core, at most 4. Output does not depend on it. */
  workers?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface GenerateSummary {
  outDir: string;
  studies: number;
  patients: number;
  /** DICOM image files written. */
  files: number;
  /** Key Object Selection documents written (DICOM files too, beside the images). */
  keyObjects: number;
  keyImages: number;
  reportsCsv: string;
  reportsJsonl: string;
  truthJsonl: string;
  dicomDir: string;
}

/** What the ground-truth file holds per study (one JSON object per line). */
export interface TruthRecord {
  reportId: string;
  studyUid: string;
  accession: string;
  patientId: string;
  modality: string;
  studyDate: string;
  region: string;
  regions: string[];
  bodyPart: string;
  category: string;
  findings: { id: number; type: string; organ: string; region: string; level: string; side: string; sizeMm: number; series: number[]; slices: number[] }[];
  /**
   * Every image the report's references point at, with the finding it shows; where the report
   * cites no image (`references` empty), the images its Key Object Selection document bookmarks.
   */
  keyImages: { series: number; instance: number; finding: number; type: string; region: string; sopInstanceUid: string | null }[];
  /** The study's Key Object Selection document, if one was written: its UID and the instances it selects. */
  keyObject: { sopInstanceUid: string; images: { series: number; instance: number; sopInstanceUid: string | null }[] } | null;
  /** Words a report of this study must contain (finding and organ words), for keyword recall. */
  keywords: string[];
  /** Each reference as written, with the images it points at (series null when the text names none). */
  references: TruthReference[];
}

export interface TruthReference {
  text: string;
  form: string;
  /** Whether the text names the series number (false: its words, or nothing, name it). */
  seriesNamed: boolean;
  /** The words naming the series ("coronal T2"), or null. */
  seriesText: string | null;
  finding: number;
  images: { series: number | null; instance: number }[];
}

/** Words the report writer always uses for a finding type (report.ts), for keyword-recall scoring. */
export const FINDING_KEYWORDS: Record<FindingType, string[]> = {
  mass: ['mass'], metastasis: ['metastasis'], cyst: ['cyst'], nodule: ['nodule'], effusion: ['effusion'],
  fracture: ['fracture'], 'lymph-node': ['lymph', 'node'], 'disc-herniation': ['disc', 'protrusion'], consolidation: ['consolidation'],
};

const csvCell = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const isoDate = (d: string): string => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;

export function truthRecord(plan: StudyPlan, reportId: string, references: TruthReference[], keyObject?: { images: KeyImage[] }): TruthRecord {
  const uidOf = (series: number, instance: number): string | null => {
    const s = plan.series.find((x) => x.seriesNumber === series);
    return s && instance >= 1 && instance <= s.numInstances ? instanceUid(plan, s, instance) : null;
  };
  return {
    reportId, studyUid: plan.studyUid, accession: plan.accession, patientId: plan.patientId, modality: plan.modality,
    studyDate: isoDate(plan.studyDate), region: plan.regions.length > 1 ? plan.regions.join('-') : (plan.regions[0] as string),
    regions: plan.regions, bodyPart: plan.bodyPart, category: plan.category,
    findings: plan.findings.map((f) => ({ id: f.id, type: f.type, organ: f.organ, region: f.region, level: f.level, side: f.side, sizeMm: f.sizeMm, series: f.series, slices: f.slices })),
    keyImages: plan.keyImages.map((k) => {
      const f = plan.findings.find((x) => x.id === k.finding);
      return { ...k, type: f?.type ?? '', region: f?.region ?? '', sopInstanceUid: uidOf(k.series, k.instance) };
    }),
    keywords: [...new Set(plan.findings.flatMap((f) => FINDING_KEYWORDS[f.type]))].sort(),
    references,
    keyObject: keyObject === undefined ? null : {
      sopInstanceUid: keyObjectUid(plan.studyUid, KEY_OBJECT_SERIES_NUMBER),
      images: keyObject.images.map((k) => ({ series: k.series, instance: k.instance, sopInstanceUid: uidOf(k.series, k.instance) })),
    },
  };
}

/**
 * Renders the DICOM files on the worker harness (stage 'sample'), or in the calling thread for
 * `workers` 0. Studies go out one at a time to whichever thread is free; a thread that dies or
 * throws fails the run with a WorkerError naming the stage and the worker.
 */
async function writeImages(data: ImageWriterData, studies: number, workers: number | undefined): Promise<StudyFiles> {
  const total: StudyFiles = { files: 0, keyObjects: 0 };
  const add = (w: StudyFiles): void => {
    total.files += w.files;
    total.keyObjects += w.keyObjects;
  };
  const count = resolveWorkers(workers, { items: studies, max: 4 });
  if (count === 0) {
    const write = setupImageWriter(data);
    for (let study = 0; study < studies; study++) add(write({ study }));
    return total;
  }
  const group = await WorkerGroup.start<{ study: number }, StudyFiles>({
    stage: 'sample', entry: new URL('./images.worker.js', import.meta.url), count, workerData: () => data,
  });
  try {
    // Two lanes per thread, each asking for the next study when its last is written: every
    // thread stays busy, and the queue stays short however many studies there are.
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < studies) add(await group.run({ study: next++ }));
    };
    await Promise.all(Array.from({ length: 2 * count }, lane));
  } finally {
    await group.close();
  }
  return total;
}

/** Generates the archive. Deterministic: the same options give byte-identical files (whatever `workers`). */
export async function generateArchive(options: GenerateOptions): Promise<GenerateSummary> {
  const studies = options.studies;
  if (!Number.isInteger(studies) || studies < 1) throw new OptionsError(`studies must be a positive integer, got ${studies}`);
  const size = options.size ?? 512;
  if (!Number.isInteger(size) || size < 16 || size > 2048) throw new OptionsError(`size must be an integer in 16..2048, got ${size}`);
  const slices = options.slices ?? 40;
  if (!Number.isInteger(slices) || slices < 1 || slices > 2000) throw new OptionsError(`slices must be an integer in 1..2000, got ${slices}`);
  const seed = options.seed ?? 1;
  if (options.compression !== undefined && !['none', 'rle'].includes(options.compression)) throw new OptionsError(`compression must be none or rle, got ${options.compression}`);
  resolveWorkers(options.workers); // checked even when no image is written
  const numPatients = options.patients ?? Math.max(1, Math.ceil(studies * 0.6));
  const outDir = path.resolve(options.outDir);
  const dicomDir = path.join(outDir, 'dicom');
  mkdirSync(dicomDir, { recursive: true });
  const reportsCsv = path.join(outDir, 'reports.csv');
  const reportsJsonl = path.join(outDir, 'reports.jsonl');
  const truthJsonl = path.join(outDir, 'truth.jsonl');
  const planOptions: PlanOptions = { seed, size, slices, numPatients };
  // Images first (in workers), then the text files: both depend only on the plans.
  const { files, keyObjects } = options.reportsOnly ? { files: 0, keyObjects: 0 } : await writeImages({ plan: planOptions, dicomDir, compression: options.compression ?? 'none' }, studies, options.workers);
  const csv = openSync(reportsCsv, 'w');
  const jsonl = openSync(reportsJsonl, 'w');
  const truth = openSync(truthJsonl, 'w');
  writeSync(csv, 'report_id,accession,patient_id,modality,exam_date,text\n');
  let keyImages = 0;
  const patients = new Set<string>();
  try {
    for (let i = 0; i < studies; i++) {
      const plan = planStudy(i, planOptions);
      const report = writeReport(plan);
      const reportId = `R${String(i + 1).padStart(8, '0')}`;
      patients.add(plan.patientId);
      const date = isoDate(plan.studyDate);
      writeSync(csv, `${[reportId, plan.accession, plan.patientId, plan.modality, date, report.text].map(csvCell).join(',')}\n`);
      writeSync(jsonl, `${JSON.stringify({ report_id: reportId, accession: plan.accession, patient_id: plan.patientId, modality: plan.modality, exam_date: date, text: report.text })}\n`);
      const refs: TruthReference[] = report.references.map((r) => ({
        text: r.text, form: r.form, seriesNamed: r.seriesNamed, seriesText: r.seriesText ?? null, finding: r.images[0]?.finding ?? 0,
        images: r.images.map((k) => ({ series: r.seriesNamed ? k.series : null, instance: k.instance })),
      }));
      // A reports-only archive writes no DICOM, and so no KOS.
      const kos = options.reportsOnly ? undefined : report.keyObject;
      writeSync(truth, `${JSON.stringify(truthRecord(plan, reportId, refs, kos))}\n`);
      keyImages += plan.keyImages.length;
      options.onProgress?.(i + 1, studies);
    }
  } finally {
    closeSync(csv);
    closeSync(jsonl);
    closeSync(truth);
  }
  const summary: GenerateSummary = { outDir, studies, patients: patients.size, files, keyObjects, keyImages, reportsCsv, reportsJsonl, truthJsonl, dicomDir };
  writeFileSync(path.join(outDir, 'manifest.json'), `${JSON.stringify({ format: 'pacsmine.sample', version: 1, seed, size, slices, compression: options.compression ?? 'none', studies, patients: patients.size, files, keyObjects, keyImages }, null, 2)}\n`);
  return summary;
}
