import { compileFnmatch } from './fnmatch.js';
import { parseOwners } from './owners.js';
import type { CodeownersEntry, CodeownersFile, CodeownersProblem, CodeownersSection, Owner, SectionMatch } from './types.js';

/** GitLab's name for the section of entries written before any header. */
export const DEFAULT_SECTION = 'codeowners';

// GitLab's section_parser.rb header regex: anchored at the start only, so text after the header is ignored.
// `[ \t\n\v\f\r]` is Ruby's `\s`; JavaScript's `\s` would also take Unicode spaces.
const SECTION_HEADER = /^(\^)?\[(.*?)\](?:\[(\d*?)\])?([ \t\n\v\f\r]+[@\w_.\-/ \t\n\v\f\r+]*)?/;
const UNTERMINATED_HEADER = /^\^?\[[^\]]+?$/;
// The pattern ends at the first whitespace run not preceded by a backslash.
const PATTERN_END = /(?<!\\)[ \t\n\v\f\r]+/;
const LEADING_SPACE = /^[ \t\n\v\f\r]+/;
// Ruby's String#strip also drops trailing NULs.
const TRAILING_SPACE = /[ \t\n\v\f\r\0]+$/;

/** GitLab's `normalize_pattern`: only a leading `/` anchors, a trailing `/` means everything below. */
export function normalizePattern(pattern: string): string {
  if (pattern === '*') return '/**/*';
  let normalized = pattern.replace(/^\\#/, '#').replace(/\\[ \t\n\v\f\r]+/g, ' ');
  if (!normalized.startsWith('/')) normalized = `/**/${normalized}`;
  if (normalized.endsWith('/')) normalized = `${normalized}**/*`;
  return normalized;
}

/** Compiled once per pattern: coverage checks match every file of the repository against every entry. */
const matchers = new Map<string, (path: string) => boolean>();

/** Whether a normalised pattern matches a repository-relative path. */
export function patternMatches(normalized: string, path: string): boolean {
  let matcher = matchers.get(normalized);
  if (!matcher) matchers.set(normalized, (matcher = compileFnmatch(normalized)));
  return matcher(path.startsWith('/') ? path : `/${path}`);
}

/**
 * GitLab keeps a section's entries in a hash keyed by normalised pattern: a repeated pattern
 * takes the later line's owners but keeps the first line's position. Cached per section.
 */
const effectiveEntriesCache = new WeakMap<CodeownersSection, CodeownersEntry[]>();
function effectiveEntries(section: CodeownersSection): CodeownersEntry[] {
  let entries = effectiveEntriesCache.get(section);
  if (!entries) {
    const byPattern = new Map<string, CodeownersEntry>();
    for (const entry of section.entries) byPattern.set(entry.normalized, entry);
    entries = [...byPattern.values()].reverse();
    effectiveEntriesCache.set(section, entries);
  }
  return entries;
}

/** The entry of one section that owns a path: the last matching one, none if any matching entry is an exclusion. */
export function matchSection(section: CodeownersSection, path: string): SectionMatch | undefined {
  const hits = effectiveEntries(section).filter((entry) => patternMatches(entry.normalized, path));
  const winner = hits[0];
  if (!winner || hits.some((entry) => entry.exclusion)) return undefined;
  const approvalsRequired = section.optional || winner.owners.length === 0 ? 0 : Math.max(1, winner.approvals);
  return { section, entry: winner, approvalsRequired };
}

interface Header {
  name: string;
  optional: boolean;
  approvals: number;
  defaultOwners: Owner[];
}

interface SectionBuilder {
  section: CodeownersSection;
  headers: Header[];
  /** For duplicate detection: the latest entry per normalised pattern. */
  byPattern: Map<string, CodeownersEntry>;
  hasRequiredEntry: boolean;
}

function sectionBuilder(header: Header, line: number): SectionBuilder {
  return {
    section: {
      name: header.name,
      optional: header.optional,
      approvals: Math.max(1, header.approvals),
      defaultOwners: header.defaultOwners,
      entries: [],
      line,
      headerLines: line === 0 ? [] : [line],
    },
    headers: [header],
    byPattern: new Map(),
    hasRequiredEntry: false,
  };
}

/** Parses CODEOWNERS text as GitLab does; syntax problems are collected, never thrown. Size limits are the loaders' job. */
export function parseCodeowners(text: string, path: string): CodeownersFile {
  const problems: CodeownersProblem[] = [];
  const problem = (kind: CodeownersProblem['kind'], line: number, column: number, subject: string, message: string): void => {
    problems.push({ kind, line, column, subject, message });
  };

  const defaultHeader: Header = { name: DEFAULT_SECTION, optional: false, approvals: 0, defaultOwners: [] };
  const builders = new Map<string, SectionBuilder>([[DEFAULT_SECTION, sectionBuilder(defaultHeader, 0)]]);
  let current = builders.get(DEFAULT_SECTION)!;
  let currentHeader = defaultHeader;

  /** GitLab merges a header into an existing section case-insensitively, but only once a named section exists. */
  const sectionKey = (name: string): string => {
    if (builders.size === 1) return name;
    for (const key of builders.keys()) if (key.toLowerCase() === name.toLowerCase()) return key;
    return name;
  };

  text.split('\n').forEach((raw, index) => {
    const lineNumber = index + 1;
    const indent = LEADING_SPACE.exec(raw)?.[0].length ?? 0;
    const line = raw.slice(indent).replace(TRAILING_SPACE, '');
    if (line === '' || line.startsWith('#')) return;

    const header = SECTION_HEADER.exec(line);
    if (header) {
      const [, caret, name = '', approvalsText, ownersText = ''] = header;
      const parsed = parseOwners(ownersText);
      currentHeader = {
        name: sectionKey(name),
        optional: caret !== undefined,
        approvals: Number(approvalsText ?? 0) || 0,
        defaultOwners: parsed.owners,
      };
      if (name.trim() === '') problem('invalid-section-header', lineNumber, indent + 1, header[0].trim(), 'Section header has no name');
      if (currentHeader.optional && currentHeader.approvals > 0) {
        problem('invalid-approval-count', lineNumber, indent + 1, name, `Optional section [${name}] cannot require ${currentHeader.approvals} approvals`);
      }
      const ownersOffset = indent + header[0].length - ownersText.length;
      for (const token of parsed.malformed) {
        problem('malformed-owner', lineNumber, ownersOffset + token.offset + 1, token.text, `Malformed default owner "${token.text}"`);
      }
      const existing = builders.get(currentHeader.name);
      if (existing) {
        existing.headers.push(currentHeader);
        existing.section.headerLines.push(lineNumber);
        current = existing;
      } else {
        current = sectionBuilder(currentHeader, lineNumber);
        builders.set(currentHeader.name, current);
      }
      return;
    }

    if (UNTERMINATED_HEADER.test(line)) {
      problem('unterminated-section', lineNumber, indent + 1, line, `Section header "${line}" has no closing "]"; GitLab reads it as an entry`);
    }

    const separator = PATTERN_END.exec(line);
    const pattern = separator ? line.slice(0, separator.index) : line;
    const ownersText = separator ? line.slice(separator.index + separator[0].length) : '';
    const exclusion = pattern.startsWith('!');
    const normalized = normalizePattern(exclusion ? pattern.slice(1) : pattern);

    let owners: Owner[] = [];
    if (!exclusion) {
      const parsed = parseOwners(ownersText);
      const ownersOffset = indent + line.length - ownersText.length;
      for (const token of parsed.malformed) {
        problem('malformed-owner', lineNumber, ownersOffset + token.offset + 1, `${pattern} ${token.text}`, `Malformed owner "${token.text}" for ${pattern}`);
      }
      owners = ownersText === '' ? currentHeader.defaultOwners : parsed.owners;
      if (ownersText === '' && owners.length === 0) {
        problem('missing-owners', lineNumber, indent + 1, pattern, `Entry ${pattern} has no owners`);
      }
    }

    const entry: CodeownersEntry = {
      pattern,
      normalized,
      exclusion,
      owners,
      approvals: currentHeader.approvals,
      line: lineNumber,
      column: indent + 1,
    };
    const previous = current.byPattern.get(normalized);
    if (previous) {
      problem(
        'duplicate-entry',
        lineNumber,
        indent + 1,
        pattern,
        `Entry ${pattern} repeats line ${previous.line} in section [${current.section.name}]; GitLab keeps the later owners at the earlier position`,
      );
    }
    current.byPattern.set(normalized, entry);
    current.section.entries.push(entry);
    if (!currentHeader.optional) current.hasRequiredEntry = true;
  });

  const sections = [...builders.values()].map(({ section, hasRequiredEntry, headers }) => {
    // GitLab: a merged section is optional only when all its entries come from `^[...]` headers.
    section.optional = section.entries.length > 0 ? !hasRequiredEntry : headers.every((header) => header.optional);
    return section;
  });
  const match = (filePath: string): SectionMatch[] => sections.flatMap((section) => matchSection(section, filePath) ?? []);

  return { path, sections, problems, match };
}
