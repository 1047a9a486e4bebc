import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitSentences, sentenceAt } from './sentences.js';

const texts = (t: string) => splitSentences(t).map((s) => s.text);

test('section headers become labels, not sentences', () => {
  const s = splitSentences('FINDINGS: No mass. Lungs are clear.\nIMPRESSION: Normal study.');
  assert.deepEqual(s.map((x) => [x.section, x.text]), [
    ['FINDINGS', 'No mass.'], ['FINDINGS', 'Lungs are clear.'], ['IMPRESSION', 'Normal study.'],
  ]);
  assert.deepEqual(splitSentences('Findings: Stable. Technique: Axial images.').map((x) => x.section), ['FINDINGS', 'TECHNIQUE']);
  assert.equal(splitSentences('REASON FOR EXAM (Entered by ordering clinician into CRIS): hx of cancer.')[0]?.section, 'REASON FOR EXAM');
  assert.equal(splitSentences('ABDOMEN, PELVIS: Few liver foci.')[0]?.section, 'ABDOMEN, PELVIS');
});

test('numbered impressions are one sentence each, markers do not split', () => {
  assert.deepEqual(texts('IMPRESSION: 1. No soft tissue masses. 2. Basilar artery aneurysm. 3. Atherosclerotic disease..'), [
    'No soft tissue masses.', 'Basilar artery aneurysm.', 'Atherosclerotic disease..',
  ]);
  assert.deepEqual(texts('IMPRESSION: 1. No acute disease 2. Stable nodule'), ['No acute disease', 'Stable nodule']);
  assert.deepEqual(texts('IMPRESSION:\n1) Effusion.\n2) Atelectasis.'), ['Effusion.', 'Atelectasis.']);
});

test('abbreviations, decimals, initials and placeholders do not break sentences', () => {
  assert.deepEqual(texts('Mass (e.g. series 4 image 30) measures 2.0 cm. Approx. 5 mm nodule, i.e. stable.'), [
    'Mass (e.g. series 4 image 30) measures 2.0 cm.', 'Approx. 5 mm nodule, i.e. stable.',
  ]);
  assert.deepEqual(texts('Discussed with Dr. [NAME] on [DATE]. No change.'), ['Discussed with Dr. [NAME] on [DATE].', 'No change.']);
  assert.deepEqual(texts('There are no XXXX of a pleural effusion. Normal chest x-XXXX. Midline sternotomy XXXX. Enlarged arteries.'), [
    'There are no XXXX of a pleural effusion.', 'Normal chest x-XXXX.', 'Midline sternotomy XXXX.', 'Enlarged arteries.',
  ]);
  assert.deepEqual(texts('Seen by J. Smith today. Stable vs. prior.'), ['Seen by J. Smith today.', 'Stable vs. prior.']);
});

test('wrapped lines join; blank lines and questions/exclamations end sentences', () => {
  assert.deepEqual(texts('There may be mild fat stranding of the\nright soft tissues (series 1001,\nimage 32)\n\nNext paragraph? Yes!'), [
    'There may be mild fat stranding of the\nright soft tissues (series 1001,\nimage 32)', 'Next paragraph?', 'Yes!',
  ]);
});

test('spans point into the text and sentenceAt finds the containing sentence', () => {
  const text = 'FINDINGS: A mass (series 3 image 5). No effusion.\nIMPRESSION: 1. Mass.';
  const s = splitSentences(text);
  for (const x of s) assert.equal(text.slice(x.start, x.end), x.text);
  assert.equal(sentenceAt(s, text.indexOf('series')), 0);
  assert.equal(sentenceAt(s, text.indexOf('effusion')), 1);
  assert.equal(sentenceAt(s, text.length - 2), 2);
});

test('empty and whitespace-only text give no sentences', () => {
  assert.deepEqual(splitSentences(''), []);
  assert.deepEqual(splitSentences('  \n\n '), []);
  assert.deepEqual(splitSentences('FINDINGS:'), []);
});
