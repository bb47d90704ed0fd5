// In-memory fake of the GitLab REST API v4 subset policylint uses, served on 127.0.0.1 so
// the real @gitbeaker/rest client (host = CI_SERVER_URL = `url`) can be driven against it.
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { FaultInjector, type FaultAction } from './faults.js';
import { ApiError, nestParams, parseBody, readBody, unauthorized, type ApiResponse, type Params } from './http.js';
import { matchRoute, type Route } from './routes.js';
import type { SeedData, UserRecord } from './seed.js';
import { FakeState } from './state.js';

export { FaultInjector, type FaultAction, type FaultMatch, type Gate } from './faults.js';
export { seedFromJson, type SeedCommit, type SeedData, type SeedDiffFile, type SeedMergeRequest, type SeedProtectedBranch } from './seed.js';
export {
  FakeState,
  addressableLines,
  type CommitRecord,
  type DiffPosition,
  type DiscussionRecord,
  type MergeRequestRecord,
  type NoteRecord,
  type ProjectState,
  type ProtectedBranchRecord,
  type PushOptions,
  type PushResult,
  type TextEffect,
} from './state.js';

export interface RecordedRequest {
  method: string;
  /** Pathname as sent, still URL-encoded, e.g. `/api/v4/projects/group%2Fproj/merge_requests/1/notes`. */
  path: string;
  query: Record<string, string>;
  /** Parsed body (JSON, or form/multipart with `a[b]` keys nested). */
  body: Params;
  /** Status sent; null while in flight or when no response was sent (reset, timeout, lost response). */
  status: number | null;
  /** Injected fault applied to this request, if any. */
  fault: FaultAction['kind'] | null;
  /** Authenticated user, once known. */
  userId: number | null;
}

export interface FakeGitLab {
  /** Use as CI_SERVER_URL / gitbeaker `host`; the API is under `${url}/api/v4`. */
  url: string;
  state: FakeState;
  faults: FaultInjector;
  requests: RecordedRequest[];
  /** Requests received and not yet answered (or dropped). */
  readonly inFlight: number;
  /** The most requests in flight at once so far; assign 0 to measure afresh. */
  maxInFlight: number;
  close(): Promise<void>;
}

const API_PREFIX = '/api/v4/';

export async function startFakeGitLab(seed: Partial<SeedData> = {}): Promise<FakeGitLab> {
  const state = new FakeState(seed);
  const faults = new FaultInjector();
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let baseUrl = '';
  let inFlight = 0;
  let maxInFlight = 0;

  const server = createServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      // A bug in the fake itself: answer like GitLab's 500 and keep the stack visible.
      console.error('fake GitLab internal error', error);
      if (!res.headersSent) send(res, { status: 500, body: { message: '500 Internal Server Error' } });
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.once('close', () => (inFlight -= 1));
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', baseUrl);
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: {},
      status: null,
      fault: null,
      userId: null,
    };
    requests.push(record);
    const respond = (response: ApiResponse) => {
      record.status = response.status;
      send(res, response);
    };

    const raw = await readBody(req);
    let body: Params;
    try {
      body = await parseBody(req.headers['content-type'], raw);
    } catch (error) {
      if (error instanceof ApiError) return respond({ status: error.status, body: error.body });
      throw error;
    }
    record.body = body;
    if (!url.pathname.startsWith(API_PREFIX)) return respond({ status: 404, body: { error: '404 Not Found' } });
    const apiPath = url.pathname.slice(API_PREFIX.length);

    const fault = faults.take(method, apiPath);
    record.fault = fault?.kind ?? null;
    switch (fault?.kind) {
      case 'status':
        return respond(faultResponse(fault.status, fault.retryAfter, fault.body));
      case 'timeout':
        if (fault.ms !== undefined) later(fault.ms, () => req.socket.destroy());
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'delay':
        await sleep(fault.ms);
        break;
      case 'gate':
        await fault.gate.arrive();
        break;
    }

    const response = handle(method, apiPath, url, body, req, record);
    if (fault?.kind === 'lost-response') {
      record.status = null;
      if (fault.then === 'reset') req.socket.destroy();
      return;
    }
    respond(response);
  }

  function handle(method: string, apiPath: string, url: URL, body: Params, req: IncomingMessage, record: RecordedRequest): ApiResponse {
    try {
      const match = matchRoute(method, apiPath);
      if (match.route === null) {
        return match.methodMismatch ? { status: 405, body: { error: '405 Not Allowed' } } : { status: 404, body: { error: '404 Not Found' } };
      }
      const user = authenticate(req, match.route, method);
      record.userId = user.id;
      return match.route.handle({
        state,
        path: match.path,
        query: url.searchParams,
        input: { ...nestParams(url.searchParams), ...body },
        selfUrl: url,
        baseUrl,
        user,
      });
    } catch (error) {
      if (error instanceof ApiError) return { status: error.status, body: error.body };
      throw error;
    }
  }

  /** PRIVATE-TOKEN / Bearer for personal tokens, JOB-TOKEN for job tokens (only on job-token routes). */
  function authenticate(req: IncomingMessage, route: Route, method: string): UserRecord {
    const header = (name: string) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const bearer = /^Bearer\s+(.+)$/i.exec(header('authorization') ?? '')?.[1];
    const personal = header('private-token') ?? bearer;
    const job = header('job-token');
    const token =
      personal !== undefined
        ? state.tokens.find((t) => t.kind === 'personal' && t.token === personal)
        : job !== undefined && route.jobToken
          ? state.tokens.find((t) => t.kind === 'job' && t.token === job)
          : undefined;
    const user = token && state.user(token.user_id);
    if (!token || !user) throw unauthorized();
    const readScopes = route.pattern === 'user' || route.pattern.startsWith('users') ? ['api', 'read_api', 'read_user'] : ['api', 'read_api'];
    const needed = method === 'GET' ? readScopes : ['api'];
    if (token.kind === 'personal' && !token.scopes.some((s) => needed.includes(s))) {
      throw new ApiError(403, {
        error: 'insufficient_scope',
        error_description: 'The request requires higher privileges than provided by the access token.',
        scope: needed.join(' '),
      });
    }
    return user;
  }

  function later(ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      action();
    }, ms);
    timers.add(timer);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    state,
    faults,
    requests,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    set maxInFlight(value: number) {
      maxInFlight = value;
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

function faultResponse(status: number, retryAfter: number | undefined, body: unknown): ApiResponse {
  const headers: Record<string, string> = {};
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  if (status === 429) {
    const reset = Math.floor(Date.now() / 1000) + (retryAfter ?? 60);
    Object.assign(headers, {
      'ratelimit-name': 'throttle_authenticated_api',
      'ratelimit-limit': '2000',
      'ratelimit-observed': '2001',
      'ratelimit-remaining': '0',
      'ratelimit-reset': String(reset),
      'ratelimit-resettime': new Date(reset * 1000).toUTCString(),
    });
  }
  if (body !== undefined) return { status, body, headers, raw: typeof body === 'string' };
  // Rack::Attack answers throttled requests with plain text.
  if (status === 429) return { status, body: 'Retry later\n', headers, raw: true };
  return { status, body: { message: `${status} ${STATUS_CODES[status] ?? 'Error'}` }, headers };
}

function send(res: ServerResponse, response: ApiResponse): void {
  const headers = { ...response.headers };
  if (response.status === 204 || response.body === null) {
    res.writeHead(response.status, headers).end();
    return;
  }
  const text = response.raw ? String(response.body) : JSON.stringify(response.body);
  headers['content-type'] = response.raw ? 'text/plain; charset=utf-8' : 'application/json';
  res.writeHead(response.status, headers).end(text);
}
