/**
 * Which series of a study a report's words name ("coronal T2", "axial T1 post-contrast", "lung
 * window"). A series is read with the report's own vocabulary (src/refs/series-words.ts) from its
 * SeriesDescription and ProtocolName, then completed from its attributes, which win where they
 * speak: the plane from ImageOrientationPatient, contrast from ContrastBolusAgent, the MR
 * weighting from TR/TE and STIR/FLAIR from inversion recovery when the words name none.
 */
import { readDescription, seriesWordsOf, type SeriesFeatures } from '../refs/series-words.js';

/** One row of the image_series table. */
export interface SeriesRow {
  series_uid: string;
  series_number: number | null;
  modality: string | null;
  description: string | null;
  protocol: string | null;
  plane: string | null;
  scanning_sequence: string | null;
  repetition_time: number | null;
  echo_time: number | null;
  inversion_time: number | null;
  contrast_agent: string | null;
  kernel: string | null;
}

const MODALITIES: Record<string, SeriesFeatures['modality']> = { CT: 'CT', MR: 'MR', PT: 'PT' };
const PLANES = new Set(['axial', 'coronal', 'sagittal', 'oblique']);

/** What a series is, as far as its words and attributes say. */
export function seriesFeatures(row: SeriesRow): SeriesFeatures {
  const own = readDescription(seriesWordsOf(row.description ?? '')).features;
  // The protocol fills what the description leaves out; its contrast words describe the exam
  // ("BRAIN W WO"), not the series, so they are left out.
  const protocol = readDescription(seriesWordsOf(row.protocol ?? '')).features;
  const f: SeriesFeatures = { ...protocol, ...own, sequences: [...new Set([...own.sequences, ...protocol.sequences])] };
  delete f.contrast;
  if (own.contrast !== undefined) f.contrast = own.contrast;
  if (row.plane !== null && PLANES.has(row.plane)) f.plane = row.plane as NonNullable<SeriesFeatures['plane']>;
  const modality = row.modality === null ? undefined : MODALITIES[row.modality.toUpperCase()];
  if (modality !== undefined) f.modality = modality;
  else delete f.modality;
  // A contrast agent recorded makes the series post-contrast; none recorded and no words saying so: pre-contrast.
  if (row.contrast_agent !== null && row.contrast_agent.trim() !== '') f.contrast = 'post';
  else f.contrast ??= 'pre';
  if (f.kernel === undefined && row.kernel !== null) {
    const k = readDescription(seriesWordsOf(row.kernel)).features.kernel;
    if (k !== undefined) f.kernel = k;
  }
  if (f.modality === 'MR') completeMr(f, row);
  f.sequences.sort();
  return f;
}

/** MR: STIR/FLAIR from inversion recovery and its inversion time; the weighting from TR and TE. */
function completeMr(f: SeriesFeatures, row: SeriesRow): void {
  const scanning = (row.scanning_sequence ?? '').toUpperCase().split('\\');
  const add = (s: string): void => {
    if (!f.sequences.includes(s)) f.sequences.push(s);
  };
  if (scanning.includes('IR') && row.inversion_time !== null) {
    if (row.inversion_time < 300) add('STIR');
    else if (row.inversion_time > 1500) add('FLAIR');
  }
  if (scanning.includes('GR')) add('GRE');
  if (f.weighting !== undefined) return;
  const tr = row.repetition_time;
  const te = row.echo_time;
  if (f.sequences.includes('STIR') || f.sequences.includes('FLAIR')) f.weighting = 'T2';
  else if (tr !== null && te !== null) {
    if (tr < 1000 && te < 30) f.weighting = 'T1';
    else if (tr >= 1500 && te >= 60) f.weighting = 'T2';
    else if (tr >= 1500 && te < 40) f.weighting = 'PD';
  }
}

/** Whether a series agrees on every point the named features make (a point it does not state does not fit). */
export function seriesFits(named: SeriesFeatures, series: SeriesFeatures): boolean {
  for (const key of ['plane', 'weighting', 'modality', 'contrast', 'phase', 'kernel'] as const) {
    if (named[key] !== undefined && named[key] !== series[key]) return false;
  }
  return named.sequences.every((s) => series.sequences.includes(s));
}

/** The features a report's series words name. */
export function namedFeatures(seriesText: string): SeriesFeatures {
  return readDescription(seriesWordsOf(seriesText)).features;
}
