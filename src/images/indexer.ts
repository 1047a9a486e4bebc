/**
 * `pacsmine images index DIR`: scans a folder (recursively, and through any DICOMDIR) and fills
 * the workspace's image table from the headers. Key Object Selection documents are read too: the
 * instances they select are flagged as key images. Bad files (not DICOM, truncated, no pixel
 * data, unsupported transfer syntax) and duplicate instances go to the rejects table with the
 * file and the reason; nothing stops the scan.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Workspace } from '../store/workspace.js';
import { OptionsError, describeError } from '../util/errors.js';
import { HeaderProblem, dicomdirFiles, parseDataSet, readImageHeaderFromFile, type ImageHeader } from './header.js';
import { isKeyObject, readKeyObjectDataSet } from './key-object.js';
import { flagKeyObjectImages, keyObjectWriter } from './key-object-store.js';
import { Rejects } from '../store/rejects.js';
import { UnsafePathError, pathInside } from '../util/safe-path.js';
import { codeDigest } from '../util/code-digest.js';

/** The code this stage's output depends on (the src folders it imports): a change there makes its record stale. */
const CODE = (): string => codeDigest('images', 'reports', 'store', 'util');

export const INDEX_STAGE = 'images-index';

export interface IndexSummary {
  root: string;
  /** Files looked at (DICOMDIR files excluded). */
  scanned: number;
  /** Instances now in the image table from this scan (re-indexed unchanged files included). */
  indexed: number;
  /** Files whose SOP Instance UID was already indexed from another file. */
  duplicates: number;
  /** Files that could not be indexed (see the rejects table). */
  rejected: number;
  /** DICOMDIR files read. */
  dicomdirs: number;
  /** Key Object Selection documents read (not counted as indexed images). */
  keyObjects: number;
  /** Distinct indexed images that this scan's Key Object Selection documents select, now flagged as key images. */
  flaggedKeyImages: number;
  /** Rejected files by reason code. */
  rejectCodes: Record<string, number>;
}

export interface IndexOptions {
  onProgress?: (done: number) => void;
}

/** Every file under `root` (or `root` itself), DICOMDIRs first listed separately. */
function listFiles(root: string): { files: string[]; dicomdirs: string[] } {
  const files: string[] = [];
  const dicomdirs: string[] = [];
  const visit = (p: string): void => {
    for (const entry of readdirSync(p, { withFileTypes: true })) {
      const full = path.join(p, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.isFile()) (entry.name.toUpperCase() === 'DICOMDIR' ? dicomdirs : files).push(full);
    }
  };
  if (statSync(root).isDirectory()) visit(root);
  else (path.basename(root).toUpperCase() === 'DICOMDIR' ? dicomdirs : files).push(root);
  files.sort();
  return { files, dicomdirs };
}

/** Inserts one parsed header; returns the path already indexed for this SOP UID, if another. */
export function imageRowWriter(ws: Workspace): (h: ImageHeader, location: string, source: 'file' | 'dicomweb') => string | undefined {
  const find = ws.db.prepare('SELECT location FROM images WHERE sop_instance_uid = ?');
  const upsert = ws.db.prepare(`INSERT INTO images (sop_instance_uid, study_uid, series_uid, accession, patient_id, modality,
      series_number, instance_number, body_part, rows, columns, location, source)
    VALUES (@sop, @study, @series, @accession, @patient, @modality, @seriesNumber, @instanceNumber, @bodyPart, @rows, @columns, @location, @source)
    ON CONFLICT(sop_instance_uid) DO UPDATE SET study_uid = excluded.study_uid, series_uid = excluded.series_uid,
      accession = excluded.accession, patient_id = excluded.patient_id, modality = excluded.modality,
      series_number = excluded.series_number, instance_number = excluded.instance_number, body_part = excluded.body_part,
      rows = excluded.rows, columns = excluded.columns, location = excluded.location, source = excluded.source`);
  const writeSeries = seriesRowWriter(ws);
  return (h, location, source) => {
    const existing = find.get(h.sopInstanceUid) as { location: string } | undefined;
    // A different file with the same instance (or one fetched from a PACS) keeps the first location.
    if (existing && existing.location !== location && existsSync(existing.location)) return existing.location;
    writeSeries(h);
    upsert.run({
      sop: h.sopInstanceUid, study: h.studyUid ?? null, series: h.seriesUid ?? null, accession: h.accession ?? null,
      patient: h.patientId ?? null, modality: h.modality ?? null, seriesNumber: h.seriesNumber ?? null,
      instanceNumber: h.instanceNumber ?? null, bodyPart: h.bodyPart ?? null, rows: h.rows ?? null, columns: h.columns ?? null,
      location, source,
    });
    return undefined;
  };
}

/**
 * Writes what a series is (image_series) from the first image of each series this writer sees:
 * the attributes are the series', so one image stands for all.
 */
function seriesRowWriter(ws: Workspace): (h: ImageHeader) => void {
  const seen = new Set<string>();
  const upsert = ws.db.prepare(`INSERT OR REPLACE INTO image_series (series_uid, study_uid, accession, series_number, modality,
      description, protocol, plane, scanning_sequence, sequence_variant, sequence_name, repetition_time, echo_time, inversion_time,
      contrast_agent, kernel)
    VALUES (@series, @study, @accession, @seriesNumber, @modality, @description, @protocol, @plane, @scanningSequence, @sequenceVariant,
      @sequenceName, @repetitionTime, @echoTime, @inversionTime, @contrastAgent, @kernel)`);
  return (h) => {
    if (h.seriesUid === undefined || seen.has(h.seriesUid)) return;
    seen.add(h.seriesUid);
    const s = h.series;
    upsert.run({
      series: h.seriesUid, study: h.studyUid ?? null, accession: h.accession ?? null, seriesNumber: h.seriesNumber ?? null,
      modality: h.modality ?? null, description: s.description ?? null, protocol: s.protocol ?? null, plane: s.plane ?? null,
      scanningSequence: s.scanningSequence ?? null, sequenceVariant: s.sequenceVariant ?? null, sequenceName: s.sequenceName ?? null,
      repetitionTime: s.repetitionTime ?? null, echoTime: s.echoTime ?? null, inversionTime: s.inversionTime ?? null,
      contrastAgent: s.contrastAgent ?? null, kernel: s.kernel ?? null,
    });
  };
}

/** Indexes a folder (or one file, or a DICOMDIR) into `ws`'s image table. */
export function indexDicomFolder(ws: Workspace, dir: string, options: IndexOptions = {}): IndexSummary {
  const root = path.resolve(dir);
  if (!existsSync(root)) throw new OptionsError(`no such folder or file: ${dir}`);
  const rejects = new Rejects(ws, INDEX_STAGE, root);
  rejects.clear();
  const { files, dicomdirs } = listFiles(root);
  const seen = new Set(files);
  for (const d of dicomdirs) {
    try {
      for (const rel of dicomdirFiles(new Uint8Array(readFileSync(d)))) {
        // A File ID is relative to the DICOMDIR's folder (PS3.10 8.2): one that leaves it is refused.
        let full: string;
        try {
          full = pathInside(path.dirname(d), rel);
        } catch (error) {
          if (!(error instanceof UnsafePathError)) throw error;
          rejects.add(d, 'outside-folder', `a file listed in ${path.relative(root, d) || 'DICOMDIR'} lies outside its folder; not read`);
          continue;
        }
        if (seen.has(full)) continue;
        seen.add(full);
        if (existsSync(full)) files.push(full);
        else rejects.add(full, 'missing-file', `listed in ${path.relative(root, d) || 'DICOMDIR'} but not on disk`);
      }
    } catch (error) {
      rejects.add(d, error instanceof HeaderProblem ? error.code : 'unreadable', `DICOMDIR unreadable: ${describeError(error)}`);
    }
  }
  const summary: IndexSummary = { root, scanned: 0, indexed: 0, duplicates: 0, rejected: 0, dicomdirs: dicomdirs.length, keyObjects: 0, flaggedKeyImages: 0, rejectCodes: {} };
  const write = imageRowWriter(ws);
  const writeKeyObject = keyObjectWriter(ws);
  const selected: string[] = [];
  const BATCH = 500;
  const runBatch = ws.db.transaction((batch: string[]) => {
    for (const file of batch) {
      summary.scanned++;
      let header: ImageHeader;
      try {
        header = readImageHeaderFromFile(file);
      } catch (error) {
        let problem = error;
        // A file without pixels may be a Key Object Selection document.
        if (error instanceof HeaderProblem && error.code === 'no-pixel-data') {
          try {
            const kos = readKeyObjectFile(file);
            if (kos !== undefined) {
              selected.push(...writeKeyObject(kos, file, 'file'));
              summary.keyObjects++;
              continue;
            }
          } catch (kosError) {
            problem = kosError;
          }
        }
        const code = problem instanceof HeaderProblem ? problem.code : 'unreadable';
        if (code === 'dicomdir') { // a directory under another name (DICOMDIR-copy): nothing to index
          summary.scanned--;
          summary.dicomdirs++;
          continue;
        }
        rejects.add(file, code, describeError(problem));
        summary.rejected++;
        summary.rejectCodes[code] = (summary.rejectCodes[code] ?? 0) + 1;
        continue;
      }
      const first = write(header, file, 'file');
      if (first !== undefined) {
        rejects.add(file, 'duplicate', `same SOP Instance UID as ${first}; kept the first`);
        summary.duplicates++;
      } else summary.indexed++;
    }
  });
  for (let i = 0; i < files.length; i += BATCH) {
    runBatch(files.slice(i, i + BATCH));
    options.onProgress?.(Math.min(files.length, i + BATCH));
  }
  summary.flaggedKeyImages = flagKeyObjectImages(ws, selected);
  ws.recordStage(INDEX_STAGE, { root }, String(files.length), CODE(), summary);
  return summary;
}

/** Key Object Selection documents are small; a larger file without pixels is something else. */
const MAX_KEY_OBJECT_BYTES = 64 * 1024 * 1024;

/** The file's KOS, or undefined when it is some other object without pixels (it stays rejected as such). */
function readKeyObjectFile(file: string): ReturnType<typeof readKeyObjectDataSet> | undefined {
  if (statSync(file).size > MAX_KEY_OBJECT_BYTES) return undefined;
  const ds = parseDataSet(new Uint8Array(readFileSync(file)));
  return isKeyObject(ds) ? readKeyObjectDataSet(ds) : undefined;
}
