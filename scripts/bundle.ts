/**
 * Bundles the CLI into dist/bundle/ for the `policylint` command: Node resolves and compiles
 * ~250 separate ES modules in ~0.4 s, one bundle in a fraction of that, and a lint run of a
 * whole handbook lasts only a few seconds. Code split at the CLI's dynamic imports, so that
 * `--version` and the lint run do not load what only `policylint mr` needs (the GitLab client).
 *
 *   node dist/scripts/bundle.js        (part of `npm run build`)
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// Chunk names carry content hashes: clear the old ones so that dist/ ships only this build.
rmSync(path.join(root, 'dist/bundle'), { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { main: 'src/cli/main.ts' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Some dependencies are CommonJS and call require() for Node's built-ins.
  banner: { js: "import { createRequire as __policylintRequire } from 'node:module'; const require = __policylintRequire(import.meta.url);" },
  legalComments: 'linked',
  logLevel: 'warning',
});
