/**
 * Rasterising primitives for the phantom: filled ellipses, rings and thick lines painted into a
 * label map. Coordinates are normalised: x and y run from -1 to 1 across the field of view
 * (x to the image's right = patient's left, y down = posterior, as DICOM's LPS displays).
 */

/** Tissue classes painted into the label map; each modality maps them to pixel values. */
export const enum Tissue {
  Air = 0, Lung, Fat, Water, Soft, Muscle, Liver, Spleen, Kidney, Vessel, Bone, Marrow,
  GreyMatter, WhiteMatter, LesionSolid, LesionCyst, Node, Disc, Gland, Count,
}

/** A square label map: [size × size], row-major, one Tissue per pixel. */
export interface LabelMap {
  size: number;
  labels: Uint8Array;
}

export function newLabelMap(size: number): LabelMap {
  return { size, labels: new Uint8Array(size * size) };
}

/** Paints an axis-aligned (optionally rotated) filled ellipse. */
export function ellipse(map: LabelMap, cx: number, cy: number, rx: number, ry: number, tissue: Tissue, angle = 0): void {
  if (rx <= 0 || ry <= 0) return;
  const n = map.size;
  const half = n / 2;
  const px = (cx + 1) * half;
  const py = (cy + 1) * half;
  const prx = rx * half;
  const pry = ry * half;
  const reach = Math.max(prx, pry) + 1;
  const x0 = Math.max(0, Math.floor(px - reach));
  const x1 = Math.min(n - 1, Math.ceil(px + reach));
  const y0 = Math.max(0, Math.floor(py - reach));
  const y1 = Math.min(n - 1, Math.ceil(py + reach));
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const irx2 = 1 / (prx * prx);
  const iry2 = 1 / (pry * pry);
  const labels = map.labels;
  for (let y = y0; y <= y1; y++) {
    const dy = y + 0.5 - py;
    for (let x = x0; x <= x1; x++) {
      const dx = x + 0.5 - px;
      const u = dx * cos + dy * sin;
      const v = -dx * sin + dy * cos;
      if (u * u * irx2 + v * v * iry2 <= 1) labels[y * n + x] = tissue;
    }
  }
}

/** Paints a ring: the outer ellipse in `tissue`, the inside in `inner`. */
export function ring(map: LabelMap, cx: number, cy: number, rx: number, ry: number, thickness: number, tissue: Tissue, inner: Tissue): void {
  ellipse(map, cx, cy, rx, ry, tissue);
  ellipse(map, cx, cy, rx - thickness, ry - thickness, inner);
}

/** Paints an axis-aligned rectangle given its centre and half sizes. */
export function rect(map: LabelMap, cx: number, cy: number, hw: number, hh: number, tissue: Tissue): void {
  const n = map.size;
  const half = n / 2;
  const x0 = Math.max(0, Math.round((cx - hw + 1) * half));
  const x1 = Math.min(n, Math.round((cx + hw + 1) * half));
  const y0 = Math.max(0, Math.round((cy - hh + 1) * half));
  const y1 = Math.min(n, Math.round((cy + hh + 1) * half));
  for (let y = y0; y < y1; y++) map.labels.fill(tissue, y * n + x0, y * n + Math.max(x0, x1));
}

/** Paints a thick line segment (used for fracture lines and ribs). */
export function line(map: LabelMap, ax: number, ay: number, bx: number, by: number, width: number, tissue: Tissue): void {
  const len = Math.hypot(bx - ax, by - ay);
  const steps = Math.max(2, Math.ceil((len * map.size) / 2));
  for (let i = 0; i <= steps; i++) {
    const t = i / steps;
    ellipse(map, ax + (bx - ax) * t, ay + (by - ay) * t, width, width, tissue);
  }
}

/** Paints only where the map already holds `within` (an effusion inside a lung, a lesion inside an organ). */
export function ellipseWithin(map: LabelMap, cx: number, cy: number, rx: number, ry: number, tissue: Tissue, within: Tissue): void {
  const n = map.size;
  const half = n / 2;
  const px = (cx + 1) * half;
  const py = (cy + 1) * half;
  const prx = rx * half;
  const pry = ry * half;
  if (prx <= 0 || pry <= 0) return;
  const x0 = Math.max(0, Math.floor(px - prx - 1));
  const x1 = Math.min(n - 1, Math.ceil(px + prx + 1));
  const y0 = Math.max(0, Math.floor(py - pry - 1));
  const y1 = Math.min(n - 1, Math.ceil(py + pry + 1));
  for (let y = y0; y <= y1; y++) {
    const dy = (y + 0.5 - py) / pry;
    for (let x = x0; x <= x1; x++) {
      const dx = (x + 0.5 - px) / prx;
      const i = y * n + x;
      if (dx * dx + dy * dy <= 1 && map.labels[i] === within) map.labels[i] = tissue;
    }
  }
}
