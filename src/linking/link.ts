/**
 * Linking: key-image references -> image instances in the image table (filled from a DICOM
 * folder or a PACS). A reference resolves by the report's accession number plus series and
 * instance number. A reference that names its series by what it is ("coronal T2 image 52")
 * resolves when exactly one series of the accession fits those words (series-match.ts). A
 * reference that names no series resolves by instance number alone when exactly one series of
 * that accession has it. As the paper did for ~28K of its images, reports with no parsable
 * reference can fall back to the accession alone: every image of that accession that the archive
 * flags as a key image (images.is_key, or selected by a Key Object Selection document) becomes a
 * key image of the report.
 */
import type { Workspace } from '../store/workspace.js';
import { Rejects } from '../store/rejects.js';
import { describeFeatures } from '../refs/series-words.js';
import { namedFeatures, seriesFeatures, seriesFits, type SeriesRow } from './series-match.js';

export interface LinkOptions {
  /** Link key images by accession alone for reports without references. Default true. */
  accessionFallback?: boolean;
}

export interface LinkSummary {
  /** Key images from parsed references. */
  keyImages: number;
  /** Of those, resolved by accession + series + instance. */
  bySeriesInstance: number;
  /** Of those, resolved by accession + instance where the report named no series. */
  byInstanceOnly: number;
  /** Of those, resolved by the words naming the series ("coronal T2") + instance: exactly one series of the accession fits. */
  bySeriesDescription: number;
  /** Of those, not found in the image table (listed in rejects, stage 'link'). */
  unresolved: number;
  /** Key images added by the accession fallback (images the archive flags, for reports without references). */
  byAccessionOnly: number;
  /** Of those, images that a Key Object Selection document flags (link method 'key-object'). */
  byKeyObject: number;
}

export function linkKeyImages(ws: Workspace, options: LinkOptions = {}): LinkSummary {
  const db = ws.db;
  return db.transaction((): LinkSummary => {
    const rejects = new Rejects(ws, 'link', 'key_images');
    rejects.clear();
    // Only the links this function makes: collection images arrive linked (method 'caption') and stay.
    db.exec(`DELETE FROM links WHERE method IN ('series-instance', 'instance-only', 'series-description', 'accession-only', 'key-object');`);
    clearAccessionLinks(ws);
    const bySeriesInstance = db.prepare(`
      INSERT OR IGNORE INTO links (key_image_id, sop_instance_uid, method)
      SELECT k.id, i.sop_instance_uid, 'series-instance'
      FROM key_images k JOIN reports r ON r.report_id = k.report_id
      JOIN images i ON i.accession = r.accession AND i.series_number = k.series_number AND i.instance_number = k.instance_number
      WHERE k.origin = 'text' AND k.series_number IS NOT NULL`).run().changes;
    const described = linkBySeriesDescription(ws);
    // Series words that cannot be checked (no series attributes indexed for the accession) leave the instance-only rule.
    const byInstanceOnly = db.prepare(`
      INSERT OR IGNORE INTO links (key_image_id, sop_instance_uid, method)
      SELECT k.id, MIN(i.sop_instance_uid), 'instance-only'
      FROM key_images k JOIN reports r ON r.report_id = k.report_id
      JOIN images i ON i.accession = r.accession AND i.instance_number = k.instance_number
      WHERE k.origin = 'text' AND k.series_number IS NULL AND NOT EXISTS (SELECT 1 FROM refs f WHERE f.id = k.ref_id AND f.series_text IS NOT NULL
        AND EXISTS (SELECT 1 FROM image_series s WHERE s.accession = r.accession))
      GROUP BY k.id HAVING COUNT(DISTINCT i.series_uid) = 1`).run().changes;
    const unresolvedRows = db.prepare(`
      SELECT k.id AS id, k.report_id AS reportId, k.series_number AS series, k.instance_number AS instance, r.accession AS accession
      FROM key_images k JOIN reports r ON r.report_id = k.report_id
      WHERE k.origin = 'text' AND NOT EXISTS (SELECT 1 FROM links l WHERE l.key_image_id = k.id)`).all() as Array<{
      id: number; reportId: string; series: number | null; instance: number; accession: string | null;
    }>;
    for (const u of unresolvedRows) {
      const why = described.unresolved.get(u.id);
      if (why !== undefined && u.accession !== null) {
        rejects.add(u.reportId, why.code, why.reason);
        continue;
      }
      const what = u.series === null ? `image ${u.instance} (no series named)` : `series ${u.series} image ${u.instance}`;
      if (u.accession === null) rejects.add(u.reportId, 'NO_ACCESSION', `${what}: the report has no accession number to look it up by`);
      else rejects.add(u.reportId, u.series === null ? 'AMBIGUOUS_OR_MISSING' : 'IMAGE_NOT_FOUND',
        `${what}: no ${u.series === null ? 'single' : ''} matching instance in the image table for the report's accession`.replace('  ', ' '));
    }
    const fallback = options.accessionFallback ?? true ? linkByAccession(ws) : { byAccessionOnly: 0, byKeyObject: 0 };
    const keyImages = (db.prepare("SELECT COUNT(*) FROM key_images WHERE origin = 'text'").pluck().get() as number);
    return { keyImages, bySeriesInstance, byInstanceOnly, bySeriesDescription: described.linked, unresolved: unresolvedRows.length, ...fallback };
  })();
}

/** Removes what the accession fallback added (its key images and their links). */
function clearAccessionLinks(ws: Workspace): void {
  ws.db.exec("DELETE FROM key_images WHERE origin = 'accession'");
}

/**
 * The accession fallback on its own (also run by \`pacsmine pacs link\` once it has read the PACS's
 * key object documents): replaces the key images it made before with one per flagged image of
 * each report that has no reference.
 */
export function linkByAccession(ws: Workspace): { byAccessionOnly: number; byKeyObject: number } {
  const db = ws.db;
  return db.transaction(() => {
    clearAccessionLinks(ws);
    let byAccessionOnly = 0;
    let byKeyObject = 0;
    const flagged = db.prepare(`
      SELECT r.report_id AS reportId, i.sop_instance_uid AS sop, i.series_number AS series, i.instance_number AS instance,
        EXISTS (SELECT 1 FROM key_object_images o WHERE o.sop_instance_uid = i.sop_instance_uid) AS byKeyObject
      FROM reports r JOIN images i ON i.accession = r.accession
      WHERE r.num_refs = 0 AND r.accession IS NOT NULL
        AND (i.is_key = 1 OR EXISTS (SELECT 1 FROM key_object_images o WHERE o.sop_instance_uid = i.sop_instance_uid))
      ORDER BY r.report_id, i.series_number, i.instance_number, i.sop_instance_uid`).all() as Array<{
      reportId: string; sop: string; series: number | null; instance: number | null; byKeyObject: number;
    }>;
    const insertKey = db.prepare("INSERT INTO key_images (ref_id, report_id, series_number, instance_number, origin) VALUES (NULL, ?, ?, ?, 'accession')");
    const insertLink = db.prepare('INSERT OR IGNORE INTO links (key_image_id, sop_instance_uid, method) VALUES (?, ?, ?)');
    for (const f of flagged) {
      const id = insertKey.run(f.reportId, f.series, f.instance ?? 0).lastInsertRowid;
      insertLink.run(id, f.sop, f.byKeyObject ? 'key-object' : 'accession-only');
      byAccessionOnly++;
      if (f.byKeyObject) byKeyObject++;
    }
    return { byAccessionOnly, byKeyObject };
  })();
}

/**
 * Links the key images of references that name their series by words and no number: the one
 * series of the accession that fits the words, then the instance in it. Returns the count linked
 * and, per key image left unresolved, the reason (several series fit: the candidates listed;
 * none fits; the instance is not in the series). Accessions with no series attributes indexed
 * are left to the instance-only rule.
 */
function linkBySeriesDescription(ws: Workspace): { linked: number; unresolved: Map<number, { code: string; reason: string }> } {
  const db = ws.db;
  const rows = db.prepare(`
    SELECT k.id AS id, k.instance_number AS instance, r.accession AS accession, f.series_text AS seriesText
    FROM key_images k JOIN refs f ON f.id = k.ref_id JOIN reports r ON r.report_id = k.report_id
    WHERE k.origin = 'text' AND k.series_number IS NULL AND f.series_text IS NOT NULL AND r.accession IS NOT NULL
    ORDER BY r.accession, k.id`).all() as Array<{ id: number; instance: number; accession: string; seriesText: string }>;
  const seriesOf = db.prepare('SELECT * FROM image_series WHERE accession = ? ORDER BY series_number, series_uid');
  const imageIn = db.prepare('SELECT MIN(sop_instance_uid) FROM images WHERE series_uid = ? AND instance_number = ?').pluck();
  const insertLink = db.prepare("INSERT OR IGNORE INTO links (key_image_id, sop_instance_uid, method) VALUES (?, ?, 'series-description')");
  const unresolved = new Map<number, { code: string; reason: string }>();
  let linked = 0;
  let accession: string | undefined;
  let series: Array<{ row: SeriesRow; features: ReturnType<typeof seriesFeatures> }> = [];
  for (const k of rows) {
    if (k.accession !== accession) {
      accession = k.accession;
      series = (seriesOf.all(accession) as SeriesRow[]).map((row) => ({ row, features: seriesFeatures(row) }));
    }
    if (series.length === 0) continue;
    const named = namedFeatures(k.seriesText);
    // The words are vocabulary words only (src/refs/series-words.ts), never free report text.
    const what = `image ${k.instance} of the series named '${k.seriesText}' (${describeFeatures(named)})`;
    const fits = series.filter((s) => seriesFits(named, s.features));
    const numbers = (list: typeof series): string => list.map((s) => s.row.series_number ?? '?').join(', ');
    if (fits.length === 0) {
      unresolved.set(k.id, { code: 'SERIES_NOT_FOUND', reason: `${what}: no series of the report's accession fits (series ${numbers(series)})` });
    } else if (fits.length > 1) {
      unresolved.set(k.id, { code: 'AMBIGUOUS_SERIES', reason: `${what}: ${fits.length} series fit (candidates: series ${numbers(fits)})` });
    } else {
      const only = fits[0]!;
      const sop = imageIn.get(only.row.series_uid, k.instance) as string | null;
      if (sop === null) unresolved.set(k.id, { code: 'IMAGE_NOT_FOUND', reason: `${what}: series ${only.row.series_number ?? '?'} fits but holds no image ${k.instance}` });
      else linked += insertLink.run(k.id, sop).changes;
    }
  }
  return { linked, unresolved };
}

/** A linked key image with where its pixels are. */
export interface LinkedKeyImage {
  keyImageId: number;
  reportId: string;
  sopInstanceUid: string;
  location: string;
  source: string;
  method: string;
}

export function listLinkedKeyImages(ws: Workspace): LinkedKeyImage[] {
  return ws.db.prepare(`
    SELECT l.key_image_id AS keyImageId, k.report_id AS reportId, l.sop_instance_uid AS sopInstanceUid,
           i.location AS location, i.source AS source, l.method AS method
    FROM links l JOIN key_images k ON k.id = l.key_image_id JOIN images i ON i.sop_instance_uid = l.sop_instance_uid
    ORDER BY l.key_image_id`).all() as LinkedKeyImage[];
}
