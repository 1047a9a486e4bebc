import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenize, countTokens, stemToken } from './tokenize.js';

test('tokens are lower-case words and numbers of 3+ characters', () => {
  assert.deepEqual(tokenize('The CT shows a 2.0 cm Mass, e.g. at L5-S1 (130 cc/s).'), [
    'the', 'shows', '2.0', 'mass', 'e.g', 'l5-s1', '130', 'cc/s',
  ]);
});

test('inner punctuation can be split instead', () => {
  assert.deepEqual(tokenize('L5-S1 isovue-300', { keepInnerPunctuation: false }), ['isovue', '300']);
});

test('Porter stemming through the stemmer package', () => {
  assert.deepEqual(tokenize('Cysts metastases enhancing', { stem: true }), ['cyst', 'metastas', 'enhanc']);
  assert.equal(stemToken('l5-s1'), 'l5-s1');
});

test('countTokens agrees with tokenize', () => {
  const text = 'No pleural effusion. Stable 5 mm nodule (series 3, image 45).';
  assert.equal(countTokens(text), tokenize(text).length);
});

test('de-identification placeholders are not tokens; XXXX is recognised as one', async () => {
  const { isPlaceholderToken } = await import('./tokenize.js');
  assert.deepEqual(tokenize('Seen on [DATE] by Dr. [NAME] in clinic [sic].'), ['seen', 'clinic', 'sic']);
  assert.equal(isPlaceholderToken('xxxx'), true);
  assert.equal(isPlaceholderToken('xanthoma'), false);
});
