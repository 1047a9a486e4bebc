// Empties dist/ before a build, so that a test or module deleted from src/ does not live on as a
// stale compiled file that `node --test dist/src/` would still run.
import { rmSync } from 'node:fs';
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
