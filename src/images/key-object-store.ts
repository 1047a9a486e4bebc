/**
 * Stores Key Object Selection documents (from a folder or a PACS) and flags the instances they
 * select as key images (images.is_key), so that the accession fallback of `pacsmine link` finds
 * them. The description text is de-identified like report text before it is stored.
 */
import type { Workspace } from '../store/workspace.js';
import { deidentifyText } from '../reports/deidentify.js';
import type { KeyObjectDocument } from './key-object.js';

/** A function that stores one document (replacing an earlier read of it) and returns the instances it selects. */
export function keyObjectWriter(ws: Workspace): (doc: KeyObjectDocument, location: string, source: 'file' | 'dicomweb') => string[] {
  const db = ws.db;
  const upsert = db.prepare(`INSERT OR REPLACE INTO key_objects (sop_instance_uid, study_uid, series_uid, accession, title, description, location, source)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  const clear = db.prepare('DELETE FROM key_object_images WHERE key_object_uid = ?');
  const insert = db.prepare('INSERT OR IGNORE INTO key_object_images (key_object_uid, sop_instance_uid, series_uid, study_uid) VALUES (?, ?, ?, ?)');
  return (doc, location, source) => {
    clear.run(doc.sopInstanceUid);
    upsert.run(doc.sopInstanceUid, doc.studyUid ?? null, doc.seriesUid ?? null, doc.accession ?? null, doc.title ?? null,
      doc.description === undefined ? null : deidentifyText(doc.description), location, source);
    for (const r of doc.references) insert.run(doc.sopInstanceUid, r.sopInstanceUid, r.seriesUid ?? null, r.studyUid ?? null);
    return doc.references.map((r) => r.sopInstanceUid);
  };
}

/**
 * Flags every indexed instance that a stored KOS selects (images.is_key = 1), whichever was
 * indexed first; returns how many of `selected` (or of all selected instances) are now flagged images.
 */
export function flagKeyObjectImages(ws: Workspace, selected?: Iterable<string>): number {
  const db = ws.db;
  db.prepare('UPDATE images SET is_key = 1 WHERE is_key = 0 AND sop_instance_uid IN (SELECT sop_instance_uid FROM key_object_images)').run();
  if (selected === undefined) {
    return db.prepare('SELECT COUNT(DISTINCT i.sop_instance_uid) FROM images i JOIN key_object_images o ON o.sop_instance_uid = i.sop_instance_uid').pluck().get() as number;
  }
  const isFlagged = db.prepare('SELECT 1 FROM images WHERE sop_instance_uid = ? AND is_key = 1').pluck();
  let n = 0;
  for (const uid of new Set(selected)) if (isFlagged.get(uid) !== undefined) n++;
  return n;
}

/** An image a KOS flags, with the document's title and text. */
export interface KeyObjectImage {
  sopInstanceUid: string;
  keyObjectUid: string;
  title: string | null;
  description: string | null;
}

/** The indexed images that Key Object Selection documents flag, with each document's title and text. */
export function listKeyObjectImages(ws: Workspace): KeyObjectImage[] {
  return ws.db.prepare(`SELECT o.sop_instance_uid AS sopInstanceUid, o.key_object_uid AS keyObjectUid, k.title, k.description
    FROM key_object_images o JOIN key_objects k ON k.sop_instance_uid = o.key_object_uid
    JOIN images i ON i.sop_instance_uid = o.sop_instance_uid ORDER BY o.sop_instance_uid, o.key_object_uid`).all() as KeyObjectImage[];
}
