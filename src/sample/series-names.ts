/**
 * How a radiologist names a series by what it is ("coronal T2", "axial T1 post-contrast", "lung
 * window") in the synthetic reports. `unique` names fit this series only among the study's
 * series (pacsmine links them); `ambiguous` ones fit others too ("axial T1" fits the pre- and the
 * post-contrast T1, "axial CT" every CT series), so a faithful linker leaves them unresolved.
 */
import type { SeriesPlan, StudyPlan } from './plan.js';

export interface SeriesNames {
  unique: string[];
  ambiguous: string[];
  /** Unique names that hold a plane or an MR weighting, as a "#" list needs ("sagittal T2 #23"). */
  withPlane: string[];
}

const NONE: SeriesNames = { unique: [], ambiguous: [], withPlane: [] };

export function seriesNames(plan: StudyPlan, series: SeriesPlan): SeriesNames {
  if (plan.modality === 'MR') {
    const planes = series.description.startsWith('SAG') ? ['sagittal', 'sag', 'Sagittal'] : ['axial', 'ax', 'Axial'];
    const [full, short, capital] = planes as [string, string, string];
    switch (series.flavour) {
      case 'T1': return {
        unique: [`${full} T1 pre-contrast`, `${short} T1 precontrast`, `${capital} T1 without contrast`, 'T1 pre-contrast'],
        ambiguous: [`${full} T1`, 'T1'],
        withPlane: [`${full} T1 pre-contrast`, `${short} T1 precontrast`],
      };
      case 'T2': return {
        unique: [`${full} T2`, `${short} T2`, `${capital} T2-weighted`, 'T2'],
        ambiguous: [],
        withPlane: [`${full} T2`, `${short} T2`],
      };
      case 'T1C': return {
        unique: [`${full} T1 post-contrast`, `${short} T1 post-gad`, `${capital} T1C`, `${full} T1 with contrast`, 'post-contrast T1'],
        ambiguous: [`${full} T1`],
        withPlane: [`${full} T1 post-contrast`, `${short} T1C`],
      };
      default: return NONE;
    }
  }
  if (plan.modality === 'CT') {
    const chest = plan.series.some((s) => s.flavour === 'lung');
    if (!chest) return { unique: [], ambiguous: ['axial CT', 'axial'], withPlane: [] };
    if (series.flavour === 'lung') return { unique: ['lung window', 'axial lung window', 'lung kernel'], ambiguous: ['axial CT'], withPlane: [] };
    return { unique: ['soft tissue window', 'axial soft tissue window', 'mediastinal window'], ambiguous: ['axial CT'], withPlane: [] };
  }
  return NONE;
}
