import { readFileSync } from 'node:fs';

/** Read from package.json at start-up: one small synchronous read, and the version can never drift from the package. */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
