/**
 * Writes a Key Object Selection document (PS3.3 A.35.4, template TID 2010) with dcmjs: the key
 * images a radiologist bookmarked in the PACS, under the title "Of Interest" (DCM 113000) with
 * an optional Key Object Description text (DCM 113012). dcmtk's dsrdump reads it as a valid KOS
 * (src/images/key-object.test.ts).
 */
import { derivedUid } from './plan.js';
import { KEY_OBJECT_SELECTION_SOP_CLASS } from '../images/key-object.js';

export interface KeyObjectInput {
  studyUid: string;
  accession: string;
  patientId: string;
  patientName: string;
  patientBirthDate: string;
  patientSex: string;
  studyDate: string;
  studyTime: string;
  studyId: string;
  referringPhysician: string;
  seriesNumber: number;
  /** The instances selected, with their series. */
  images: Array<{ sopClassUid: string; sopInstanceUid: string; seriesUid: string }>;
  /** Key Object Description text; none when undefined. */
  description?: string;
}

const code = (value: string, meaning: string): Record<string, unknown> => ({ CodeValue: value, CodingSchemeDesignator: 'DCM', CodeMeaning: meaning });

/** The SOP Instance UID of a study's KOS, derived from the study (deterministic). */
export function keyObjectUid(studyUid: string, seriesNumber: number): string {
  return derivedUid(studyUid, 'kos', seriesNumber);
}

/** The naturalised dataset of one KOS; its UIDs derive from the study (deterministic). */
export function keyObjectDataset(k: KeyObjectInput): Record<string, unknown> {
  const bySeries = new Map<string, KeyObjectInput['images']>();
  for (const img of k.images) bySeries.set(img.seriesUid, [...(bySeries.get(img.seriesUid) ?? []), img]);
  const content: Record<string, unknown>[] = [];
  if (k.description !== undefined) {
    content.push({ RelationshipType: 'CONTAINS', ValueType: 'TEXT', ConceptNameCodeSequence: [code('113012', 'Key Object Description')], TextValue: k.description });
  }
  for (const img of k.images) {
    content.push({
      RelationshipType: 'CONTAINS', ValueType: 'IMAGE',
      ReferencedSOPSequence: [{ ReferencedSOPClassUID: img.sopClassUid, ReferencedSOPInstanceUID: img.sopInstanceUid }],
    });
  }
  return {
    SpecificCharacterSet: 'ISO_IR 100',
    SOPClassUID: KEY_OBJECT_SELECTION_SOP_CLASS,
    SOPInstanceUID: keyObjectUid(k.studyUid, k.seriesNumber),
    StudyDate: k.studyDate, StudyTime: k.studyTime, ContentDate: k.studyDate, ContentTime: k.studyTime,
    AccessionNumber: k.accession,
    Modality: 'KO',
    Manufacturer: 'PACSMINE SYNTHETIC',
    ReferringPhysicianName: k.referringPhysician,
    PatientName: k.patientName, PatientID: k.patientId, PatientBirthDate: k.patientBirthDate, PatientSex: k.patientSex,
    StudyInstanceUID: k.studyUid,
    SeriesInstanceUID: derivedUid(k.studyUid, 'kos-series', k.seriesNumber),
    StudyID: k.studyId,
    SeriesNumber: k.seriesNumber,
    InstanceNumber: 1,
    ReferencedPerformedProcedureStepSequence: [],
    CurrentRequestedProcedureEvidenceSequence: [{
      StudyInstanceUID: k.studyUid,
      ReferencedSeriesSequence: [...bySeries].map(([seriesUid, imgs]) => ({
        SeriesInstanceUID: seriesUid,
        ReferencedSOPSequence: imgs.map((i) => ({ ReferencedSOPClassUID: i.sopClassUid, ReferencedSOPInstanceUID: i.sopInstanceUid })),
      })),
    }],
    ValueType: 'CONTAINER',
    ConceptNameCodeSequence: [code('113000', 'Of Interest')],
    ContinuityOfContent: 'SEPARATE',
    ContentTemplateSequence: [{ MappingResource: 'DCMR', TemplateIdentifier: '2010' }],
    ContentSequence: content,
  };
}
