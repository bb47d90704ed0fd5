/**
 * The benchmark's baseline: read every Markdown file under a directory and parse it with
 * unified + remark-parse + remark-frontmatter, nothing else. This is the floor any
 * remark-based linter pays; policylint's select-everything run is compared against it.
 *
 *   node dist/scripts/bench/bare-parse.js <dir> [--read-only]
 *
 * `--read-only` reads without parsing (the benchmark uses it to warm the page cache and count pages).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import remarkFrontmatter from 'remark-frontmatter';
import remarkParse from 'remark-parse';
import { unified } from 'unified';

/** Every `.md` file under `dir`, sorted, skipping dot-directories and node_modules like the linters do. */
export function markdownFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && entry.name.endsWith('.md')) found.push(full);
    }
  };
  walk(dir);
  return found.sort();
}

function main(): void {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('usage: bare-parse <dir>\n');
    process.exit(2);
  }
  const readOnly = process.argv.includes('--read-only');
  const processor = unified().use(remarkParse).use(remarkFrontmatter, ['yaml']);
  let files = 0;
  let bytes = 0;
  let nodes = 0;
  for (const file of markdownFiles(dir)) {
    const source = readFileSync(file, 'utf8');
    files++;
    bytes += Buffer.byteLength(source);
    if (!readOnly) nodes += processor.parse(source).children.length;
  }
  process.stdout.write(`${JSON.stringify({ files, bytes, topLevelNodes: nodes })}\n`);
}

// Run only as a script, not when check-corpus imports markdownFiles.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
