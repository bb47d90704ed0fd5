// Queued faults. Each request takes the first queued fault whose method/path match, which
// uses up one of its `times`. Paths are matched against the API path after `/api/v4/`, as
// sent (so `group%2Fproject` stays one segment): globs like `projects/*/merge_requests/*/notes`.
import picomatch from 'picomatch';

export interface FaultMatch {
  /** HTTP method, case-insensitive; any method when omitted. */
  method?: string;
  /** Glob over the path after `/api/v4/` (`*` = one segment, `**` = any), or a RegExp; any path when omitted. */
  path?: string | RegExp;
  /** How many matching requests this fault applies to; default 1, `Infinity` for all. */
  times?: number;
  /** Let this many matching requests through first (counted whether or not another fault takes them); default 0. */
  after?: number;
}

export type FaultAction =
  /** Respond with this status without touching state. */
  | { kind: 'status'; status: number; retryAfter?: number; body?: unknown }
  /** Never respond (client times out); with `ms`, destroy the socket after that long. The request is not applied. */
  | { kind: 'timeout'; ms?: number }
  /** Destroy the socket before handling. The request is not applied. */
  | { kind: 'reset' }
  /** Apply the request, then lose the response: destroy the socket, or hang until the client gives up. */
  | { kind: 'lost-response'; then: 'reset' | 'hang' }
  /** Apply the request normally after a delay. */
  | { kind: 'delay'; ms: number }
  /** Hold the request before handling until the test releases it. */
  | { kind: 'gate'; gate: GateControl };

export interface Gate {
  /** Resolves when a matching request has arrived and is being held. */
  reached: Promise<void>;
  /** Lets the held request (or the next one, if none arrived yet) proceed. */
  release(): void;
}

export interface GateControl {
  arrive(): Promise<void>;
}

interface QueuedFault {
  action: FaultAction;
  method: string | null;
  matchPath: (path: string) => boolean;
  remaining: number;
  /** Matching requests still to let through before the fault applies. */
  skip: number;
}

export class FaultInjector {
  private queue: QueuedFault[] = [];

  /** e.g. `status(429, { retryAfter: 30 })`, `status(502, { times: 2 })`, `status(503)`. */
  status(status: number, options: FaultMatch & { retryAfter?: number; body?: unknown } = {}): this {
    const { retryAfter, body, ...match } = options;
    return this.add({ kind: 'status', status, retryAfter, body }, match);
  }

  timeout(options: FaultMatch & { ms?: number } = {}): this {
    const { ms, ...match } = options;
    return this.add({ kind: 'timeout', ms }, match);
  }

  reset(options: FaultMatch = {}): this {
    return this.add({ kind: 'reset' }, options);
  }

  /** The idempotency case: the write happens, the client never learns it did. */
  lostResponse(options: FaultMatch & { then?: 'reset' | 'hang' } = {}): this {
    const { then = 'reset', ...match } = options;
    return this.add({ kind: 'lost-response', then }, match);
  }

  delay(ms: number, options: FaultMatch = {}): this {
    return this.add({ kind: 'delay', ms }, options);
  }

  /**
   * An outage mid-run: after `after` matching requests (default 0) every matching request answers `status`
   * (default 503, GitLab's answer while it is down or deploying) until `clear()`.
   */
  outage(options: Omit<FaultMatch, 'times'> & { status?: number; retryAfter?: number } = {}): this {
    const { status = 503, retryAfter, ...match } = options;
    return this.add({ kind: 'status', status, retryAfter }, { ...match, times: Infinity });
  }

  /** Pauses the next matching request before it touches state, to stage races between clients. */
  gate(options: Omit<FaultMatch, 'times'> = {}): Gate {
    let signalReached!: () => void;
    let release!: () => void;
    const reached = new Promise<void>((resolve) => (signalReached = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    const control: GateControl = {
      arrive: () => {
        signalReached();
        return released;
      },
    };
    this.add({ kind: 'gate', gate: control }, { ...options, times: 1 });
    return { reached, release };
  }

  /** Faults not yet used up. */
  get pending(): number {
    return this.queue.length;
  }

  clear(): void {
    this.queue = [];
  }

  /** Takes the fault for this request, if any. */
  take(method: string, apiPath: string): FaultAction | null {
    let index = -1;
    this.queue.forEach((f, i) => {
      if ((f.method !== null && f.method !== method.toUpperCase()) || !f.matchPath(apiPath)) return;
      if (f.skip > 0) f.skip -= 1;
      else if (index === -1) index = i;
    });
    if (index === -1) return null;
    const fault = this.queue[index]!;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.queue.splice(index, 1);
    return fault.action;
  }

  private add(action: FaultAction, { method, path, times = 1, after = 0 }: FaultMatch): this {
    if (!(times > 0)) throw new Error(`fault times must be positive, got ${times}`);
    if (!(Number.isInteger(after) && after >= 0)) throw new Error(`fault after must be a whole number, got ${after}`);
    this.queue.push({ action, method: method?.toUpperCase() ?? null, matchPath: pathMatcher(path), remaining: times, skip: after });
    return this;
  }
}

function pathMatcher(path: string | RegExp | undefined): (apiPath: string) => boolean {
  if (path === undefined) return () => true;
  if (path instanceof RegExp) return (apiPath) => path.test(apiPath);
  const isMatch = picomatch(path.replace(/^\/+/, ''), { dot: true });
  return (apiPath) => isMatch(apiPath);
}
