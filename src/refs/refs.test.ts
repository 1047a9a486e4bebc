import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractReferences, keyImagePairs } from './extract.js';
import { MAX_INSTANCES_PER_REFERENCE, rangeEnd } from './ranges.js';

/** The references in `text` as [series, instances, text, start, end]. */
function refs(text: string): Array<[number[], number[], string, number, number]> {
  return extractReferences(text).map((r) => [r.series, r.instances, r.text, r.start, r.end]);
}

/** Asserts `text` holds exactly one reference, spelled `span` at its first occurrence. */
function one(text: string, span: string, series: number[], instances: number[]): void {
  const start = text.indexOf(span);
  assert.ok(start >= 0, `test bug: ${span} not in ${text}`);
  assert.deepEqual(refs(text), [[series, instances, span, start, start + span.length]]);
}

function range(lo: number, hi: number): number[] {
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}

test('the paper\'s forms: "series 1001, image 32", "(e.g. series 4 image 30)", "series 3 image 88-95"', () => {
  one('stranding of the right parapharyngeal soft tissues (series 1001, image 32).', 'series 1001, image 32', [1001], [32]);
  one('mid-lung mass (e.g. series 4 image 30).', 'series 4 image 30', [4], [30]);
  one('lytic lesion (series 3 image 88-95) increasing', 'series 3 image 88-95', [3], range(88, 95));
});

test('lists with abbreviated ranges: 84-7 is 84..87, 1013-78 is 1013..1078, 198-202 is complete', () => {
  one('foci (e.g. series 3 image 55, 60, 80, 84-7, 96) foci', 'series 3 image 55, 60, 80, 84-7, 96', [3],
    [55, 60, 80, 84, 85, 86, 87, 96]);
  one('see image 1013-78.', 'image 1013-78', [], range(1013, 1078));
  one('see image 198-202.', 'image 198-202', [], range(198, 202));
  one('image 95-5', 'image 95-5', [], [95]);
  assert.equal(rangeEnd(84, 2, 7, 1), 87);
  assert.equal(rangeEnd(1013, 4, 78, 2), 1078);
  assert.equal(rangeEnd(198, 3, 202, 3), 202);
  assert.equal(rangeEnd(198, 3, 20, 2), -1); // 198..120 runs backwards
});

test('"and", "through", "to", en dashes and "&" in image lists', () => {
  one('images 10 and 12 show it', 'images 10 and 12', [], [10, 12]);
  one('series 5 images 20 through 25', 'series 5 images 20 through 25', [5], range(20, 25));
  one('series 5 images 20 to 22', 'series 5 images 20 to 22', [5], [20, 21, 22]);
  one('series 5 images 20 thru 22', 'series 5 images 20 thru 22', [5], [20, 21, 22]);
  one('series 5 image 20\u201322', 'series 5 image 20\u201322', [5], [20, 21, 22]);
  one('series 5 images 1, 3, and 5 & 7 or 9', 'series 5 images 1, 3, and 5 & 7 or 9', [5], [1, 3, 5, 7, 9]);
  one('series 5 images 4, 4, 3-5', 'series 5 images 4, 4, 3-5', [5], [4, 3, 5]);
});

test('several series: "series 2/3 image 45" gives both series the instance', () => {
  one('nodule (series 2/3 image 45)', 'series 2/3 image 45', [2, 3], [45]);
  one('series 2 and 3, image 45', 'series 2 and 3, image 45', [2, 3], [45]);
  const [ref] = extractReferences('series 2/3 images 45-46');
  assert.deepEqual(keyImagePairs(ref!), [
    { series: 2, instance: 45 }, { series: 2, instance: 46 }, { series: 3, instance: 45 }, { series: 3, instance: 46 },
  ]);
});

test('abbreviations, "#", colons and "number" in any case', () => {
  one('series #6 image #5', 'series #6 image #5', [6], [5]);
  one('on se 3 im 45 there', 'se 3 im 45', [3], [45]);
  one('(ser. 3, im. 45).', 'ser. 3, im. 45', [3], [45]);
  one('SERIES 3 IMG 4', 'SERIES 3 IMG 4', [3], [4]);
  one('Series 3 Slices 4-6', 'Series 3 Slices 4-6', [3], [4, 5, 6]);
  one('series: 3, image: 45', 'series: 3, image: 45', [3], [45]);
  one('series 3, images 45-47.', 'series 3, images 45-47', [3], [45, 46, 47]);
  one('image number 45', 'image number 45', [], [45]);
  one('image no. 7 of series 2', 'image no. 7 of series 2', [2], [7]);
  one('series 3 image # 12', 'series 3 image # 12', [3], [12]);
});

test('image first: "image 45 of series 3", and a lone image keeps its series empty', () => {
  one('see image 45 of series 3.', 'image 45 of series 3', [3], [45]);
  one('images 10 and 12 on series 7', 'images 10 and 12 on series 7', [7], [10, 12]);
  one('(image 45, series 3)', 'image 45, series 3', [3], [45]);
  one('cyst on image 45.', 'image 45', [], [45]);
  const [ref] = extractReferences('cyst on image 45.');
  assert.deepEqual(keyImagePairs(ref!), [{ series: null, instance: 45 }]);
});

test('several references in one sentence', () => {
  assert.deepEqual(refs('series 3 image 5 and series 4 image 7'), [
    [[3], [5], 'series 3 image 5', 0, 16],
    [[4], [7], 'series 4 image 7', 21, 37],
  ]);
  assert.deepEqual(refs('(series 2, images 10, 12; series 5, image 3)'), [
    [[2], [10, 12], 'series 2, images 10, 12', 1, 24],
    [[5], [3], 'series 5, image 3', 26, 43],
  ]);
  // A series between two image clauses belongs to the one after it.
  assert.deepEqual(refs('image 10, series 3 image 4'), [
    [[], [10], 'image 10', 0, 8],
    [[3], [4], 'series 3 image 4', 10, 26],
  ]);
});

test('curly quotes and bullets do not hide a reference; letters glued before a keyword do', () => {
  one('\u201cseries 3 image 4\u201d', 'series 3 image 4', [3], [4]);
  one('\u2022image 5 noted', 'image 5', [], [5]);
  // "éseries" is not the keyword, and "3 image 4" alone reads as a count.
  assert.deepEqual(refs('\u00e9series 3 image 4'), []);
  assert.deepEqual(refs('\u00e9series 3, image 4'), [[[], [4], 'image 4', 11, 18]]);
});

test('a reference may run across a line break', () => {
  one('soft tissues (series 1001,\nimage 32).', 'series 1001,\nimage 32', [1001], [32]);
});

test('not references: counts, measurements, dates and prose about images', () => {
  for (const text of [
    'images were obtained', '3 images', 'PA and lateral chest 3 images XXXX', '2 images. Heart size normal.',
    'a series of images', 'axial images of the chest', 'Technical Quality of Image Unsatisfactory', 'image quality',
    'Contiguous 2.5 mm axial images of the nasopharynx', 'images 5 mm apart', 'slices 2-4 mm thick',
    'image 2.5 cm', 'images 10 % smaller', 'image 3-mm', 'image 12/5/2010', 'image 10:30', 'image 5mm',
    'series 3 images were reviewed', 'series 5', 'the imaging series 4 image', 'given IM 2 times', 'im 45',
    'per se 3 image', 'image 80-70', 'image 1234567', 'series 3 image 45.5',
    'Multidetector helical (5 mm, quad) images following, and abdomen images prior to vascular contrast ' +
      'infusion (45 s delay, 2 cc/s, 130 cc Isovue) obtained',
  ]) {
    assert.deepEqual(refs(text), [], text);
  }
});

test('a measurement after a list item ends the list, keeping what came before', () => {
  one('series 3 image 5, 10 mm lesion', 'series 3 image 5', [3], [5]);
  one('series 3 image 5 and 2 images', 'series 3 image 5', [3], [5]);
});

test('backwards ranges are dropped from a list; huge ranges keep only their endpoints', () => {
  one('series 3 image 5, 80-70, 9', 'series 3 image 5, 80-70, 9', [3], [5, 9]);
  one('image 1-5000', 'image 1-5000', [], [1, 5000]);
  const [big] = extractReferences(`image 1-${MAX_INSTANCES_PER_REFERENCE}, 5000-6000`);
  assert.equal(big!.instances.length, MAX_INSTANCES_PER_REFERENCE + 2);
  assert.deepEqual(big!.instances.slice(-2), [5000, 6000]);
});

test('no reference in empty or tiny text, and words that merely contain keywords', () => {
  assert.deepEqual(refs(''), []);
  assert.deepEqual(refs('s'), []);
  assert.deepEqual(refs('reimage 45, subseries 3 image'), []);
  assert.deepEqual(refs('xseries 3 image 4'), []);
});
