/**
 * The attributes that say what a series is (its description, plane, MR sequence, contrast, CT
 * kernel), read from an image header so that a report's "coronal T2 image 52" can be matched to
 * the one coronal T2 series of the study (src/linking/series-match.ts).
 */
import type dicomParser from 'dicom-parser';

export interface SeriesAttributes {
  description: string | undefined;
  protocol: string | undefined;
  /** From ImageOrientationPatient: the plane the image lies in. */
  plane: 'axial' | 'coronal' | 'sagittal' | 'oblique' | undefined;
  scanningSequence: string | undefined;
  sequenceVariant: string | undefined;
  sequenceName: string | undefined;
  repetitionTime: number | undefined;
  echoTime: number | undefined;
  inversionTime: number | undefined;
  contrastAgent: string | undefined;
  kernel: string | undefined;
}

const str = (ds: dicomParser.DataSet, tag: string): string | undefined => {
  const v = ds.string(tag);
  return v === undefined || v.trim() === '' ? undefined : v.trim();
};
const num = (ds: dicomParser.DataSet, tag: string): number | undefined => {
  const v = str(ds, tag);
  if (v === undefined) return undefined;
  const n = Number.parseFloat(v.split('\\')[0] ?? '');
  return Number.isFinite(n) ? n : undefined;
};

/**
 * The plane of an image from its ImageOrientationPatient (row and column direction cosines): the
 * patient axis its normal runs along, when that axis is clearly the nearest (within ~37 degrees);
 * otherwise oblique. Undefined for no or malformed values.
 */
export function planeOf(orientation: readonly number[] | undefined): SeriesAttributes['plane'] {
  if (orientation === undefined || orientation.length !== 6 || orientation.some((v) => !Number.isFinite(v))) return undefined;
  const [rx, ry, rz, cx, cy, cz] = orientation as [number, number, number, number, number, number];
  const n = [ry * cz - rz * cy, rz * cx - rx * cz, rx * cy - ry * cx];
  const length = Math.hypot(n[0]!, n[1]!, n[2]!);
  if (length < 1e-6) return undefined;
  const a = n.map((v) => Math.abs(v) / length);
  const max = Math.max(...a);
  if (max < 0.8) return 'oblique';
  return a[2] === max ? 'axial' : a[1] === max ? 'coronal' : 'sagittal';
}

export function readSeriesAttributes(ds: dicomParser.DataSet): SeriesAttributes {
  const iop = str(ds, 'x00200037');
  return {
    description: str(ds, 'x0008103e'),
    protocol: str(ds, 'x00181030'),
    plane: planeOf(iop?.split('\\').map((v) => Number.parseFloat(v))),
    scanningSequence: str(ds, 'x00180020'),
    sequenceVariant: str(ds, 'x00180021'),
    sequenceName: str(ds, 'x00180024'),
    repetitionTime: num(ds, 'x00180080'),
    echoTime: num(ds, 'x00180081'),
    inversionTime: num(ds, 'x00180082'),
    contrastAgent: str(ds, 'x00180010'),
    kernel: str(ds, 'x00181210'),
  };
}
