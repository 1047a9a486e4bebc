import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractReferences, keyImagePairs } from './extract.js';
import { readDescription, seriesWordsOf } from './series-words.js';

/** The references in `text` as [series, seriesText, instances, text]. */
function refs(text: string): Array<[number[], string | null, number[], string]> {
  return extractReferences(text).map((r) => {
    assert.equal(text.slice(r.start, r.end), r.text);
    return [r.series, r.seriesText, r.instances, r.text];
  });
}

test('a series named by plane and sequence: the words are kept as written, the span starts at them', () => {
  assert.deepEqual(refs('Cyst (coronal T2 image 52).'), [[[], 'coronal T2', [52], 'coronal T2 image 52']]);
  assert.deepEqual(refs('enhancing on axial T1 post-contrast images 14-16.'), [[[], 'axial T1 post-contrast', [14, 15, 16], 'axial T1 post-contrast images 14-16']]);
  assert.deepEqual(refs('edema (sagittal STIR #23)'), [[[], 'sagittal STIR', [23], 'sagittal STIR #23']]);
  assert.deepEqual(refs('best seen on the axial CT image 45.'), [[[], 'axial CT', [45], 'axial CT image 45']]);
  assert.deepEqual(refs('(ax T2 im 12)'), [[[], 'ax T2', [12], 'ax T2 im 12']]);
  assert.deepEqual(refs('AXIAL LUNG WINDOW IMAGE 45'), [[[], 'AXIAL LUNG WINDOW', [45], 'AXIAL LUNG WINDOW IMAGE 45']]);
  assert.deepEqual(refs('on T1 with contrast image 4'), [[[], 'T1 with contrast', [4], 'T1 with contrast image 4']]);
  assert.deepEqual(refs('arterial phase images 30 and 31'), [[[], 'arterial phase', [30, 31], 'arterial phase images 30 and 31']]);
  // A series number and words naming it: both are kept.
  assert.deepEqual(refs('axial T2 series 5 image 14'), [[[5], 'axial T2', [14], 'axial T2 series 5 image 14']]);
  const [ref] = extractReferences('coronal T2 image 52');
  assert.deepEqual(keyImagePairs(ref!), [{ series: null, instance: 52 }]);
});

test('T2 the weighting and T2 the vertebra: only a weighting right before the image clause names a series', () => {
  assert.deepEqual(refs('hyperintense on T2 image 14'), [[[], 'T2', [14], 'T2 image 14']]);
  assert.deepEqual(refs('T2 image 14'), [[[], 'T2', [14], 'T2 image 14']]);
  // A level: something stands between it and the image clause, or it is a range, or it follows a level word.
  assert.deepEqual(refs('T12 vertebral body (image 14)'), [[[], null, [14], 'image 14']]);
  assert.deepEqual(refs('T2 vertebral body (image 14)'), [[[], null, [14], 'image 14']]);
  assert.deepEqual(refs('T2-T3 image 14'), [[[], null, [14], 'image 14']]);
  assert.deepEqual(refs('T12-L1 image 9'), [[[], null, [9], 'image 9']]);
  assert.deepEqual(refs('T2-3 image 14'), []); // "3 image 14" reads as a count, as "3 images" does
  assert.deepEqual(refs('fracture at T2 image 14'), [[[], null, [14], 'image 14']]);
  assert.deepEqual(refs('C7 - T1 image 4'), [[[], null, [4], 'image 4']]);
  assert.deepEqual(refs('from T1 to T2 image 5'), [[[], null, [5], 'image 5']]);
  assert.deepEqual(refs('T12 image 3'), [[[], null, [3], 'image 3']]);
  // With a plane or another sequence word the weighting is a weighting, wherever it stands.
  assert.deepEqual(refs('at sagittal T2 image 14'), [[[], 'sagittal T2', [14], 'sagittal T2 image 14']]);
  // "T2 #5" and "T2 im 5" need the word to be a weighting too.
  assert.deepEqual(refs('at T2 #5'), []);
  assert.deepEqual(refs('at T2 im 5'), []);
});

test('words that do not name a series on their own are left out', () => {
  assert.deepEqual(refs('the CT image 45'), [[[], null, [45], 'image 45']]);
  assert.deepEqual(refs('right lung image 45'), [[[], null, [45], 'image 45']]);
  assert.deepEqual(refs('IV contrast image 4'), [[[], null, [4], 'image 4']]);
  assert.deepEqual(refs('with contrast image 4'), [[[], 'with contrast', [4], 'with contrast image 4']]);
  assert.deepEqual(refs('lesion with T2 image 4'), [[[], 'T2', [4], 'T2 image 4']]);
  assert.deepEqual(refs('series image 4'), [[[], null, [4], 'image 4']]);
  // "im" still needs a series, a number or words naming one.
  assert.deepEqual(refs('given IM 2 times; the CT im 45'), []);
  // "#" with words naming no plane or sequence, or none at all, is no reference.
  assert.deepEqual(refs('CT #2 showed a lesion #3, post-contrast #4'), []);
});

test('"image N/M" is image N of M; dates and ratios stay out', () => {
  assert.deepEqual(refs('(image #12/40)'), [[[], null, [12], 'image #12/40']]);
  assert.deepEqual(refs('series 3, image 12/40 and 14/40'), [[[3], null, [12, 14], 'series 3, image 12/40 and 14/40']]);
  assert.deepEqual(refs('coronal T2 image 52/60'), [[[], 'coronal T2', [52], 'coronal T2 image 52/60']]);
  for (const text of ['image 12/5/2010', 'image 1/12/2010', 'image 12/5', 'image 10:30', 'image 3/4:5']) assert.deepEqual(refs(text), [], text);
});

test('a bare "(#210 and 214)" continues the previous reference of the same paragraph', () => {
  assert.deepEqual(refs('Mass (series 3 image 200). Another lesion (#210 and 214).'), [
    [[3], null, [200], 'series 3 image 200'], [[3], null, [210, 214], '#210 and 214'],
  ]);
  assert.deepEqual(refs('Cyst (coronal T2 image 52), and a second\none (#60, 61-2).'), [
    [[], 'coronal T2', [52], 'coronal T2 image 52'], [[], 'coronal T2', [60, 61, 62], '#60, 61-2'],
  ]);
  // Not after a blank line, not without a reference before, not outside parentheses or with more inside.
  assert.deepEqual(refs('Mass (series 3 image 200).\n\nAnother lesion (#210 and 214).'), [[[3], null, [200], 'series 3 image 200']]);
  assert.deepEqual(refs('Another lesion (#210 and 214).'), []);
  assert.deepEqual(refs('Mass (series 3 image 200); lesion #2 and lesion #3 (#4 mm)'), [[[3], null, [200], 'series 3 image 200']]);
});

test('the series words of a DICOM SeriesDescription read like the report\'s', () => {
  const read = (s: string) => readDescription(seriesWordsOf(s)).features;
  assert.deepEqual(read('AX T1 POST'), { sequences: [], plane: 'axial', weighting: 'T1', contrast: 'post' });
  assert.deepEqual(read('axial T1 post-contrast'), read('AX T1 POST'));
  assert.deepEqual(read('AXIAL 5MM LUNG'), { sequences: [], plane: 'axial', kernel: 'lung' });
  assert.deepEqual(read('SAG STIR'), { sequences: ['STIR'], plane: 'sagittal' });
  assert.deepEqual(read('COR T2 FS'), { sequences: ['FS'], plane: 'coronal', weighting: 'T2' });
});
