// The GitLab client policylint uses: the real @gitbeaker/rest resources with our own request
// handler, because gitbeaker's retries ignore Retry-After, retry only 429/502 within ~0.3 s and
// may repeat a POST that GitLab already applied (research §15).
import { Gitlab } from '@gitbeaker/rest';
import { createRequesterFn, type FormattedResponse, type RequestHandlerFn } from '@gitbeaker/requester-utils';
import { redact } from './redact.js';

export type GitLabApi = InstanceType<typeof Gitlab<false>>;

export interface RetryPolicy {
  /** Attempts per HTTP request, the first included. */
  maxAttempts: number;
  /** Backoff before retry n is a random share of `baseDelayMs * 2^(n-1)` (full jitter), at most `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Per attempt; a timed-out write may still have been applied. */
  timeoutMs: number;
  sleep(ms: number): Promise<void>;
  random(): number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 60_000,
  timeoutMs: 30_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** Writes repeated with the same arguments leave the same state, so they may be retried blindly. */
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

export class GitLabApiError extends Error {
  override name = 'GitLabApiError';
  constructor(
    message: string,
    /** HTTP status, or null when no response arrived (timeout, reset). */
    readonly status: number | null,
    /** A POST that failed after it was sent (5xx, timeout, reset): GitLab may have applied it. */
    readonly maybeApplied: boolean,
  ) {
    super(message);
  }
}

/** What to do about a refused or failed request, by status: each command words it for its own token and target. */
export interface ApiErrorFixes {
  unauthorized: string;
  forbidden: string;
  notFound: string;
  /** Any other failure (5xx, timeout, no answer). */
  otherwise: string;
}

export function fixForApiError(error: unknown, fixes: ApiErrorFixes): string {
  const status = error instanceof GitLabApiError ? error.status : undefined;
  if (status === 401) return fixes.unauthorized;
  if (status === 403) return fixes.forbidden;
  if (status === 404) return fixes.notFound;
  return fixes.otherwise;
}

export interface ClientOptions {
  /** Instance URL (CI_SERVER_URL), not the API URL. */
  host: string;
  token: string;
  retry?: Partial<RetryPolicy>;
}

/** A gitbeaker client whose every request goes through `sendWithRetries`; errors never carry the token. */
export function createGitLabClient(options: ClientOptions): GitLabApi {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const handler: RequestHandlerFn = (endpoint, requestOptions) => sendWithRetries(endpoint, requestOptions ?? {}, policy, [options.token]);
  return new Gitlab({
    host: options.host,
    token: options.token,
    // Our handler applies a timeout per attempt; gitbeaker's would span all pages and retries.
    queryTimeout: null,
    requesterFn: createRequesterFn((_, requestOptions) => Promise.resolve(requestOptions), handler),
  });
}

interface Failure {
  status: number | null;
  detail: string;
  retryAfterMs: number | undefined;
  /** The server may have acted on the request. */
  maybeApplied: boolean;
}

type Attempt = { ok: true; response: FormattedResponse } | { ok: false; failure: Failure };

async function sendWithRetries(endpoint: string, options: Record<string, unknown>, policy: RetryPolicy, secrets: string[]): Promise<FormattedResponse> {
  const method = String(options.method ?? 'GET').toUpperCase();
  const prefix = String(options.prefixUrl ?? '');
  const url = new URL(endpoint, prefix.endsWith('/') ? prefix : `${prefix}/`);
  url.search = typeof options.searchParams === 'string' ? options.searchParams : '';
  const label = `${method} ${decodeURIComponent(url.pathname.replace(/^.*?\/api\/v4\//, ''))}`;
  const init: RequestInit = {
    method,
    headers: options.headers as Record<string, string>,
    body: options.body as BodyInit | undefined,
  };

  for (let attempt = 1; ; attempt++) {
    const result = await attemptOnce(url, init, policy.timeoutMs);
    if (result.ok) return result.response;
    const { failure } = result;
    const retryable = failure.status === 429 || (failure.status === null || failure.status >= 500 ? IDEMPOTENT_METHODS.has(method) : false);
    if (!retryable || attempt >= policy.maxAttempts) {
      const tries = attempt > 1 ? ` after ${attempt} attempts` : '';
      const status = failure.status === null ? '' : ` ${failure.status}`;
      throw new GitLabApiError(
        redact(`GitLab API ${label} failed${tries}:${status} ${failure.detail}`, secrets),
        failure.status,
        failure.maybeApplied && !IDEMPOTENT_METHODS.has(method),
      );
    }
    await policy.sleep(backoff(attempt, failure.retryAfterMs, policy));
  }
}

const networkFailure = (error: unknown): Attempt => ({
  ok: false,
  failure: { status: null, detail: describeNetworkError(error), retryAfterMs: undefined, maybeApplied: true },
});

async function attemptOnce(url: URL, init: RequestInit, timeoutMs: number): Promise<Attempt> {
  let response: Response | Failure;
  try {
    response = await fetchWithinOrigin(url, init, AbortSignal.timeout(timeoutMs));
  } catch (error) {
    return networkFailure(error);
  }
  if (!(response instanceof Response)) return { ok: false, failure: response };
  if (response.ok) {
    try {
      const body = (await parseBody(response)) as FormattedResponse['body'];
      return { ok: true, response: { status: response.status, headers: Object.fromEntries(response.headers.entries()), body } };
    } catch (error) {
      // The connection broke while the body was streaming: the request itself was handled.
      return networkFailure(error);
    }
  }
  const detail = await errorDetail(response).catch(() => response.statusText);
  return {
    ok: false,
    failure: { status: response.status, detail, retryAfterMs: parseRetryAfter(response.headers.get('retry-after')), maybeApplied: response.status >= 500 },
  };
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

const refusedRedirect = (status: number, detail: string): Failure => ({ status, detail, retryAfterMs: undefined, maybeApplied: false });

/**
 * fetch itself would follow a redirect to any host and send PRIVATE-TOKEN along (it drops only
 * `Authorization`), so redirects are followed here, within the origin of the request only. The
 * request is repeated as it was: a write sent to a moved resource must not turn into a read.
 */
async function fetchWithinOrigin(url: URL, init: RequestInit, signal: AbortSignal): Promise<Response | Failure> {
  let target = url;
  for (let redirects = 0; ; redirects++) {
    const response = await fetch(target, { ...init, redirect: 'manual', signal });
    const location = REDIRECT_STATUSES.has(response.status) ? response.headers.get('location') : null;
    if (location === null) return response;
    await response.body?.cancel();
    const next = new URL(location, target);
    if (next.origin !== url.origin)
      return refusedRedirect(response.status, `redirected to another host (${next.protocol}//${next.host}); not following it with the token`);
    if (redirects === MAX_REDIRECTS) return refusedRedirect(response.status, `redirected more than ${MAX_REDIRECTS} times`);
    target = next;
  }
}

/** Same shapes gitbeaker's own handler returns, so its resources keep working. */
async function parseBody(response: Response): Promise<unknown> {
  if (response.status === 204) return null;
  const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
  if (type === 'application/json') return (await response.json()) || {};
  if (type.startsWith('text/')) return response.text();
  return response.blob();
}

/** GitLab's `message` or `error` field, else the text; bounded so a proxy's HTML page cannot flood logs. */
async function errorDetail(response: Response): Promise<string> {
  const text = await response.text();
  let detail = text;
  try {
    const parsed = JSON.parse(text) as { message?: unknown; error?: unknown };
    const field = parsed.message ?? parsed.error;
    if (field !== undefined) detail = typeof field === 'string' ? field : JSON.stringify(field);
  } catch {
    // not JSON: keep the text
  }
  detail = detail.replace(/\s+/g, ' ').trim();
  return detail.length > 300 ? `${detail.slice(0, 300)}…` : detail || response.statusText;
}

function describeNetworkError(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'no response before the timeout';
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  return code ? `connection failed (${code})` : `connection failed (${cause?.message ?? (error instanceof Error ? error.message : String(error))})`;
}

/** `Retry-After` is seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The server's Retry-After when given (capped), else exponential backoff with full jitter. */
export function backoff(attempt: number, retryAfterMs: number | undefined, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs' | 'random'>): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxDelayMs);
  return Math.round(policy.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)));
}
