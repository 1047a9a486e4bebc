/**
 * Writes one synthetic image as a DICOM Part 10 file with dcmjs: the study plan's identifiers,
 * geometry, rescale and window, and the rendered pixels stored as the modality would store them.
 */
import dcmjs from 'dcmjs';
import type { SeriesPlan, StudyPlan } from './plan.js';
import { derivedUid } from './plan.js';

dcmjs.log.getLogger('validation.dcmjs').setLevel('silent');
const { DicomDict, DicomMetaDictionary } = dcmjs.data;

export const SOP_CLASS: Record<StudyPlan['modality'], string> = {
  CT: '1.2.840.10008.5.1.4.1.1.2',
  MR: '1.2.840.10008.5.1.4.1.1.4',
  CR: '1.2.840.10008.5.1.4.1.1.1',
  DX: '1.2.840.10008.5.1.4.1.1.1.1',
};
export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
export const IMPLEMENTATION_CLASS_UID = '2.25.229068223936424361296925880931546385715';

/** The SOP Instance UID of one image, derived from the study and its position. */
export function instanceUid(plan: StudyPlan, series: SeriesPlan, instance: number): string {
  return derivedUid(plan.studyUid, series.seriesNumber, instance);
}

function window(plan: StudyPlan, series: SeriesPlan): [number, number] {
  if (plan.modality === 'CT') {
    if (series.flavour === 'lung') return [-600, 1500];
    return plan.regions[0] === 'head' ? [40, 80] : [40, 400];
  }
  if (plan.modality === 'MR') return [900, 1800];
  return [2048, 4096];
}

/** Converts modality values to stored integers (the inverse of the modality LUT written in the header). */
function storedPixels(plan: StudyPlan, values: Float32Array): Uint16Array | Int16Array {
  const n = values.length;
  if (plan.modality === 'CT' && plan.signedPixels) {
    const out = new Int16Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.max(-1024, Math.min(3071, Math.round(values[i] as number)));
    return out;
  }
  const out = new Uint16Array(n);
  const offset = plan.modality === 'CT' ? 1024 : 0;
  const invert = plan.monochrome1;
  for (let i = 0; i < n; i++) {
    const v = Math.max(0, Math.min(4095, Math.round((values[i] as number) + offset)));
    out[i] = invert ? 4095 - v : v;
  }
  return out;
}

/** The DICOM dataset (dcmjs naturalised form) of one image. */
export function imageDataset(plan: StudyPlan, series: SeriesPlan, instance: number, values: Float32Array): Record<string, unknown> {
  // Decimal strings (DS) hold at most 16 characters: keep 4 decimals.
  const ds4 = (x: number): number => Math.round(x * 1e4) / 1e4;
  const pixelMm = ds4(plan.fovMm / plan.size);
  const z = ds4(-(instance - 0.5) * plan.sliceSpacingMm);
  const [wc, ww] = window(plan, series);
  const pixels = storedPixels(plan, values);
  const signed = pixels instanceof Int16Array;
  const ds: Record<string, unknown> = {
    SpecificCharacterSet: 'ISO_IR 100',
    ImageType: ['ORIGINAL', 'PRIMARY', plan.modality === 'CT' ? 'AXIAL' : 'OTHER'],
    SOPClassUID: SOP_CLASS[plan.modality],
    SOPInstanceUID: instanceUid(plan, series, instance),
    StudyDate: plan.studyDate, SeriesDate: plan.studyDate, ContentDate: plan.studyDate,
    StudyTime: plan.studyTime, SeriesTime: plan.studyTime, ContentTime: plan.studyTime,
    AccessionNumber: plan.accession,
    Modality: plan.modality,
    Manufacturer: 'PACSMINE SYNTHETIC',
    InstitutionName: 'Pacsmine General Hospital',
    ReferringPhysicianName: plan.referrer.split(' ').reverse().join('^'),
    StudyDescription: plan.exam,
    SeriesDescription: series.description,
    PatientName: plan.patientName,
    PatientID: plan.patientId,
    PatientBirthDate: plan.birthDate,
    PatientSex: plan.sex,
    PatientAge: `${String(plan.age).padStart(3, '0')}Y`,
    BodyPartExamined: plan.bodyPart,
    StudyInstanceUID: plan.studyUid,
    SeriesInstanceUID: series.seriesUid,
    StudyID: String(plan.index + 1),
    SeriesNumber: series.seriesNumber,
    InstanceNumber: instance,
    ...geometry(plan, series, z),
    FrameOfReferenceUID: derivedUid(plan.studyUid, 'frame'),
    SliceLocation: z,
    SliceThickness: ds4(plan.sliceSpacingMm),
    SamplesPerPixel: 1,
    PhotometricInterpretation: plan.monochrome1 ? 'MONOCHROME1' : 'MONOCHROME2',
    Rows: plan.size,
    Columns: plan.size,
    PixelSpacing: [pixelMm, pixelMm],
    BitsAllocated: 16,
    BitsStored: signed ? 16 : 12,
    HighBit: signed ? 15 : 11,
    PixelRepresentation: signed ? 1 : 0,
    WindowCenter: plan.monochrome1 ? 4095 - wc : wc,
    WindowWidth: ww,
    PixelData: [pixels.buffer],
    _vrMap: { PixelData: 'OW' },
  };
  // The contrast agent given: every series of a CT with contrast, the post-contrast MR series.
  if ((plan.modality === 'CT' && / WITH CONTRAST/.test(plan.exam)) || series.flavour === 'T1C') {
    ds['ContrastBolusAgent'] = plan.modality === 'CT' ? 'IOHEXOL' : 'GADOBUTROL';
  }
  if (plan.modality === 'CT') {
    ds['RescaleIntercept'] = signed ? 0 : -1024;
    ds['RescaleSlope'] = 1;
    ds['RescaleType'] = 'HU';
    ds['KVP'] = 120;
    ds['ConvolutionKernel'] = series.flavour === 'lung' ? 'LUNG' : 'STANDARD';
  }
  if (plan.modality === 'CR' || plan.modality === 'DX') ds['ViewPosition'] = series.flavour;
  if (plan.modality === 'MR') {
    ds['ScanningSequence'] = 'SE';
    ds['RepetitionTime'] = series.flavour === 'T2' ? 4000 : 500;
    ds['EchoTime'] = series.flavour === 'T2' ? 90 : 12;
    ds['MagneticFieldStrength'] = 1.5;
  }
  return ds;
}

/**
 * Orientation and position: series described "SAG" (the spine MR) are sagittal, slices stepping
 * from right to left; all others axial, slices stepping from head to feet.
 */
function geometry(plan: StudyPlan, series: SeriesPlan, z: number): Record<string, unknown> {
  const half = plan.fovMm / 2;
  if (series.description.startsWith('SAG')) {
    return { PatientOrientation: ['P', 'F'], ImagePositionPatient: [z, -half, half], ImageOrientationPatient: [0, 1, 0, 0, 0, -1] };
  }
  return { PatientOrientation: ['L', 'P'], ImagePositionPatient: [-half, -half, z], ImageOrientationPatient: [1, 0, 0, 0, 1, 0] };
}

/** Serialises a naturalised dataset as a Part 10 file (explicit VR little endian unless told). */
export function writePart10(ds: Record<string, unknown>, transferSyntax = EXPLICIT_VR_LITTLE_ENDIAN): Buffer {
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: ds['SOPClassUID'],
    MediaStorageSOPInstanceUID: ds['SOPInstanceUID'],
    TransferSyntaxUID: transferSyntax,
    ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: 'PACSMINE_0_1',
  };
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(ds);
  return Buffer.from(dict.write() as ArrayBuffer);
}
