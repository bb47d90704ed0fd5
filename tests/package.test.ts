// What `npm pack` ships, from npm's own file list: the bin script, the bundle it loads, docs,
// hooks and schema (and the files npm always adds), never sources, tests, the fake GitLab or
// the development scripts. Needs the build (`npm test` builds first).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/cli.js';

interface PackListing {
  files: Array<{ path: string }>;
}

const packageJson = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };

let packed: string[] = [];

beforeAll(() => {
  expect(existsSync(path.join(REPO_ROOT, 'dist/bundle/main.js')), 'dist/bundle/main.js is missing: run npm run build').toBe(true);
  // --ignore-scripts: `prepack` would rebuild; the listing of what is already built is what counts.
  const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', '--loglevel=error'], { cwd: REPO_ROOT, encoding: 'utf8' });
  packed = (JSON.parse(output) as PackListing[])[0]!.files.map((file) => file.path).sort();
});

describe('npm pack', () => {
  it('ships exactly bin, dist, docs, hooks, schema and the files npm always adds', () => {
    const topLevel = [...new Set(packed.map((file) => file.split('/')[0]))].sort();
    expect(topLevel).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'bin', 'dist', 'docs', 'hooks', 'package.json', 'schema']);
  });

  it('ships only the bundle from dist/: no compiled sources, tests, fake GitLab or scripts', () => {
    expect(packed.filter((file) => file.startsWith('dist/') && !file.startsWith('dist/bundle/'))).toEqual([]);
    expect(packed.filter((file) => /(^|\/)(tests?|scripts|fake-gitlab|src)\/|\.test\.|\.ts$|\.map$/.test(file))).toEqual([]);
  });

  it('ships every file the bin script loads: the bundle entry and each chunk it imports', () => {
    for (const bin of Object.values(packageJson.bin)) expect(packed).toContain(path.posix.normalize(bin));
    const bundleFiles = packed.filter((file) => file.startsWith('dist/bundle/') && file.endsWith('.js'));
    expect(bundleFiles).toContain('dist/bundle/main.js');
    for (const file of bundleFiles) {
      const source = readFileSync(path.join(REPO_ROOT, file), 'utf8');
      // esbuild writes `} from "./chunk-X.js";` and `import("./x.js")`; JSDoc `import('./y.d.ts')` types in bundled code are no imports.
      for (const [, specifier] of source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)"(\.\.?\/[^"]+\.js)"/g)) {
        expect(packed, `${file} imports ${specifier}`).toContain(path.posix.join(path.posix.dirname(file), specifier!));
      }
    }
  });

  it('ships every docs page, hook and schema in the repository', () => {
    const onDisk = (dir: string): string[] =>
      readdirSync(path.join(REPO_ROOT, dir), { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => path.posix.join(path.relative(REPO_ROOT, entry.parentPath).split(path.sep).join('/'), entry.name));
    for (const dir of ['docs', 'hooks', 'schema']) expect(packed.filter((file) => file.startsWith(`${dir}/`))).toEqual(onDisk(dir).sort());
  });
});
