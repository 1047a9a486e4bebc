/**
 * DICOM header de-identification after the Basic Application Level Confidentiality Profile of
 * DICOM PS3.15 Annex E (Table E.1-1): attributes are removed (X), emptied (Z), given a dummy (D)
 * or have their UIDs replaced (U) by UIDs derived from a secret salt, so the same original UID
 * always maps to the same new one within an export (and across exports that share the salt).
 * Private attributes are removed. Applied at every nesting level.
 */
import { createHash } from 'node:crypto';
import dcmjs from 'dcmjs';

dcmjs.log.getLogger('validation.dcmjs').setLevel('silent');
const { DicomMessage, DicomDict } = dcmjs.data;

type Action = 'X' | 'Z' | 'D' | 'U';

/**
 * The basic profile's actions for the attributes a radiology archive carries (a subset of
 * Table E.1-1; where the table allows several, the strictest that keeps a valid object is used).
 */
export const BASIC_PROFILE: Readonly<Record<string, Action>> = {
  '00080014': 'U', // Instance Creator UID
  '00080018': 'U', // SOP Instance UID
  '00080020': 'Z', // Study Date
  '00080021': 'X', // Series Date
  '00080022': 'X', // Acquisition Date
  '00080023': 'Z', // Content Date
  '00080024': 'X', // Overlay Date
  '00080025': 'X', // Curve Date
  '0008002A': 'X', // Acquisition DateTime
  '00080030': 'Z', // Study Time
  '00080031': 'X', // Series Time
  '00080032': 'X', // Acquisition Time
  '00080033': 'Z', // Content Time
  '00080050': 'Z', // Accession Number
  '00080080': 'X', // Institution Name
  '00080081': 'X', // Institution Address
  '00080082': 'X', // Institution Code Sequence
  '00080090': 'Z', // Referring Physician's Name
  '00080092': 'X', // Referring Physician's Address
  '00080094': 'X', // Referring Physician's Telephone Numbers
  '00081010': 'X', // Station Name
  '00081030': 'X', // Study Description
  '0008103E': 'X', // Series Description
  '00081040': 'X', // Institutional Department Name
  '00081048': 'X', // Physician(s) of Record
  '00081050': 'X', // Performing Physician's Name
  '00081060': 'X', // Name of Physician(s) Reading Study
  '00081070': 'X', // Operators' Name
  '00081080': 'X', // Admitting Diagnoses Description
  '00081110': 'X', // Referenced Study Sequence
  '00081111': 'X', // Referenced Performed Procedure Step Sequence
  '00081120': 'X', // Referenced Patient Sequence
  '00081155': 'U', // Referenced SOP Instance UID
  '00082111': 'X', // Derivation Description
  '00100010': 'Z', // Patient's Name
  '00100020': 'Z', // Patient ID
  '00100021': 'X', // Issuer of Patient ID
  '00100030': 'Z', // Patient's Birth Date
  '00100032': 'X', // Patient's Birth Time
  '00100040': 'Z', // Patient's Sex
  '00101000': 'X', // Other Patient IDs
  '00101001': 'X', // Other Patient Names
  '00101002': 'X', // Other Patient IDs Sequence
  '00101005': 'X', // Patient's Birth Name
  '00101010': 'X', // Patient's Age
  '00101020': 'X', // Patient's Size
  '00101030': 'X', // Patient's Weight
  '00101040': 'X', // Patient's Address
  '00101060': 'X', // Patient's Mother's Birth Name
  '00101080': 'X', // Military Rank
  '00101081': 'X', // Branch of Service
  '00101090': 'X', // Medical Record Locator
  '00102150': 'X', // Country of Residence
  '00102152': 'X', // Region of Residence
  '00102154': 'X', // Patient's Telephone Numbers
  '00102160': 'X', // Ethnic Group
  '00102180': 'X', // Occupation
  '001021B0': 'X', // Additional Patient History
  '00104000': 'X', // Patient Comments
  '00181000': 'X', // Device Serial Number
  '00181030': 'X', // Protocol Name
  '0020000D': 'U', // Study Instance UID
  '0020000E': 'U', // Series Instance UID
  '00200010': 'Z', // Study ID
  '00200052': 'U', // Frame of Reference UID
  '00200200': 'U', // Synchronization Frame of Reference UID
  '00204000': 'X', // Image Comments
  '00321032': 'X', // Requesting Physician
  '00321060': 'X', // Requested Procedure Description
  '00400244': 'X', // Performed Procedure Step Start Date
  '00400245': 'X', // Performed Procedure Step Start Time
  '00400253': 'X', // Performed Procedure Step ID
  '00400254': 'X', // Performed Procedure Step Description
  '00400275': 'X', // Request Attributes Sequence
  '0040A124': 'U', // UID
  '0040A730': 'X', // Content Sequence
  '00083010': 'U', // Irradiation Event UID
  '00880140': 'U', // Storage Media File-set UID
  '30060024': 'U', // Referenced Frame of Reference UID
  '0040A123': 'D', // Person Name
  '00700084': 'Z', // Content Creator's Name
};

export const DEIDENTIFICATION_METHOD = 'DICOM PS3.15 Annex E Basic Application Level Confidentiality Profile (pacsmine)';

/** A new UID for `uid`, the same every time for the same salt. */
export function mapUid(uid: string, salt: string): string {
  const hex = createHash('sha256').update(salt).update('\0').update(uid).digest('hex').slice(0, 32);
  return `2.25.${BigInt(`0x${hex}`).toString()}`;
}

type Element = { vr: string; Value?: unknown[] };
type Dict = Record<string, Element>;

function isPrivate(tag: string): boolean {
  return (Number.parseInt(tag.slice(0, 4), 16) & 1) === 1;
}

function isOverlayOrCurve(tag: string): boolean {
  const group = Number.parseInt(tag.slice(0, 4), 16);
  // Overlay comments and data (60xx,4000 / 60xx,3000) and retired curve groups (50xx).
  return (group >= 0x6000 && group <= 0x60ff && (tag.endsWith('4000') || tag.endsWith('3000'))) || (group >= 0x5000 && group <= 0x50ff);
}

function dummy(vr: string): unknown[] {
  if (vr === 'PN') return [{ Alphabetic: 'ANONYMOUS' }];
  if (vr === 'DA') return ['19000101'];
  if (vr === 'TM') return ['000000'];
  return ['ANONYMOUS'];
}

/** Applies the profile to a denaturalised dataset in place (recursing into sequences). */
export function deidentifyDict(dict: Dict, salt: string): void {
  for (const tag of Object.keys(dict)) {
    const el = dict[tag] as Element;
    const upper = tag.toUpperCase();
    if (isPrivate(upper) || isOverlayOrCurve(upper)) {
      delete dict[tag];
      continue;
    }
    const action = BASIC_PROFILE[upper];
    if (action === 'X') delete dict[tag];
    else if (action === 'Z') el.Value = [];
    else if (action === 'D') el.Value = dummy(el.vr);
    else if (action === 'U') el.Value = (el.Value ?? []).map((v) => (typeof v === 'string' && v ? mapUid(v, salt) : v));
    else if (el.vr === 'SQ') for (const item of (el.Value ?? []) as Dict[]) deidentifyDict(item, salt);
  }
  dict['00120062'] = { vr: 'CS', Value: ['YES'] }; // Patient Identity Removed
  dict['00120063'] = { vr: 'LO', Value: [DEIDENTIFICATION_METHOD] }; // De-identification Method
  dict['00120064'] = { // De-identification Method Code Sequence: (113100, DCM, "Basic Application Confidentiality Profile")
    vr: 'SQ',
    Value: [{ '00080100': { vr: 'SH', Value: ['113100'] }, '00080102': { vr: 'SH', Value: ['DCM'] }, '00080104': { vr: 'LO', Value: ['Basic Application Confidentiality Profile'] } }],
  };
}

/** De-identifies a Part 10 file's bytes; returns the new bytes and the new SOP Instance UID. */
export function deidentifyPart10(bytes: Uint8Array, salt: string): { bytes: Buffer; sopInstanceUid: string } {
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const file = DicomMessage.readFile(ab, { ignoreErrors: true });
  const dict = file.dict as Dict;
  deidentifyDict(dict, salt);
  const meta = file.meta as Dict;
  const sop = dict['00080018']?.Value?.[0];
  if (meta['00020003'] && typeof sop === 'string') meta['00020003'] = { vr: 'UI', Value: [sop] };
  const out = new DicomDict(meta);
  out.dict = dict;
  return { bytes: Buffer.from(out.write()), sopInstanceUid: typeof sop === 'string' ? sop : '' };
}
