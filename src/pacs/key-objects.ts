/**
 * Key Object Selection documents on a PACS: for one accession, the KO series of its studies
 * (QIDO-RS), each document fetched (WADO-RS) and read, and the instances they select looked up
 * in their series, so that they can enter the image table as flagged key images.
 */
import { readKeyObject, type KeyObjectDocument } from '../images/key-object.js';
import type { PacsCatalog, SeriesEntry } from './catalog.js';

/** A selected instance found on the PACS. */
export interface PacsKeyImage {
  sopInstanceUid: string;
  studyUid: string;
  seriesUid: string;
  seriesNumber: number | undefined;
  instanceNumber: number;
  modality: string | undefined;
  rows: number | undefined;
  columns: number | undefined;
  url: string;
}

export interface PacsKeyObjects {
  documents: Array<{ doc: KeyObjectDocument; url: string }>;
  /** The selected instances the PACS holds (one that it does not hold is left out). */
  images: PacsKeyImage[];
}

/** The KOS documents of an accession's studies and the instances they select. PACS errors are thrown. */
export async function keyObjectsOnPacs(catalog: PacsCatalog, accession: string): Promise<PacsKeyObjects> {
  const series = await catalog.series(accession);
  const documents: PacsKeyObjects['documents'] = [];
  for (const entry of series.filter((e) => e.modality === 'KO')) {
    for (const matches of (await catalog.instances(entry)).values()) {
      for (const m of matches) {
        const bytes = await catalog.client.retrieveInstance(entry.studyUid, entry.seriesUid, m.sop);
        documents.push({ doc: readKeyObject(bytes), url: catalog.client.instanceUrl(entry.studyUid, entry.seriesUid, m.sop) });
      }
    }
  }
  const images: PacsKeyImage[] = [];
  if (documents.length === 0) return { documents, images };
  // Where each instance of the image series is: their instance lists, read once per series.
  const located = new Map<string, { entry: SeriesEntry; number: number; rows?: number; columns?: number }>();
  const looked = new Set<string>();
  const lookIn = async (entry: SeriesEntry): Promise<void> => {
    if (looked.has(entry.seriesUid)) return;
    looked.add(entry.seriesUid);
    for (const [number, list] of await catalog.instances(entry)) {
      for (const m of list) located.set(m.sop, { entry, number, ...(m.rows !== undefined ? { rows: m.rows } : {}), ...(m.columns !== undefined ? { columns: m.columns } : {}) });
    }
  };
  const seen = new Set<string>();
  for (const { doc } of documents) {
    for (const ref of doc.references) {
      if (seen.has(ref.sopInstanceUid)) continue;
      seen.add(ref.sopInstanceUid);
      // The evidence names the series; without it, every image series of the accession is looked in.
      const candidates = series.filter((e) => e.modality !== 'KO' && (ref.seriesUid === undefined || e.seriesUid === ref.seriesUid));
      for (const entry of candidates) {
        if (located.has(ref.sopInstanceUid)) break;
        await lookIn(entry);
      }
      const at = located.get(ref.sopInstanceUid);
      if (!at) continue;
      images.push({
        sopInstanceUid: ref.sopInstanceUid, studyUid: at.entry.studyUid, seriesUid: at.entry.seriesUid, seriesNumber: at.entry.number,
        instanceNumber: at.number, modality: at.entry.modality, rows: at.rows, columns: at.columns,
        url: catalog.client.instanceUrl(at.entry.studyUid, at.entry.seriesUid, ref.sopInstanceUid),
      });
    }
  }
  return { documents, images };
}
