// A real git repository for `policylint mr` tests: `main` with a CODEOWNERS and one controlled
// document, a `feature` branch that breaks it, adds one and edits CODEOWNERS.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { SeedDiffFile } from './fake-gitlab/server.js';
import { git as gitIn } from './support/git.js';

export const ACCESS = 'content/handbook/security/access-policy.md';
export const BACKUP = 'content/handbook/security/backup-policy.md';

export function controlledDocument(title: string, options: { omit?: string; extra?: string } = {}): string {
  const sections = ['Purpose', 'Scope', 'Roles & Responsibilities', 'Policy', 'Exceptions', 'References'].filter((s) => s !== options.omit);
  const text = (s: string) =>
    s === 'Exceptions' ? 'See the [exception process](/handbook/security/controlled-document-procedure/#exceptions).' : `Text for ${s.toLowerCase()}.`;
  const body = sections.map((s) => `## ${s}\n\n${text(s)}\n`).join('\n');
  return `---\ntitle: "${title}"\ncontrolled_document: true\n---\n\n${body}${options.extra ?? ''}`;
}

export interface TestRepo {
  dir: string;
  baseSha: string;
  headSha: string;
  git(...args: string[]): string;
  write(path: string, content: string): void;
  commit(message: string): string;
  /** What the MR diffs API would serve for the feature branch. */
  apiDiffs(): SeedDiffFile[];
}

export function createTestRepo(options: { config?: string; targetCodeowners?: string; featureCodeowners?: string } = {}): TestRepo {
  const dir = mkdtempSync(join(tmpdir(), 'policylint-mr-'));
  const git = (...args: string[]) => gitIn(dir, ...args);
  const write = (path: string, content: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  };
  const commit = (message: string) => {
    git('add', '-A');
    git('commit', '-q', '-m', message);
    return git('rev-parse', 'HEAD').trim();
  };
  git('init', '-q', '-b', 'main');
  // Publishing scenarios leave approvals aside; the owner-approval scenarios turn the rule back on.
  write('.policylint.yml', options.config ?? 'extends: gitlab-handbook\nclasses:\n  controlled-document:\n    rules:\n      owner-approval: "off"\n');
  write('CODEOWNERS', options.targetCodeowners ?? '[Controlled Documents]\n/content/handbook/security/*-policy.md @alice\n');
  write(ACCESS, controlledDocument('Access Management Policy'));
  write(
    'content/handbook/security/controlled-document-procedure.md',
    '---\ntitle: Controlled Document Procedure\n---\n\n## Exceptions\n\nHow to ask for one.\n',
  );
  const baseSha = commit('main');
  // Like a CI clone that fetched the target branch.
  git('update-ref', 'refs/remotes/origin/main', baseSha);
  git('checkout', '-q', '-b', 'feature');
  write(ACCESS, controlledDocument('Access Management Policy', { omit: 'Scope' }));
  write(BACKUP, controlledDocument('Backup Policy /approve @all', { omit: 'Exceptions' }));
  if (options.featureCodeowners) write('CODEOWNERS', options.featureCodeowners);
  const headSha = commit('feature');
  const repo: TestRepo = {
    dir,
    baseSha,
    headSha,
    git,
    write,
    commit,
    apiDiffs: () =>
      git('diff', '--name-status', `${baseSha}...HEAD`)
        .trim()
        .split('\n')
        .map((line) => {
          const [status, path] = line.split('\t') as [string, string];
          const patch = git('diff', '-U3', `${baseSha}...HEAD`, '--', path);
          return { new_path: path, new_file: status === 'A', diff: patch.slice(patch.indexOf('@@')) };
        }),
  };
  return repo;
}
