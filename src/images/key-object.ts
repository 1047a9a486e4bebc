/**
 * Key Object Selection documents (KOS, SOP Class 1.2.840.10008.5.1.4.1.1.88.59, PS3.3 A.35.4):
 * how a PACS keeps the images a radiologist bookmarked. The paper linked ~28K images by accession
 * alone because they were flagged this way. A KOS lists the instances it selects as IMAGE content
 * items (and all of them in its Current Requested Procedure Evidence Sequence), under a title
 * (its Concept Name: "Of Interest", "For Teaching"...) and sometimes a Key Object Description text.
 */
import { HeaderProblem, parseDataSet, type DataSet } from './header.js';

export const KEY_OBJECT_SELECTION_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.88.59';

/** One instance a KOS selects. */
export interface KeyObjectReference {
  sopInstanceUid: string;
  sopClassUid: string | undefined;
  /** From the evidence sequence, when it lists the instance. */
  seriesUid: string | undefined;
  studyUid: string | undefined;
}

export interface KeyObjectDocument {
  sopInstanceUid: string;
  studyUid: string | undefined;
  seriesUid: string | undefined;
  accession: string | undefined;
  patientId: string | undefined;
  /** The document title's code meaning ("Of Interest"), if given. */
  title: string | undefined;
  /** The Key Object Description text items, joined with line breaks; undefined when there are none. */
  description: string | undefined;
  /** The instances selected, in content order, without repeats. */
  references: KeyObjectReference[];
}

const str = (ds: DataSet | undefined, tag: string): string | undefined => {
  const v = ds?.string(tag);
  return v === undefined || v.trim() === '' ? undefined : v.trim();
};
const items = (ds: DataSet | undefined, tag: string): DataSet[] =>
  (ds?.elements[tag]?.items ?? []).map((i) => i.dataSet).filter((d): d is DataSet => d !== undefined);

/** Whether a parsed dataset is a Key Object Selection document. */
export function isKeyObject(ds: DataSet): boolean {
  return (str(ds, 'x00080016') ?? str(ds, 'x00020002')) === KEY_OBJECT_SELECTION_SOP_CLASS;
}

/** Reads a KOS from a Part 10 file's bytes; throws HeaderProblem when it is not one or selects nothing. */
export function readKeyObject(bytes: Uint8Array): KeyObjectDocument {
  return readKeyObjectDataSet(parseDataSet(bytes));
}

export function readKeyObjectDataSet(ds: DataSet): KeyObjectDocument {
  if (!isKeyObject(ds)) throw new HeaderProblem('bad-key-object', 'not a Key Object Selection document');
  const sopInstanceUid = str(ds, 'x00080018') ?? str(ds, 'x00020003');
  if (!sopInstanceUid) throw new HeaderProblem('no-sop-uid', 'no SOP Instance UID (0008,0018)');
  // Where each instance lives, from the evidence sequence: study > series > SOP.
  const evidence = new Map<string, KeyObjectReference>();
  for (const study of items(ds, 'x0040a375')) {
    const studyUid = str(study, 'x0020000d');
    for (const series of items(study, 'x00081115')) {
      const seriesUid = str(series, 'x0020000e');
      for (const sop of items(series, 'x00081199')) {
        const uid = str(sop, 'x00081155');
        if (uid) evidence.set(uid, { sopInstanceUid: uid, sopClassUid: str(sop, 'x00081150'), seriesUid, studyUid });
      }
    }
  }
  const references: KeyObjectReference[] = [];
  const seen = new Set<string>();
  const texts: string[] = [];
  for (const item of items(ds, 'x0040a730')) {
    const valueType = str(item, 'x0040a040');
    if (valueType === 'IMAGE' || valueType === 'COMPOSITE' || valueType === 'WAVEFORM') {
      for (const sop of items(item, 'x00081199')) {
        const uid = str(sop, 'x00081155');
        if (!uid || seen.has(uid)) continue;
        seen.add(uid);
        const known = evidence.get(uid);
        references.push({ sopInstanceUid: uid, sopClassUid: str(sop, 'x00081150') ?? known?.sopClassUid, seriesUid: known?.seriesUid, studyUid: known?.studyUid });
      }
    } else if (valueType === 'TEXT') {
      const text = item.string('x0040a160');
      if (text !== undefined && text.trim() !== '') texts.push(text.trim());
    }
  }
  // A document whose content lists no instance still names them all as its evidence.
  if (references.length === 0) references.push(...evidence.values());
  if (references.length === 0) throw new HeaderProblem('bad-key-object', 'a Key Object Selection document that selects no instance');
  const title = str(items(ds, 'x0040a043')[0], 'x00080104');
  return {
    sopInstanceUid,
    studyUid: str(ds, 'x0020000d'),
    seriesUid: str(ds, 'x0020000e'),
    accession: str(ds, 'x00080050'),
    patientId: str(ds, 'x00100020'),
    title,
    description: texts.length ? texts.join('\n') : undefined,
    references,
  };
}
