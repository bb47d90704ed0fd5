// A handbook repository with a dated history on `main`, for the audit evidence: each step is a
// merge request merged with a merge commit (GitLab's default message), or a direct push.
import { writeFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { makeTree } from './cli.js';
import { gitWith } from './git.js';
import type { SeedData } from '../fake-gitlab/seed.js';

export interface Person {
  name: string;
  email: string;
}

export const PEOPLE = {
  alice: { name: 'Alice Owner', email: 'alice@example.com' },
  bob: { name: 'Bob Author', email: 'bob@example.com' },
  carol: { name: 'Carol Owner', email: 'carol@example.com' },
  maintainer: { name: 'Merge Bot', email: 'maintainer@example.com' },
} satisfies Record<string, Person>;

export function policy(title: string, extra = ''): string {
  return `---\ntitle: ${title}\ncontrolled_document: true\n${extra}---\n\n## Purpose\n\n${title} text.\n`;
}

type Edit = Record<string, string | null | { renameFrom: string }>;

/** A repository being written: `commit` on main (a direct push) or `merge` (a branch merged with GitLab's merge commit). */
export class HistoryBuilder {
  readonly dir: string;
  /** The merge commit (or pushed commit) of each step, by name. */
  readonly commits = new Map<string, string>();
  /** The branch commits of each merge, by step name. */
  readonly branchCommits = new Map<string, string[]>();

  constructor(files: Record<string, string>, date: string) {
    this.dir = makeTree(files);
    this.git('init', '-q', '-b', 'main');
    this.git('add', '-A');
    this.commitAs(PEOPLE.maintainer, date, 'Initial handbook');
  }

  git(...args: string[]): string {
    return gitWith()(this.dir, ...args);
  }

  private at(person: Person, date: string) {
    return gitWith({
      GIT_AUTHOR_NAME: person.name,
      GIT_AUTHOR_EMAIL: person.email,
      GIT_COMMITTER_NAME: person.name,
      GIT_COMMITTER_EMAIL: person.email,
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
    });
  }

  private commitAs(person: Person, date: string, message: string): string {
    this.at(person, date)(this.dir, 'commit', '-q', '--allow-empty', '-m', message);
    return this.git('rev-parse', 'HEAD').trim();
  }

  private apply(edit: Edit): void {
    for (const [file, content] of Object.entries(edit)) {
      const absolute = path.join(this.dir, file);
      if (content === null) this.git('rm', '-q', file);
      else if (typeof content === 'object') {
        mkdirSync(path.dirname(absolute), { recursive: true });
        this.git('mv', content.renameFrom, file);
      } else {
        mkdirSync(path.dirname(absolute), { recursive: true });
        writeFileSync(absolute, content);
        this.git('add', file);
      }
    }
  }

  /** A commit straight on main. */
  push(name: string, person: Person, date: string, message: string, edit: Edit): string {
    this.apply(edit);
    const sha = this.commitAs(person, date, message);
    this.commits.set(name, sha);
    return sha;
  }

  /** A branch with one commit by `author`, merged into main by the maintainer with GitLab's merge commit message for `!iid`. */
  merge(name: string, iid: number, author: Person, date: string, title: string, edit: Edit, trailers: string[] = []): string {
    const branch = `mr-${iid}`;
    this.git('checkout', '-q', '-b', branch);
    this.apply(edit);
    const branchCommit = this.commitAs(author, date, title);
    this.git('checkout', '-q', 'main');
    const message = [
      `Merge branch '${branch}' into 'main'`,
      '',
      title,
      '',
      `See merge request acme/handbook!${iid}`,
      ...(trailers.length ? ['', ...trailers] : []),
    ].join('\n');
    this.at(PEOPLE.maintainer, date)(this.dir, 'merge', '-q', '--no-ff', '-m', message, branch);
    const sha = this.git('rev-parse', 'HEAD').trim();
    this.commits.set(name, sha);
    this.branchCommits.set(name, [branchCommit]);
    return sha;
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export const CONFIG = 'extends: gitlab-handbook\n';
const SECURITY = 'content/handbook/security';
export const DOCS = {
  access: `${SECURITY}/access.md`,
  backup: `${SECURITY}/backup.md`,
  old: `${SECURITY}/old-name.md`,
  renamed: `${SECURITY}/new-name.md`,
  gone: `${SECURITY}/retired.md`,
  notes: 'content/handbook/notes.md',
};

/**
 * The scenarios of the evidence tests, in 2026:
 * - 01-10 !1 edits access (Alice, an owner, approves): met.
 * - 01-20 direct push to backup: not met.
 * - 02-01 !2 edits backup, only its author Bob approves: not met.
 * - 02-15 !3 hands the security folder from Alice to Carol in CODEOWNERS (Alice approves).
 * - 03-01 !4 edits access, Alice approves: not met, Carol is now the owner.
 * - 03-10 !5 renames old-name.md to new-name.md, Carol approves: met.
 * - 03-20 !6 deletes retired.md, Carol approves: met.
 * - 04-01 !7 records a review of backup (last_reviewed), Carol approves: met.
 * scenarioSeed serves the merge requests, their authors and approvals from the fake GitLab.
 * Plus an uncontrolled page edited in !1, which is no evidence.
 */
export function buildScenarioHistory(): HistoryBuilder {
  const repo = new HistoryBuilder(
    {
      '.policylint.yml': CONFIG,
      CODEOWNERS: `[Security]\n/${SECURITY}/ @alice\n`,
      [DOCS.access]: policy('Access Policy', 'last_reviewed: 2025-06-01\n'),
      [DOCS.backup]: policy('Backup Policy', 'last_reviewed: 2024-01-15\n'),
      [DOCS.old]: policy('Old Name Standard', 'last_reviewed: 2025-11-01\n'),
      [DOCS.gone]: policy('Retired Procedure', 'last_reviewed: 2025-11-01\n'),
      [DOCS.notes]: '# Notes\n\nNot controlled.\n',
    },
    '2025-12-01T09:00:00Z',
  );
  repo.merge('approved', 1, PEOPLE.bob, '2026-01-10T10:00:00Z', 'Clarify access reviews', {
    [DOCS.access]: `${policy('Access Policy', 'last_reviewed: 2025-06-01\n')}\nAccess is reviewed quarterly.\n\n## Exceptions\n\nThe VPN exception is tracked in #42.\n`,
    [DOCS.notes]: '# Notes\n\nStill not controlled.\n',
  });
  repo.push('direct', PEOPLE.bob, '2026-01-20T11:00:00Z', 'Fix a typo in the backup policy', {
    [DOCS.backup]: policy('Backup Policy', 'last_reviewed: 2024-01-15\n') + '\nTypo fixed.\n',
  });
  repo.merge(
    'author-only',
    2,
    PEOPLE.bob,
    '2026-02-01T12:00:00Z',
    'Shorten backup retention',
    { [DOCS.backup]: policy('Backup Policy', 'last_reviewed: 2024-01-15\n') + '\nRetention is 30 days.\n' },
    ['Approved-by: Bob Author <bob@example.com>'],
  );
  repo.merge('codeowners', 3, PEOPLE.alice, '2026-02-15T09:00:00Z', 'Hand security policies to Carol', {
    CODEOWNERS: `[Security]\n/${SECURITY}/ @carol\n`,
  });
  repo.merge('old-owner', 4, PEOPLE.bob, '2026-03-01T10:00:00Z', 'Access requests need a ticket', {
    [DOCS.access]: `${policy('Access Policy', 'last_reviewed: 2025-06-01\n')}\nAccess requests need a ticket.\n`,
  });
  repo.merge('rename', 5, PEOPLE.bob, '2026-03-10T10:00:00Z', 'Rename the standard', { [DOCS.renamed]: { renameFrom: DOCS.old } });
  repo.merge('delete', 6, PEOPLE.bob, '2026-03-20T10:00:00Z', 'Retire the procedure', { [DOCS.gone]: null });
  repo.merge('review', 7, PEOPLE.bob, '2026-04-01T10:00:00Z', 'Annual review of the backup policy', {
    [DOCS.backup]: policy('Backup Policy', 'last_reviewed: 2026-04-01\n') + '\nRetention is 30 days.\n',
  });
  return repo;
}

export const USERS = { bot: 1, alice: 2, bob: 3, carol: 4, maintainer: 5 } as const;
export const TOKEN_VALUE = 'glpat-evidence-secret-token';

/** Who wrote and who approved each merge request of the scenario. */
const MERGE_REQUESTS: Array<{ step: string; iid: number; title: string; author: number; approvers: number[] }> = [
  { step: 'approved', iid: 1, title: 'Clarify access reviews', author: USERS.bob, approvers: [USERS.alice] },
  { step: 'author-only', iid: 2, title: 'Shorten backup retention', author: USERS.bob, approvers: [USERS.bob] },
  { step: 'codeowners', iid: 3, title: 'Hand security policies to Carol', author: USERS.alice, approvers: [USERS.carol] },
  { step: 'old-owner', iid: 4, title: 'Access requests need a ticket', author: USERS.bob, approvers: [USERS.alice] },
  { step: 'rename', iid: 5, title: 'Rename the standard', author: USERS.bob, approvers: [USERS.carol] },
  { step: 'delete', iid: 6, title: 'Retire the procedure', author: USERS.bob, approvers: [USERS.carol] },
  { step: 'review', iid: 7, title: 'Annual review of the backup policy', author: USERS.bob, approvers: [USERS.carol] },
];

/** The fake GitLab's seed for the scenario: project 42 `acme/handbook`, its merged merge requests, and the direct push as a commit no merge request brought. */
export function scenarioSeed(repo: HistoryBuilder): SeedData & Required<Pick<SeedData, 'tokens'>> {
  const date = (step: string) => new Date(repo.git('show', '-s', '--format=%cI', repo.commits.get(step)!).trim()).toISOString();
  return {
    users: [
      { id: USERS.bot, username: 'policylint-bot', bot: true },
      { id: USERS.alice, username: 'alice', name: PEOPLE.alice.name },
      { id: USERS.bob, username: 'bob', name: PEOPLE.bob.name },
      { id: USERS.carol, username: 'carol', name: PEOPLE.carol.name },
      { id: USERS.maintainer, username: 'maintainer', name: PEOPLE.maintainer.name },
    ],
    tokens: [{ token: TOKEN_VALUE, user_id: USERS.bot, scopes: ['read_api'] as const }],
    projects: [
      {
        id: 42,
        path_with_namespace: 'acme/handbook',
        default_branch: 'main',
        members: [USERS.alice, USERS.bob, USERS.carol, USERS.maintainer].map((user_id) => ({ user_id, access_level: 30 })),
        repository_commits: [repo.commits.get('direct')!],
      },
    ],
    merge_requests: MERGE_REQUESTS.map((mr) => ({
      project_id: 42,
      iid: mr.iid,
      state: 'merged' as const,
      title: mr.title,
      author_id: mr.author,
      source_branch: `mr-${mr.iid}`,
      target_branch: 'main',
      commits: repo.branchCommits.get(mr.step)!.map((id) => ({ id, message: mr.title })),
      merged_by: USERS.maintainer,
      merged_at: date(mr.step),
      merge_commit_sha: repo.commits.get(mr.step)!,
      approved_by: mr.approvers.map((user_id) => ({ user_id, approved_at: new Date(Date.parse(date(mr.step)) - 3600_000).toISOString() })),
    })),
  };
}
