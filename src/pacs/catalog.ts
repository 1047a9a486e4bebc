/**
 * What a PACS holds for an accession (its studies' series, and each series' instances by number),
 * queried with QIDO-RS once and kept, so that resolving many references (and reading key object
 * documents) costs one query per study and per series.
 */
import { DicomwebClient, TAG, jsonInt, jsonString } from './dicomweb.js';

export interface SeriesEntry { studyUid: string; seriesUid: string; number: number | undefined; modality: string | undefined; instances?: Map<number, { sop: string; rows?: number; columns?: number }[]> }

/** Per-accession cache of the PACS's series and instances, so each is queried once. */
export class PacsCatalog {
  readonly #series = new Map<string, Promise<SeriesEntry[]>>();
  queries = 0;
  constructor(readonly client: DicomwebClient) {}

  series(accession: string): Promise<SeriesEntry[]> {
    let p = this.#series.get(accession);
    if (!p) {
      p = (async () => {
        this.queries++;
        const studies = await this.client.searchStudies(accession);
        const out: SeriesEntry[] = [];
        for (const st of studies) {
          const studyUid = jsonString(st, TAG.StudyInstanceUID);
          if (!studyUid) continue;
          this.queries++;
          for (const se of await this.client.searchSeries(studyUid)) {
            const seriesUid = jsonString(se, TAG.SeriesInstanceUID);
            if (seriesUid) out.push({ studyUid, seriesUid, number: jsonInt(se, TAG.SeriesNumber), modality: jsonString(se, TAG.Modality) });
          }
        }
        return out;
      })();
      this.#series.set(accession, p);
    }
    return p;
  }

  async instances(entry: SeriesEntry): Promise<Map<number, { sop: string; rows?: number; columns?: number }[]>> {
    if (!entry.instances) {
      this.queries++;
      const map = new Map<number, { sop: string; rows?: number; columns?: number }[]>();
      for (const ins of await this.client.searchInstances(entry.studyUid, entry.seriesUid)) {
        const n = jsonInt(ins, TAG.InstanceNumber);
        const sop = jsonString(ins, TAG.SOPInstanceUID);
        if (n === undefined || !sop) continue;
        const list = map.get(n) ?? [];
        const rows = jsonInt(ins, TAG.Rows);
        const columns = jsonInt(ins, TAG.Columns);
        list.push({ sop, ...(rows !== undefined ? { rows } : {}), ...(columns !== undefined ? { columns } : {}) });
        map.set(n, list);
      }
      entry.instances = map;
    }
    return entry.instances;
  }
}

