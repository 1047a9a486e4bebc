import { readFileSync } from 'node:fs';

/** The package version, recorded with every stage so that an upgrade re-runs stale work. */
export const packageVersion: string = (() => {
  // dist/src/util/version.js and src/util/version.ts are both three levels below package.json... or two.
  for (const rel of ['../../../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'pacsmine' && pkg.version) return pkg.version;
    } catch {
      // try the next candidate
    }
  }
  return '0.0.0';
})();
