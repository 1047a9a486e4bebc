/**
 * The words that name a series by what it is rather than by its number: plane ("coronal"),
 * MR weighting and sequence ("T2", "STIR"), contrast ("post-contrast"), phase ("arterial"),
 * CT kernel ("lung window") and modality ("CT"). The same vocabulary reads the words a report
 * uses ("axial T1 post-contrast images 14-16") and a series' own SeriesDescription and
 * ProtocolName ("AX T1 POST"), so that the two can be compared (src/linking/series-match.ts).
 */

/** What a description says about a series; a field left out is not said. */
export interface SeriesFeatures {
  plane?: 'axial' | 'coronal' | 'sagittal' | 'oblique';
  weighting?: 'T1' | 'T2' | 'T2*' | 'PD';
  /** Sequences and options named (STIR, FLAIR, DWI, FS...), sorted, without repeats. */
  sequences: string[];
  modality?: 'CT' | 'MR' | 'PT';
  contrast?: 'pre' | 'post';
  phase?: 'arterial' | 'venous' | 'delayed' | 'nephrographic' | 'excretory';
  kernel?: 'lung' | 'bone' | 'soft' | 'brain';
}

/** How a word contributes. `strong`: the word alone can name a series ("coronal", "STIR"). */
interface Entry {
  set?: (f: SeriesFeatures) => void;
  strong: boolean;
  /** A contrast direction ("post", "pre", "with"), a contrast substance ("contrast", "gad"), a kernel noun ("window"). */
  role?: 'direction' | 'substance' | 'kernel-noun' | 'connector';
}

const VOCABULARY = new Map<string, Entry>();
const add = (words: string[], entry: Entry): void => {
  for (const w of words) VOCABULARY.set(w, entry);
};
const plane = (p: NonNullable<SeriesFeatures['plane']>): Entry => ({ strong: true, set: (f) => { f.plane = p; } });
const weighting = (w: NonNullable<SeriesFeatures['weighting']>): Entry => ({ strong: true, set: (f) => { f.weighting = w; } });
const sequence = (s: string, strong = true): Entry => ({ strong, set: (f) => { if (!f.sequences.includes(s)) f.sequences.push(s); } });
const modality = (m: NonNullable<SeriesFeatures['modality']>): Entry => ({ strong: false, set: (f) => { f.modality = m; } });
const phase = (p: NonNullable<SeriesFeatures['phase']>): Entry => ({ strong: true, set: (f) => { f.phase = p; } });
const kernel = (k: NonNullable<SeriesFeatures['kernel']>): Entry => ({ strong: false, set: (f) => { f.kernel = k; } });
const contrast = (c: 'pre' | 'post', strong: boolean, role?: Entry['role']): Entry => ({ strong, ...(role ? { role } : {}), set: (f) => { f.contrast = c; } });

add(['axial', 'ax', 'axl', 'transverse', 'tra'], plane('axial'));
add(['coronal', 'cor'], plane('coronal'));
add(['sagittal', 'sag'], plane('sagittal'));
add(['oblique', 'obl'], plane('oblique'));
add(['t1', 't1w', 't1wi'], weighting('T1'));
add(['t2', 't2w', 't2wi'], weighting('T2'));
add(['t2*', 't2star'], weighting('T2*'));
add(['pd', 'pdw', 'pdwi'], weighting('PD'));
// T1 with contrast written as one word ("T1C", "T1+C", "T1C+").
add(['t1c', 't1+c', 't1c+'], { strong: true, set: (f) => { f.weighting = 'T1'; f.contrast = 'post'; } });
for (const s of ['stir', 'flair', 'dwi', 'adc', 'gre', 'swi', 'mprage', 'spgr', 'fiesta', 'tof', 'haste', 'ssfse', 'fse', 'tse',
  'dixon', 'dti', 'mip', 'minip', 'cine', 'vibe', 'lava', 'epi', 'perfusion', 'dce', 'mra', 'mrv']) {
  add([s], sequence(s.toUpperCase()));
}
add(['diffusion'], sequence('DWI'));
add(['fs', 'fatsat'], sequence('FS'));
add(['sat', 'saturated', 'suppressed', 'suppression'], sequence('FS', false));
add(['ct', 'cta'], modality('CT'));
add(['mr', 'mri'], modality('MR'));
add(['pet'], modality('PT'));
add(['arterial'], phase('arterial'));
add(['venous', 'portal', 'portovenous'], phase('venous'));
add(['delayed'], phase('delayed'));
add(['nephrographic'], phase('nephrographic'));
add(['excretory'], phase('excretory'));
add(['lung', 'lungs'], kernel('lung'));
add(['bone'], kernel('bone'));
add(['soft', 'tissue', 'mediastinal', 'standard'], kernel('soft'));
add(['brain'], kernel('brain'));
add(['window', 'windows', 'kernel', 'algorithm'], { strong: false, role: 'kernel-noun' });
// Contrast: a word that says it all, or a direction and a substance together ("post-contrast", "with gadolinium").
add(['postcontrast', 'postgad', 'c+', '+c', 'gd+', 'enhanced'], contrast('post', true));
add(['precontrast', 'noncontrast', 'unenhanced', 'nonenhanced'], contrast('pre', true));
add(['post'], contrast('post', false, 'direction'));
add(['pre', 'non'], contrast('pre', false, 'direction'));
add(['with', 'w'], contrast('post', false, 'connector'));
add(['without', 'wo'], contrast('pre', false, 'connector'));
add(['contrast', 'gad', 'gadolinium', 'gd', 'iv'], { strong: false, role: 'substance' });
// Words that go with a series name but say nothing on their own.
add(['series', 'sequence', 'sequences', 'reformat', 'reformats', 'reformatted', 'reconstruction', 'reconstructions', 'recon',
  'recons', 'mpr', 'weighted', 'thin', 'dynamic', '3d', '2d', 'fat', 'phase', 'early', 'late', 'scan'], { strong: false });

/** A vertebral level ("C7", "T12", "L4", "S1"): "T1" and "T2" are both, the others only levels. */
const LEVEL = /^[ctls]\d{1,2}$/;

/** What a word means for the series, or undefined when it is no series word. Hyphenated words count part by part. */
function entriesOf(word: string): Entry[] | undefined {
  const lower = word.toLowerCase();
  const whole = VOCABULARY.get(lower);
  if (whole) return [whole];
  if (!lower.includes('-')) return undefined;
  const parts = lower.split('-').filter((p) => p !== '');
  // "T2-T3", "T12-L1", "T2-3": a range of levels, never a series.
  if (parts.some((p) => LEVEL.test(p)) && parts.length > 1 && parts.filter((p) => LEVEL.test(p) || /^\d+$/.test(p)).length > 1) return undefined;
  const out: Entry[] = [];
  for (const p of parts) {
    const e = VOCABULARY.get(p);
    if (!e) return undefined;
    out.push(e);
  }
  return out;
}

/** Whether `word` (one word, hyphens allowed) belongs to the series vocabulary. */
export function isSeriesWord(word: string): boolean {
  return entriesOf(word) !== undefined;
}

/** Whether `word` is a lone MR weighting that is also a vertebral level ("T1", "T2"). */
export function isLevelLikeWeighting(word: string): boolean {
  const lower = word.toLowerCase();
  return lower === 't1' || lower === 't2';
}

/** Whether `word` is a vertebral level or a word that introduces one ("at", "to", "level"...). */
export function isLevelContext(word: string): boolean {
  const lower = word.toLowerCase();
  return LEVEL.test(lower) || LEVEL_CONTEXT.has(lower);
}
const LEVEL_CONTEXT: ReadonlySet<string> = new Set(['at', 'above', 'below', 'level', 'levels', 'to', 'through', 'thru', 'from', 'vertebra', 'vertebrae', 'vertebral']);

/** Splits a description into words: letters, digits, '*' and '+', joined by hyphens. */
export function seriesWordsOf(text: string): string[] {
  return text.split(/[^A-Za-z0-9*+-]+/).map((w) => w.replace(/^-+|-+$/g, '')).filter((w) => w !== '');
}

export interface ReadDescription {
  features: SeriesFeatures;
  /** Whether the words name a series on their own (a plane, weighting, sequence, phase, contrast state or kernel). */
  namesSeries: boolean;
  /** Whether they name a plane, an MR weighting or a sequence (what "sagittal STIR #23" needs). */
  namesPlaneOrSequence: boolean;
  /** Whether every word is an MR weighting that is also a vertebral level ("T2"). */
  onlyLevelLikeWeighting: boolean;
}

/**
 * Reads the series words of `words` (other words are skipped, so a SeriesDescription like
 * "AXIAL 5MM LUNG" reads as axial, lung kernel).
 */
export function readDescription(words: readonly string[]): ReadDescription {
  const features: SeriesFeatures = { sequences: [] };
  let strong = false;
  let direction = false;
  let substance = false;
  let kernelNoun = false;
  let planeOrSequence = false;
  let onlyLevelLike = words.length > 0;
  for (const word of words) {
    const entries = entriesOf(word);
    if (!entries) continue;
    if (!isLevelLikeWeighting(word)) onlyLevelLike = false;
    for (const e of entries) {
      e.set?.(features);
      if (e.strong) strong = true;
      if (e.role === 'direction' || e.role === 'connector') direction = true;
      if (e.role === 'substance') substance = true;
      if (e.role === 'kernel-noun') kernelNoun = true;
    }
  }
  // "with"/"post" name a contrast state only beside a substance ("post contrast"); the substance alone names none.
  if (direction && substance) strong = true;
  else if (direction && !strong) delete features.contrast;
  if (features.kernel !== undefined && kernelNoun) strong = true;
  if (features.plane !== undefined || features.weighting !== undefined || features.sequences.length > 0) planeOrSequence = true;
  features.sequences.sort();
  return { features, namesSeries: strong, namesPlaneOrSequence: planeOrSequence, onlyLevelLikeWeighting: onlyLevelLike };
}

/** Whether a word can be a contrast connector ("with", "without"), valid only before a substance. */
export function isConnectorWord(word: string): boolean {
  const e = VOCABULARY.get(word.toLowerCase());
  return e?.role === 'connector';
}

/** Whether a word is a contrast substance ("contrast", "gadolinium"). */
export function isSubstanceWord(word: string): boolean {
  const e = VOCABULARY.get(word.toLowerCase());
  return e?.role === 'substance';
}

/** The features as short words, for messages ("plane coronal, weighting T2"). */
export function describeFeatures(f: SeriesFeatures): string {
  const parts: string[] = [];
  if (f.plane) parts.push(`plane ${f.plane}`);
  if (f.weighting) parts.push(`weighting ${f.weighting}`);
  if (f.sequences.length) parts.push(`sequence ${f.sequences.join('+')}`);
  if (f.contrast) parts.push(`${f.contrast}-contrast`);
  if (f.phase) parts.push(`${f.phase} phase`);
  if (f.kernel) parts.push(`${f.kernel} kernel`);
  if (f.modality) parts.push(`modality ${f.modality}`);
  return parts.join(', ');
}
