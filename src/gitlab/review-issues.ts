// `policylint reviews --sync-issues`: one open GitLab issue per controlled document due for
// review, found again by the hidden marker in its description among the token user's issues
// labelled policylint::review (never by title, which people edit). A dry run only reads.
//
// GitLab has no unique key or idempotency key for issues, so two overlapping scheduled
// pipelines cannot be kept from both creating one. Instead: list again right before creating
// (shrinks the window to one request), and list again once every issue is created; when a document
// then has more than one open issue, every run keeps the lowest iid and closes the others with a comment.
// Both runs reach the same verdict without coordinating, so they converge on one issue.
import { parseOwners } from '../codeowners/owners.js';
import type { Owner } from '../codeowners/types.js';
import { isDueWithin, type CalendarEntry } from '../reviews/calendar.js';
import { compareCodeUnits } from '../util/paths.js';
import { GitLabApiError, type GitLabApi } from './client.js';
import { DEVELOPER, findUser, roleLevel } from './owners.js';
import { createOnce } from './publish.js';
import { fileUrl, issueDescription, issueTitle, markerIn, REVIEW_LABEL } from './review-issue-body.js';
import { describeError } from './redact.js';

const CLOSED_MARKER = '<!-- policylint:review-closed -->';

export interface ReviewIssueAction {
  action: 'create' | 'update' | 'close' | 'keep';
  /** The document's path from the repository root. */
  path: string;
  /** The issue's iid; absent for a create. */
  issue?: number;
  title?: string;
  due?: string;
  /** Usernames the issue is (to be) assigned to. */
  assignees?: string[];
  /** Why, in a few words: what changed, or why it is closed or kept. */
  reason: string;
}

export interface SyncInput {
  /** Every document of the review calendar (paths relative to the config folder). */
  entries: readonly CalendarEntry[];
  dueWithinDays: number;
  /** Prefix turning a calendar path into a repository path. */
  repositoryPrefix: string;
  checklist: string;
  /** null: no token; the plan is what can be told without GitLab. */
  gitlab: { api: GitLabApi; projectId: string } | null;
  apply: boolean;
  secrets: readonly string[];
  /** Told of each change once GitLab has made it, so a run that fails part-way can say what it already did. */
  onApplied?: (action: ReviewIssueAction) => void;
}

export interface SyncResult {
  applied: boolean;
  /** What could not be checked (no token), said once. */
  unchecked: string | undefined;
  actions: ReviewIssueAction[];
  /** Documents whose review date is unknown: no issue can carry a due date for them. */
  unknown: string[];
}

interface OurIssue {
  iid: number;
  title: string;
  description: string;
  dueDate: string | null;
  lastReviewed: string;
  path: string;
}

interface Desired {
  entry: CalendarEntry;
  path: string;
  title: string;
  description: string;
  due: string;
}

const dueReason = (entry: CalendarEntry, days: number) => (entry.status === 'overdue' ? 'overdue' : `due within ${days} days`);

export async function syncReviewIssues(input: SyncInput): Promise<SyncResult> {
  const entries = new Map(input.entries.map((entry) => [input.repositoryPrefix + entry.path, entry]));
  const unknown = [...entries].filter(([, entry]) => entry.lastReviewed === null || entry.due === null).map(([path]) => path);
  if (!input.gitlab) {
    const due = [...entries].filter(([, entry]) => isDueWithin(entry, input.dueWithinDays)).sort(([a], [b]) => compareCodeUnits(a, b));
    const actions = due.map(([path, entry]) => ({
      action: 'create' as const,
      path,
      title: issueTitle(entry, entry.due!),
      due: entry.due!,
      reason: dueReason(entry, input.dueWithinDays),
    }));
    return { applied: false, unchecked: 'existing issues and assignees were not checked', actions, unknown };
  }
  const sync = new Sync(input, input.gitlab.api, input.gitlab.projectId);
  await sync.start();
  const actions: ReviewIssueAction[] = [];
  const issues = await sync.listOurs();
  for (const path of [...new Set([...issues.keys(), ...entries.keys()])].sort()) {
    actions.push(...(await sync.document(path, entries.get(path), issues.get(path) ?? [])));
  }
  return { applied: input.apply, unchecked: undefined, actions: input.apply ? await sync.closeOverlaps(actions) : actions, unknown };
}

class Sync {
  private userId = 0;
  private projectWebUrl = '';
  private defaultBranch = '';
  private readonly assigneeCache = new Map<string, Promise<Array<{ id: number; username: string }>>>();

  constructor(
    private readonly input: SyncInput,
    private readonly api: GitLabApi,
    private readonly projectId: string,
  ) {}

  async start(): Promise<void> {
    const [user, project] = await Promise.all([this.api.Users.showCurrentUser(), this.api.Projects.show(this.projectId)]);
    this.userId = user.id;
    this.projectWebUrl = String(project.web_url);
    this.defaultBranch = String(project.default_branch ?? 'main');
  }

  /** Open issues the token's user opened with the label and a marker, by document, lowest iid first. Anyone can paste a marker: only ours count. */
  async listOurs(): Promise<Map<string, OurIssue[]>> {
    const all = (await this.api.Issues.all({ projectId: this.projectId, labels: REVIEW_LABEL, state: 'opened', perPage: 100 })) as Array<{
      iid: number;
      title: string;
      description: string | null;
      due_date?: string | null;
      author?: { id?: number };
    }>;
    const byPath = new Map<string, OurIssue[]>();
    for (const issue of all) {
      const marker = markerIn(issue.description);
      if (!marker || issue.author?.id !== this.userId) continue;
      const ours: OurIssue = { iid: issue.iid, title: issue.title, description: issue.description ?? '', dueDate: issue.due_date ?? null, ...marker };
      byPath.set(
        marker.path,
        [...(byPath.get(marker.path) ?? []), ours].sort((a, b) => a.iid - b.iid),
      );
    }
    return byPath;
  }

  async document(path: string, entry: CalendarEntry | undefined, issues: OurIssue[]): Promise<ReviewIssueAction[]> {
    const [kept, ...duplicates] = issues;
    const actions: ReviewIssueAction[] = [];
    for (const duplicate of duplicates)
      actions.push(await this.close(path, duplicate.iid, `duplicate of #${kept!.iid}`, `Closing: duplicate of #${kept!.iid}, which tracks the same review.`));
    if (!kept) {
      if (entry && isDueWithin(entry, this.input.dueWithinDays)) actions.push(await this.create(this.desired(path, entry)));
      return actions;
    }
    if (!entry)
      return [
        ...actions,
        {
          action: 'keep',
          path,
          issue: kept.iid,
          reason: 'the document is not among those checked (moved, deleted, or outside the paths given): close the issue by hand if it is gone',
        },
      ];
    if (entry.lastReviewed === null || entry.due === null)
      return [...actions, { action: 'keep', path, issue: kept.iid, reason: 'the review date cannot be read now: see `policylint reviews`' }];
    if (entry.lastReviewed > kept.lastReviewed) {
      const reason = `review recorded on ${entry.lastReviewed}, next due ${entry.due}`;
      return [
        ...actions,
        await this.close(
          path,
          kept.iid,
          reason,
          `Closing: a review of the document was recorded on ${entry.lastReviewed}; the next one is due on ${entry.due}.`,
        ),
      ];
    }
    return [...actions, await this.update(kept, this.desired(path, entry))];
  }

  private desired(path: string, entry: CalendarEntry): Desired {
    const url = fileUrl(this.projectWebUrl, this.defaultBranch, path);
    return {
      entry,
      path,
      title: issueTitle(entry, entry.due!),
      description: issueDescription({ entry, repositoryPath: path, url, checklist: this.input.checklist }),
      due: entry.due!,
    };
  }

  private async create(desired: Desired): Promise<ReviewIssueAction> {
    const assignees = await this.assignees(desired.entry.owners);
    const reason = dueReason(desired.entry, this.input.dueWithinDays);
    const planned: ReviewIssueAction = {
      action: 'create',
      path: desired.path,
      title: desired.title,
      due: desired.due,
      assignees: assignees.map((a) => a.username),
      reason,
    };
    if (!this.input.apply) return planned;
    // Another run may have created it since the listing.
    const before = (await this.listOurs()).get(desired.path)?.[0];
    if (before) return { action: 'keep', path: desired.path, issue: before.iid, reason: 'opened meanwhile by another run' };
    await createOnce(
      () =>
        this.api.Issues.create(this.projectId, desired.title, {
          description: desired.description,
          dueDate: desired.due,
          labels: REVIEW_LABEL,
          assigneeIds: assignees.map((a) => a.id),
        }),
      async () => (await this.listOurs()).has(desired.path),
    );
    return this.applied(planned);
  }

  private applied(action: ReviewIssueAction): ReviewIssueAction {
    this.input.onApplied?.(action);
    return action;
  }

  /**
   * Lists once after every create, keeps each created document's lowest iid and closes the rest:
   * an overlapping run may have created the same issues meanwhile. The creates get their issue.
   */
  async closeOverlaps(actions: readonly ReviewIssueAction[]): Promise<ReviewIssueAction[]> {
    if (!actions.some((action) => action.action === 'create')) return [...actions];
    const issues = await this.listOurs();
    const settled: ReviewIssueAction[] = [];
    for (const action of actions) {
      if (action.action !== 'create') {
        settled.push(action);
        continue;
      }
      const [kept, ...duplicates] = issues.get(action.path) ?? [];
      for (const duplicate of duplicates)
        await this.close(
          action.path,
          duplicate.iid,
          `duplicate of #${kept!.iid}`,
          `Closing: duplicate of #${kept!.iid}, opened by a policylint run that overlapped this one.`,
        );
      settled.push({ ...action, issue: kept?.iid });
    }
    return settled;
  }

  private async update(issue: OurIssue, desired: Desired): Promise<ReviewIssueAction> {
    const changes = [
      issue.title !== desired.title ? 'title' : undefined,
      issue.dueDate !== desired.due ? `due date ${issue.dueDate ?? 'none'} → ${desired.due}` : undefined,
      issue.description !== desired.description ? 'description (owners, last review or checklist)' : undefined,
    ].filter((change): change is string => change !== undefined);
    if (changes.length === 0) return { action: 'keep', path: desired.path, issue: issue.iid, reason: 'up to date' };
    // Assignees are set with every edit policylint makes, not compared: GitLab Free keeps one assignee, and people may reassign.
    const assignees = await this.assignees(desired.entry.owners);
    const planned: ReviewIssueAction = {
      action: 'update',
      path: desired.path,
      issue: issue.iid,
      title: desired.title,
      due: desired.due,
      assignees: assignees.map((a) => a.username),
      reason: changes.join(', '),
    };
    if (!this.input.apply) return planned;
    await this.api.Issues.edit(this.projectId, issue.iid, {
      title: desired.title,
      description: desired.description,
      dueDate: desired.due,
      assigneeIds: assignees.map((a) => a.id),
    });
    return this.applied(planned);
  }

  /** Comments, then closes: closing first would hide the issue from the next run, so a failed comment would never be written. */
  private async close(path: string, iid: number, reason: string, comment: string): Promise<ReviewIssueAction> {
    const planned: ReviewIssueAction = { action: 'close', path, issue: iid, reason };
    if (!this.input.apply) return planned;
    const body = `${CLOSED_MARKER}\n${comment}`;
    await createOnce(
      () => this.api.IssueNotes.create(this.projectId, iid, body),
      async () => {
        const notes = (await this.api.IssueNotes.all(this.projectId, iid, { perPage: 100 })) as Array<{ body: string; author?: { id?: number } }>;
        return notes.some((note) => note.author?.id === this.userId && note.body.startsWith(CLOSED_MARKER));
      },
    );
    await this.api.Issues.edit(this.projectId, iid, { stateEvent: 'close' });
    return this.applied(planned);
  }

  /** Users named directly, and the active Developer+ members of the groups and roles named; in CODEOWNERS order, each once. */
  private async assignees(owners: readonly string[]): Promise<Array<{ id: number; username: string }>> {
    const found = new Map<number, string>();
    // The calendar keeps owners as written, each a valid CODEOWNERS owner: parsing them again gives their kinds.
    for (const owner of parseOwners(owners.join(' ')).owners) {
      if (!this.assigneeCache.has(owner.text)) this.assigneeCache.set(owner.text, this.resolve(owner));
      for (const user of await this.assigneeCache.get(owner.text)!) found.set(user.id, user.username);
    }
    return [...found].map(([id, username]) => ({ id, username }));
  }

  private async resolve(owner: Owner): Promise<Array<{ id: number; username: string }>> {
    type Member = { id: number; username: string; state?: string; access_level?: number; membership_state?: string };
    const active = (members: Member[], accepts: (level: number) => boolean) =>
      members
        .filter((m) => (m.state ?? 'active') === 'active' && (m.membership_state ?? 'active') === 'active' && accepts(m.access_level ?? 0))
        .map(({ id, username }) => ({ id, username }));
    if (owner.kind === 'role') {
      // A role means the project's direct members with exactly that role.
      const level = roleLevel(owner);
      if (level === undefined) return [];
      return active((await this.api.ProjectMembers.all(this.projectId, { perPage: 100 })) as unknown as Member[], (l) => l === level);
    }
    if (owner.kind === 'email') return []; // users cannot be looked up by private email
    const name = owner.text.slice(1);
    // A bare `@name` is looked up as a user first, then as a top-level group.
    if (owner.kind === 'user') {
      const user = await findUser(this.api, name);
      if (user) return (user.state ?? 'active') === 'active' ? [{ id: user.id, username: user.username }] : [];
    }
    try {
      // A group means its direct members with at least Developer, as for code-owner approval.
      return active((await this.api.GroupMembers.all(name, { perPage: 100 })) as unknown as Member[], (l) => l >= DEVELOPER);
    } catch (error) {
      if (error instanceof GitLabApiError && error.status === 404) return [];
      throw new Error(`cannot read the members of ${owner.text}: ${describeError(error, this.input.secrets)}`);
    }
  }
}
