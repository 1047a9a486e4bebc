/**
 * Key-image pixels for people: the PNG a stage wrote into the workspace, found by the path the
 * workspace table records (never a path from a request or a page), and only when that file lies
 * inside the workspace folder, symbolic links resolved. Thumbnails are small JPEGs for inlining.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

/** The file of a recorded image path (absolute or workspace-relative), or undefined when it is outside `root` or missing. */
export function fileInside(root: string, recorded: string): string | undefined {
  try {
    const realRoot = realpathSync(root);
    const real = realpathSync(path.resolve(root, recorded));
    const rel = path.relative(realRoot, real);
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? real : undefined;
  } catch {
    return undefined;
  }
}

/** A small JPEG of an image file (longest side `size` px). */
export function thumbnail(file: string, size: number): Promise<Buffer> {
  return sharp(file).resize(size, size, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 70 }).toBuffer();
}

/** Thumbnails as data: URIs, each image encoded once however often the page shows it. */
export class ThumbnailCache {
  readonly #uris = new Map<string, Promise<string | undefined>>();
  readonly #done = new Map<string, string | undefined>();

  constructor(readonly root: string, readonly size = 72) {}

  /** The data: URI of the image at `recorded` (workspace-relative), undefined when it cannot be read. */
  get(recorded: string): Promise<string | undefined> {
    let p = this.#uris.get(recorded);
    if (!p) {
      const file = fileInside(this.root, recorded);
      p = file === undefined ? Promise.resolve(undefined)
        : thumbnail(file, this.size).then((b) => `data:image/jpeg;base64,${b.toString('base64')}`, () => undefined);
      p = p.then((uri) => {
        this.#done.set(recorded, uri);
        return uri;
      });
      this.#uris.set(recorded, p);
    }
    return p;
  }

  /** The data: URI of an image already encoded (see preload). */
  ready(recorded: string): string | undefined {
    return this.#done.get(recorded);
  }

  /** Encodes all of `paths`, a few at a time (sharp works on libuv's pool). */
  async preload(paths: Iterable<string>, concurrency = 8): Promise<void> {
    const list = [...new Set(paths)];
    for (let i = 0; i < list.length; i += concurrency) await Promise.all(list.slice(i, i + concurrency).map((p) => this.get(p)));
  }
}
