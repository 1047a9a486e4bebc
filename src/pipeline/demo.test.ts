/**
 * The demo (`npm start`) on its default synthetic archive: the three-level chain must learn what
 * the archive's ground truth says is learnable. Each study's category decides what its key images
 * show (region, modality, findings), so a network trained on the topic labels must place test
 * images in the right category far more often than always answering the commonest one, and beat
 * both baselines on the topics themselves at the document level.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Workspace } from '../store/workspace.js';
import { runDemo } from './demo.js';

test('the demo chain learns the archive\'s study categories at every level, and the document topics beyond both baselines', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pacsmine-demo-'));
  const ws = Workspace.open(path.join(dir, 'ws'));
  try {
    const s = await runDemo(ws, {});
    assert.ok(s.chain, 'the chain ran');
    for (const level of ['document', 'second', 'sentence'] as const) {
      const c = s.chain[level];
      assert.ok(c, `${level} trained`);
      t.diagnostic(`${level}: top-1 ${c.top1.toFixed(3)} top-5 ${c.top5.toFixed(3)} (majority ${c.majorityTop1.toFixed(3)}, random ${c.randomTop1.toFixed(3)}); ` +
        `category top-1 ${c.truthTop1.toFixed(3)} of ceiling ${c.truthCeiling.toFixed(3)}, majority category ${c.truthMajorityTop1.toFixed(3)}; ${c.testImages} test images`);
      assert.ok(c.truthTop1 >= c.truthMajorityTop1 + 0.15, `${level}: category top-1 ${c.truthTop1} against the majority category's ${c.truthMajorityTop1}`);
      assert.ok(c.top5 >= c.top1);
      assert.ok(existsSync(c.confusionSvg));
    }
    const doc = s.chain.document!;
    assert.ok(doc.top1 >= doc.majorityTop1 + 0.3 && doc.top1 >= doc.randomTop1 + 0.3, `document top-1 ${doc.top1}`);
    assert.ok(doc.truthTop1 >= 0.5, `document category top-1 ${doc.truthTop1}`);
    // Images → words ran and scored (the archive's bigrams are the patient's primary cancer, named in
    // the history and not drawn in the pixels: no learning threshold here; see src/keywords tests).
    const k = s.keywords;
    assert.ok(k, 'the regression and keyword steps ran');
    t.diagnostic(`keywords: R@1 ${k.r1.toFixed(3)} R@5 ${k.r5.toFixed(3)} R@10 ${k.r10.toFixed(3)} over ${k.pairs} pairs; baselines ${JSON.stringify(k.baselines)}; truth R@1 ${k.truthR1.toFixed(3)}; search recall@10 ${k.searchRecallAt10.toFixed(3)}`);
    assert.ok(k.trainRows > 0 && k.pairs > 0 && k.testImages > 0);
    assert.ok(k.r1 <= k.r5 && k.r5 <= k.r10 && k.r10 <= 1);
    assert.ok(existsSync(k.examples));
  } finally {
    ws.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
