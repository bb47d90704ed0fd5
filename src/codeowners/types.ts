/** One owner reference as written in CODEOWNERS. */
export interface Owner {
  /** As written: `@user`, `@group/sub`, `@@maintainer`, `someone@example.com`. */
  text: string;
  kind: 'user' | 'group' | 'role' | 'email';
}

export interface CodeownersEntry {
  /** Pattern as written (escapes kept, the `!` of an exclusion included). */
  pattern: string;
  /** GitLab's normalised form, matched against `/` + path (`docs/` becomes `/**` + `/docs/**` + `/*`). */
  normalized: string;
  /** `!pattern` exclusion. */
  exclusion: boolean;
  /** Valid owners in the order written; falls back to its header's default owners when the line has none. */
  owners: Owner[];
  /** Approval count of the header this entry was written under (0 when the header gave none). */
  approvals: number;
  line: number;
  column: number;
}

export interface CodeownersSection {
  /** Name as first written in the file; the unnamed leading section is `codeowners`. */
  name: string;
  optional: boolean;
  /** Approvals required (default 1): from the first header, `max(1, n)`. Entries keep their own header's count. */
  approvals: number;
  defaultOwners: Owner[];
  entries: CodeownersEntry[];
  /** Line of the first header with this name (0 for the leading unnamed section). */
  line: number;
  /** Lines of every header merged into this section, in file order. */
  headerLines: number[];
}

export interface CodeownersProblem {
  line: number;
  column: number;
  message: string;
  /** What the problem is about (pattern, owner token, header), never a line number: a stable key for fingerprints. */
  subject: string;
  kind:
    | 'unterminated-section'
    | 'missing-owners'
    | 'malformed-owner'
    | 'duplicate-entry'
    | 'invalid-section-header'
    | 'invalid-approval-count'
    | 'file-too-large'
    | 'binary-file'
    | 'unreadable-file';
}

/** Which entry of a section owns a path. */
export interface SectionMatch {
  section: CodeownersSection;
  entry: CodeownersEntry;
  /** 0 when the section is optional or the entry has no valid owner, else `max(1, n)` of the entry's header. */
  approvalsRequired: number;
}

export interface CodeownersFile {
  /** Repository-relative path of the file read (e.g. `.gitlab/CODEOWNERS`). */
  path: string;
  /** In first-appearance order; the first is always the default section `codeowners`, even when empty. */
  sections: CodeownersSection[];
  problems: CodeownersProblem[];
  /** Every section with a matching entry for the path, in file order (exclusions applied). */
  match(path: string): SectionMatch[];
}
