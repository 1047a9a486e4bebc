/**
 * Test and benchmark support; the library never imports it. Synthetic report exports: made-up
 * radiology sentences, made-up ids, no patient data. The same seed gives the same files.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { Rng } from '../src/util/rng.js';
import { DICOM_CODE_SYSTEM } from '../src/ingest/fhir.js';

export interface SyntheticReport {
  id: string;
  patientId: string;
  accession: string;
  modality: string;
  /** yyyy-mm-dd */
  examDate: string;
  findings: string;
  impression: string;
}

const FINDINGS = [
  'The cardiac silhouette is within normal limits.',
  'There is a 2.3 cm nodule in the right upper lobe, image 45.',
  'No pleural effusion or pneumothorax.',
  'Mild degenerative changes of the thoracic spine.',
  'A hypodense lesion in segment 7 of the liver, series 3 image 112.',
  'The lungs are clear, without focal consolidation.',
  'Small hiatal hernia, stable compared to the prior study.',
  'Enlarged mediastinal lymph node measuring 1.4 cm.',
];
const IMPRESSIONS = [
  'No acute cardiopulmonary process.',
  'Right upper lobe nodule; follow-up CT recommended in 3 months.',
  'Stable appearance, no new findings.',
  'Findings suggestive of metastatic disease.',
];
const MODALITIES = ['CT', 'MR', 'CR', 'DX', 'US'];

/** Report i of a seeded synthetic export. */
export function syntheticReport(rng: Rng, i: number): SyntheticReport {
  const n = 1 + rng.int(3);
  let findings = '';
  for (let k = 0; k < n; k++) findings += (k ? ' ' : '') + rng.pick(FINDINGS);
  const month = 1 + rng.int(12), day = 1 + rng.int(28);
  return {
    id: `R${i}`,
    patientId: `P${1000 + rng.int(5000)}`,
    accession: `A${100000 + i}`,
    modality: rng.pick(MODALITIES),
    examDate: `20${10 + rng.int(14)}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    findings,
    impression: rng.pick(IMPRESSIONS),
  };
}

export const CSV_HEADER = 'id,patient_id,accession,modality,exam_date,findings,impression';

export function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function csvRow(r: SyntheticReport): string {
  return [r.id, r.patientId, r.accession, r.modality, r.examDate, r.findings, r.impression].map(csvField).join(',');
}

export function jsonlLine(r: SyntheticReport): string {
  return JSON.stringify({ id: r.id, patient_id: r.patientId, accession: r.accession, modality: r.modality,
    exam_date: r.examDate, findings: r.findings, impression: r.impression });
}

/** A FHIR R4 DiagnosticReport: impression as conclusion, findings as a base64 text/plain presentedForm. */
export function fhirDiagnosticReport(r: SyntheticReport): Record<string, unknown> {
  return {
    resourceType: 'DiagnosticReport',
    id: r.id,
    status: 'final',
    identifier: [
      { system: 'urn:example:placer', value: `PL${r.accession}` },
      { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'ACSN' }] }, value: r.accession },
    ],
    category: [{ coding: [{ system: DICOM_CODE_SYSTEM, code: r.modality }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '18748-4', display: 'Diagnostic imaging study' }] },
    subject: { reference: `Patient/${r.patientId}` },
    effectiveDateTime: `${r.examDate}T10:30:00Z`,
    conclusion: r.impression,
    presentedForm: [{ contentType: 'text/plain; charset=utf-8', data: Buffer.from(r.findings, 'utf8').toString('base64') }],
  };
}

/** HL7 escaping of a text value (field, component, repetition, escape, sub-component characters). */
export function hl7Escape(v: string): string {
  return v.replace(/\\/g, '\\E\\').replace(/\|/g, '\\F\\').replace(/\^/g, '\\S\\').replace(/&/g, '\\T\\')
    .replace(/~/g, '\\R\\').replace(/\n/g, '\\.br\\');
}

/** An ORU^R01 message, segments ended by CR: findings and impression as two TX OBX segments. */
export function hl7Message(r: SyntheticReport, controlId = `MSG${r.id}`): string {
  const date = r.examDate.replace(/-/g, '');
  const obr = new Array<string>(25).fill('');
  obr[0] = 'OBR'; obr[1] = '1'; obr[2] = `PL${r.accession}`; obr[3] = r.id; obr[4] = `71020^${r.modality} EXAM^L`;
  obr[7] = `${date}1030`; obr[18] = r.accession; obr[24] = r.modality;
  return [
    `MSH|^~\\&|RIS|SYNTH|PACSMINE|SYNTH|${date}1100||ORU^R01^ORU_R01|${controlId}|P|2.5.1`,
    `PID|1||${r.patientId}^^^SYNTH^MR||SYNTHETIC^PATIENT`,
    obr.join('|'),
    `OBX|1|TX|FIND^Findings^L||${hl7Escape(r.findings)}||||||F`,
    `OBX|2|TX|IMP^Impression^L||${hl7Escape(r.impression)}||||||F`,
  ].join('\r') + '\r';
}

/** Writes n generated lines to a file in large batches (for exports too big to build in memory). */
export function writeGenerated(file: string, n: number, line: (i: number) => string, head?: string): number {
  const fd = openSync(file, 'w');
  let bytes = 0;
  try {
    let buf = head !== undefined ? `${head}\n` : '';
    for (let i = 0; i < n; i++) {
      buf += line(i);
      if (buf.length > 1 << 20) { bytes += writeSync(fd, buf); buf = ''; }
    }
    if (buf) bytes += writeSync(fd, buf);
  } finally {
    closeSync(fd);
  }
  return bytes;
}

/** Collects a source into arrays (tests only: real callers stream). */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
