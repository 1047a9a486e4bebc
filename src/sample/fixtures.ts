/**
 * Test and benchmark support: loads a generated archive's reports and their parsed key-image
 * references into a workspace (reports, refs, key_images), and links them to indexed files by
 * accession + series + instance. The real pipeline does this with the report ingest stage
 * (de-identification, sentences); this shortcut keeps the images/PACS tests independent of it.
 */
import { readFileSync } from 'node:fs';
import { extractReferences } from '../refs/extract.js';
import type { Workspace } from '../store/workspace.js';

export interface SeedSummary {
  reports: number;
  refs: number;
  keyImages: number;
}

/** Inserts the archive's reports and their references (parsed by the reference parser). */
export function seedReferencesFromArchive(ws: Workspace, reportsJsonl: string): SeedSummary {
  const insertReport = ws.db.prepare(`INSERT OR REPLACE INTO reports (report_id, source, accession, patient_id, modality, exam_date, text, num_sentences, num_tokens, num_refs)
    VALUES (?, 'sample', ?, ?, ?, ?, ?, 0, 0, ?)`);
  const insertRef = ws.db.prepare(`INSERT INTO refs (report_id, sentence_index, section, start, end, text, series, instances, sentence)
    VALUES (?, 0, NULL, ?, ?, ?, ?, ?, '')`);
  const insertKey = ws.db.prepare('INSERT INTO key_images (ref_id, report_id, series_number, instance_number) VALUES (?, ?, ?, ?)');
  const summary: SeedSummary = { reports: 0, refs: 0, keyImages: 0 };
  ws.db.transaction(() => {
    for (const line of readFileSync(reportsJsonl, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const r = JSON.parse(line) as { report_id: string; accession: string; patient_id: string; modality: string; exam_date: string; text: string };
      const refs = extractReferences(r.text);
      insertReport.run(r.report_id, r.accession, r.patient_id, r.modality, r.exam_date, r.text, refs.length);
      summary.reports++;
      for (const ref of refs) {
        const refId = Number(insertRef.run(r.report_id, ref.start, ref.end, ref.text, JSON.stringify(ref.series), JSON.stringify(ref.instances)).lastInsertRowid);
        summary.refs++;
        for (const s of ref.series.length ? ref.series : [null]) {
          for (const n of ref.instances) {
            insertKey.run(refId, r.report_id, s, n);
            summary.keyImages++;
          }
        }
      }
    }
  })();
  return summary;
}

/** Links key images that name a series to indexed files (accession + series + instance). */
export function linkKeyImagesToFiles(ws: Workspace): number {
  return ws.db.prepare(`INSERT OR IGNORE INTO links (key_image_id, sop_instance_uid, method)
    SELECT k.id, i.sop_instance_uid, 'series-instance' FROM key_images k
    JOIN reports r ON r.report_id = k.report_id
    JOIN images i ON i.accession = r.accession AND i.series_number = k.series_number AND i.instance_number = k.instance_number
    WHERE k.series_number IS NOT NULL`).run().changes;
}
