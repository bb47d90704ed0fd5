import { plural } from '../util/text.js';
import type { CodeownersFile } from './types.js';

/** One section's answer for a path, in the shape `policylint codeowners --format json` prints. */
export interface SectionApproval {
  name: string;
  optional: boolean;
  approvalsRequired: number;
  owners: string[];
  line: number;
}

export interface PathApproval {
  path: string;
  sections: SectionApproval[];
}

/** Who must approve each path: every section with a matching entry, in file order. */
export function codeownersReport(file: CodeownersFile, paths: readonly string[]): PathApproval[] {
  return paths.map((path) => ({
    path,
    sections: file.match(path).map(({ section, entry, approvalsRequired }) => ({
      name: section.name,
      optional: section.optional,
      approvalsRequired,
      owners: entry.owners.map((owner) => owner.text),
      line: entry.line,
    })),
  }));
}

function describeSection(section: SectionApproval): string {
  const header = `${section.optional ? '^' : ''}[${section.name}]`;
  const need =
    section.approvalsRequired === 0
      ? section.optional
        ? 'optional'
        : 'no valid owner, not enforced'
      : `${plural(section.approvalsRequired, 'approval')} required`;
  const owners = section.owners.length > 0 ? section.owners.join(' ') : '(no owners)';
  return `  ${header} line ${section.line}: ${need}: ${owners}`;
}

/** Human-readable form: one block per path, a line per section. */
export function formatCodeownersText(report: readonly PathApproval[], codeownersPath: string): string {
  return report
    .map(({ path, sections }) =>
      sections.length === 0 ? `${path}\n  no entry in ${codeownersPath}: no code owner approval needed` : [path, ...sections.map(describeSection)].join('\n'),
    )
    .join('\n\n');
}

/** CODEOWNERS problems as `FILE:LINE:COL message` warnings. */
export function formatCodeownersProblems(file: CodeownersFile, displayPath = file.path): string[] {
  return file.problems.map((problem) => `${displayPath}:${problem.line}:${problem.column} warning: ${problem.message}`);
}
