import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { Workspace } from '../store/workspace.js';
import { listRejects } from '../store/rejects.js';
import { linkKeyImages } from '../linking/link.js';
import { convertKeyImages } from '../images/convert.js';
import { decodeGrey, outputRect, padGeometry } from './render.js';
import { renderMaskedRegions } from './complement.js';
import { inRects, maskRects } from '../images/mask.js';
import { MEDPIX_OVERLAY } from './medpix.js';
import { ingestCollection, COLLECTION_STAGE, type CollectionIngestOptions } from './ingest.js';

const tmp = (p: string): string => mkdtempSync(path.join(os.tmpdir(), p));

const CASE_A = 'Chest CT. FINDINGS: A 2 cm nodule in the right upper lobe. IMPRESSION: Pulmonary nodule.';
const CASE_B = 'Head MRI on 03/04/2005. FINDINGS: Ring-enhancing mass in the left frontal lobe. IMPRESSION: Glioblastoma.';
const SECRET_CAPTION = 'Seen by Dr. Quibbleton on 04/05/2006: the nodule abuts the fissure.';

/** A folder with tiny PNGs and a manifest holding good rows and one row of each bad kind. */
async function makeCollection(): Promise<{ dir: string; manifest: string }> {
  const dir = tmp('pacsmine-coll-');
  const png = (w: number, h: number, v: number) => sharp({ create: { width: w, height: h, channels: 3, background: { r: v, g: v, b: v } } }).png().toBuffer();
  writeFileSync(path.join(dir, 'a1.png'), await png(40, 30, 120));
  writeFileSync(path.join(dir, 'a2.png'), await png(30, 40, 160));
  writeFileSync(path.join(dir, 'b1.png'), await png(64, 64, 200));
  writeFileSync(path.join(dir, 'broken.png'), Buffer.from('\x89PNG\r\n\x1a\nnot really a png at all'));
  const q = (s: string): string => `"${s.replace(/"/g, '""')}"`;
  const rows = [
    'image,case_id,caption,case_text,modality,plane,location,patient_id',
    `a1.png,A,${q(SECRET_CAPTION)},${q(CASE_A)},CT,Axial,Chest,P1`,
    `a2.png,A,Coronal view of the same nodule.,,CT,Coronal,Chest,`,
    `b1.png,B,Axial T1 post contrast: ring enhancement.,${q(CASE_B)},MR,Axial,Head,`,
    `missing.png,B,Cannot be found anywhere.,,MR,Axial,Head,`,
    `a1.png,A,The same file listed twice.,,CT,Axial,Chest,`,
    `b1.png,Z,An image of a case with no text.,,MR,Axial,Head,`,
    `broken.png,B,Not decodable at all.,,MR,Axial,Head,`,
    `b1.png,B,,,MR,Axial,Head,`,
    `,B,A row with no image.,,MR,Axial,Head,`,
    `a2.png,A,Ragged row`,
    `a2.png,A,Conflicting case text.,${q('Some other report text.')},CT,Axial,Chest,`,
  ];
  // Distinct ids for rows that reuse a file on purpose (empty caption, conflict): image_id column.
  const withIds = rows.map((r, i) => (i === 0 ? `image_id,${r}` : r.startsWith(',') ? `,${r}` : `${i === 8 ? 'b1-empty' : i === 11 ? 'a2-conflict' : i === 6 ? 'b1-z' : ''},${r}`));
  const manifest = path.join(dir, 'teaching.csv');
  writeFileSync(manifest, `${withIds.join('\n')}\n`);
  return { dir, manifest };
}

const opts = (o: Partial<CollectionIngestOptions> = {}): CollectionIngestOptions => ({ format: 'manifest', workers: 0, ...o });

test('a general manifest: good rows become reports, caption key images, links and padded PNGs; every bad row is rejected with its reason', async () => {
  const { manifest } = await makeCollection();
  const ws = Workspace.open(tmp('pacsmine-ws-'));
  try {
    const s = await ingestCollection(ws, manifest, opts());
    assert.equal(s.reports, 2);
    assert.equal(s.images, 3);
    assert.equal(s.rejected, 8);
    const rejects = listRejects(ws, COLLECTION_STAGE);
    assert.deepEqual(rejects.map((r) => `${r.recordId} ${r.code}`), [
      'missing.png MISSING_FILE', 'a1.png DUPLICATE_IMAGE', 'b1-z UNKNOWN_CASE', 'broken.png UNREADABLE_IMAGE',
      'b1-empty EMPTY_CAPTION', '@teaching.csv:line 10 NO_IMAGE', 'a2.png CSV_RAGGED', 'a2-conflict CASE_TEXT_CONFLICT',
    ]);
    for (const r of rejects) {
      assert.match(r.reason, /^teaching\.csv:line \d+: /, 'the reason names the row');
      for (const secret of ['Cannot be found', 'twice', 'no text', 'decodable', 'Conflicting', 'other report']) assert.ok(!r.reason.includes(secret), `no caption or report text in '${r.reason}'`);
    }
    // The caption is the key sentence, de-identified like report text.
    const refs = ws.db.prepare("SELECT report_id, sentence_index, section, sentence, prev_sentence FROM refs WHERE section = 'CAPTION' ORDER BY report_id, sentence_index DESC").all() as Array<Record<string, unknown>>;
    assert.equal(refs.length, 3);
    assert.deepEqual(refs.map((r) => [r.report_id, r.sentence_index]), [['A', -1], ['A', -2], ['B', -1]]);
    const a1 = refs[0]!.sentence as string;
    assert.ok(!a1.includes('04/05/2006') && !a1.includes('Quibbleton') && a1.includes('[DATE]') && a1.includes('[NAME]'), a1);
    assert.equal(refs[0]!.prev_sentence, null);
    // The case text went through the report ingest (de-identified, sentences, tokens).
    const b = ws.db.prepare("SELECT text, num_sentences, num_tokens, source, patient_id FROM reports WHERE report_id = 'B'").get() as Record<string, unknown>;
    assert.ok((b.text as string).includes('[DATE]') && !(b.text as string).includes('03/04/2005'));
    assert.ok((b.num_sentences as number) >= 2 && (b.num_tokens as number) > 10);
    assert.equal(b.source, path.resolve(manifest));
    assert.equal(ws.db.prepare("SELECT COUNT(*) FROM reports_raw WHERE report_id = 'B'").pluck().get(), 1, 'the original kept in the raw table only');
    // Images, links, metadata, PNGs.
    assert.deepEqual(ws.db.prepare("SELECT origin, COUNT(*) AS n FROM key_images GROUP BY origin").all(), [{ origin: 'caption', n: 3 }]);
    assert.equal(ws.db.prepare("SELECT COUNT(*) FROM links WHERE method = 'caption'").pluck().get(), 3);
    const imgs = ws.db.prepare(`SELECT i.sop_instance_uid AS sop, i.rows, i.columns, i.source, i.modality, i.body_part, i.location, i.accession, c.image_id, c.plane, c.patient_id, p.path
      FROM images i JOIN collection_images c USING (sop_instance_uid) JOIN key_image_png p USING (sop_instance_uid) ORDER BY c.image_id`).all() as Array<Record<string, unknown>>;
    assert.deepEqual(imgs.map((r) => [r.image_id, r.rows, r.columns, r.source, r.modality, r.body_part, r.plane, r.accession]), [
      ['a1.png', 30, 40, 'collection', 'CT', 'Chest', 'Axial', null],
      ['a2.png', 40, 30, 'collection', 'CT', 'Chest', 'Coronal', null],
      ['b1.png', 64, 64, 'collection', 'MR', 'Head', 'Axial', null],
    ]);
    assert.deepEqual(imgs.map((r) => r.patient_id), ['P1', 'P1', null], 'a2 takes its case\'s patient');
    for (const r of imgs) {
      assert.match(r.sop as string, /^collection:[0-9a-f]{32}$/);
      assert.equal(path.basename(r.path as string), `${(r.sop as string).slice(11)}.png`, 'named by the hash, not by the data');
      assert.ok(existsSync(r.location as string));
      const png = await decodeGrey(r.path as string);
      assert.deepEqual([png.width, png.height], [256, 256]);
    }
    // a1 is 40 x 30 of grey 120: padded above and below (black), never stretched.
    const a1png = await decodeGrey(imgs[0]!.path as string);
    assert.equal(a1png.pixels[5 * 256 + 128], 0);
    assert.ok(Math.abs((a1png.pixels[128 * 256 + 128] as number) - 120) <= 1);
    assert.equal(s.mask, null, 'no mask by default for a manifest');

    // Later stages: link keeps the caption links; convert leaves collection images alone.
    linkKeyImages(ws);
    assert.equal(ws.db.prepare("SELECT COUNT(*) FROM links WHERE method = 'caption'").pluck().get(), 3);
    const conv = await convertKeyImages(ws);
    assert.deepEqual([conv.images, conv.rejected], [0, 0]);
  } finally {
    ws.close();
  }
});

test('the output digest: equal for two runs, for 0 and 2 workers, and for a run interrupted then resumed; a re-run replaces rows', async () => {
  const { manifest } = await makeCollection();
  const wsA = Workspace.open(tmp('pacsmine-ws-'));
  const wsB = Workspace.open(tmp('pacsmine-ws-'));
  try {
    const first = await ingestCollection(wsA, manifest, opts());
    const skipped = await ingestCollection(wsA, manifest, opts());
    assert.equal(skipped.upToDate, true);
    assert.equal(skipped.digest, first.digest);
    const again = await ingestCollection(wsA, manifest, opts({ force: true, workers: 2 }));
    assert.equal(again.digest, first.digest);
    assert.equal(wsA.db.prepare('SELECT COUNT(*) FROM images').pluck().get(), 3, 'no duplicate rows after a re-run');
    assert.equal(wsA.db.prepare('SELECT COUNT(*) FROM refs').pluck().get(), 3);
    assert.equal(readdirSync(path.join(wsA.dir, 'artifacts', 'key-images')).length, 3);

    // Interrupted after the first group of images (concurrency 2), then run again.
    await assert.rejects(ingestCollection(wsB, manifest, opts({ concurrency: 2, onProgress: () => { throw new Error('killed'); } })), /killed/);
    assert.ok((wsB.db.prepare('SELECT COUNT(*) FROM images').pluck().get() as number) > 0, 'the interrupted run had stored some images');
    const resumed = await ingestCollection(wsB, manifest, opts());
    assert.equal(resumed.upToDate, false);
    assert.equal(resumed.digest, first.digest);

    // Masking changes the PNGs, so the digest.
    const masked = await ingestCollection(wsB, manifest, opts({ mask: true }));
    assert.notEqual(masked.digest, first.digest);
    assert.equal(masked.mask, 'top-right:0.45x0.12,bottom:0.09');
    // The complement for the leak experiment: only the regions, where the key image is 0.
    const only = await renderMaskedRegions(wsB);
    assert.equal(only.length, 3);
    for (const o of only) {
      const { h, w } = wsB.db.prepare('SELECT source_rows AS h, source_columns AS w FROM key_image_png WHERE sop_instance_uid = ?').get(o.sopInstanceUid) as { h: number; w: number };
      const rects = maskRects(w, h, MEDPIX_OVERLAY).map((r) => outputRect(r, padGeometry(w, h, 256), 256));
      const [key, comp] = [await decodeGrey(o.keyImagePath), await decodeGrey(o.path)];
      let shown = 0;
      for (let i = 0; i < 256 * 256; i++) {
        const inside = inRects(rects, i % 256, Math.floor(i / 256));
        if (inside) assert.equal(key.pixels[i], 0);
        else assert.equal(comp.pixels[i], 0);
        if (inside && (comp.pixels[i] as number) > 100) shown++;
      }
      assert.ok(shown > 1000, `the complement shows the removed pixels (${shown})`);
    }
  } finally {
    wsA.close();
    wsB.close();
  }
});

test('a JSON Lines manifest with a cases file (case_id, text, patient_id, extra_text)', async () => {
  const { dir } = await makeCollection();
  const manifest = path.join(dir, 'pairs.jsonl');
  writeFileSync(manifest, [
    JSON.stringify({ image: 'a1.png', case_id: 'A', caption: 'Axial view of the nodule.', plane: 'Axial' }),
    JSON.stringify({ image: path.join(dir, 'b1.png'), case_id: 'B', caption: 'Axial T1 post contrast.' }),
    '{ not json',
    JSON.stringify({ image: 'a2.png', case_id: 'C', caption: 'A case whose text is empty.' }),
  ].join('\n'));
  const cases = path.join(dir, 'cases.csv');
  writeFileSync(cases, `case_id,text,patient_id,extra_text\nA,"${CASE_A}",P7,"Nodules are common, see Dr. Quibbleton."\nB,"${CASE_B}",,\nC,,,\n`);
  const ws = Workspace.open(tmp('pacsmine-ws-'));
  try {
    const s = await ingestCollection(ws, manifest, opts({ cases }));
    assert.deepEqual([s.reports, s.images, s.casesRejected, s.imagesRejected], [2, 2, 1, 2]);
    assert.deepEqual(listRejects(ws, COLLECTION_STAGE).map((r) => r.code).sort(), ['BAD_JSON', 'EMPTY', 'UNKNOWN_CASE']);
    assert.equal(ws.db.prepare("SELECT i.patient_id FROM images i JOIN collection_images c USING (sop_instance_uid) WHERE c.report_id = 'A'").pluck().get(), 'P7', 'the case\'s patient');
    const extra = ws.db.prepare("SELECT kind, text FROM case_extra_text WHERE report_id = 'A'").get() as { kind: string; text: string };
    assert.equal(extra.kind, 'extra');
    assert.ok(extra.text.includes('[NAME]') && !extra.text.includes('Quibbleton'), 'extra text is de-identified too');
    const reportA = ws.db.prepare("SELECT text FROM reports WHERE report_id = 'A'").pluck().get() as string;
    assert.ok(!reportA.includes('Nodules are common'), 'extra text stays out of the report');
  } finally {
    ws.close();
  }
});
