import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { needsSharedData, sharedDataDir } from '../../testing/requirements.js';
import { extractReferences } from './extract.js';

// The Indiana chest X-ray reports talk about images ("2 images", "PA and lateral chest 3 images",
// "comparison with prior images", "Technical Quality of Image Unsatisfactory") but never point at
// a series or image number: any reference found there is a false positive.
test('no references in the 3,851 Indiana chest X-ray reports', { skip: needsSharedData('iu-xray/indiana_reports.csv') }, () => {
  const file = path.join(sharedDataDir, 'iu-xray', 'indiana_reports.csv');
  const rows = parse(readFileSync(file), { columns: true }) as Array<Record<string, string>>;
  assert.ok(rows.length > 3000);
  let mentionsImages = 0;
  const found: string[] = [];
  for (const row of rows) {
    for (const field of ['image', 'indication', 'comparison', 'findings', 'impression']) {
      const text = row[field] ?? '';
      if (/\bimages?\b/i.test(text)) mentionsImages++;
      for (const ref of extractReferences(text)) found.push(`uid ${row['uid']} ${field}: ${ref.text}`);
    }
  }
  assert.ok(mentionsImages > 100, 'the corpus does talk about images');
  assert.deepEqual(found, []);
});
