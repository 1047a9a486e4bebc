/**
 * The ingest stage's output digest: SHA-256 over what it stored for one source (reports with their
 * sentence and token counts, references, key images, rejects), in a fixed order, by stable keys
 * only, never row ids, paths or timings. Two runs on the same input give the same digest however
 * many workers they used, and so does a run that follows one killed part way.
 */
import { rowDigest } from '../store/row-digest.js';
import type { Workspace } from '../store/workspace.js';

export function ingestOutputDigest(ws: Workspace, source: string, rejectStage: string): string {
  const { rows, digest } = rowDigest(ws);
  rows(`SELECT report_id, accession, patient_id, modality, exam_date, text, num_sentences, num_tokens, num_refs
    FROM reports WHERE source = ? ORDER BY report_id`, source);
  rows(`SELECT f.report_id, f.sentence_index, f.section, f.start, f.end, f.text, f.series, f.series_text, f.instances,
      f.sentence, f.prev_sentence, f.next_sentence
    FROM refs f JOIN reports r ON r.report_id = f.report_id WHERE r.source = ?
    ORDER BY f.report_id, f.sentence_index, f.start, f.end`, source);
  rows(`SELECT k.report_id, k.origin, k.series_number, k.instance_number FROM key_images k JOIN reports r ON r.report_id = k.report_id
    WHERE r.source = ? ORDER BY k.report_id, k.origin, k.series_number, k.instance_number`, source);
  rows('SELECT record_id, code, reason FROM rejects WHERE stage = ? AND source = ? ORDER BY record_id, code, reason', rejectStage, source);
  return digest();
}
