/** Reads an indexed instance's bytes from where the image table says it is (a file or a PACS). */
import { readFileSync } from 'node:fs';
import { PacsmineError } from '../util/errors.js';
import type { DicomwebClient } from '../pacs/dicomweb.js';

export interface ImageLocation {
  location: string;
  source: string;
}

const WADO_PATH = /\/studies\/([^/]+)\/series\/([^/]+)\/instances\/([^/?]+)$/;

export async function loadImageBytes(img: ImageLocation, client?: DicomwebClient): Promise<Uint8Array> {
  if (img.source !== 'dicomweb') return new Uint8Array(readFileSync(img.location));
  const m = WADO_PATH.exec(img.location);
  if (!m) throw new PacsmineError('INPUT', 'image location is not a WADO-RS instance URL');
  if (!client) throw new PacsmineError('OPTIONS', 'this image is on a PACS: give a PACS client (option `client`) to fetch it');
  // The URL's segments are percent-encoded UIDs (DicomwebClient.instanceUrl); the client encodes them again.
  const [study, series, sop] = [m[1], m[2], m[3]].map((x) => decodeURIComponent(x as string)) as [string, string, string];
  return client.retrieveInstance(study, series, sop);
}
