/**
 * Search by words for the review app: the text → image search of the keywords stage
 * (src/keywords/search.ts, `pacsmine search`), loaded when this build has it and the workspace has
 * its regression outputs; otherwise an answer that says why there is none. Hits carry the image id
 * and its de-identified key sentence, never a file path.
 */
import type { Workspace } from '../store/workspace.js';
import { PacsmineError } from '../util/errors.js';

export interface WordSearchAnswer {
  available: boolean;
  reason?: string;
  query: string;
  words: string[];
  unknown: string[];
  hits: Array<{ image: string; score: number; caption: string }>;
}

interface SearchModule {
  searchImages(ws: Workspace, query: string, options: { top?: number }): { words: string[]; unknown: string[]; hits: Array<{ image: string; score: number; caption: string }>; reason?: string };
}

let loaded: Promise<SearchModule | undefined> | undefined;

/** The keywords stage's search module, when this build has one. */
function searchModule(): Promise<SearchModule | undefined> {
  // A computed specifier: the build does not require the module, and a build without it answers "not available".
  loaded ??= import(new URL('../keywords/search.js', import.meta.url).href).then((m: SearchModule) => (typeof m.searchImages === 'function' ? m : undefined), () => undefined);
  return loaded;
}

export async function searchByWords(ws: Workspace, query: string, top: number): Promise<WordSearchAnswer> {
  const base = { query, words: [], unknown: [], hits: [] };
  const mod = await searchModule();
  if (!mod) return { ...base, available: false, reason: 'this build has no text → image search (the keywords stage)' };
  if (query.trim() === '') return { ...base, available: true, reason: 'give words to search for, e.g. "pleural effusion"' };
  try {
    const r = mod.searchImages(ws, query, { top });
    return { available: true, query, words: r.words, unknown: r.unknown, hits: r.hits.map((h) => ({ image: h.image, score: h.score, caption: h.caption })), ...(r.reason ? { reason: r.reason } : {}) };
  } catch (error) {
    // Missing regression outputs or word vectors: the stage's own message says which command makes them.
    if (error instanceof PacsmineError) return { ...base, available: false, reason: error.message };
    throw error;
  }
}
