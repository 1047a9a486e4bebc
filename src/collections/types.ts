/**
 * What every collection adapter (general manifest, MedPix 2.0, Indiana) produces: cases (one
 * report each) and images (one key image each, with its own caption), or rejects with reasons.
 * The stage (ingest.ts) does the rest the same way for all of them.
 */
import type { Rejected } from '../ingest/source.js';

export type CollectionFormat = 'manifest' | 'medpix' | 'iu';
export const COLLECTION_FORMATS: readonly CollectionFormat[] = ['manifest', 'medpix', 'iu'];

/** A case: its report text goes through the same ingest as any report. */
export interface CollectionCase {
  caseId: string;
  /** The report text (raw; the stage de-identifies it). */
  text: string;
  patientId?: string;
  modality?: string;
  /** Teaching text kept beside the report, not in it (table case_extra_text), e.g. MedPix's disease discussion. */
  extra?: Array<{ kind: string; text: string }>;
  /** For messages: "Case_topic.json#12", "cases.csv:line 4". Never text from the record. */
  location: string;
}

/** An image of a case, with its own caption (the key sentence). */
export interface CollectionImage {
  /** The collection's id of the image (stable, unique in the collection). */
  imageId: string;
  caseId: string;
  /** Absolute path of the image file. */
  file: string;
  /** The caption, raw (the stage de-identifies it). */
  caption: string;
  /** Short modality (CT, MR, XR, ...). */
  modality?: string;
  plane?: string;
  bodyLocation?: string;
  locationCategory?: string;
  patientId?: string;
  /** Anything else worth keeping per image (small, no identifiers), stored as JSON. */
  meta?: Record<string, string>;
  location: string;
}

export type CaseItem = { ok: true; value: CollectionCase } | { ok: false; rejected: Rejected };
export type ImageItem = { ok: true; value: CollectionImage } | { ok: false; rejected: Rejected };

export interface Collection {
  /** A short name, part of every image's stable id: 'medpix2', 'iu-xray', the manifest's name. */
  name: string;
  format: CollectionFormat;
  /** The files the collection was read from (their digests make the stage's input digest). */
  inputs: string[];
  /** The image folder, when there is one (its listing joins the input digest). */
  imageDir?: string;
  cases: CaseItem[];
  images: ImageItem[];
}

/** Rejection codes of the collection stage (case rejects use the report codes of src/ingest). */
export const COLLECTION_REJECT_CODES = [
  'MISSING_FILE', 'UNKNOWN_CASE', 'UNREADABLE_IMAGE', 'DUPLICATE_IMAGE', 'EMPTY_CAPTION', 'NO_IMAGE', 'NO_ID',
  'TOO_LARGE', 'BAD_UTF8', 'CSV_RAGGED', 'BAD_JSON', 'CASE_TEXT_CONFLICT',
] as const;

export function rejectedItem(recordId: string, location: string, code: string, reason: string): { ok: false; rejected: Rejected } {
  return { ok: false, rejected: { recordId, location, code, reason } };
}

/** Values that stand for "nothing" in teaching-file fields. */
const EMPTY_VALUES = new Set(['', 'n/a', 'na', 'n/c', 'none', 'null', 'unknown']);

/** The trimmed value, or undefined for blanks and placeholders such as "N/A". */
export function present(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const v = value.trim();
  return EMPTY_VALUES.has(v.toLowerCase()) ? undefined : v;
}
