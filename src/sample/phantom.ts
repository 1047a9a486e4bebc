/**
 * Procedural anatomy: paints a tissue label map for one slice (or one radiograph) of a planned
 * study, places the findings that the ground truth says are visible there, and maps the tissues
 * to the modality's values (CT in Hounsfield units, MR signal, radiograph exposure), with noise.
 */
import { Rng, mixSeed } from '../util/rng.js';
import type { Organ } from './catalog.js';
import { Tissue, ellipse, ellipseWithin, line, newLabelMap, rect, ring, type LabelMap } from './paint.js';
import { regionAt, type FindingPlan, type SeriesPlan, type StudyPlan } from './plan.js';

// Tissue -> value tables, indexed by Tissue. CT values are Hounsfield units (contrast-enhanced).
const CT_HU = new Float32Array([-1000, -850, -100, 8, 45, 55, 65, 60, 160, 220, 900, 250, 38, 28, 30, 4, 42, 80, 45]);
const MR_T1 = new Float32Array([0, 40, 1700, 300, 800, 650, 950, 850, 800, 150, 120, 1450, 700, 950, 600, 250, 700, 500, 750]);
const MR_T2 = new Float32Array([0, 40, 1300, 2000, 900, 500, 600, 1000, 1300, 100, 100, 1100, 1000, 800, 1500, 1950, 1000, 1500, 1100]);
const MR_T1C = new Float32Array([0, 40, 1700, 300, 950, 700, 1150, 1050, 1400, 1600, 120, 1450, 750, 950, 1650, 250, 1100, 600, 1000]);
// Radiographs (for presentation, MONOCHROME2): dark behind air, bright behind bone.
const XR = new Float32Array([500, 1100, 1900, 2200, 2200, 2300, 2200, 2200, 2200, 2300, 3600, 3300, 2200, 2200, 2800, 2200, 2300, 2300, 2200]);

/** A point inside an organ, in normalised coordinates, at fraction t through its region. */
export function organPoint(organ: Organ, t: number, rng: Rng): { x: number; y: number } {
  const side = rng.chance(0.5) ? -1 : 1;
  const j = (s: number): number => (rng.next() - 0.5) * s;
  switch (organ) {
    case 'brain': return { x: side * (0.15 + rng.next() * 0.3), y: j(0.7) };
    case 'thyroid': return { x: side * 0.13, y: -0.15 };
    case 'neck-nodes': return { x: side * (0.33 + j(0.06)), y: 0.02 + j(0.1) };
    case 'lung': return { x: side * (0.35 + j(0.15)), y: -0.02 + j(0.4) };
    case 'pleura': return { x: side * 0.4, y: 0.3 };
    case 'mediastinum': return { x: j(0.1), y: -0.25 + j(0.06) };
    case 'liver': return { x: -0.35 + j(0.25), y: -0.05 + j(0.3) };
    case 'kidney': return { x: side * 0.3, y: 0.32 };
    case 'retroperitoneum': return { x: side * 0.14, y: 0.22 + j(0.04) };
    case 'bladder': return { x: 0, y: -0.2 };
    case 'uterus': return { x: j(0.08), y: -0.02 };
    case 'vertebra': return { x: 0, y: 0.45 };
    case 'disc': return { x: 0, y: 0 };
    case 'bone': return { x: 0, y: 0.2 * (t - 0.5) };
    case 'breast': return { x: side * 0.4 + j(0.1), y: -0.3 + j(0.1) };
    case 'pelvic-bone': return { x: side * 0.5, y: 0.2 };
  }
}

function body(map: LabelMap, rx: number, ry: number): void {
  ellipse(map, 0, 0, rx, ry, Tissue.Fat);
  ellipse(map, 0, 0, rx - 0.05, ry - 0.05, Tissue.Soft);
}

function vertebra(map: LabelMap, cx: number, cy: number, r: number): void {
  ring(map, cx, cy, r, r, 0.025, Tissue.Bone, Tissue.Marrow);
  ellipse(map, cx, cy + r * 1.35, r * 0.4, r * 0.4, Tissue.Water); // spinal canal
  line(map, cx - r * 0.5, cy + r * 1.7, cx, cy + r * 2.2, 0.015, Tissue.Bone);
  line(map, cx + r * 0.5, cy + r * 1.7, cx, cy + r * 2.2, 0.015, Tissue.Bone);
}

function axialChest(map: LabelMap, t: number): void {
  body(map, 0.85, 0.6);
  const lungRy = 0.42 * (0.55 + 0.45 * Math.sin(Math.PI * (0.2 + 0.8 * t)));
  ellipse(map, -0.38, 0, 0.28, lungRy, Tissue.Lung);
  ellipse(map, 0.38, 0, 0.28, lungRy, Tissue.Lung);
  if (t > 0.25) ellipse(map, 0.08, -0.05, 0.2 * Math.min(1, t + 0.2), 0.18, Tissue.Vessel);
  ellipse(map, 0.1, 0.28, 0.055, 0.055, Tissue.Vessel);
  vertebra(map, 0, 0.38, 0.09);
  for (let k = 0; k < 6; k++) { // ribs as arcs of small bone ellipses along the chest wall
    const a = Math.PI * (0.12 + k * 0.15);
    ellipse(map, 0.8 * Math.cos(a), 0.55 * Math.sin(a) * (k % 2 ? -1 : 1), 0.03, 0.02, Tissue.Bone);
    ellipse(map, -0.8 * Math.cos(a), 0.55 * Math.sin(a) * (k % 2 ? 1 : -1), 0.03, 0.02, Tissue.Bone);
  }
}

function axialAbdomen(map: LabelMap, t: number): void {
  body(map, 0.8, 0.62);
  if (t < 0.85) ellipse(map, -0.35, -0.05, 0.38 * (1 - t * 0.5), 0.4 * (1 - t * 0.6), Tissue.Liver);
  if (t < 0.55) ellipse(map, 0.5, 0.1, 0.15, 0.18, Tissue.Spleen);
  if (t > 0.25) {
    ring(map, -0.3, 0.32, 0.11, 0.13, 0.02, Tissue.Kidney, Tissue.Kidney);
    ring(map, 0.3, 0.32, 0.11, 0.13, 0.02, Tissue.Kidney, Tissue.Kidney);
  }
  ellipse(map, 0.05, 0.25, 0.05, 0.05, Tissue.Vessel);
  ellipse(map, -0.08, 0.24, 0.05, 0.04, Tissue.Vessel);
  ellipse(map, 0.15, -0.3, 0.06, 0.05, Tissue.Air); // bowel gas
  ellipse(map, 0.35, -0.2, 0.05, 0.04, Tissue.Air);
  vertebra(map, 0, 0.4, 0.1);
  ellipse(map, -0.15, 0.42, 0.07, 0.09, Tissue.Muscle);
  ellipse(map, 0.15, 0.42, 0.07, 0.09, Tissue.Muscle);
}

function axialPelvis(map: LabelMap, t: number): void {
  body(map, 0.85, 0.6);
  if (t < 0.55) {
    ring(map, -0.5, 0.2, 0.22, 0.1, 0.03, Tissue.Bone, Tissue.Marrow);
    ring(map, 0.5, 0.2, 0.22, 0.1, 0.03, Tissue.Bone, Tissue.Marrow);
    ring(map, 0, 0.42, 0.14, 0.1, 0.03, Tissue.Bone, Tissue.Marrow);
  } else {
    ring(map, -0.45, 0.05, 0.1, 0.1, 0.03, Tissue.Bone, Tissue.Marrow);
    ring(map, 0.45, 0.05, 0.1, 0.1, 0.03, Tissue.Bone, Tissue.Marrow);
  }
  ellipse(map, 0, -0.2, 0.1 + 0.12 * t, 0.08 + 0.1 * t, Tissue.Water);
  if (t > 0.2) ellipse(map, 0, 0.08, 0.14, 0.1, Tissue.Gland);
  ellipse(map, 0.1, 0.25, 0.05, 0.04, Tissue.Air);
}

function axialHead(map: LabelMap, t: number): void {
  const s = 0.55 + 0.45 * Math.sin(Math.PI * (0.15 + 0.7 * t));
  ellipse(map, 0, 0, 0.72 * s + 0.04, 0.88 * s + 0.04, Tissue.Soft);
  ring(map, 0, 0, 0.72 * s, 0.88 * s, 0.06, Tissue.Bone, Tissue.GreyMatter);
  ellipse(map, 0, 0, 0.72 * s - 0.14, 0.88 * s - 0.14, Tissue.WhiteMatter);
  if (t > 0.3 && t < 0.75) {
    ellipse(map, -0.1, -0.05, 0.05, 0.2, Tissue.Water);
    ellipse(map, 0.1, -0.05, 0.05, 0.2, Tissue.Water);
  }
}

function axialNeck(map: LabelMap): void {
  body(map, 0.55, 0.45);
  ellipse(map, 0, -0.15, 0.08, 0.07, Tissue.Air);
  ellipse(map, -0.13, -0.15, 0.06, 0.08, Tissue.Gland);
  ellipse(map, 0.13, -0.15, 0.06, 0.08, Tissue.Gland);
  ellipse(map, -0.22, -0.05, 0.04, 0.04, Tissue.Vessel);
  ellipse(map, 0.22, -0.05, 0.04, 0.04, Tissue.Vessel);
  ellipse(map, -0.3, -0.02, 0.05, 0.04, Tissue.Vessel);
  ellipse(map, 0.3, -0.02, 0.05, 0.04, Tissue.Vessel);
  vertebra(map, 0, 0.17, 0.11);
  ellipse(map, -0.35, 0.2, 0.1, 0.12, Tissue.Muscle);
  ellipse(map, 0.35, 0.2, 0.1, 0.12, Tissue.Muscle);
}

function axialBreast(map: LabelMap): void {
  ellipse(map, 0, 0.35, 0.85, 0.4, Tissue.Soft);
  ellipse(map, -0.4, 0.35, 0.28, 0.25, Tissue.Lung);
  ellipse(map, 0.4, 0.35, 0.28, 0.25, Tissue.Lung);
  ellipse(map, 0, 0.1, 0.85, 0.06, Tissue.Muscle);
  for (const sx of [-1, 1]) {
    ellipse(map, sx * 0.4, -0.2, 0.32, 0.35, Tissue.Fat);
    ellipse(map, sx * 0.4, -0.22, 0.18, 0.2, Tissue.Gland);
  }
}

/** Sagittal lumbar spine: slice t runs from right to left across the spine. */
function sagittalSpine(map: LabelMap, t: number): void {
  rect(map, 0, 0, 0.9, 1, Tissue.Soft);
  rect(map, -0.6, 0, 0.3, 1, Tissue.Fat);
  const mid = 1 - Math.min(1, Math.abs(t - 0.5) * 3);
  if (mid <= 0) return;
  for (let k = 0; k < 5; k++) {
    const cy = -0.72 + k * 0.36;
    rect(map, 0.05, cy, 0.2 * mid + 0.05, 0.13, Tissue.Marrow);
    rect(map, 0.05, cy + 0.18, 0.2 * mid + 0.05, 0.045, Tissue.Disc);
  }
  rect(map, 0.38, 0, 0.07 * mid + 0.01, 1, Tissue.Water);
}

function paintAnatomy(map: LabelMap, plan: StudyPlan, instance: number): void {
  const frac = (instance - 0.5) / plan.numSlices;
  const { region, t } = regionAt(plan.regions, frac);
  switch (region) {
    case 'chest': return axialChest(map, t);
    case 'abdomen': return axialAbdomen(map, t);
    case 'pelvis': return axialPelvis(map, t);
    case 'head': return axialHead(map, t);
    case 'neck': return axialNeck(map);
    case 'breast': return axialBreast(map);
    case 'spine': return sagittalSpine(map, t);
    case 'extremities': return axialPelvis(map, t);
  }
}

/** Radiographs (CR chest, DX forearm), one per view. */
function paintRadiograph(map: LabelMap, plan: StudyPlan, series: SeriesPlan): void {
  const lateral = series.flavour === 'LAT';
  if (plan.regions[0] === 'chest') {
    ellipse(map, 0, 0.1, lateral ? 0.6 : 0.85, 0.95, Tissue.Soft);
    if (lateral) ellipse(map, 0, -0.05, 0.45, 0.6, Tissue.Lung);
    else {
      ellipse(map, -0.38, -0.05, 0.27, 0.6, Tissue.Lung);
      ellipse(map, 0.38, -0.05, 0.27, 0.6, Tissue.Lung);
      ellipse(map, 0.1, 0.25, 0.25, 0.25, Tissue.Soft);
      for (let k = 0; k < 8; k++) {
        const y = -0.55 + k * 0.13;
        line(map, -0.05, y, -0.62, y + 0.12, 0.012, Tissue.Bone);
        line(map, 0.05, y, 0.62, y + 0.12, 0.012, Tissue.Bone);
      }
    }
    rect(map, lateral ? 0.4 : 0, 0, 0.05, 0.9, Tissue.Bone);
    return;
  }
  // Forearm: radius and ulna within the soft tissue.
  rect(map, 0, 0, 0.3, 1, Tissue.Soft);
  rect(map, -0.1, 0, 0.06, 0.95, Tissue.Bone);
  rect(map, 0.12, 0, 0.05, 0.95, Tissue.Bone);
  rect(map, -0.1, 0, 0.03, 0.9, Tissue.Marrow);
  rect(map, 0.12, 0, 0.025, 0.9, Tissue.Marrow);
}

function paintFinding(map: LabelMap, plan: StudyPlan, f: FindingPlan, instance: number, radiograph: boolean): void {
  if (!f.slices.includes(instance)) return;
  const mmToNorm = 2 / plan.fovMm;
  const minR = 1.5 * (2 / plan.size);
  let r = (f.sizeMm / 2) * mmToNorm;
  if (!radiograph) {
    const rz = Math.max(f.sizeMm / 2, plan.sliceSpacingMm / 2);
    const z = (instance - 0.5) * plan.sliceSpacingMm;
    r *= Math.sqrt(Math.max(0.25, 1 - ((z - f.zMm) / rz) ** 2));
  }
  r = Math.max(r, minR);
  switch (f.type) {
    case 'cyst': return ellipse(map, f.x, f.y, r, r, Tissue.LesionCyst);
    case 'lymph-node': return ellipse(map, f.x, f.y, r * 1.2, r * 0.8, Tissue.Node);
    case 'effusion': return ellipseWithin(map, f.x, f.y + 0.1, 0.3, Math.max(r, 0.08), Tissue.Water, Tissue.Lung);
    case 'consolidation': return ellipseWithin(map, f.x, f.y, r * 1.3, r, Tissue.Soft, Tissue.Lung);
    case 'disc-herniation': {
      const level = Math.max(0, Math.min(3, Number(f.level.slice(1)) - 1));
      return ellipse(map, 0.3, -0.72 + level * 0.36 + 0.18, Math.max(r, 0.06), 0.05, Tissue.Disc);
    }
    case 'fracture': {
      if (plan.regions[0] === 'spine') return rect(map, 0.05, -0.72 + 2 * 0.36, 0.25, 0.02, Tissue.Soft);
      const y = f.y;
      line(map, -0.2, y - 0.03, 0.2, y + 0.03, Math.max(0.02, minR), Tissue.Soft);
      return;
    }
    default: return ellipse(map, f.x, f.y, r, r, Tissue.LesionSolid);
  }
}

/**
 * Renders one image of a study as modality values: [size × size] row-major, in HU for CT,
 * arbitrary signal units for MR, exposure for radiographs. Deterministic in (plan, series, instance).
 */
export function renderImage(plan: StudyPlan, series: SeriesPlan, instance: number, withFindings = true): Float32Array {
  const map = newLabelMap(plan.size);
  const radiograph = plan.modality === 'CR' || plan.modality === 'DX';
  if (radiograph) paintRadiograph(map, plan, series);
  else paintAnatomy(map, plan, instance);
  if (withFindings) for (const f of plan.findings) paintFinding(map, plan, f, instance, radiograph);
  const table = radiograph ? XR : plan.modality === 'MR'
    ? series.flavour === 'T2' ? MR_T2 : series.flavour === 'T1C' ? MR_T1C : MR_T1
    : CT_HU;
  const noise = radiograph ? 40 : plan.modality === 'MR' ? 25 : 12;
  const rng = new Rng(mixSeed(plan.index * 7919 + series.seriesNumber * 131 + instance));
  const out = new Float32Array(plan.size * plan.size);
  const labels = map.labels;
  for (let i = 0; i < out.length; i++) {
    // Sum of three uniforms: a cheap, bounded approximation of Gaussian noise.
    const n = rng.next() + rng.next() + rng.next() - 1.5;
    const base = table[labels[i] as number] as number;
    out[i] = labels[i] === Tissue.Air && !radiograph ? base : base + n * noise;
  }
  return out;
}
