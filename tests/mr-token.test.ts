// The token (issue 9 point 9): redacted everywhere, sent only to the GitLab it belongs to.
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main.js';
import { ConfigError } from '../src/config/errors.js';
import { createGitLabClient, GitLabApiError } from '../src/gitlab/client.js';
import { describeError, redact } from '../src/gitlab/redact.js';
import { readMergeRequestSettings, type MergeRequestFlags } from '../src/gitlab/settings.js';
import { fastRetry, TOKEN } from './mr-fixtures.js';

// version.ts resolves package.json from dist/; from the sources it would look one level too high.
vi.mock('../src/version.js', () => ({ VERSION: '0.0.0-test' }));
// The lint command fails the way an unexpected bug would, quoting tokens.
vi.mock('../src/engine/run.js', () => ({
  lint: () => {
    throw new Error(`boom: ${process.env.GITLAB_TOKEN} ${process.env.CI_JOB_TOKEN} glrt-someone-elses-runner-token`);
  },
}));

interface Recorded {
  path: string;
  token: string | undefined;
}

const servers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of servers.splice(0)) await close();
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

/** A local HTTP server recording which paths it was asked for and with which PRIVATE-TOKEN. */
async function startServer(handler: RequestListener): Promise<{ url: string; port: number; requests: Recorded[] }> {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    requests.push({ path: req.url ?? '', token: req.headers['private-token'] as string | undefined });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(() => new Promise((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, port, requests };
}

const json =
  (body: unknown): RequestListener =>
  (_, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

const redirectTo =
  (location: (path: string) => string, status = 302): RequestListener =>
  (req, res) => {
    res.writeHead(status, { location: location(req.url ?? '') });
    res.end();
  };

const currentUser = (host: string) => createGitLabClient({ host, token: TOKEN, retry: fastRetry() }).Users.showCurrentUser();

describe('redirects', () => {
  it('never sends the token to another host a response redirects to', async () => {
    const other = await startServer(json({ id: 1, username: 'stolen' }));
    for (const [status, location] of [
      [302, (path: string) => `${other.url}${path}`],
      [307, (path: string) => `${other.url}${path}`],
      [301, (path: string) => `//127.0.0.1:${other.port}${path}`],
    ] as const) {
      const gitlab = await startServer(redirectTo(location, status));
      const error = await currentUser(gitlab.url).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GitLabApiError);
      expect((error as GitLabApiError).message).toBe(
        `GitLab API GET user failed: ${status} redirected to another host (http://127.0.0.1:${other.port}); not following it with the token`,
      );
      expect(gitlab.requests).toHaveLength(1);
    }
    expect(other.requests).toEqual([]);
  });

  it('counts the same host under another name, or another scheme, as another host', async () => {
    const gitlab = await startServer(
      redirectTo((path) => (path === '/api/v4/user' ? `http://localhost:${gitlab.port}${path}` : `https://127.0.0.1:${gitlab.port}${path}`)),
    );
    const client = createGitLabClient({ host: gitlab.url, token: TOKEN, retry: fastRetry() });
    await expect(client.Users.showCurrentUser()).rejects.toThrow(`redirected to another host (http://localhost:${gitlab.port})`);
    await expect(client.Users.show(1)).rejects.toThrow(`redirected to another host (https://127.0.0.1:${gitlab.port})`);
    expect(gitlab.requests).toHaveLength(2);
  });

  it('follows redirects within the GitLab host with the token, a bounded number of times', async () => {
    const moved = await startServer((req, res) =>
      req.url === '/api/v4/user' ? redirectTo(() => '/api/v4/user/moved', 301)(req, res) : json({ id: 1, username: 'bot' })(req, res),
    );
    await expect(currentUser(moved.url)).resolves.toMatchObject({ username: 'bot' });
    expect(moved.requests).toEqual([
      { path: '/api/v4/user', token: TOKEN },
      { path: '/api/v4/user/moved', token: TOKEN },
    ]);

    const loop = await startServer(redirectTo((path) => path));
    const error = await currentUser(loop.url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitLabApiError);
    expect((error as GitLabApiError).message).toBe('GitLab API GET user failed: 302 redirected more than 5 times');
    // One request and five redirects, not retried: a redirect loop does not heal.
    expect(loop.requests).toHaveLength(6);
  });
});

describe('the GitLab server in CI', () => {
  const MR_ENV = { CI_PROJECT_ID: '42', CI_MERGE_REQUEST_IID: '7', CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main' };
  const read = (flags: MergeRequestFlags, env: NodeJS.ProcessEnv) => () => readMergeRequestSettings(flags, { ...MR_ENV, ...env });

  it("must be on CI_SERVER_URL's host when running in GitLab CI, and may be anywhere outside it", () => {
    for (const ci of [{ GITLAB_CI: 'true' }, { CI: 'true' }]) {
      const env = { ...ci, CI_SERVER_URL: 'https://gitlab.example.com' };
      for (const [serverUrl, other] of [
        ['https://evil.example', 'https://evil.example'],
        ['https://gitlab.example.com:8443', 'https://gitlab.example.com:8443'],
        ['http://gitlab.example.com', 'http://gitlab.example.com'],
        ['https://gitlab.example.com.evil.example/', 'https://gitlab.example.com.evil.example'],
      ]) {
        expect(read({ serverUrl }, env)).toThrow(ConfigError);
        expect(read({ serverUrl }, env)).toThrow(
          `mr got --server-url on ${other}, but this CI job's GitLab is https://gitlab.example.com (CI_SERVER_URL): in GitLab CI the token is sent to no other host`,
        );
      }
      expect(read({ serverUrl: 'https://gitlab.example.com:443/' }, env)().serverUrl).toBe('https://gitlab.example.com:443');
      expect(read({}, { ...env, CI_API_V4_URL: 'https://evil.example/api/v4' })().serverUrl).toBe('https://gitlab.example.com');
    }
    // Outside CI the user says where their GitLab is.
    expect(read({ serverUrl: 'https://evil.example' }, { CI_SERVER_URL: 'https://gitlab.example.com' })().serverUrl).toBe('https://evil.example');
  });
});

describe('--token-env', () => {
  const env = {
    CI_SERVER_URL: 'https://gitlab.example.com',
    CI_PROJECT_ID: '42',
    CI_MERGE_REQUEST_IID: '7',
    CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
    MY_TOKEN: TOKEN,
  };

  it('takes a variable name, and refuses anything else without echoing it', () => {
    expect(readMergeRequestSettings({ tokenEnv: 'MY_TOKEN' }, env)).toMatchObject({ token: TOKEN, tokenSource: 'MY_TOKEN' });
    for (const value of [TOKEN, 'abcdefghijklmnopqrst-uvw', '$MY_TOKEN', 'MY TOKEN', '1TOKEN', '']) {
      const read = () => readMergeRequestSettings({ tokenEnv: value }, env);
      expect(read).toThrow(ConfigError);
      expect(read).toThrow(/^--token-env takes the name of an environment variable, not a token$/);
    }
  });
});

describe('token-shaped strings', () => {
  const SHAPES = [
    ...['glpat', 'gloas', 'gldt', 'glrt', 'glcbt', 'glptt', 'glft', 'glimt', 'glagent', 'glsoat', 'glffct', 'gltst', 'glsa'].map(
      (prefix) => `${prefix}-abcdefghij_KLMNOPQR-st`,
    ),
    'glpat-0123456789abcdefghijklmnopq.01.0w1b2c3d4',
    'glcbt-64_abcdefghijklmnopqrstu',
    'GR1348941abcdefghijklmnopqrst',
  ];

  it('are redacted even when they are not our token, and words that merely start like one are not', () => {
    for (const token of SHAPES) {
      expect(redact(`token=${token}; next`, [])).toBe('token=[REDACTED]; next');
      expect(redact(`"${token}."`, [])).toBe('"[REDACTED]."');
    }
    expect(redact('glpat-short, glsa-docs and GR1348941 in the docs', [])).toBe('glpat-short, glsa-docs and GR1348941 in the docs');
  });

  it('are redacted from describeError, cause chain included', () => {
    const error = new Error('request failed', { cause: new Error('proxy said: PRIVATE-TOKEN glpat-abcdefghijklmnopqrstuvwx is blocked') });
    expect(describeError(error, [])).toBe('request failed: proxy said: PRIVATE-TOKEN [REDACTED] is blocked');
  });

  it('are redacted from GitLabApiError messages', async () => {
    const gitlab = await startServer((_, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: '401 Unauthorized: glpat-someone-elses-token-00000 revoked' }));
    });
    await expect(currentUser(gitlab.url)).rejects.toThrow('GitLab API GET user failed: 401 401 Unauthorized: [REDACTED] revoked');
  });
});

describe('internal errors', () => {
  it.each([false, true])('print no token from the environment and nothing shaped like one (stack trace: %s)', async (debug) => {
    vi.stubEnv('GITLAB_TOKEN', 'legacy0token0without0prefix');
    vi.stubEnv('CI_JOB_TOKEN', 'job-token-from-the-environment');
    vi.stubEnv('POLICYLINT_DEBUG', debug ? '1' : '');
    let stderr = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr += String(chunk);
      return true;
    });
    expect(await main(['node', 'policylint', 'docs'])).toBe(2);
    expect(stderr).toMatch(/^policylint: internal error: boom: \[REDACTED\] \[REDACTED\] \[REDACTED\]\n/);
    expect(stderr.includes('at runLint')).toBe(debug);
    expect(stderr).not.toMatch(/legacy0token|job-token-from|glrt-/);
  });
});
