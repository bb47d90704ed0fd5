import type { Heading, Root } from 'mdast';

/** 1-based line and column, as unified and GitLab count them. */
export interface Point {
  line: number;
  column: number;
}

export interface FrontMatterError {
  message: string;
  line: number;
  column: number;
}

export interface FrontMatter {
  /** The YAML text between the fences (empty when the document has none). */
  raw: string;
  /** Whether the document opens with a `---` fence at all. */
  present: boolean;
  /** Parsed mapping; null when absent, invalid or not a mapping. */
  data: Record<string, unknown> | null;
  /** Line of the opening fence (1 when present). */
  startLine: number;
  /** Line of the closing fence, or of the last line when unterminated. */
  endLine: number;
  /** Line of each top-level key, so rules can point at the key they complain about. */
  keyLines: ReadonlyMap<string, number>;
  /** Set when the block is unterminated or its YAML does not parse. */
  error?: FrontMatterError;
}

export interface Section {
  level: number;
  /** Heading text as written, inline markup flattened. */
  text: string;
  /** Text for matching: HTML stripped, `&` → `and`, whitespace collapsed, trailing `:` dropped, lower case. */
  normalized: string;
  heading: Heading;
  /** Line of the heading. */
  line: number;
  /** Last line before the next heading of the same or a higher level (or end of document). */
  endLine: number;
  /** Whether anything other than blank lines and comments sits between this heading and the next heading of the same or higher level. */
  hasContent: boolean;
  children: Section[];
  parent: Section | undefined;
}

export type LinkKind = 'inline' | 'reference' | 'autolink' | 'definition' | 'hugo-ref' | 'hugo-relref' | 'html';

export interface Link {
  kind: LinkKind;
  /** The target as written (for Hugo refs, the quoted argument). */
  url: string;
  /** Link text, flattened. */
  text: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Innermost section the link sits in, if any. */
  section: Section | undefined;
}

/** An inline `<!-- policylint-... -->` control comment. */
export interface Directive {
  /** `unknown`: a `policylint-` comment whose keyword is none of the others (a typo such as `disable-lines`); it does nothing but is reported. */
  kind: 'disable' | 'enable' | 'disable-line' | 'disable-next-line' | 'unknown';
  /** The word after `policylint-` as written (for `unknown`, the typo to report). */
  keyword: string;
  /** Rule ids named, exactly as written (checked against the registry by the engine); empty means every rule. */
  ruleIds: string[];
  reason: string | undefined;
  line: number;
  column: number;
  endLine: number;
}

export interface DocumentModel {
  /** Repository-relative POSIX path. */
  path: string;
  absPath: string;
  /** Source text (BOM removed, line endings kept as written). */
  source: string;
  /** Source split into lines without their terminators; index 0 is line 1. */
  lines: string[];
  frontMatter: FrontMatter;
  /** Full mdast tree (the front matter node included). */
  tree: Root;
  /** Every heading's section, in document order. */
  sections: Section[];
  /** Top-level sections (the outermost headings), each with its children. */
  sectionTree: Section[];
  links: Link[];
  directives: Directive[];
  /** Front matter `title`, else the first heading's text. */
  title: string | undefined;
  /** Line to attach document-level findings to: the `title` key, else the first line of front matter, else 1. */
  titleLine: number;
  /** Name of the document class that selected this document (the first class that selects it). */
  documentClass: string;
}
