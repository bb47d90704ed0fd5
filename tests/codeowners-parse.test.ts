import { describe, expect, it } from 'vitest';
import { parseCodeowners } from '../src/codeowners/parse.js';

/** Owner texts of the winning entry per section: `{ section: [owners] }`, the compact form of GitLab's answer. */
function owners(text: string, path: string): Record<string, string[]> {
  const file = parseCodeowners(text, 'CODEOWNERS');
  return Object.fromEntries(file.match(path).map((m) => [m.section.name, m.entry.owners.map((o) => o.text)]));
}

function approvals(text: string, path: string): Record<string, number> {
  const file = parseCodeowners(text, 'CODEOWNERS');
  return Object.fromEntries(file.match(path).map((m) => [m.section.name, m.approvalsRequired]));
}

function problems(text: string): string[] {
  return parseCodeowners(text, 'CODEOWNERS').problems.map((p) => `${p.line}:${p.column} ${p.kind}`);
}

describe('line processing (research §2)', () => {
  it('skips blank lines and comments, including indented ones', () => {
    const file = parseCodeowners('# comment\n\n   # indented comment\n*.md @a\n', 'CODEOWNERS');
    expect(file.sections[0]!.entries.map((e) => e.line)).toEqual([4]);
  });

  it('has no inline comments: owners after # still count', () => {
    expect(owners('docs/ @a # ask @b\n', 'docs/x.md')).toEqual({ codeowners: ['@a', '@b'] });
    expect(problems('docs/ @a # ask @b\n')).toEqual(['1:10 malformed-owner', '1:12 malformed-owner']);
  });

  it('ends the pattern at the first unescaped whitespace, tabs included', () => {
    expect(owners('path\\ with\\ spaces/\t@a\n', 'path with spaces/f')).toEqual({ codeowners: ['@a'] });
  });

  it('copes with CRLF line endings and surrounding whitespace', () => {
    expect(owners('  *.md   @a  \r\n[Docs]\r\n/docs/ @b\r\n', 'docs/x.md')).toEqual({ codeowners: ['@a'], Docs: ['@b'] });
  });

  it('reads "[Section name" as an entry in the current section and reports it', () => {
    const file = parseCodeowners('[Docs]\n[Invalid section\n', 'CODEOWNERS');
    expect(file.sections.map((s) => s.name)).toEqual(['codeowners', 'Docs']);
    expect(file.sections[1]!.entries[0]).toMatchObject({ pattern: '[Invalid', line: 2 });
    expect(problems('[Docs]\n[Invalid section\n')).toEqual(['2:1 unterminated-section', '2:10 malformed-owner']);
  });

  it('never lets a pattern start with a character class: [Mm]akefile is a section header', () => {
    const file = parseCodeowners('[Mm]akefile @build\n', 'CODEOWNERS');
    expect(file.sections.map((s) => s.name)).toEqual(['codeowners', 'Mm']);
  });

  it('treats "See [X]" as an entry and an indented "[X]" as a header', () => {
    const file = parseCodeowners('See [X] @a\n    [Y]\n', 'CODEOWNERS');
    expect(file.sections.map((s) => s.name)).toEqual(['codeowners', 'Y']);
    expect(file.sections[0]!.entries[0]!.pattern).toBe('See');
  });
});

describe('sections (research §4)', () => {
  it('parses optional sections, approval counts and default owners', () => {
    const file = parseCodeowners('[Docs][2] @a @b\n*.md\n^[Opt] @c\n*.txt\n[X][x]\n*.js @d\n', 'CODEOWNERS');
    const [, docs, opt, x] = file.sections;
    expect(docs).toMatchObject({ name: 'Docs', optional: false, approvals: 2, line: 1 });
    expect(docs!.entries[0]!.owners.map((o) => o.text)).toEqual(['@a', '@b']);
    expect(opt).toMatchObject({ name: 'Opt', optional: true });
    expect(opt!.entries[0]!.owners.map((o) => o.text)).toEqual(['@c']);
    expect(x).toMatchObject({ name: 'X', approvals: 1 });
    expect(approvals('[Docs][2] @a\n*.md\n^[Opt] @c\n*.md\n[X][x]\n*.md @d\n', 'a.md')).toEqual({ Docs: 2, Opt: 0, X: 1 });
  });

  it('uses default owners only when the entry has no owner text at all', () => {
    expect(owners('[Docs] @team\ndocs/ not-a-user\n', 'docs/a')).toEqual({ Docs: [] });
    expect(approvals('[Docs] @team\ndocs/ not-a-user\n', 'docs/a')).toEqual({ Docs: 0 });
  });

  it('ignores text after the header and stops default owners at other characters', () => {
    expect(owners('[Docs] @a #note @b\ndocs/\n', 'docs/x')).toEqual({ Docs: ['@a'] });
  });

  it('merges sections case-insensitively under the first spelling (advanced.md example)', () => {
    const text = '[Documentation]\nee/docs/ @docs\ndocs/ @docs\n\n[Database]\nREADME.md @database\nmodel/db/ @database\n\n[DOCUMENTATION]\nREADME.md @docs\n';
    const file = parseCodeowners(text, 'CODEOWNERS');
    expect(file.sections.map((s) => s.name)).toEqual(['codeowners', 'Documentation', 'Database']);
    expect(file.sections[1]!.headerLines).toEqual([1, 9]);
    expect(file.sections[1]!.entries.map((e) => e.pattern)).toEqual(['ee/docs/', 'docs/', 'README.md']);
  });

  it('keeps the first header separate even if spelled like the default section, then merges later ones into it', () => {
    const file = parseCodeowners('*.md @a\n[CODEOWNERS]\nCODEOWNERS @b\n[Docs]\n[CodeOwners]\n*.txt @c\n', 'CODEOWNERS');
    expect(file.sections.map((s) => s.name)).toEqual(['codeowners', 'CODEOWNERS', 'Docs']);
    expect(file.sections[0]!.entries.map((e) => e.pattern)).toEqual(['*.md', '*.txt']);
  });

  it('makes a merged section required when any of its entries comes from a required header', () => {
    expect(approvals('^[Docs]\n*.md @a\n[docs]\n*.txt @b\n', 'a.md')).toEqual({ Docs: 1 });
    expect(approvals('^[Docs]\n*.md @a\n^[docs]\n*.txt @b\n', 'a.md')).toEqual({ Docs: 0 });
  });

  it('keeps the approval count per header: entries under a later header without [n] need 1', () => {
    const text = '[Docs][3]\n*.md @a\n[Other]\n[docs]\n*.txt @b\n';
    expect(approvals(text, 'a.md')).toEqual({ Docs: 3 });
    expect(approvals(text, 'a.txt')).toEqual({ Docs: 1 });
  });

  it('lets a path have one entry per section, default section included (model/db/CHANGELOG.txt example)', () => {
    const text = '*.txt @root\n[Documentation]\n*.txt @docs\n[Database]\nmodel/db/ @database\n';
    expect(owners(text, 'model/db/CHANGELOG.txt')).toEqual({
      codeowners: ['@root'],
      Documentation: ['@docs'],
      Database: ['@database'],
    });
  });
});

describe('which entry wins (research §5)', () => {
  it('takes the last matching pattern within a section', () => {
    expect(owners('*.md @a\ndocs/ @b\n', 'docs/x.md')).toEqual({ codeowners: ['@b'] });
    expect(owners('docs/ @b\n*.md @a\n', 'docs/x.md')).toEqual({ codeowners: ['@a'] });
  });

  it('keeps a repeated pattern at its first position with the later owners', () => {
    const text = 'docs/ @a\n*.md @b\ndocs/ @c\n';
    expect(owners(text, 'docs/x.md')).toEqual({ codeowners: ['@b'] });
    expect(owners(text, 'docs/x.txt')).toEqual({ codeowners: ['@c'] });
    expect(problems(text)).toEqual(['3:1 duplicate-entry']);
  });

  it('treats patterns with the same normalised form as the same entry', () => {
    expect(problems('docs/ @a\ndocs/**/* @b\n* @c\n/**/* @d\n')).toEqual(['2:1 duplicate-entry', '4:1 duplicate-entry']);
  });

  it('lets a matching entry without owners shadow broader ones', () => {
    expect(owners('* @a\ndocs/ not-a-user\n', 'docs/x')).toEqual({ codeowners: [] });
    expect(approvals('* @a\ndocs/ not-a-user\n', 'docs/x')).toEqual({ codeowners: 0 });
  });
});

describe('exclusions (research §6)', () => {
  const text = '[Ruby]\n*.rb @ruby-owner\n!/config/**/*.rb\n/special/*.rb @ruby-owner\n[Config]\n/config/ @config-owner\n';

  it('removes excluded paths from their section whatever the order, other sections unaffected', () => {
    expect(owners(text, 'app/a.rb')).toEqual({ Ruby: ['@ruby-owner'] });
    expect(owners(text, 'config/x/a.rb')).toEqual({ Config: ['@config-owner'] });
    expect(owners('[Ruby]\n!*.md\n/docs/*.md @a\n', 'docs/a.md')).toEqual({});
  });

  it('lets an identical later pattern replace the exclusion (same hash key)', () => {
    expect(owners('!*.rb\n*.rb @a\n', 'x.rb')).toEqual({ codeowners: ['@a'] });
    expect(owners('*.rb @a\n!*.rb\n', 'x.rb')).toEqual({});
  });

  it('ignores owner text on an exclusion line', () => {
    expect(problems('!*.rb whatever\n')).toEqual([]);
  });
});

describe('owners (research §7)', () => {
  it('recognises users, groups, roles and emails, deduplicating case-insensitively', () => {
    const file = parseCodeowners('* @jane @org/team/sub @@maintainers @@Developer jane@example.com @JANE\n', 'CODEOWNERS');
    expect(file.sections[0]!.entries[0]!.owners).toEqual([
      { text: '@jane', kind: 'user' },
      { text: '@org/team/sub', kind: 'group' },
      { text: '@@maintainers', kind: 'role' },
      { text: '@@Developer', kind: 'role' },
      { text: 'jane@example.com', kind: 'email' },
    ]);
    expect(file.problems).toEqual([]);
  });

  it.each(['@@reporter', '@@guest', '@@@x', 'a@@owner', 'not_a_user', 'jane@example.'])('rejects %s', (token) => {
    expect(problems(`* ${token}\n`)).toEqual(['1:3 malformed-owner']);
  });
});

describe('validation (research §9, file_spec #valid?)', () => {
  it('reports each error kind with its line', () => {
    const text = ['*.rb', '[]', '^[Optional][5]', '[Invalid section', 'some_entry not_a_user_not_an_email', '[Docs] bad!'].join('\n');
    expect(problems(text)).toEqual([
      '1:1 missing-owners',
      '2:1 invalid-section-header',
      '3:1 invalid-approval-count',
      '4:1 unterminated-section',
      '4:10 malformed-owner',
      '5:12 malformed-owner',
      '6:8 malformed-owner',
    ]);
  });

  it('still applies a header that has errors', () => {
    const file = parseCodeowners('^[Optional][5] @a\n*.md\n', 'CODEOWNERS');
    expect(file.match('x.md')).toMatchObject([{ section: { name: 'Optional', optional: true }, approvalsRequired: 0 }]);
  });
});
