import picomatch from 'picomatch';
import type { DocumentClass } from '../config/types.js';
import { parseFrontMatter } from '../model/frontmatter.js';
import type { FrontMatter } from '../model/types.js';
import { checkBytes, decodeUtf8 } from './read.js';

export interface ClassMatcher {
  documentClass: DocumentClass;
  /** Cheap: path globs only, before the file is read. */
  matchesPath(path: string): boolean;
  /** Needs the text and its front matter, never a Markdown parse. */
  matchesContent(source: string, frontMatter: () => FrontMatter): boolean;
  /**
   * Cheaper still, on the undecoded UTF-8 bytes: false only when `matchesContent` must be false
   * (no plain `contains` text and no front-matter key occurs), so most files are never decoded.
   */
  mayMatchBytes(data: Buffer): boolean;
}

function sameValue(actual: unknown, expected: unknown): boolean {
  if (actual === expected) return true;
  if (Array.isArray(expected)) return Array.isArray(actual) && expected.length === actual.length && expected.every((v, i) => sameValue(actual[i], v));
  if (expected && typeof expected === 'object') {
    return !!actual && typeof actual === 'object' && Object.entries(expected).every(([k, v]) => sameValue((actual as Record<string, unknown>)[k], v));
  }
  return false;
}

export function compileClass(documentClass: DocumentClass): ClassMatcher {
  const included = picomatch(documentClass.paths, { dot: true });
  const excluded = documentClass.excludePaths.length > 0 ? picomatch(documentClass.excludePaths, { dot: true }) : () => false;
  // A UTF-8 substring of the bytes is exactly a substring of the decoded text, so plain texts and keys can be looked for before decoding.
  const byteTests = documentClass.when.map((condition): ((data: Buffer) => boolean) => {
    if ('contains' in condition) {
      if (condition.contains.regex) return () => true;
      const needle = Buffer.from(condition.contains.source);
      return (data) => data.includes(needle);
    }
    const keys = Object.keys(condition.frontMatter).map((key) => Buffer.from(key));
    return (data) => keys.every((key) => data.includes(key));
  });
  const conditions = documentClass.when.map((condition) => {
    if ('contains' in condition) return (source: string) => condition.contains.test(source);
    const expected = Object.entries(condition.frontMatter);
    return (source: string, frontMatter: () => FrontMatter) => {
      // Skip the YAML parse for the many pages whose front matter does not even mention the keys.
      if (!expected.every(([key]) => source.includes(key))) return false;
      const { data, error } = frontMatter();
      // Front matter that mentions the keys but cannot be read may well be a controlled document: select it so the error is reported.
      if (error) return true;
      return data !== null && expected.every(([key, value]) => sameValue(data[key], value));
    };
  });
  return {
    documentClass,
    matchesPath: (path) => included(path) && !excluded(path),
    mayMatchBytes: (data) => byteTests.length === 0 || byteTests.some((test) => test(data)),
    matchesContent: (source, frontMatter) => {
      if (conditions.length === 0) return true;
      return conditions.some((condition) => condition(source, frontMatter));
    },
  };
}

export interface ClassSelection {
  matcher: ClassMatcher;
  /** The decoded text (byte order mark dropped) and its front matter, for the parse that follows. */
  source: string;
  frontMatter: FrontMatter;
}

/**
 * The first of `byPath` (the classes whose paths match the file) that selects these bytes, or
 * undefined. As cheap as selection can be: plain `contains` texts and front-matter keys are looked
 * for in the undecoded bytes, only files that have them are decoded, and only files that mention a
 * class's front-matter keys have their YAML parsed.
 */
export function selectingClass(byPath: readonly ClassMatcher[], data: Buffer): ClassSelection | undefined {
  const possible = byPath.filter((m) => m.mayMatchBytes(data));
  if (possible.length === 0) return undefined;
  const source = decodeUtf8(data);
  let frontMatter: FrontMatter | undefined;
  const lazyFrontMatter = () => (frontMatter ??= parseFrontMatter(source));
  const matcher = possible.find((m) => m.matchesContent(source, lazyFrontMatter));
  return matcher ? { matcher, source, frontMatter: lazyFrontMatter() } : undefined;
}

/**
 * The class of a file's content read from somewhere other than the work tree (a git object).
 * Content that cannot be judged (binary, not UTF-8, too large) falls to the first class whose
 * paths match: for a control, "maybe controlled" must count as controlled.
 */
export function classOfContent(matchers: readonly ClassMatcher[], path: string, data: Buffer, maxBytes: number): string | undefined {
  const byPath = matchers.filter((m) => m.matchesPath(path));
  if (byPath.length === 0) return undefined;
  const checked = checkBytes(data, maxBytes);
  if (!checked.ok) return byPath[0]!.documentClass.name;
  return selectingClass(byPath, data)?.matcher.documentClass.name;
}
