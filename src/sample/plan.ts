/**
 * The ground truth of one synthetic study: who, when, what was scanned, which series and slices
 * exist, and where each finding lies. Pixels, DICOM headers and the report are all written from
 * this one plan, so that the report's key-image references point at slices showing the finding.
 */
import { createHash } from 'node:crypto';
import { Rng, mixSeed } from '../util/rng.js';
import { CATEGORIES, type CategorySpec, type FindingType, type Modality, type Organ, type Region } from './catalog.js';
import { organPoint } from './phantom.js';

export interface SeriesPlan {
  seriesNumber: number;
  seriesUid: string;
  description: string;
  /** CT reconstruction kernel, MR weighting or radiograph view. */
  flavour: 'soft' | 'lung' | 'T1' | 'T2' | 'T1C' | 'PA' | 'LAT' | 'AP';
  numInstances: number;
}

export interface FindingPlan {
  id: number;
  type: FindingType;
  organ: Organ;
  region: Region;
  sizeMm: number;
  /** Centre in normalised in-plane coordinates (-1..1) and along the scan axis (mm from the first slice). */
  x: number;
  y: number;
  zMm: number;
  /** Instance numbers (in every series of the stack) where the finding is visible. */
  slices: number[];
  /** Series numbers that show it. */
  series: number[];
  side: 'right' | 'left' | 'midline';
  /** Vertebral level nearest the finding (for text). */
  level: string;
}

export interface KeyImage {
  series: number;
  instance: number;
  finding: number;
}

export interface StudyPlan {
  index: number;
  studyUid: string;
  accession: string;
  patientId: string;
  patientName: string;
  sex: 'M' | 'F';
  birthDate: string;
  age: number;
  studyDate: string;
  studyTime: string;
  priorDate: string | undefined;
  modality: Modality;
  category: string;
  regions: Region[];
  bodyPart: string;
  exam: string;
  history: string;
  radiologist: string;
  referrer: string;
  size: number;
  fovMm: number;
  sliceSpacingMm: number;
  numSlices: number;
  /** CT: stored as unsigned with intercept -1024, or signed with intercept 0. */
  signedPixels: boolean;
  /** Radiographs are sometimes stored MONOCHROME1 (white = low value). */
  monochrome1: boolean;
  series: SeriesPlan[];
  findings: FindingPlan[];
  /** Filled by the report writer: every image its references point at. */
  keyImages: KeyImage[];
}

export interface PlanOptions {
  seed: number;
  /** Rows = Columns of every image. */
  size: number;
  /** Slices per cross-sectional series (CT, MR). */
  slices: number;
  /** Number of distinct patients the studies are spread over. */
  numPatients: number;
}

const FIRST = ['James', 'Mary', 'John', 'Patricia', 'Robert', 'Jennifer', 'Michael', 'Linda', 'William', 'Elizabeth', 'David', 'Barbara',
  'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen', 'Ahmed', 'Maria', 'Hiroshi', 'Olga', 'Wei', 'Fatima'];
// FIRST alternates male (even index) and female (odd index) names.
const LAST = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez',
  'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson', 'White', 'Nguyen', 'Kowalski'];
const SERIES_STYLES: readonly (readonly number[])[] = [[2, 3, 4], [3, 4, 5], [5, 6, 7], [601, 1001, 1002], [2, 6, 8]];

/** A DICOM UID under the 2.25 (UUID-derived) root, deterministic in its inputs. */
export function derivedUid(...parts: (string | number)[]): string {
  const hex = createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 32);
  return `2.25.${BigInt(`0x${hex}`).toString()}`;
}

function pickCategory(rng: Rng): CategorySpec {
  const total = CATEGORIES.reduce((s, c) => s + c.weight, 0);
  let r = rng.next() * total;
  for (const c of CATEGORIES) {
    r -= c.weight;
    if (r < 0) return c;
  }
  return CATEGORIES[0] as CategorySpec;
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');
const dicomDate = (d: Date): string => `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}`;

/** The patient a study belongs to: demographics derived from the patient index alone. */
function patientOf(seed: number, patientIndex: number): { id: string; name: string; sex: 'M' | 'F'; birth: Date } {
  const rng = new Rng(mixSeed(seed ^ 0x5bd1e995) ^ patientIndex);
  const sex = rng.chance(0.5) ? 'F' : 'M';
  const first = FIRST[2 * rng.int(FIRST.length / 2) + (sex === 'F' ? 1 : 0)] as string;
  const name = `${rng.pick(LAST).toUpperCase()}^${first.toUpperCase()}`;
  const birth = new Date(Date.UTC(1930 + rng.int(65), rng.int(12), 1 + rng.int(28)));
  return { id: `P${pad(patientIndex + 1, 7)}`, name, sex, birth };
}

/** Regions along the scan axis: their share of the scan length (fractions sum to 1). */
function regionSpans(regions: Region[]): { region: Region; from: number; to: number }[] {
  if (regions.length === 3) return [
    { region: regions[0] as Region, from: 0, to: 0.4 },
    { region: regions[1] as Region, from: 0.4, to: 0.72 },
    { region: regions[2] as Region, from: 0.72, to: 1 },
  ];
  return regions.map((region, i) => ({ region, from: i / regions.length, to: (i + 1) / regions.length }));
}

/** Which region a fraction of the scan length falls in, and how far through that region it is. */
export function regionAt(regions: Region[], frac: number): { region: Region; t: number } {
  for (const s of regionSpans(regions)) {
    if (frac < s.to || s.to === 1) return { region: s.region, t: Math.min(1, Math.max(0, (frac - s.from) / (s.to - s.from))) };
  }
  return { region: regions[0] as Region, t: 0 };
}

const THORACIC = ['T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'T8', 'T9', 'T10', 'T11', 'T12'];
const LUMBAR = ['L1', 'L2', 'L3', 'L4', 'L5'];

/** Vertebral level at a point of the scan (chest: thoracic, abdomen: T12-L3, pelvis: L4-S1). */
export function levelAt(region: Region, t: number): string {
  if (region === 'chest' || region === 'breast') return THORACIC[Math.min(11, Math.floor(t * 12))] as string;
  if (region === 'abdomen') return (['T12', 'L1', 'L2', 'L3'] as const)[Math.min(3, Math.floor(t * 4))];
  if (region === 'pelvis') return (['L4', 'L5', 'S1'] as const)[Math.min(2, Math.floor(t * 3))];
  if (region === 'spine') return LUMBAR[Math.min(4, Math.floor(t * 5))] as string;
  if (region === 'neck') return (['C3', 'C4', 'C5', 'C6', 'C7'] as const)[Math.min(4, Math.floor(t * 5))];
  return '';
}

function seriesFor(spec: CategorySpec, rng: Rng, studyUid: string, slices: number): SeriesPlan[] {
  const style = rng.pick(SERIES_STYLES);
  const mk = (k: number, flavour: SeriesPlan['flavour'], description: string, numInstances: number): SeriesPlan => ({
    seriesNumber: style[k] as number, seriesUid: derivedUid(studyUid, 'series', k), description, flavour, numInstances,
  });
  if (spec.modality === 'CR' || spec.modality === 'DX') {
    const views: SeriesPlan['flavour'][] = spec.modality === 'CR' ? ['PA', 'LAT'] : ['AP', 'LAT'];
    // Radiographs usually number their series from 1.
    return views.map((v, k) => ({ seriesNumber: k + 1, seriesUid: derivedUid(studyUid, 'series', k), description: `${v} view`, flavour: v, numInstances: 1 }));
  }
  if (spec.modality === 'MR') return [mk(0, 'T1', 'AX T1', slices), mk(1, 'T2', 'AX T2', slices), mk(2, 'T1C', 'AX T1 POST', slices)]
    .map((s) => (spec.regions[0] === 'spine' ? { ...s, description: s.description.replace('AX', 'SAG') } : s));
  const chest = spec.regions.includes('chest');
  return chest ? [mk(0, 'soft', 'AXIAL 5MM SOFT TISSUE', slices), mk(1, 'lung', 'AXIAL 5MM LUNG', slices)] : [mk(0, 'soft', 'AXIAL 5MM', slices), mk(1, 'soft', 'AXIAL 2MM', slices)];
}

/** Plans study `index` of the archive; depends only on (seed, index, options), never on other studies. */
export function planStudy(index: number, opts: PlanOptions): StudyPlan {
  const rng = new Rng(mixSeed(opts.seed * 1_000_003 + index));
  const spec = pickCategory(rng);
  let patientIndex = rng.int(Math.max(1, opts.numPatients));
  let patient = patientOf(opts.seed, patientIndex);
  // Uterine and breast studies go to a female patient: the next one in the patient list.
  if (spec.name === 'pelvic-mass' || spec.name === 'breast-mass') {
    for (let tries = 0; patient.sex !== 'F' && tries < 64; tries++) {
      patientIndex = (patientIndex + 1) % Math.max(1, opts.numPatients);
      patient = patientOf(opts.seed, patientIndex);
    }
  }
  const day = new Date(Date.UTC(2008, 0, 1) + rng.int(12 * 365) * 86_400_000);
  const age = Math.max(18, day.getUTCFullYear() - patient.birth.getUTCFullYear());
  const studyUid = derivedUid(opts.seed, 'study', index);
  const radiograph = spec.modality === 'CR' || spec.modality === 'DX';
  const lengthMm = spec.regions.length === 3 ? 600 : spec.regions[0] === 'head' ? 160 : 220;
  const numSlices = radiograph ? 1 : opts.slices;
  const series = seriesFor(spec, rng, studyUid, numSlices);
  const fovMm = spec.regions[0] === 'head' || spec.regions[0] === 'neck' ? 240 : spec.regions[0] === 'extremities' ? 300 : 400;
  const plan: StudyPlan = {
    index, studyUid, accession: `A${pad(opts.seed % 100, 2)}${pad(index + 1, 8)}`, patientId: patient.id, patientName: patient.name,
    sex: patient.sex, birthDate: dicomDate(patient.birth), age, studyDate: dicomDate(day),
    studyTime: `${pad(7 + rng.int(12), 2)}${pad(rng.int(60), 2)}00`,
    priorDate: rng.chance(0.6) ? dicomDate(new Date(day.getTime() - (30 + rng.int(700)) * 86_400_000)) : undefined,
    modality: spec.modality, category: spec.name, regions: [...spec.regions], bodyPart: spec.bodyPart, exam: spec.exam,
    history: rng.pick(spec.histories).replace('{age}', String(age)).replace('{sex}', patient.sex === 'F' ? 'female' : 'male'),
    radiologist: `${rng.pick(FIRST)} ${rng.pick(LAST)}`, referrer: `${rng.pick(FIRST)} ${rng.pick(LAST)}`,
    size: opts.size, fovMm, sliceSpacingMm: lengthMm / numSlices, numSlices,
    signedPixels: spec.modality === 'CT' && rng.chance(0.3), monochrome1: radiograph && rng.chance(0.4),
    series, findings: [], keyImages: [],
  };
  placeFindings(plan, spec, rng);
  return plan;
}

function placeFindings(plan: StudyPlan, spec: CategorySpec, rng: Rng): void {
  const spans = regionSpans(plan.regions);
  const lengthMm = plan.sliceSpacingMm * plan.numSlices;
  const radiograph = plan.modality === 'CR' || plan.modality === 'DX';
  for (const tpl of spec.findings) {
    if (!rng.chance(tpl.probability)) continue;
    const count = rng.range(tpl.count[0], tpl.count[1]);
    const span = spans.find((s) => s.region === tpl.region) ?? spans[0];
    if (!span) continue;
    for (let c = 0; c < count; c++) {
      const sizeMm = Math.round(tpl.sizeMm[0] + rng.next() * (tpl.sizeMm[1] - tpl.sizeMm[0]));
      // Keep the centre away from the region's edges, where its organs taper off.
      const t = 0.3 + 0.4 * rng.next();
      const frac = span.from + t * (span.to - span.from);
      const zMm = frac * lengthMm;
      const p = organPoint(tpl.organ, t, rng);
      const slices: number[] = [];
      if (radiograph) slices.push(1);
      else {
        const r = Math.max(sizeMm / 2, plan.sliceSpacingMm * 0.5);
        for (let k = 1; k <= plan.numSlices; k++) {
          const z = (k - 0.5) * plan.sliceSpacingMm;
          if (Math.abs(z - zMm) <= r * 0.85) slices.push(k);
        }
        if (slices.length === 0) slices.push(Math.min(plan.numSlices, Math.max(1, Math.round(zMm / plan.sliceSpacingMm + 0.5))));
      }
      const side = Math.abs(p.x) < 0.08 ? 'midline' : p.x < 0 ? 'right' : 'left';
      plan.findings.push({
        id: plan.findings.length + 1, type: tpl.type, organ: tpl.organ, region: tpl.region, sizeMm, x: p.x, y: p.y, zMm,
        slices, series: plan.series.map((s) => s.seriesNumber), side, level: levelAt(tpl.region, t),
      });
    }
  }
}
