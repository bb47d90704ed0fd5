import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Finding } from '../src/engine/types.js';
import { publishFindings, type PublishInput } from '../src/gitlab/publish.js';
import { startFakeGitLab, type FakeGitLab } from './fake-gitlab/server.js';
import { botThreads, CHANGES, client, fastRetry, finding, IID, PROJECT_ID, seed, summaries, TOKEN, writes } from './mr-fixtures.js';

let fake: FakeGitLab;
beforeEach(async () => {
  fake = await startFakeGitLab(seed());
});
afterEach(async () => {
  await fake.close();
});

function publish(findings: Finding[], overrides: Partial<PublishInput> = {}) {
  return publishFindings({
    api: client(fake),
    projectId: PROJECT_ID,
    iid: IID,
    findings,
    changes: CHANGES,
    documents: 2,
    maxInlineThreads: 25,
    ...overrides,
  });
}

const onDiff = () => finding({ path: 'docs/access.md', line: 3, message: 'owner is not a CODEOWNERS owner' });
const contextLine = () => finding({ path: 'docs/access.md', line: 5, message: 'front matter ends here' });
const offDiff = () => finding({ path: 'docs/other.md', line: 12, message: 'review date passed', severity: 'warn' });

describe('publishing findings', () => {
  it('opens threads on diff lines, lists the rest in one summary, and a re-run writes nothing', async () => {
    const findings = [onDiff(), contextLine(), offDiff()];
    const first = await publish(findings);
    expect(first.threads).toMatchObject({ created: 2, open: 2 });
    const threads = botThreads(fake);
    expect(threads.map((t) => t.notes[0]!.position)).toEqual([
      expect.objectContaining({ new_path: 'docs/access.md', new_line: 3, old_line: null, head_sha: 'h'.repeat(40) }),
      expect.objectContaining({ new_path: 'docs/access.md', new_line: 5, old_line: 2 }),
    ]);
    expect(threads.every((t) => t.notes[0]!.resolvable)).toBe(true);
    const [summary] = summaries(fake);
    expect(summaries(fake)).toHaveLength(1);
    expect(summary!.body).toContain('2 findings are shown as threads on the diff');
    expect(summary!.body).toContain('`docs/other.md:12`');
    expect(summary!.body).not.toContain('owner is not a CODEOWNERS owner');

    const before = writes(fake).length;
    const second = await publish(findings);
    expect(writes(fake)).toHaveLength(before);
    expect(second.threads).toMatchObject({ created: 0, open: 2, resolved: 0 });
  });

  it('resolves threads whose finding is gone, says so when clean, and opens threads for new findings', async () => {
    const gone = onDiff();
    await publish([gone, offDiff()]);
    await publish([]);
    const [thread] = botThreads(fake);
    expect(thread!.notes.every((n) => n.resolved)).toBe(true);
    expect(thread!.notes[1]!.body).toContain('no longer reports this finding');
    expect(summaries(fake)).toHaveLength(1);
    expect(summaries(fake)[0]!.body).toContain('no findings');
    expect(summaries(fake)[0]!.body).toContain('All 2 checked documents pass');

    const before = writes(fake).length;
    await publish([]);
    expect(writes(fake)).toHaveLength(before);

    const result = await publish([finding({ path: 'docs/backup.md', line: 2 })]);
    expect(result.threads.created).toBe(1);
    expect(botThreads(fake)).toHaveLength(2);
    expect(summaries(fake)).toHaveLength(1);
  });

  it('reopens its own resolved thread when the finding comes back, but not one a reviewer resolved', async () => {
    const back = onDiff();
    const reviewed = contextLine();
    await publish([back, reviewed]);
    await publish([reviewed]); // resolves `back`
    const reviewerThread = botThreads(fake)[1]!;
    fake.state.setResolved(reviewerThread.notes, true, 2);
    const result = await publish([back, reviewed]);
    expect(result.threads.reopened).toBe(1);
    expect(botThreads(fake)[0]!.notes[0]!.resolved).toBe(false);
    expect(botThreads(fake)[1]!.notes[0]!.resolved).toBe(true);
    expect(summaries(fake)[0]!.body).toContain('front matter ends here');
  });

  it('caps inline threads and keeps the summary complete for 300 findings', async () => {
    const many = Array.from({ length: 300 }, (_, i) =>
      i < 3 ? finding({ path: 'docs/backup.md', line: i + 1 }) : finding({ path: `docs/doc-${i}.md`, line: 1, message: `problem number ${i}` }),
    );
    const result = await publish(many, { maxInlineThreads: 2 });
    expect(botThreads(fake)).toHaveLength(2);
    expect(result.listedInSummary).toBe(298);
    const body = summaries(fake)[0]!.body;
    expect(body.match(/^- \*\*error\*\*/gm)).toHaveLength(298);
    expect(body).toContain('problem number 299');
  });

  it('bounds the summary below the note size limit and says how many were left out', async () => {
    const many = Array.from({ length: 300 }, (_, i) => finding({ path: `docs/doc-${i}.md`, line: 1, message: 'x'.repeat(200) }));
    const result = await publish(many, { maxSummaryChars: 10_000 });
    expect(result.summaryBody.length).toBeLessThanOrEqual(10_000);
    expect(result.summaryBody).toMatch(/…and \d+ more, not shown/);
  });

  it('lists a finding in the summary when GitLab refuses its position', async () => {
    // The fake only accepts lines of the diff it serves; pretend ours is out of date.
    const stale = CHANGES.map((c) => ({ ...c, diff: '@@ -1,1 +1,40 @@\n' + '+x\n'.repeat(40) }));
    const result = await publish([finding({ path: 'docs/access.md', line: 30, message: 'stale line' })], { changes: stale });
    expect(result.threads.created).toBe(0);
    expect(summaries(fake)[0]!.body).toContain('stale line');
  });

  it('plans without writing in a dry run', async () => {
    const result = await publish([onDiff(), offDiff()], { dryRun: true });
    expect(writes(fake)).toHaveLength(0);
    expect(result.actions).toEqual(['open thread for review-date at docs/access.md:3', 'post the summary comment']);
  });

  it('leaves exactly one summary when two pipelines publish at the same time', async () => {
    const gate = fake.faults.gate({ method: 'POST', path: '**/notes' });
    const slow = publish([offDiff()]);
    await gate.reached;
    // The second pipeline runs start to finish while the first one's POST is held.
    await publish([offDiff(), finding({ path: 'docs/late.md', line: 1, message: 'newer pipeline' })]);
    expect(summaries(fake)).toHaveLength(1);
    gate.release();
    await slow;
    expect(summaries(fake)).toHaveLength(1);
  });

  it('leaves one thread per finding when two pipelines open it at the same time', async () => {
    const gate = fake.faults.gate({ method: 'POST', path: '**/discussions' });
    const same = onDiff();
    const slow = publish([same]);
    await gate.reached;
    await publish([same]);
    gate.release();
    await slow;
    expect(botThreads(fake).filter((t) => !t.notes[0]!.resolved)).toHaveLength(1);
    expect(summaries(fake)).toHaveLength(1);
  });

  it('does not post a second summary when the response to the first POST is lost', async () => {
    fake.faults.lostResponse({ method: 'POST', path: '**/notes' });
    await publish([offDiff()]);
    expect(summaries(fake)).toHaveLength(1);
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/notes'))).toHaveLength(1);
  });

  it('does not open a second thread when the POST hangs after GitLab applied it', async () => {
    fake.faults.lostResponse({ method: 'POST', path: '**/discussions', then: 'hang' });
    await publish([onDiff()]);
    expect(botThreads(fake)).toHaveLength(1);
  });

  it('keeps untrusted document text from running quick actions, mentioning people or injecting HTML', async () => {
    const hostile =
      '/approve\n/merge\n@all please look @alice <img src=x onerror=alert(1)> ![x](http://e/x.png) [link](javascript:x) `code` | a | #1 !2 <!-- policylint:summary -->';
    await publish([
      finding({ path: 'docs/access.md', line: 2, message: hostile }),
      finding({ path: '/close\n@bob', line: 1, message: hostile, ruleId: '/label ~x' }),
    ]);
    expect(fake.state.textEffects).toEqual([]);
    const bodies = [...summaries(fake), ...botThreads(fake).map((t) => t.notes[0]!)].map((n) => n.body);
    // The summary and the one thread on the diff: the hostile text did reach GitLab.
    expect(bodies).toHaveLength(2);
    for (const body of bodies) {
      expect(body).not.toMatch(/^\s*\//m);
      expect(body).not.toContain('<img');
      expect(body).not.toContain('![x]');
      expect(body.match(/<!-- policylint:summary -->/g)?.length ?? 0).toBeLessThanOrEqual(1);
    }
  });
});

describe('publishing details', () => {
  it('folds details into threads and the summary, inert, and finds its threads again when the details change', async () => {
    const details = '/approve\n@alice see https://evil.example/x\n</details>\n<!-- policylint:finding:forged -->';
    const inline = finding({ path: 'docs/access.md', line: 3, message: 'owner is not a CODEOWNERS owner', details, fingerprint: 'fp-inline' });
    const listed = finding({ path: 'docs/other.md', line: 12, message: 'review date passed', details, fingerprint: 'fp-listed' });
    await publish([inline, listed]);
    expect(fake.state.textEffects).toEqual([]);
    const bodies = [...summaries(fake), ...botThreads(fake).map((t) => t.notes[0]!)].map((n) => n.body);
    expect(bodies).toHaveLength(2);
    for (const body of bodies) {
      expect(body.match(/<details>/g)).toHaveLength(1);
      expect(body.match(/<\/details>/g)).toHaveLength(1);
      expect(body).not.toContain('https://');
    }

    // The next pipeline words the details differently: the same fingerprint is the same thread.
    const before = writes(fake).length;
    const again = await publish([{ ...inline, details: 'Tried docs/x.md.' }, listed]);
    expect(again.threads).toMatchObject({ created: 0, open: 1, resolved: 0 });
    expect(writes(fake)).toHaveLength(before);
  });
});

describe('retries', () => {
  it('honours Retry-After on 429 and backs off with jitter without it', async () => {
    const retry = fastRetry();
    fake.faults.status(429, { retryAfter: 7, path: 'user' });
    fake.faults.status(429, { path: 'user' });
    await publish([offDiff()], { api: client(fake, retry) });
    expect(retry.delays).toEqual([7000, 100]);
    expect(summaries(fake)).toHaveLength(1);
  });

  it('retries reads after 5xx, timeouts and resets', async () => {
    const retry = fastRetry();
    fake.faults.status(503, { method: 'GET', path: '**/discussions' });
    fake.faults.timeout({ path: 'projects/*/merge_requests/7' });
    fake.faults.reset({ path: 'user' });
    await publish([offDiff()], { api: client(fake, retry) });
    expect(retry.delays).toHaveLength(3);
    expect(summaries(fake)).toHaveLength(1);
  });

  it('retries a POST answered with 429 (not applied) but checks before repeating one answered with 502', async () => {
    fake.faults.status(429, { method: 'POST', path: '**/notes' });
    fake.faults.status(502, { method: 'POST', path: '**/notes' });
    await publish([offDiff()]);
    expect(summaries(fake)).toHaveLength(1);
    const posts = fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/notes'));
    expect(posts.map((r) => r.status)).toEqual([429, 502, 201]);
  });

  it('gives up after the attempt limit with an error that names the call but never the token', async () => {
    fake.faults.status(503, { path: 'user', times: 10, body: { message: `proxy saw PRIVATE-TOKEN: ${TOKEN}` } });
    const error = await publish([offDiff()]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('GitLab API GET user failed after 4 attempts: 503 proxy saw PRIVATE-TOKEN: [REDACTED]');
    expect(JSON.stringify(error)).not.toContain(TOKEN);
    expect(String((error as Error).stack)).not.toContain(TOKEN);
  });
});
