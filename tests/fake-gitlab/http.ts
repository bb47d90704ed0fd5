// Request parsing and response shaping shared by the routes: Grape-style params (query and
// body merged, `a[b]` keys nested), GitLab error bodies, offset pagination headers.
import type { IncomingMessage } from 'node:http';
import type { FakeState, ProjectState } from './state.js';

export type Params = Record<string, unknown>;

export interface ApiResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Sent as text/plain instead of JSON (raw file content). */
  raw?: boolean;
}

/** Thrown by handlers; rendered as GitLab renders it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(JSON.stringify(body));
  }
}

export const notFound = (what?: string) => new ApiError(404, { message: what ? `404 ${what} Not Found` : '404 Not found' });
/** Grape's catch-all for a path no endpoint serves. */
export const unknownRoute = () => new ApiError(404, { error: '404 Not Found' });
export const unauthorized = () => new ApiError(401, { message: '401 Unauthorized' });
export const forbidden = () => new ApiError(403, { message: '403 Forbidden' });
/** Grape parameter validation failure, e.g. `body is missing`. */
export const invalidParam = (error: string) => new ApiError(400, { error });
/** Model validation failure, as `bad_request!("Note #{errors}")` renders it. */
export const badRequest = (message: string) => new ApiError(400, { message: `400 Bad request - ${message}` });

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Parses JSON, urlencoded or multipart bodies (gitbeaker sends multipart for positioned discussions). */
export async function parseBody(contentType: string | undefined, raw: Buffer): Promise<Params> {
  if (raw.length === 0) return {};
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new ApiError(400, { error: 'failed to parse JSON body' });
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    return parsed as Params;
  }
  if (type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data') {
    const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType! } }).formData();
    const flat: [string, string][] = [];
    form.forEach((value, key) => flat.push([key, typeof value === 'string' ? value : value.name]));
    return nestParams(flat);
  }
  return {};
}

/** Turns `position[base_sha]=x` style keys into nested objects, as Rack does. */
export function nestParams(entries: Iterable<[string, string]>): Params {
  const root: Params = {};
  for (const [key, value] of entries) {
    const parts = key.split(/\[|\]\[|\]$/).filter((p, i) => i === 0 || p !== '');
    let node = root;
    for (const [i, part] of parts.entries()) {
      if (i === parts.length - 1) {
        node[part] = value;
      } else {
        const child = node[part];
        node = (child !== null && typeof child === 'object' ? child : (node[part] = {})) as Params;
      }
    }
  }
  return root;
}

export function requireString(params: Params, name: string, label = name): string {
  const value = params[name];
  if (value === undefined || value === null || value === '') throw invalidParam(`${label} is missing`);
  if (typeof value !== 'string') throw invalidParam(`${label} is invalid`);
  return value;
}

export function optionalInteger(params: Params, name: string, label = name): number | null {
  const value = params[name];
  if (value === undefined || value === null || value === '') return null;
  const n = typeof value === 'number' ? value : /^-?\d+$/.test(String(value)) ? Number(value) : NaN;
  if (!Number.isInteger(n)) throw invalidParam(`${label} is invalid`);
  return n;
}

/** Grape's Boolean coercion. */
export function optionalBoolean(params: Params, name: string): boolean | null {
  const value = params[name];
  if (value === undefined || value === null || value === '') return null;
  if (value === true || value === 'true' || value === '1' || value === 1) return true;
  if (value === false || value === 'false' || value === '0' || value === 0) return false;
  throw invalidParam(`${name} is invalid`);
}

export function oneOf<T extends string>(params: Params, name: string, allowed: readonly T[], fallback: T, label = name): T {
  const value = params[name];
  if (value === undefined || value === '') return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalidParam(`${label} does not have a valid value`);
  }
  return value as T;
}

/** Grape's `type: DateTime` coercion: an unparsable time is `<name> is invalid`. Milliseconds since the epoch, or null when absent. */
export function optionalTime(params: Params, name: string): number | null {
  const value = params[name];
  if (value === undefined || value === null || value === '') return null;
  const time = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(time)) throw invalidParam(`${name} is invalid`);
  return time;
}

const DEFAULT_PER_PAGE = 20;
const MAX_PER_PAGE = 100;
/**
 * Kaminari's MAX_COUNT_LIMIT: above it GitLab's OffsetPagination pages `without_count` and sends no
 * x-total, x-total-pages or rel="last" (lib/gitlab/pagination/offset_pagination.rb).
 */
const MAX_COUNT_LIMIT = 10_000;

/**
 * Offset pagination like GitLab: per_page defaults to 20 and is capped at 100, headers
 * x-page/x-per-page/x-next-page/x-prev-page/x-total/x-total-pages and an RFC 5988 Link
 * header carrying the other query parameters along. `render` shapes only the items of the page served.
 */
export function paginate<T>(items: T[], query: URLSearchParams, selfUrl: URL, render?: (item: T) => unknown): ApiResponse {
  const requestedPerPage = optionalInteger(Object.fromEntries(query), 'per_page');
  const requestedPage = optionalInteger(Object.fromEntries(query), 'page');
  const perPage = requestedPerPage === null || requestedPerPage < 1 ? DEFAULT_PER_PAGE : Math.min(requestedPerPage, MAX_PER_PAGE);
  const page = requestedPage === null || requestedPage < 1 ? 1 : requestedPage;
  const totalPages = Math.max(1, Math.ceil(items.length / perPage));
  const pageUrl = (n: number) => {
    const url = new URL(selfUrl);
    url.searchParams.set('page', String(n));
    url.searchParams.set('per_page', String(perPage));
    return url.toString();
  };
  const counted = items.length <= MAX_COUNT_LIMIT;
  const links: string[] = [];
  if (page > 1) links.push(`<${pageUrl(Math.min(page - 1, totalPages))}>; rel="prev"`);
  if (page < totalPages) links.push(`<${pageUrl(page + 1)}>; rel="next"`);
  links.push(`<${pageUrl(1)}>; rel="first"`);
  if (counted) links.push(`<${pageUrl(totalPages)}>; rel="last"`);
  const slice = items.slice((page - 1) * perPage, page * perPage);
  return {
    status: 200,
    body: render ? slice.map(render) : slice,
    headers: {
      'x-page': String(page),
      'x-per-page': String(perPage),
      'x-next-page': page < totalPages ? String(page + 1) : '',
      'x-prev-page': page > 1 ? String(Math.min(page - 1, totalPages)) : '',
      ...(counted ? { 'x-total': String(items.length), 'x-total-pages': String(totalPages) } : {}),
      link: links.join(', '),
    },
  };
}

/** The project a route names by `:id` (numeric or URL-encoded path): GitLab answers `404 Project Not Found` for one it does not show. */
export function projectOf(ctx: { state: FakeState; path: Record<string, string> }): ProjectState {
  const project = ctx.state.project(ctx.path.id!);
  if (!project) throw notFound('Project');
  return project;
}
