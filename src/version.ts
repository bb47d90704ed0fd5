import { existsSync, readFileSync } from 'node:fs';

/** policylint's package.json, found upwards from this module whether it runs from dist/ or from the sources (tests). */
function packageJson(): URL {
  for (let dir = new URL('./', import.meta.url); ; dir = new URL('../', dir)) {
    const candidate = new URL('package.json', dir);
    if (existsSync(candidate)) return candidate;
    if (dir.pathname === '/') throw new Error('policylint: package.json not found');
  }
}

/** Read at start-up: one small synchronous read, and the version can never drift from the package. */
export const VERSION: string = (JSON.parse(readFileSync(packageJson(), 'utf8')) as { version: string }).version;
