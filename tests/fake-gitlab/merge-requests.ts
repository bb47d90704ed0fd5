// Listing merge requests: a project's (doc/api/merge_requests.md "List project merge requests") and those
// related to a commit (doc/api/commits.md "List merge requests associated with a commit"), both as
// API::Entities::MergeRequestBasic and filtered like MergeRequestsFinder (app/finders/merge_requests_finder.rb).
import { notFound, oneOf, optionalTime, paginate, projectOf } from './http.js';
import { mergeRequestBasicJson } from './render.js';
import type { Route } from './routes.js';
import type { MergeRequestRecord } from './state.js';

const STATES = ['opened', 'closed', 'locked', 'merged', 'all'] as const;

/** `created_at` / `updated_at` compared as instants: seeds may write other offsets, GitLab compares timestamps. */
const time = (value: string) => Date.parse(value);

function byStateFilter(state: string | null | undefined): (mr: MergeRequestRecord) => boolean {
  // IssuableFinder#by_state: a known state filters, anything else (`all`, unknown) keeps every MR.
  return (mr) => !state || !(STATES as readonly string[]).includes(state) || state === 'all' || mr.state === state;
}

export const mergeRequestListRoutes: Route[] = [
  {
    method: 'GET',
    pattern: 'projects/:id/merge_requests',
    handle: (ctx) => {
      const project = projectOf(ctx);
      const state = oneOf(ctx.input, 'state', STATES, 'all');
      // GitLab before 17.x offers only these two (lib/api/helpers/merge_requests_helpers.rb); newer adds title, merged_at...
      const orderBy = oneOf(ctx.input, 'order_by', ['created_at', 'updated_at'] as const, 'created_at');
      const sort = oneOf(ctx.input, 'sort', ['asc', 'desc'] as const, 'desc');
      const targetBranch = ctx.query.get('target_branch') || null;
      const sourceBranch = ctx.query.get('source_branch') || null;
      // IssuableFinder#by_updated_at / #by_created_at: `>=` for *_after, `<=` for *_before.
      const updatedAfter = optionalTime(ctx.input, 'updated_after');
      const updatedBefore = optionalTime(ctx.input, 'updated_before');
      const createdAfter = optionalTime(ctx.input, 'created_after');
      const createdBefore = optionalTime(ctx.input, 'created_before');
      const stateMatches = byStateFilter(state);
      const direction = sort === 'asc' ? 1 : -1;
      const mergeRequests = ctx.state.mergeRequests
        .filter(
          (mr) =>
            mr.project_id === project.id &&
            stateMatches(mr) &&
            (targetBranch === null || mr.target_branch === targetBranch) &&
            (sourceBranch === null || mr.source_branch === sourceBranch) &&
            (updatedAfter === null || time(mr.updated_at) >= updatedAfter) &&
            (updatedBefore === null || time(mr.updated_at) <= updatedBefore) &&
            (createdAfter === null || time(mr.created_at) >= createdAfter) &&
            (createdBefore === null || time(mr.created_at) <= createdBefore),
        )
        .map((mr) => ({ mr, at: time(mr[orderBy]) }))
        // `order_created_desc` and friends break ties by id in the same direction.
        .sort((a, b) => direction * (a.at - b.at || a.mr.id - b.mr.id))
        .map(({ mr }) => mr);
      return paginate(mergeRequests, ctx.query, ctx.selfUrl, (mr) => mergeRequestBasicJson(ctx.state, mr, ctx.baseUrl));
    },
  },
  {
    method: 'GET',
    pattern: 'projects/:id/repository/commits/:sha/merge_requests',
    handle: (ctx) => {
      const project = projectOf(ctx);
      const sha = ctx.path.sha!;
      const related = ctx.state.mergeRequestsOfCommit(project.id, sha);
      // `user_project.commit(params[:sha])`, then `not_found! 'Commit'`. Short SHAs and branch names are not resolved here.
      if (related.length === 0 && !ctx.state.seededCommit(project, sha)) throw notFound('Commit');
      // `state` (GitLab 17.x+, a free string passed to MergeRequestsFinder) narrows the list; older GitLab ignores it.
      const mergeRequests = related.filter(byStateFilter(ctx.query.get('state')));
      return paginate(mergeRequests, ctx.query, ctx.selfUrl, (mr) => mergeRequestBasicJson(ctx.state, mr, ctx.baseUrl));
    },
  },
];
