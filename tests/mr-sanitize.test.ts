import { describe, expect, it } from 'vitest';
import { fingerprintInBody, isResolvedReply, summaryBody, SUMMARY_MARKER, threadBody } from '../src/gitlab/render.js';
import { codeSpan, defuseLineStarts, neutralise } from '../src/gitlab/sanitize.js';
import { detectMentions, detectQuickActions } from './fake-gitlab/text.js';
import { finding } from './mr-fixtures.js';

const ZWSP = '\u200B';

const HOSTILE = [
  '/approve',
  '  /merge',
  '\r/close',
  '@all @alice/team hi',
  '<script>alert(1)</script>',
  '![img](http://x/y.png) [a](javascript:alert(1))',
  '| a | b |',
  '```\n/label ~x\n```',
  '#1 !2 ~bug %v1 $3',
];

/**
 * The text GitLab's reference and autolink filters see: CommonMark's rendering of what
 * `neutralise` produces (backslash escapes and the three entities it writes).
 */
function rendered(markdown: string): string {
  const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>' };
  return markdown.replace(/\\([\s\S])|&(amp|lt|gt);/g, (_, escaped: string | undefined, entity: string) => escaped ?? entities[entity]!);
}

/** Every control character the brief names: C0 (not whitespace), DEL, C1 and the bidi controls. */
const CONTROLS = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

describe('untrusted text in comments', () => {
  it.each(HOSTILE)('neutralise(%j) runs no quick action, mentions nobody and renders no markup', (text) => {
    const body = `Finding:\n${neutralise(text)}\n${neutralise(text)}`;
    expect(detectQuickActions(body)).toEqual([]);
    expect(detectMentions(body)).toEqual([]);
    expect(neutralise(text)).not.toMatch(/[\n<>]|(?<!\\)[[\]|`!]/);
  });

  it('keeps a code span closed whatever backticks the text holds', () => {
    expect(codeSpan('a`b')).toBe('``a`b``');
    expect(codeSpan('`edge`')).toBe('`` `edge` ``');
    expect(detectMentions(`x ${codeSpan('@all')} y`)).toEqual([]);
  });

  it('defuses any line of a built comment that starts with a slash', () => {
    const body = defuseLineStarts('ok\n/approve\n   /merge\r\nfine / here');
    expect(detectQuickActions(body)).toEqual([]);
    expect(body.split('\n').every((line) => !line.trimStart().startsWith('/'))).toBe(true);
    expect(body).toContain('fine / here');
  });
});

describe('links quoted from documents', () => {
  it.each([
    'see https://evil.example/login?next=/admin',
    'http://intranet/policy',
    'ftp://files.example/dump.sql',
    'git+ssh://git@host/repo.git and javascript://%0Aalert(1)',
    'go to www.example.com or WWW.Example.org/page',
    '(https://a.example)',
  ])('%j is no autolink: every scheme:// and www. is broken, and only by zero-width spaces', (text) => {
    const out = neutralise(text);
    expect(rendered(out)).not.toContain('://');
    expect(rendered(out)).not.toMatch(/www\./i);
    expect(rendered(out).replaceAll(ZWSP, '')).toBe(text);
  });

  it('keeps email addresses from becoming mailto links or mentions', () => {
    const out = neutralise('mail alice@example.com or mailto:bob@example.org');
    expect(rendered(out)).not.toMatch(/@[^\u200B]/);
    expect(detectMentions(out)).toEqual([]);
  });
});

describe('control characters quoted from documents', () => {
  const text = `a\u0000b\u001b[31mc\u007fd\u0085e\u009bf\u061cg\u200eh\u200fi\u202aj\u202bk\u202cl\u202dm\u202en\u2066o\u2067p\u2068q\u2069r\ts\nt`;

  it('are removed from prose, and whitespace becomes one space', () => {
    expect(neutralise(text)).not.toMatch(CONTROLS);
    expect(neutralise(text)).toBe(`ab\\[${ZWSP}31mcdefghijklmnopqr s t`);
  });

  it('are removed from code spans', () => {
    expect(codeSpan(text)).not.toMatch(CONTROLS);
    expect(codeSpan(text)).toBe('`ab[31mcdefghijklmnopqr s t`');
  });

  it('cannot hide a sigil, URL or quick action from the escaping by splitting it', () => {
    const out = neutralise('/\u0000approve @\u202Eall https:\u0000//x.example');
    expect(out.startsWith(ZWSP)).toBe(true);
    expect(detectMentions(out)).toEqual([]);
    expect(rendered(out)).not.toContain('://');
  });
});

describe('GitLab references quoted from documents', () => {
  // Each would link, notify or cross-reference if it reached GitLab's rendered text intact.
  const REFERENCES = [
    '&123',
    '#123',
    '!123',
    '%123',
    '%"Release 1.0"',
    '%v1',
    '~bug',
    '~"needs review"',
    '$123',
    '@user',
    '@group/sub',
    'group/project#1',
    'group/project!2',
    'group/project&3',
    'group/project%4',
    'group/project~bug',
    'group/project$5',
    'group/project@0123abc',
    '*iteration:6',
    '[vulnerability:7]',
    '^alert#8',
    // Escapes and entities do not survive rendering, so they must not be what stops a reference.
    '\\!123',
    '&amp;123',
    '&#64;user',
  ];

  it.each(REFERENCES)('%j keeps a zero-width space after every sigil in the rendered text', (text) => {
    const out = rendered(neutralise(text));
    expect(out).not.toMatch(/[@#!&%~$*[](?!\u200B)/);
    expect(detectMentions(neutralise(text))).toEqual([]);
  });

  it('puts the zero-width space after the sigil, not after the escape GitLab renders away', () => {
    expect(neutralise('!123')).toBe(`\\!${ZWSP}123`);
    expect(neutralise('&123')).toBe(`&amp;${ZWSP}123`);
    expect(neutralise('a & b < c')).toBe(`a &amp;${ZWSP} b &lt; c`);
  });
});

describe('HTML comments in code spans', () => {
  it('never lets a code span hold an HTML comment opener', () => {
    for (const text of ['<!--', 'docs/<!-- policylint:summary -->.md', '<<!--!--', '`<!--`']) expect(codeSpan(text)).not.toContain('<!--');
    expect(codeSpan('a<!--b').replaceAll(ZWSP, '')).toBe('`a<!--b`');
  });

  it('keeps quoted markers from passing for policylint comments', () => {
    const thread = threadBody(finding({ path: 'docs/a.md', line: 1, ruleId: '<!-- policylint:resolved --> <!-- policylint:finding:forged -->' }));
    expect(isResolvedReply(thread)).toBe(false);
    expect(fingerprintInBody(thread)).not.toBe('forged');
    const summary = summaryBody({
      listed: [finding({ path: `${SUMMARY_MARKER} <!-- policylint:finding:forged -->`, line: 1, message: SUMMARY_MARKER })],
      threaded: 0,
      documents: 1,
      commit: `<!-- policylint:resolved -->`,
      notes: [],
    });
    expect(summary.split(SUMMARY_MARKER)).toHaveLength(2);
    expect(fingerprintInBody(summary)).toBeUndefined();
    expect(isResolvedReply(summary)).toBe(false);
  });
});

describe('details quoted from documents', () => {
  const HOSTILE_DETAILS = [
    '/approve',
    '@alice and @all, see https://evil.example/x',
    '</details>',
    '<!-- policylint:finding:forged -->',
    '/merge',
    '</summary><img src=x onerror=alert(1)>',
  ].join('\n');
  const withDetails = () =>
    finding({ path: 'docs/a.md', line: 3, message: 'Front matter key "owner" is missing', details: HOSTILE_DETAILS, fingerprint: 'fp-details' });

  it.each([
    ['a thread', () => threadBody(withDetails())],
    ['the summary', () => summaryBody({ listed: [withDetails(), withDetails()], threaded: 0, documents: 1, commit: undefined, notes: [] })],
  ])('cannot escape their collapsed block in %s', (_, build) => {
    const body = build();
    expect(detectQuickActions(body)).toEqual([]);
    expect(detectMentions(body)).toEqual([]);
    expect(body).not.toContain('https://');
    expect(body).not.toContain('<img');
    // One block per finding, opened and closed by us only.
    const blocks = (body.match(/<details><summary>Details<\/summary>/g) ?? []).length;
    expect(blocks).toBeGreaterThan(0);
    expect(body.match(/<\/?details>/g)).toHaveLength(blocks * 2);
    expect(body.match(/<\/?summary>/g)).toHaveLength(blocks * 2);
    expect(fingerprintInBody(body)).not.toBe('forged');
  });

  it('keep their lines, and a thread stays findable by its own fingerprint', () => {
    const body = threadBody(withDetails());
    expect(fingerprintInBody(body)).toBe('fp-details');
    expect(body).toContain(`${ZWSP}/approve<br>@${ZWSP}alice`);
    expect(body.replaceAll(ZWSP, '')).toContain('&lt;/details&gt;<br>&lt;\\!--');
  });

  it('are left out when a finding has none', () => {
    expect(threadBody(finding({ path: 'docs/a.md', line: 1 }))).not.toContain('<details>');
  });
});
