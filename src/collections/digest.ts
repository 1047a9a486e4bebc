/**
 * The collection stage's output digest: SHA-256 over what it stored for one source, in a fixed
 * order, by stable keys only (case ids, image ids, the PNG bytes' hash), never row ids, absolute
 * paths or timings. Two runs on the same input give the same digest, however many workers they
 * used and whether or not an interrupted run came first.
 */
import { rowDigest } from '../store/row-digest.js';
import type { Workspace } from '../store/workspace.js';

export function collectionOutputDigest(ws: Workspace, source: string, stages: readonly string[]): string {
  const { rows, digest } = rowDigest(ws);
  rows('SELECT report_id, patient_id, modality, text, num_sentences, num_tokens, num_refs FROM reports WHERE source = ? ORDER BY report_id', source);
  rows(`SELECT f.report_id, f.sentence_index, f.section, f.start, f.end, f.text, f.series, f.instances, f.sentence, f.prev_sentence, f.next_sentence
    FROM refs f JOIN reports r ON r.report_id = f.report_id WHERE r.source = ?
    ORDER BY f.report_id, f.sentence_index, f.start, f.instances`, source);
  rows(`SELECT k.report_id, k.origin, k.series_number, k.instance_number FROM key_images k JOIN reports r ON r.report_id = k.report_id
    WHERE r.source = ? ORDER BY k.report_id, k.origin, k.series_number, k.instance_number`, source);
  rows(`SELECT e.report_id, e.kind, e.text FROM case_extra_text e JOIN reports r ON r.report_id = e.report_id
    WHERE r.source = ? ORDER BY e.report_id, e.kind`, source);
  rows(`SELECT c.image_id, c.sop_instance_uid, c.report_id, c.patient_id, c.modality, c.plane, c.body_location, c.location_category,
      c.meta, c.mask, c.png_sha256, i.rows, i.columns, i.instance_number, k.instance_number, f.sentence, l.method
    FROM collection_images c JOIN images i ON i.sop_instance_uid = c.sop_instance_uid
    JOIN key_images k ON k.id = c.key_image_id JOIN refs f ON f.id = k.ref_id
    JOIN links l ON l.key_image_id = k.id AND l.sop_instance_uid = c.sop_instance_uid
    WHERE c.source = ? ORDER BY c.image_id`, source);
  for (const stage of stages) {
    rows('SELECT record_id, code, reason FROM rejects WHERE stage = ? AND source = ? ORDER BY record_id, code, reason', stage, source);
  }
  return digest();
}
