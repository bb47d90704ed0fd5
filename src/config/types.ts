import type { SeveritySetting } from '../engine/types.js';
import type { Pattern } from '../model/match.js';

/** A rule as configured for one class, after `extends` and defaults are applied. */
export interface RuleSetting {
  severity: SeveritySetting;
  /** Parsed with the rule's zod schema, so every default is filled in. */
  options: unknown;
}

/** Which documents a class governs. */
export interface ClassSelector {
  /** Globs (repository-relative) a document's path must match. */
  paths: string[];
  excludePaths: string[];
  /** Any-of conditions, each checked without a full parse; empty means every file the paths select. */
  when: Array<{ frontMatter: Record<string, unknown> } | { contains: Pattern }>;
}

export interface DocumentClass extends ClassSelector {
  name: string;
  description: string | undefined;
  rules: Record<string, RuleSetting>;
}

export interface MergeRequestSettings {
  /** Most inline threads to open; the rest go into the summary. */
  maxInlineThreads: number;
  /** Fail the job when publishing to GitLab fails (findings are always written to reports first). */
  failOnPublishError: boolean;
  /** Globs of repository files whose changes need their code owners' approval, besides the config and CODEOWNERS. */
  governanceFiles: string[];
  /** Whether approvals of users who pushed or authored the merge request's commits count. */
  committersMayApprove: boolean;
  /** Severity of an approval that could not be verified. */
  unverifiedApprovals: 'error' | 'warn';
}

export interface ReviewSettings {
  /** The review checklist file of review issues, relative to `root`; undefined: the built-in checklist. */
  issueTemplate: string | undefined;
}

export interface ResolvedConfig {
  /** Absolute path of the config file, or undefined when running on defaults. */
  file: string | undefined;
  /** Directory paths are relative to: the config file's directory. */
  root: string;
  /** Files considered at all (before classes select among them). */
  include: string[];
  exclude: string[];
  /** Files larger than this are reported, not parsed. */
  maxFileBytes: number;
  classes: DocumentClass[];
  mergeRequest: MergeRequestSettings;
  reviews: ReviewSettings;
}
