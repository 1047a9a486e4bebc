/**
 * Resolves key-image references (accession + series number + instance number) against a PACS
 * with QIDO-RS, and fetches only the key images with WADO-RS. Series and instance numbers are
 * matched here, client-side, because servers compare IS values as exact strings.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Workspace } from '../store/workspace.js';
import { describeError, stopsRun } from '../util/errors.js';
import { pathInside, uidFileName } from '../util/safe-path.js';
import { Rejects } from '../store/rejects.js';
import type { DicomwebClient } from './dicomweb.js';
import { PacsCatalog, type SeriesEntry } from './catalog.js';
import { keyObjectsOnPacs, type PacsKeyObjects } from './key-objects.js';
import { flagKeyObjectImages, keyObjectWriter } from '../images/key-object-store.js';
import { linkByAccession } from '../linking/link.js';
import { codeDigest } from '../util/code-digest.js';

/** The code this stage's output depends on (the src folders it imports): a change there makes its record stale. */
const CODE = (): string => codeDigest('pacs', 'images', 'linking', 'refs', 'reports', 'store', 'util');

export interface ReferenceQuery {
  reportId: string;
  accession: string;
  /** Series numbers named by the reference; [] when it names none. */
  series: number[];
  instances: number[];
  /** The workspace's key_images.id per (series, instance), when resolving from a workspace. */
  keyImageIds?: Map<string, number>;
}

export interface ResolvedImage {
  reportId: string;
  keyImageId: number | undefined;
  seriesNumber: number;
  instanceNumber: number;
  studyUid: string;
  seriesUid: string;
  sopInstanceUid: string;
  rows: number | undefined;
  columns: number | undefined;
  modality: string | undefined;
  url: string;
  method: 'series-instance' | 'instance-only';
}

export interface UnresolvedImage {
  reportId: string;
  keyImageId: number | undefined;
  seriesNumber: number | null;
  instanceNumber: number;
  code: 'no-study' | 'no-series' | 'no-instance' | 'ambiguous-series' | 'pacs-error' | 'no-accession';
  reason: string;
}

/** Series modalities that hold documents, not images. */
const NOT_IMAGES: ReadonlySet<string> = new Set(['KO', 'SR', 'PR', 'DOC']);

/**
 * Resolves one reference. A PACS error on it (a 500, a timeout, a bad answer) makes its images
 * `pacs-error`; an error that stops the run (stopsRun) is thrown.
 */
async function resolveOne(catalog: PacsCatalog, q: ReferenceQuery): Promise<{ resolved: ResolvedImage[]; unresolved: UnresolvedImage[] }> {
  const resolved: ResolvedImage[] = [];
  const unresolved: UnresolvedImage[] = [];
  const miss = (seriesNumber: number | null, instanceNumber: number, code: UnresolvedImage['code'], reason: string): void => {
    unresolved.push({ reportId: q.reportId, keyImageId: q.keyImageIds?.get(`${seriesNumber}:${instanceNumber}`), seriesNumber, instanceNumber, code, reason });
  };
  const missAll = (code: UnresolvedImage['code'], reason: string): void => {
    for (const n of q.instances) for (const s of q.series.length ? q.series : [null]) miss(s, n, code, reason);
  };
  try {
    const series = await catalog.series(q.accession);
    if (series.length === 0) {
      missAll('no-study', 'no study with the report\'s accession number on the PACS');
      return { resolved, unresolved };
    }
    const hit = (entry: SeriesEntry, n: number, match: { sop: string; rows?: number; columns?: number }, method: ResolvedImage['method'], named: number | null): void => {
      resolved.push({
        reportId: q.reportId, keyImageId: q.keyImageIds?.get(`${named}:${n}`), seriesNumber: entry.number ?? -1, instanceNumber: n,
        studyUid: entry.studyUid, seriesUid: entry.seriesUid, sopInstanceUid: match.sop, rows: match.rows, columns: match.columns,
        modality: entry.modality, url: catalog.client.instanceUrl(entry.studyUid, entry.seriesUid, match.sop), method,
      });
    };
    // Documents (key object selections, structured reports, presentation states) hold no image a report could point at.
    const imageSeries = series.filter((e) => !NOT_IMAGES.has(e.modality ?? ''));
    for (const n of q.instances) {
      if (q.series.length === 0) {
        const candidates: { entry: SeriesEntry; match: { sop: string; rows?: number; columns?: number } }[] = [];
        for (const entry of imageSeries) for (const match of (await catalog.instances(entry)).get(n) ?? []) candidates.push({ entry, match });
        const only = candidates[0];
        if (candidates.length === 1 && only) hit(only.entry, n, only.match, 'instance-only', null);
        else if (candidates.length === 0) miss(null, n, 'no-instance', `no image ${n} in any series of the study`);
        else miss(null, n, 'ambiguous-series', `image ${n} exists in ${candidates.length} series and the reference names none`);
        continue;
      }
      for (const s of q.series) {
        const entries = imageSeries.filter((e) => e.number === s);
        if (entries.length === 0) {
          miss(s, n, 'no-series', `no series ${s} in the study`);
          continue;
        }
        let found = false;
        for (const entry of entries) {
          for (const match of (await catalog.instances(entry)).get(n) ?? []) {
            hit(entry, n, match, 'series-instance', s);
            found = true;
          }
        }
        if (!found) miss(s, n, 'no-instance', `no image ${n} in series ${s}`);
      }
    }
  } catch (error) {
    if (stopsRun(error)) throw error;
    resolved.length = 0;
    unresolved.length = 0;
    missAll('pacs-error', describeError(error));
  }
  return { resolved, unresolved };
}

/**
 * Resolves references to instances on the PACS. A reference that names no series resolves only
 * when exactly one series of the study has that instance number (the 'instance-only' rule).
 * Throws AuthError / UnreachableError (stopsRun) instead of rejecting every reference.
 */
export async function resolveReferencesViaDicomweb(client: DicomwebClient, queries: ReferenceQuery[]): Promise<{ resolved: ResolvedImage[]; unresolved: UnresolvedImage[]; queries: number }> {
  const catalog = new PacsCatalog(client);
  const resolved: ResolvedImage[] = [];
  const unresolved: UnresolvedImage[] = [];
  for (const q of queries) {
    const r = await resolveOne(catalog, q);
    resolved.push(...r.resolved);
    unresolved.push(...r.unresolved);
  }
  return { resolved, unresolved, queries: catalog.queries };
}

/**
 * WADO-RS: fetches the given instances into `outDir`, one file per instance named by its SOP
 * Instance UID (`uidFileName`: the UID itself when well formed, else a hash; always inside outDir).
 */
export async function fetchInstances(client: DicomwebClient, images: Pick<ResolvedImage, 'studyUid' | 'seriesUid' | 'sopInstanceUid'>[], outDir: string): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  const paths: string[] = [];
  const done = new Set<string>();
  for (const img of images) {
    if (done.has(img.sopInstanceUid)) continue;
    done.add(img.sopInstanceUid);
    const bytes = await client.retrieveInstance(img.studyUid, img.seriesUid, img.sopInstanceUid);
    const file = pathInside(outDir, uidFileName(img.sopInstanceUid, '.dcm'));
    writeFileSync(file, bytes);
    paths.push(file);
  }
  return paths;
}

export const PACS_LINK_STAGE = 'pacs-link';

export interface LinkSummary {
  keyImages: number;
  linked: number;
  unresolved: number;
  queries: number;
  unresolvedCodes: Record<string, number>;
  /** Key Object Selection documents read from the PACS for the reports' accessions. */
  keyObjects: number;
  /** Distinct instances they select that the PACS holds, entered in the image table as flagged key images. */
  flaggedKeyImages: number;
  /** Key images of reports without references linked by accession to those flagged images (method 'key-object'). */
  byKeyObject: number;
}

export interface DicomwebLinkOptions {
  /** Read the accessions' Key Object Selection documents and link their images to reports without references. Default true. */
  keyObjects?: boolean;
}

/**
 * Links the workspace's key images (reports' references) to instances on the PACS: fills the image
 * table with source 'dicomweb' (location = the WADO-RS URL) and the links table; every reference
 * that does not resolve goes to the rejects table with the reason. Refused credentials or an
 * unreachable server stop the run with AuthError / UnreachableError (references committed before
 * that are kept); any other PACS error only rejects the reference it hit (`pacs-error`).
 * Then the Key Object Selection documents of the reports' accessions are read: the images they
 * select enter the image table flagged as key images, and reports without references are linked
 * to them by accession (the fallback of `pacsmine link`); a PACS error on one accession rejects
 * that accession's documents only.
 */
export async function linkKeyImagesViaDicomweb(ws: Workspace, client: DicomwebClient, options: DicomwebLinkOptions = {}): Promise<LinkSummary> {
  const rows = ws.db.prepare(`SELECT k.id, k.report_id, k.ref_id, k.series_number, k.instance_number, r.accession
    FROM key_images k JOIN reports r ON r.report_id = k.report_id
    WHERE r.accession IS NOT NULL AND r.accession <> '' AND k.origin = 'text' ORDER BY k.id`).all() as
    { id: number; report_id: string; ref_id: number; series_number: number | null; instance_number: number; accession: string }[];
  // One query per reference (ref_id), so a reference naming no series is judged as a whole.
  const byRef = new Map<number, ReferenceQuery>();
  for (const r of rows) {
    let q = byRef.get(r.ref_id);
    if (!q) {
      q = { reportId: r.report_id, accession: r.accession, series: [], instances: [], keyImageIds: new Map() };
      byRef.set(r.ref_id, q);
    }
    if (r.series_number !== null && !q.series.includes(r.series_number)) q.series.push(r.series_number);
    if (!q.instances.includes(r.instance_number)) q.instances.push(r.instance_number);
    q.keyImageIds?.set(`${r.series_number}:${r.instance_number}`, r.id);
  }
  // Key images of reports without an accession number cannot be looked up on a PACS (a collection's
  // caption key images come linked to their own files and are not looked for).
  const orphans = ws.db.prepare(`SELECT k.id, k.report_id, k.series_number, k.instance_number FROM key_images k
    JOIN reports r ON r.report_id = k.report_id WHERE (r.accession IS NULL OR r.accession = '') AND k.origin = 'text' ORDER BY k.id`).all() as
    { id: number; report_id: string; series_number: number | null; instance_number: number }[];
  const rejects = new Rejects(ws, PACS_LINK_STAGE, client.displayUrl);
  const upsertImage = ws.db.prepare(`INSERT INTO images (sop_instance_uid, study_uid, series_uid, accession, patient_id, modality,
      series_number, instance_number, body_part, rows, columns, location, source)
    VALUES (?, ?, ?, ?, NULL, ?, ?, ?, NULL, ?, ?, ?, 'dicomweb') ON CONFLICT(sop_instance_uid) DO NOTHING`);
  const insertLink = ws.db.prepare('INSERT OR IGNORE INTO links (key_image_id, sop_instance_uid, method) VALUES (?, ?, ?)');
  const summary: LinkSummary = {
    keyImages: rows.length + orphans.length, linked: 0, unresolved: 0, queries: 0, unresolvedCodes: {}, keyObjects: 0, flaggedKeyImages: 0, byKeyObject: 0,
  };
  // Each reference is committed as soon as it is resolved, so a run that stops (refused
  // credentials, no server) keeps what it linked. The previous run's rejects are replaced at the
  // first commit: a run refused at its first request leaves the workspace as it was.
  let cleared = false;
  const commit = ws.db.transaction((resolved: ResolvedImage[], unresolved: UnresolvedImage[], accession: string | null) => {
    if (!cleared) rejects.clear();
    for (const r of resolved) {
      upsertImage.run(r.sopInstanceUid, r.studyUid, r.seriesUid, accession, r.modality ?? null, r.seriesNumber, r.instanceNumber, r.rows ?? null, r.columns ?? null, r.url);
      if (r.keyImageId !== undefined && insertLink.run(r.keyImageId, r.sopInstanceUid, r.method).changes > 0) summary.linked++;
    }
    for (const u of unresolved) {
      const where = u.seriesNumber === null ? `image ${u.instanceNumber}` : `series ${u.seriesNumber} image ${u.instanceNumber}`;
      rejects.add(`${u.reportId}#${u.keyImageId ?? '?'}`, u.code, `${where}: ${u.reason}`);
      summary.unresolvedCodes[u.code] = (summary.unresolvedCodes[u.code] ?? 0) + 1;
      summary.unresolved++;
    }
  });
  const catalog = new PacsCatalog(client);
  for (const q of byRef.values()) {
    const r = await resolveOne(catalog, q);
    commit(r.resolved, r.unresolved, q.accession);
    cleared = true;
  }
  commit([], orphans.map((o) => ({ reportId: o.report_id, keyImageId: o.id, seriesNumber: o.series_number, instanceNumber: o.instance_number, code: 'no-accession' as const, reason: 'the report has no accession number' })), null);
  cleared = true;
  if (options.keyObjects ?? true) {
    const writeKeyObject = keyObjectWriter(ws);
    const selected: string[] = [];
    const commitKeyObjects = ws.db.transaction((found: PacsKeyObjects, accession: string) => {
      for (const { doc, url } of found.documents) writeKeyObject(doc, url, 'dicomweb');
      for (const i of found.images) {
        upsertImage.run(i.sopInstanceUid, i.studyUid, i.seriesUid, accession, i.modality ?? null, i.seriesNumber ?? null, i.instanceNumber, i.rows ?? null, i.columns ?? null, i.url);
        selected.push(i.sopInstanceUid);
      }
      summary.keyObjects += found.documents.length;
    });
    const accessions = ws.db.prepare(`SELECT accession, MIN(report_id) AS reportId FROM reports WHERE accession IS NOT NULL AND accession <> ''
      GROUP BY accession ORDER BY accession`).all() as { accession: string; reportId: string }[];
    for (const a of accessions) {
      let found: PacsKeyObjects;
      try {
        found = await keyObjectsOnPacs(catalog, a.accession);
      } catch (error) {
        if (stopsRun(error)) throw error;
        rejects.add(`${a.reportId}#key-objects`, 'pacs-error', `key object selection documents of the report's accession: ${describeError(error)}`);
        continue;
      }
      commitKeyObjects(found, a.accession);
    }
    summary.flaggedKeyImages = flagKeyObjectImages(ws, selected);
    summary.byKeyObject = linkByAccession(ws).byKeyObject;
  }
  summary.queries = catalog.queries;
  ws.recordStage(PACS_LINK_STAGE, { url: client.displayUrl }, String(rows.length), CODE(), summary);
  return summary;
}
