/**
 * Writes a collection's images into the workspace: checks each image (id, case, caption, file),
 * renders its PNG a few at a time (sharp works on libuv's thread pool), and stores the rows of
 * each group in input order in one transaction, so row order and content do not depend on which
 * conversion finished first.
 */
import { createHash } from 'node:crypto';
import { existsSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Workspace } from '../store/workspace.js';
import { Rejects } from '../store/rejects.js';
import { deidentify } from '../reports/deidentify.js';
import { overByteLimit } from '../ingest/record.js';
import { IMAGES_SCHEMA } from '../images/schema.js';
import type { MaskRegion } from '../images/mask.js';
import { renderCollectionImage } from './render.js';
import type { CaseItem, CollectionImage, ImageItem } from './types.js';

const STAGE = 'ingest-collection';

export interface WriterOptions {
  regions: readonly MaskRegion[];
  maskSpec: string | null;
  size: number;
  maxReportBytes: number;
  maxSourcePixels?: number;
}

export interface ImagesResult {
  stored: number;
  rejected: number;
  rejectsByCode: Record<string, number>;
  phiReplaced: number;
}

/** The stable id pacsmine gives a collection image: never a path or a value from the data as such. */
export function collectionSopUid(collection: string, imageId: string): string {
  return `collection:${createHash('sha256').update(collection).update('\0').update(imageId).digest('hex').slice(0, 32)}`;
}

type Checked = { kind: 'reject'; recordId: string; location: string; code: string; reason: string } | { kind: 'ok'; image: CollectionImage; sop: string };
type Rendered = Checked | { kind: 'rendered'; image: CollectionImage; sop: string; png: Buffer; rows: number; columns: number };

export class ImageWriter {
  extraPhiReplaced = 0;
  private readonly rejects: Rejects;
  private readonly outDir: string;

  constructor(private readonly ws: Workspace, private readonly source: string, private readonly collection: string, private readonly o: WriterOptions) {
    ws.db.exec(IMAGES_SCHEMA);
    this.rejects = new Rejects(ws, STAGE, source);
    this.outDir = path.dirname(ws.artifactPath('key-images', 'x.png'));
  }

  /** Removes what an earlier run stored for this source (its reports go with the report ingest). */
  clear(): void {
    const db = this.ws.db;
    const old = db.prepare('SELECT sop_instance_uid AS sop FROM collection_images WHERE source = ?').all(this.source) as Array<{ sop: string }>;
    const pngPath = db.prepare('SELECT path FROM key_image_png WHERE sop_instance_uid = ?').pluck();
    for (const { sop } of old) {
      const file = pngPath.get(sop) as string | undefined;
      if (file && existsSync(file)) unlinkSync(file);
    }
    db.transaction(() => {
      const sub = 'SELECT sop_instance_uid FROM collection_images WHERE source = ?';
      db.prepare(`DELETE FROM key_image_png WHERE sop_instance_uid IN (${sub})`).run(this.source);
      db.prepare(`DELETE FROM links WHERE sop_instance_uid IN (${sub})`).run(this.source);
      db.prepare(`DELETE FROM images WHERE sop_instance_uid IN (${sub})`).run(this.source);
      db.prepare('DELETE FROM collection_images WHERE source = ?').run(this.source);
      db.prepare('DELETE FROM case_extra_text WHERE report_id IN (SELECT report_id FROM reports WHERE source = ?)').run(this.source);
    })();
  }

  /** De-identified extra text of the cases that were stored. */
  storeExtraText(cases: readonly CaseItem[]): void {
    const db = this.ws.db;
    const stored = db.prepare('SELECT 1 FROM reports WHERE report_id = ? AND source = ?').pluck();
    const insert = db.prepare('INSERT OR REPLACE INTO case_extra_text (report_id, kind, text) VALUES (?, ?, ?)');
    db.transaction(() => {
      for (const item of cases) {
        if (!item.ok || !item.value.extra?.length || !stored.get(item.value.caseId, this.source)) continue;
        for (const e of item.value.extra) {
          const d = deidentify(e.text);
          this.extraPhiReplaced += d.spans.length;
          insert.run(item.value.caseId, e.kind, d.text);
        }
      }
    })();
  }

  async storeImages(items: readonly ImageItem[], concurrency: number, onProgress?: (done: number, total: number) => void): Promise<ImagesResult> {
    const db = this.ws.db;
    const result: ImagesResult = { stored: 0, rejected: 0, rejectsByCode: {}, phiReplaced: 0 };
    const caseRow = db.prepare('SELECT patient_id AS patientId FROM reports WHERE report_id = ? AND source = ?');
    const sopTaken = db.prepare('SELECT 1 FROM images WHERE sop_instance_uid = ?').pluck();
    const seen = new Set<string>();
    const check = (item: ImageItem): Checked => {
      if (!item.ok) return { kind: 'reject', ...item.rejected };
      const im = item.value;
      const bad = (code: string, reason: string): Checked => ({ kind: 'reject', recordId: im.imageId, location: im.location, code, reason });
      if (seen.has(im.imageId)) return bad('DUPLICATE_IMAGE', 'image id already listed earlier in this collection');
      seen.add(im.imageId);
      const sop = collectionSopUid(this.collection, im.imageId);
      if (sopTaken.get(sop)) return bad('DUPLICATE_IMAGE', `image id already ingested from another source of collection '${this.collection}' (give option \`name\`)`);
      if (!im.caseId) return bad('NO_ID', 'image names no case');
      const stored = caseRow.get(im.caseId, this.source) as { patientId: string | null } | undefined;
      if (!stored) return bad('UNKNOWN_CASE', `case '${im.caseId}' has no stored report (no case text, or the case was rejected)`);
      if (!im.caption.trim()) return bad('EMPTY_CAPTION', 'image has no caption (its key sentence)');
      if (overByteLimit(im.caption, this.o.maxReportBytes)) return bad('TOO_LARGE', `caption is over ${this.o.maxReportBytes} bytes (maxReportBytes)`);
      if (!isFile(im.file)) return bad('MISSING_FILE', 'image file not found');
      // The image's patient, else its case's (a case-disjoint split may want patient-disjoint too).
      const patientId = im.patientId ?? stored.patientId ?? undefined;
      return { kind: 'ok', image: patientId ? { ...im, patientId } : im, sop };
    };
    const render = async (c: Checked): Promise<Rendered> => {
      if (c.kind !== 'ok') return c;
      try {
        const r = await renderCollectionImage(c.image.file, { size: this.o.size, mask: this.o.regions, ...(this.o.maxSourcePixels ? { maxSourcePixels: this.o.maxSourcePixels } : {}) });
        return { kind: 'rendered', image: c.image, sop: c.sop, png: r.png, rows: r.sourceRows, columns: r.sourceColumns };
      } catch {
        // sharp's message can carry the path; the reason stays generic.
        return { kind: 'reject', recordId: c.image.imageId, location: c.image.location, code: 'UNREADABLE_IMAGE', reason: 'image file cannot be decoded (not an image sharp reads, truncated, or over maxSourcePixels)' };
      }
    };
    const statements = this.statements();
    const ordinals = new Map<string, number>();
    const step = Math.max(1, concurrency);
    let done = 0;
    for (let i = 0; i < items.length; i += step) {
      const group = await Promise.all(items.slice(i, i + step).map((it) => render(check(it))));
      db.transaction(() => {
        for (const g of group) {
          if (g.kind === 'reject') {
            this.rejects.add(g.recordId || `@${g.location}`, g.code, `${g.location}: ${g.reason}`);
            result.rejected++;
            result.rejectsByCode[g.code] = (result.rejectsByCode[g.code] ?? 0) + 1;
          } else if (g.kind === 'rendered') {
            const ordinal = (ordinals.get(g.image.caseId) ?? 0) + 1;
            ordinals.set(g.image.caseId, ordinal);
            result.phiReplaced += statements.store(g, ordinal);
            result.stored++;
          }
        }
      })();
      done += group.length;
      onProgress?.(done, items.length);
    }
    return result;
  }

  /** The inserts for one rendered image; returns the identifiers replaced in its caption. */
  private statements(): { store: (g: Extract<Rendered, { kind: 'rendered' }>, ordinal: number) => number } {
    const db = this.ws.db;
    const insertRef = db.prepare(`INSERT INTO refs (report_id, sentence_index, section, start, end, text, series, instances, sentence, prev_sentence, next_sentence)
      VALUES (?, ?, 'CAPTION', 0, 0, '', '[]', ?, ?, NULL, NULL)`);
    const insertKey = db.prepare("INSERT INTO key_images (ref_id, report_id, origin, series_number, instance_number) VALUES (?, ?, 'caption', NULL, ?)");
    const insertImage = db.prepare(`INSERT INTO images (sop_instance_uid, study_uid, series_uid, accession, patient_id, modality, series_number, instance_number,
      body_part, rows, columns, location, is_key, source) VALUES (?, NULL, NULL, NULL, ?, ?, NULL, ?, ?, ?, ?, ?, 1, 'collection')`);
    const insertLink = db.prepare("INSERT INTO links (key_image_id, sop_instance_uid, method) VALUES (?, ?, 'caption')");
    const insertPng = db.prepare(`INSERT OR REPLACE INTO key_image_png (sop_instance_uid, path, window_center, window_width, window_from, source_rows, source_columns)
      VALUES (?, ?, 127.5, 255, 'source', ?, ?)`);
    const insertCollection = db.prepare(`INSERT INTO collection_images (sop_instance_uid, source, collection, image_id, report_id, key_image_id, patient_id,
      modality, plane, body_location, location_category, meta, mask, png_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    return {
      store: (g, ordinal) => {
        const im = g.image;
        const caption = deidentify(im.caption.trim());
        // Named by the hash part of the id pacsmine made, never by a name from the data.
        const file = path.join(this.outDir, `${g.sop.slice('collection:'.length)}.png`);
        writeFileSync(file, g.png);
        const refId = insertRef.run(im.caseId, -ordinal, JSON.stringify([ordinal]), caption.text).lastInsertRowid;
        const keyId = insertKey.run(refId, im.caseId, ordinal).lastInsertRowid;
        insertImage.run(g.sop, im.patientId ?? null, im.modality ?? null, ordinal, im.bodyLocation ?? null, g.rows, g.columns, im.file);
        insertLink.run(keyId, g.sop);
        insertPng.run(g.sop, file, g.rows, g.columns);
        insertCollection.run(g.sop, this.source, this.collection, im.imageId, im.caseId, keyId, im.patientId ?? null, im.modality ?? null,
          im.plane ?? null, im.bodyLocation ?? null, im.locationCategory ?? null, JSON.stringify(sortedMeta(im.meta)), this.o.maskSpec,
          createHash('sha256').update(g.png).digest('hex'));
        return caption.spans.length;
      },
    };
  }
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function sortedMeta(meta: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(meta ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
