/**
 * `pacsmine sample`: writes a synthetic hospital export — DICOM Part 10 files, the reports
 * (CSV and JSONL) and the ground truth (JSONL) — one study at a time, so that memory stays flat
 * whatever the number of studies.
 */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { OptionsError, WorkerError } from '../util/errors.js';
import { instanceUid } from './dicom.js';
import type { FindingType } from './catalog.js';
import { planStudy, type KeyImage, type PlanOptions, type StudyPlan } from './plan.js';
import { writeReport } from './report.js';
import { KEY_OBJECT_SERIES_NUMBER, imagePath, writeStudyImages, type Compression } from './write-images.js';
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
  /** Worker threads rendering images; 1 = in-process. Default: min(4, CPUs). Output does not depend on it. */
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
const FINDING_KEYWORDS: Record<FindingType, string[]> = {
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

/** Renders the DICOM files with worker threads (or in-process for one worker). */
async function writeImages(plan: PlanOptions, dicomDir: string, studies: number, numWorkers: number, compression: Compression): Promise<{ files: number; keyObjects: number }> {
  const total = { files: 0, keyObjects: 0 };
  if (numWorkers <= 1) {
    for (let i = 0; i < studies; i++) {
      const w = writeStudyImages(i, plan, dicomDir, compression);
      total.files += w.files;
      total.keyObjects += w.keyObjects;
    }
    return total;
  }
  const counts = await Promise.all(Array.from({ length: numWorkers }, (_, workerIndex) => new Promise<{ files: number; keyObjects: number }>((resolve, reject) => {
    const worker = new Worker(new URL('./images.worker.js', import.meta.url), { workerData: { plan, dicomDir, studies, workerIndex, numWorkers, compression } });
    let last = { files: 0, keyObjects: 0 };
    worker.on('message', (m: { type: string; files: number; keyObjects: number }) => { last = { files: m.files, keyObjects: m.keyObjects }; });
    worker.on('error', (e) => reject(new WorkerError(`image worker ${workerIndex} failed: ${e.message}`, { cause: e })));
    worker.on('exit', (code) => (code === 0 ? resolve(last) : reject(new WorkerError(`image worker ${workerIndex} exited with code ${code}`))));
  })));
  for (const c of counts) {
    total.files += c.files;
    total.keyObjects += c.keyObjects;
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
  const numPatients = options.patients ?? Math.max(1, Math.ceil(studies * 0.6));
  const numWorkers = Math.max(1, Math.min(options.workers ?? Math.min(4, os.availableParallelism()), studies));
  const outDir = path.resolve(options.outDir);
  const dicomDir = path.join(outDir, 'dicom');
  mkdirSync(dicomDir, { recursive: true });
  const reportsCsv = path.join(outDir, 'reports.csv');
  const reportsJsonl = path.join(outDir, 'reports.jsonl');
  const truthJsonl = path.join(outDir, 'truth.jsonl');
  const planOptions: PlanOptions = { seed, size, slices, numPatients };
  // Images first (in workers), then the text files: both depend only on the plans.
  const { files, keyObjects } = options.reportsOnly ? { files: 0, keyObjects: 0 } : await writeImages(planOptions, dicomDir, studies, numWorkers, options.compression ?? 'none');
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
