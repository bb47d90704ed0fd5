#!/usr/bin/env node
import { existsSync } from 'node:fs';

// dist/ is built by `npm run build` (and by npm itself when installing from git or packing),
// never committed: a checkout that was not built gets one clear line, not a stack trace.
const bundle = new URL('../dist/bundle/main.js', import.meta.url);
if (!existsSync(bundle)) {
  console.error('policylint is not built: run npm run build (or install a release tarball)');
  process.exit(2);
}
const { main } = await import(bundle.href);

process.exitCode = await main(process.argv);
