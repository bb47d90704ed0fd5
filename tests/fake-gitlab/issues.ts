// Project issues and their notes, as GitLab's Issues and Notes APIs serve and validate them
// (doc/api/issues.md, doc/api/notes.md; lib/api/issues.rb for parameter validation).
import { badRequest, invalidParam, notFound, oneOf, paginate, projectOf, requireString, type ApiResponse, type Params } from './http.js';
import { userByIdJson } from './render.js';
import type { Route, RouteContext } from './routes.js';
import type { FakeState, ProjectState } from './state.js';
import { isOnlyQuickActions } from './text.js';

export interface IssueNoteRecord {
  id: number;
  body: string;
  author_id: number;
  system: boolean;
  created_at: string;
}

export interface IssueRecord {
  id: number;
  iid: number;
  project_id: number;
  title: string;
  description: string;
  state: 'opened' | 'closed';
  author_id: number;
  assignee_ids: number[];
  /** Label names as given, scoped labels (`scope::value`) at most one per scope. */
  labels: string[];
  due_date: string | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  notes: IssueNoteRecord[];
}

/** GitLab's title column limit (Issue validates `title` length ≤ 255). */
const TITLE_MAX_LENGTH = 255;
const DESCRIPTION_MAX_LENGTH = 1_048_576;

/** Grape's `type: Date` coercion: anything but a calendar date is `due_date is invalid`. */
function dueDate(input: Params): string | null | undefined {
  const value = input.due_date;
  if (value === undefined) return undefined;
  if (value === null || value === '') return null;
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
    throw invalidParam('due_date is invalid');
  if (new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) throw invalidParam('due_date is invalid');
  return value;
}

/** `labels` is a comma-separated string (or an array); names are trimmed, empty ones dropped. */
function labelList(value: unknown): string[] {
  const parts = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(',') : [];
  return parts.map((label) => label.trim()).filter((label) => label !== '');
}

/** `iids[]=1&iids[]=2` (Grape `Array[Integer]`): only those issues; anything but integers is `iids is invalid`. Undefined: no filter. */
function iidList(query: URLSearchParams): Set<number> | undefined {
  const values = query.getAll('iids[]');
  if (values.length === 0) return undefined;
  if (values.some((value) => !/^\d+$/.test(value))) throw invalidParam('iids is invalid');
  return new Set(values.map(Number));
}

/** Scoped labels are exclusive: of two labels with the same `scope::`, the one added last stays (labels.md "Scoped labels"). */
function withScopesExclusive(labels: string[]): string[] {
  const scopeOf = (label: string) => (label.includes('::') ? label.slice(0, label.lastIndexOf('::')) : null);
  const kept: string[] = [];
  for (const label of labels) {
    const scope = scopeOf(label);
    const index = kept.findIndex((other) => other === label || (scope !== null && scopeOf(other) === scope));
    if (index !== -1) kept.splice(index, 1);
    kept.push(label);
  }
  return kept;
}

/** `assignee_ids`: integers (JSON array or form `assignee_ids[]`); unknown users are ignored, as GitLab drops assignees it cannot find. */
function assigneeIds(state: FakeState, value: unknown): number[] | undefined {
  if (value === undefined) return undefined;
  const raw = Array.isArray(value) ? value : value === null || value === '' ? [] : [value];
  const ids = raw.map((id) => (typeof id === 'number' ? id : /^\d+$/.test(String(id)) ? Number(id) : NaN));
  if (ids.some((id) => !Number.isInteger(id))) throw invalidParam('assignee_ids is invalid');
  return [...new Set(ids)].filter((id) => state.user(id) !== undefined);
}

function issueJson(state: FakeState, project: ProjectState, issue: IssueRecord, baseUrl: string) {
  const assignees = issue.assignee_ids.map((id) => userByIdJson(state, id, baseUrl));
  return {
    id: issue.id,
    iid: issue.iid,
    project_id: issue.project_id,
    title: issue.title,
    description: issue.description,
    state: issue.state,
    created_at: issue.created_at,
    updated_at: issue.updated_at,
    closed_at: issue.closed_at,
    labels: issue.labels,
    assignees,
    assignee: assignees[0] ?? null,
    author: userByIdJson(state, issue.author_id, baseUrl),
    due_date: issue.due_date,
    web_url: `${baseUrl}/${project.path_with_namespace}/-/issues/${issue.iid}`,
    references: { short: `#${issue.iid}`, full: `${project.path_with_namespace}#${issue.iid}` },
  };
}

function noteJson(state: FakeState, issue: IssueRecord, note: IssueNoteRecord, baseUrl: string) {
  return {
    id: note.id,
    type: null,
    body: note.body,
    author: userByIdJson(state, note.author_id, baseUrl),
    created_at: note.created_at,
    updated_at: note.created_at,
    system: note.system,
    noteable_id: issue.id,
    noteable_type: 'Issue',
    noteable_iid: issue.iid,
    resolvable: false,
  };
}

function issueOf(ctx: RouteContext, project: ProjectState): IssueRecord {
  const issue = ctx.state.issues.find((i) => i.project_id === project.id && String(i.iid) === ctx.path.issue_iid);
  if (!issue) throw notFound();
  return issue;
}

function checkTitle(title: string): string {
  if (title.length > TITLE_MAX_LENGTH) throw badRequest(`{:title=>["is too long (maximum is ${TITLE_MAX_LENGTH} characters)"]}`);
  return title;
}

function checkDescription(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const description = String(value);
  if (description.length > DESCRIPTION_MAX_LENGTH) throw badRequest(`{:description=>["is too long (maximum is ${DESCRIPTION_MAX_LENGTH} characters)"]}`);
  return description;
}

/** PUT needs at least one of these (lib/api/issues.rb `at_least_one_of`). */
const EDITABLE = [
  'title',
  'description',
  'due_date',
  'assignee_ids',
  'assignee_id',
  'labels',
  'add_labels',
  'remove_labels',
  'state_event',
  'confidential',
  'milestone_id',
] as const;

export const issueRoutes: Route[] = [
  {
    method: 'GET',
    pattern: 'projects/:id/issues',
    handle: (ctx) => {
      const project = projectOf(ctx);
      const state = oneOf(ctx.input, 'state', ['opened', 'closed', 'all'] as const, 'all');
      const labels = labelList(ctx.query.get('labels') ?? '');
      const search = ctx.query.get('search')?.toLowerCase();
      const iids = iidList(ctx.query);
      const sort = oneOf(ctx.input, 'sort', ['asc', 'desc'] as const, 'desc');
      const issues = ctx.state.issues
        .filter((i) => i.project_id === project.id && (state === 'all' || i.state === state))
        .filter((i) => labels.every((label) => i.labels.some((own) => own.toLowerCase() === label.toLowerCase())))
        // `search` matches title and description (`in` defaults to both).
        .filter((i) => !search || i.title.toLowerCase().includes(search) || i.description.toLowerCase().includes(search))
        .filter((i) => !iids || iids.has(i.iid))
        .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id - b.id);
      if (sort === 'desc') issues.reverse();
      return paginate(issues, ctx.query, ctx.selfUrl, (i) => issueJson(ctx.state, project, i, ctx.baseUrl));
    },
  },
  {
    method: 'GET',
    pattern: 'projects/:id/issues/:issue_iid',
    handle: (ctx) => {
      const project = projectOf(ctx);
      return { status: 200, body: issueJson(ctx.state, project, issueOf(ctx, project), ctx.baseUrl) };
    },
  },
  {
    method: 'POST',
    pattern: 'projects/:id/issues',
    handle: (ctx) => {
      const project = projectOf(ctx);
      const title = checkTitle(requireString(ctx.input, 'title'));
      const description = checkDescription(ctx.input.description) ?? '';
      const due = dueDate(ctx.input) ?? null;
      const assignees = assigneeIds(ctx.state, ctx.input.assignee_ids) ?? [];
      const issue = ctx.state.addIssue({
        project_id: project.id,
        title,
        description,
        author_id: ctx.user.id,
        assignee_ids: assignees,
        labels: withScopesExclusive(labelList(ctx.input.labels)),
        due_date: due,
      });
      ctx.state.recordTextEffects(null, description);
      return { status: 201, body: issueJson(ctx.state, project, issue, ctx.baseUrl) };
    },
  },
  {
    method: 'PUT',
    pattern: 'projects/:id/issues/:issue_iid',
    handle: (ctx) => {
      const project = projectOf(ctx);
      const issue = issueOf(ctx, project);
      if (!EDITABLE.some((name) => ctx.input[name] !== undefined)) {
        throw invalidParam(`${EDITABLE.join(', ')} are missing, at least one parameter must be provided`);
      }
      const stateEvent = ctx.input.state_event === undefined ? undefined : oneOf(ctx.input, 'state_event', ['close', 'reopen'] as const, 'close');
      // Validate everything before changing anything: a 400 leaves the issue as it was.
      const title = ctx.input.title === undefined ? undefined : checkTitle(requireString(ctx.input, 'title'));
      const description = checkDescription(ctx.input.description);
      const due = dueDate(ctx.input);
      const assignees = assigneeIds(ctx.state, ctx.input.assignee_ids);
      if (title !== undefined) issue.title = title;
      if (description !== undefined) {
        issue.description = description;
        ctx.state.recordTextEffects(null, description);
      }
      if (due !== undefined) issue.due_date = due;
      if (assignees !== undefined) issue.assignee_ids = assignees;
      if (ctx.input.labels !== undefined) issue.labels = withScopesExclusive(labelList(ctx.input.labels));
      const removed = labelList(ctx.input.remove_labels).map((label) => label.toLowerCase());
      issue.labels = withScopesExclusive([...issue.labels.filter((label) => !removed.includes(label.toLowerCase())), ...labelList(ctx.input.add_labels)]);
      ctx.state.rememberLabels(project.id, issue.labels);
      const at = ctx.state.now();
      if (stateEvent === 'close' && issue.state === 'opened') Object.assign(issue, { state: 'closed', closed_at: at });
      if (stateEvent === 'reopen' && issue.state === 'closed') Object.assign(issue, { state: 'opened', closed_at: null });
      issue.updated_at = at;
      return { status: 200, body: issueJson(ctx.state, project, issue, ctx.baseUrl) };
    },
  },
  {
    method: 'GET',
    pattern: 'projects/:id/issues/:issue_iid/notes',
    handle: (ctx) => {
      const project = projectOf(ctx);
      const issue = issueOf(ctx, project);
      const sort = oneOf(ctx.input, 'sort', ['asc', 'desc'] as const, 'desc');
      const notes = [...issue.notes].sort((a, b) => a.id - b.id);
      if (sort === 'desc') notes.reverse();
      return paginate(notes, ctx.query, ctx.selfUrl, (n) => noteJson(ctx.state, issue, n, ctx.baseUrl));
    },
  },
  {
    method: 'POST',
    pattern: 'projects/:id/issues/:issue_iid/notes',
    handle: (ctx): ApiResponse => {
      const project = projectOf(ctx);
      const issue = issueOf(ctx, project);
      const body = requireString(ctx.input, 'body');
      if (isOnlyQuickActions(body)) {
        const effect = ctx.state.recordTextEffects(null, body);
        return { status: 202, body: { commands_changes: {}, summary: effect.quick_actions.map((a) => `Ran /${a.command}`) } };
      }
      const note: IssueNoteRecord = { id: ctx.state.nextIssueNoteId(), body, author_id: ctx.user.id, system: false, created_at: ctx.state.now() };
      ctx.state.recordTextEffects(note.id, body);
      issue.notes.push(note);
      return { status: 201, body: noteJson(ctx.state, issue, note, ctx.baseUrl) };
    },
  },
];
