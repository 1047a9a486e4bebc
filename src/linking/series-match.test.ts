import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planeOf } from '../images/series-attributes.js';
import { namedFeatures, seriesFeatures, seriesFits, type SeriesRow } from './series-match.js';

const row = (over: Partial<SeriesRow>): SeriesRow => ({
  series_uid: 'x', series_number: 1, modality: 'MR', description: null, protocol: null, plane: null, scanning_sequence: null,
  repetition_time: null, echo_time: null, inversion_time: null, contrast_agent: null, kernel: null, ...over,
});

test('the plane from ImageOrientationPatient: the axis the normal runs along, oblique beyond ~37 degrees', () => {
  assert.equal(planeOf([1, 0, 0, 0, 1, 0]), 'axial');
  assert.equal(planeOf([1, 0, 0, 0, 0, -1]), 'coronal');
  assert.equal(planeOf([0, 1, 0, 0, 0, -1]), 'sagittal');
  assert.equal(planeOf([1, 0, 0, 0, -0.5, -0.866]), 'coronal'); // 30 degrees off coronal
  assert.equal(planeOf([1, 0, 0, 0, 0.866, -0.5]), 'axial'); // 30 degrees off axial
  assert.equal(planeOf([1, 0, 0, 0, 0.707, -0.707]), 'oblique');
  assert.equal(planeOf([1, 0, 0]), undefined);
  assert.equal(planeOf(undefined), undefined);
});

test('a series read from its words and attributes; attributes win where they speak', () => {
  // The orientation says sagittal, whatever the description says.
  assert.equal(seriesFeatures(row({ description: 'AX T2', plane: 'sagittal' })).plane, 'sagittal');
  assert.equal(seriesFeatures(row({ description: 'T1 POST', contrast_agent: null })).contrast, 'post');
  assert.equal(seriesFeatures(row({ description: 'T1', contrast_agent: 'GADAVIST' })).contrast, 'post');
  assert.equal(seriesFeatures(row({ description: 'T1' })).contrast, 'pre');
  assert.equal(seriesFeatures(row({ repetition_time: 450, echo_time: 10 })).weighting, 'T1');
  assert.equal(seriesFeatures(row({ repetition_time: 3000, echo_time: 100 })).weighting, 'T2');
  assert.equal(seriesFeatures(row({ repetition_time: 3000, echo_time: 20 })).weighting, 'PD');
  assert.deepEqual(seriesFeatures(row({ scanning_sequence: 'IR', inversion_time: 2500, repetition_time: 9000, echo_time: 120 })).sequences, ['FLAIR']);
  assert.equal(seriesFeatures(row({ modality: 'CT', kernel: 'LUNG' })).kernel, 'lung');
  assert.equal(seriesFeatures(row({ modality: 'CT', description: 'AXIAL 5MM SOFT TISSUE', kernel: 'STANDARD' })).kernel, 'soft');
  // The protocol fills in, but its contrast words are the exam's.
  const p = seriesFeatures(row({ description: 'T2', protocol: 'COR BRAIN W WO' }));
  assert.equal(p.plane, 'coronal');
  assert.equal(p.contrast, 'pre');
});

test('a series fits when it agrees on every point the words make', () => {
  const t2 = seriesFeatures(row({ description: 'COR T2 FS', plane: 'coronal' }));
  assert.ok(seriesFits(namedFeatures('coronal T2'), t2));
  assert.ok(seriesFits(namedFeatures('cor T2 fat-sat'), t2));
  assert.ok(!seriesFits(namedFeatures('axial T2'), t2));
  assert.ok(!seriesFits(namedFeatures('coronal STIR'), t2));
  assert.ok(!seriesFits(namedFeatures('coronal T2 post-contrast'), t2));
  // A point the series does not state does not fit: no phase in its words.
  assert.ok(!seriesFits(namedFeatures('arterial phase'), seriesFeatures(row({ modality: 'CT', description: 'AXIAL 5MM' }))));
  assert.ok(seriesFits(namedFeatures('arterial phase'), seriesFeatures(row({ modality: 'CT', description: 'ARTERIAL 2MM' }))));
});
