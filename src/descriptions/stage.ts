/**
 * The `describe` workspace stage: disease terms (with negation status) in every key-image
 * reference window go to term_hits; the bigram descriptions of every key image go to
 * image_bigrams, with their 512-d targets in artifacts/descriptions/targets.f32 when the
 * workspace has word vectors. Table 4's disease-term rows are counted from term_hits by the one
 * Table 4 implementation, src/stats/corpus-stats.ts (`pacsmine stats`).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { Workspace } from '../store/workspace.js';
import { digestFile, digestStrings } from '../store/workspace.js';
import { TermMatcher, type MatcherOptions } from '../ontology/matcher.js';
import { loadObo } from '../ontology/obo.js';
import { builtinOntology, builtinOboText } from '../ontology/builtin.js';
import { describeWindow, bigramTargets, type DescriptionOptions, type Bigram } from './bigrams.js';
import { DESCRIPTIONS_SCHEMA } from './schema.js';
import { loadWorkspaceVectors, workspaceModelPath } from '../embeddings/stage.js';
import { codeDigest } from '../util/code-digest.js';

/** The code this stage's output depends on (the src folders it imports): a change there makes its record stale. */
const CODE = (): string => codeDigest('descriptions', 'embeddings', 'ontology', 'reports', 'store', 'util');

export const DESCRIBE_STAGE = 'describe';

export interface DescribeStageOptions extends MatcherOptions, DescriptionOptions {
  /** Path of a Disease Ontology OBO file (any release); the built-in subset when left out. */
  ontologyPath?: string;
  force?: boolean;
}

export interface DescribeStageResult {
  skipped: boolean;
  refs: number;
  termHits: number;
  keyImages: number;
  keyImagesWithBigrams: number;
  bigramRows: number;
  targetsPath?: string;
  oboProblems: number;
  /** SHA-256 of the stage's output: the term_hits and image_bigrams rows and the targets (no timings). */
  digest: string;
}

interface RefRow {
  id: number;
  sentence: string;
  prev_sentence: string | null;
  next_sentence: string | null;
}

export async function runDescribeStage(ws: Workspace, options: DescribeStageOptions): Promise<DescribeStageResult> {
  ws.db.exec(DESCRIPTIONS_SCHEMA);
  const { ontologyPath, force = false, ...rest } = options;
  const refs = ws.db.prepare('SELECT id, sentence, prev_sentence, next_sentence FROM refs ORDER BY id').all() as RefRow[];
  const keyImages = ws.db.prepare('SELECT id, ref_id FROM key_images ORDER BY id').all() as Array<{ id: number; ref_id: number }>;
  const vectorsFile = workspaceModelPath(ws);
  const hasVectors = existsSync(vectorsFile);
  const digest = digestStrings(
    ontologyPath !== undefined ? await digestFile(ontologyPath) : digestStrings(builtinOboText()),
    hasVectors ? await digestFile(vectorsFile) : 'no-vectors',
    JSON.stringify(refs),
    JSON.stringify(keyImages),
  );
  const recorded = (ws.stageRecord(DESCRIBE_STAGE)?.summary as { digest?: unknown } | undefined)?.digest;
  if (!force && typeof recorded === 'string' && ws.isUpToDate(DESCRIBE_STAGE, rest, digest, CODE())) {
    return { skipped: true, refs: refs.length, termHits: 0, keyImages: keyImages.length, keyImagesWithBigrams: 0, bigramRows: 0, oboProblems: 0, digest: recorded };
  }
  const ontology = ontologyPath !== undefined ? loadObo(ontologyPath) : builtinOntology();
  const matcher = new TermMatcher(ontology, rest);
  const vectors = hasVectors ? loadWorkspaceVectors(ws) : undefined;

  const bigramsByRef = new Map<number, Bigram[]>();
  let termHits = 0;
  const insertHit = ws.db.prepare('INSERT INTO term_hits (ref_id, sentence_offset, term_id, name, text, start, end, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const insertBigram = ws.db.prepare('INSERT INTO image_bigrams (key_image_id, ref_id, word1, word2, target_row) VALUES (?, ?, ?, ?, ?)');
  const targets: Float32Array[] = [];
  let targetRows = 0;
  let bigramRows = 0;
  const withBigrams = new Set<number>();
  ws.db.transaction(() => {
    ws.db.exec('DELETE FROM term_hits; DELETE FROM image_bigrams;');
    for (const r of refs) {
      const d = describeWindow(matcher, { sentence: r.sentence, prevSentence: r.prev_sentence, nextSentence: r.next_sentence }, rest);
      for (const t of d.terms) {
        insertHit.run(r.id, t.sentenceOffset, t.id, t.name, t.text, t.start, t.end, t.status);
        termHits++;
      }
      bigramsByRef.set(r.id, d.bigrams);
    }
    for (const k of keyImages) {
      const bigrams = bigramsByRef.get(k.ref_id) ?? [];
      const usable = vectors ? bigramTargets(vectors, bigrams) : undefined;
      for (const b of bigrams) {
        let row: number | null = null;
        if (usable) {
          const i = usable.kept.indexOf(b);
          if (i < 0) continue; // a word without a vector: no target, no row
          row = targetRows + i;
        }
        insertBigram.run(k.id, k.ref_id, b[0], b[1], row);
        bigramRows++;
        withBigrams.add(k.id);
      }
      if (usable) {
        targets.push(usable.targets);
        targetRows += usable.kept.length;
      }
    }
  })();
  let targetsPath: string | undefined;
  let all: Float32Array | undefined;
  if (vectors) {
    targetsPath = ws.artifactPath('descriptions', 'targets.f32');
    all = new Float32Array(targets.reduce((s, t) => s + t.length, 0));
    let off = 0;
    for (const t of targets) {
      all.set(t, off);
      off += t.length;
    }
    writeFileSync(targetsPath, Buffer.from(all.buffer, all.byteOffset, all.byteLength));
  }
  const result: DescribeStageResult = {
    skipped: false,
    refs: refs.length,
    termHits,
    keyImages: keyImages.length,
    keyImagesWithBigrams: withBigrams.size,
    bigramRows,
    ...(targetsPath ? { targetsPath } : {}),
    oboProblems: ontology.problems.length,
    digest: outputDigest(ws, all),
  };
  ws.recordStage(DESCRIBE_STAGE, rest, digest, CODE(), result, { artifacts: targetsPath ? [targetsPath] : [] });
  return result;
}

/** SHA-256 of the rows the stage wrote, in id order, and of the target vectors. */
function outputDigest(ws: Workspace, targets: Float32Array | undefined): string {
  const h = createHash('sha256');
  for (const r of ws.db.prepare('SELECT ref_id, sentence_offset, term_id, name, text, start, end, status FROM term_hits ORDER BY rowid').raw().iterate()) {
    h.update(JSON.stringify(r)).update('\n');
  }
  h.update('image_bigrams\n');
  for (const r of ws.db.prepare('SELECT key_image_id, ref_id, word1, word2, target_row FROM image_bigrams ORDER BY rowid').raw().iterate()) {
    h.update(JSON.stringify(r)).update('\n');
  }
  h.update(targets ? `targets ${targets.length}\n` : 'no targets\n');
  if (targets) h.update(new Uint8Array(targets.buffer, targets.byteOffset, targets.byteLength));
  return h.digest('hex');
}
