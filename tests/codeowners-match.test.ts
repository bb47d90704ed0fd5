import { describe, expect, it } from 'vitest';
import { compileFnmatch, fnmatch } from '../src/codeowners/fnmatch.js';
import { normalizePattern, patternMatches } from '../src/codeowners/parse.js';

// The pattern table of research/codeowners.md §3: pattern, GitLab's normalised form, paths it must and must not match.
const patternTable: Array<{ pattern: string; normalized: string; matches: string[]; misses: string[] }> = [
  { pattern: '*', normalized: '/**/*', matches: ['a.rb', 'x/y/z.txt', '.gitignore', 'a/.hidden/b'], misses: [] },
  { pattern: '*.rb', normalized: '/**/*.rb', matches: ['a.rb', 'x/y/a.rb'], misses: ['a.RB', 'a.rbx'] },
  { pattern: 'README.md', normalized: '/**/README.md', matches: ['README.md', 'a/b/README.md'], misses: ['README.md.bak'] },
  { pattern: '/README.md', normalized: '/README.md', matches: ['README.md'], misses: ['docs/README.md'] },
  { pattern: 'docs/*.md', normalized: '/**/docs/*.md', matches: ['docs/a.md', 'x/docs/a.md'], misses: ['docs/sub/a.md'] },
  { pattern: 'foo/*', normalized: '/**/foo/*', matches: ['foo/bar', 'baz/foo/bar'], misses: ['fufoo/bar', 'foo/bar/baz'] },
  { pattern: '/docs/*', normalized: '/docs/*', matches: ['docs/a.md', 'docs/.hidden'], misses: ['docs/a/b.md', 'x/docs/a.md'] },
  { pattern: 'docs/', normalized: '/**/docs/**/*', matches: ['docs/a', 'docs/a/b/c.md', 'x/docs/a.md'], misses: ['docs', 'mydocs/a'] },
  { pattern: '/docs/', normalized: '/docs/**/*', matches: ['docs/a', 'docs/a/b.md'], misses: ['x/docs/a'] },
  {
    pattern: '/docs/**/index.md',
    normalized: '/docs/**/index.md',
    matches: ['docs/index.md', 'docs/a/b/index.md'],
    misses: ['docs/a/myindex.md'],
  },
  { pattern: 'docs', normalized: '/**/docs', matches: ['docs', 'a/docs'], misses: ['docs/a.md'] },
  { pattern: '/docs/**', normalized: '/docs/**', matches: ['docs/a.md'], misses: ['docs/a/b.md'] },
  { pattern: '*.{js,ts}', normalized: '/**/*.{js,ts}', matches: ['x.{js,ts}'], misses: ['a.ts', 'a.js'] },
  { pattern: 'v?.txt', normalized: '/**/v?.txt', matches: ['v1.txt'], misses: ['v/.txt', 'v12.txt'] },
  { pattern: 'a\\*b', normalized: '/**/a\\*b', matches: ['a*b'], misses: ['axb'] },
  { pattern: '\\#notes.md', normalized: '/**/#notes.md', matches: ['x/#notes.md', '#notes.md'], misses: ['notes.md'] },
  {
    pattern: 'path\\ with\\ spaces/',
    normalized: '/**/path with spaces/**/*',
    matches: ['path with spaces/f', 'a/path with spaces/b/c'],
    misses: ['path/f'],
  },
  { pattern: 'src/[Mm]akefile', normalized: '/**/src/[Mm]akefile', matches: ['src/Makefile', 'src/makefile'], misses: ['src/Rakefile'] },
  { pattern: '!*.rb', normalized: '/**/!*.rb', matches: ['!x.rb'], misses: ['x.rb'] },
];

describe('GitLab pattern normalisation and matching (research §3)', () => {
  it.each(patternTable)('$pattern normalises to $normalized', ({ pattern, normalized }) => {
    expect(normalizePattern(pattern)).toBe(normalized);
  });

  it.each(patternTable)('$pattern matches what GitLab matches', ({ pattern, matches, misses }) => {
    const normalized = normalizePattern(pattern);
    for (const path of matches) expect(patternMatches(normalized, path), `${pattern} ~ ${path}`).toBe(true);
    for (const path of misses) expect(patternMatches(normalized, path), `${pattern} !~ ${path}`).toBe(false);
  });

  it('treats a leading slash on the path like GitLab (prepends one only when missing)', () => {
    expect(patternMatches('/docs/*', '/docs/a.md')).toBe(true);
  });
});

// Ruby File.fnmatch(pattern, path, FNM_PATHNAME | FNM_DOTMATCH) results for the corner cases of the port.
const fnmatchVectors: Array<[pattern: string, path: string, expected: boolean]> = [
  ['*', 'abc', true],
  ['*', 'a/b', false],
  ['*', '.profile', true],
  ['**/foo', 'foo', true],
  ['**/foo', 'a/b/foo', true],
  ['**/foo', 'a/b/foox', false],
  ['a/**/b', 'a/b', true],
  ['a/**/b', 'a/x/y/b', true],
  ['a/**', 'a/x', true],
  ['a/**', 'a/x/y', false],
  ['a**b', 'axyzb', true],
  ['a**b', 'ax/yb', false],
  ['?', '/', false],
  ['[a-c]x', 'bx', true],
  ['[!a-c]x', 'bx', false],
  ['[^a-c]x', 'dx', true],
  ['[a/b]', '/', false],
  ['[abc', 'a', false],
  // Unlike POSIX, Ruby ends a bracket at the first `]`, so `[]]` is an empty class.
  ['[]]', ']', false],
  ['\\[a]', '[a]', true],
  ['a\\', 'a', true],
  ['*.md', 'README.MD', false],
  ['é?', 'éü', true],
  ['*a*a*a*a*a*a*a*a*b', 'a'.repeat(60), false],
];

describe('fnmatch (Ruby FNM_PATHNAME | FNM_DOTMATCH)', () => {
  it.each(fnmatchVectors)('fnmatch(%j, %j) is %s', (pattern, path, expected) => {
    expect(fnmatch(pattern, path)).toBe(expected);
  });

  it.each(fnmatchVectors)('compileFnmatch(%j)(%j) is %s, as fnmatch', (pattern, path, expected) => {
    expect(compileFnmatch(pattern)(path)).toBe(expected);
  });
});
