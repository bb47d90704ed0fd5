import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { anyOf, compileNamePattern, compileTextPattern, parseRegexLiteral, patternSchema } from '../src/model/match.js';
import { compileTargetPattern, normalizeTarget } from '../src/links/target.js';
import { normalizeHeading } from '../src/model/parse.js';

describe('compileNamePattern', () => {
  it('compares a plain name with the normalized heading as a whole', () => {
    const roles = compileNamePattern('Roles & Responsibilities:');
    expect(roles(normalizeHeading('Roles and responsibilities'))).toBe(true);
    expect(roles(normalizeHeading('<i class="x"></i> Roles &amp; Responsibilities'))).toBe(true);
    expect(roles(normalizeHeading('ISMS Roles and Responsibilities'))).toBe(false);
    expect(compileNamePattern('Scope')(normalizeHeading('Not in Scope'))).toBe(false);
  });

  it('tests a /regex/ against the normalized heading', () => {
    const exceptions = compileNamePattern('/^exceptions\\b/');
    expect(exceptions('exceptions to the tprm process')).toBe(true);
    expect(exceptions('sla exception procedures')).toBe(false);
    expect(compileNamePattern('/^SCOPE$/i')('scope')).toBe(true);
    expect(compileNamePattern('/^SCOPE$/')('scope')).toBe(false);
  });

  it('gives the same answer every time even with a g or y flag', () => {
    const scope = compileNamePattern('/scope/gy');
    expect([scope('scope'), scope('scope'), scope('scope')]).toEqual([true, true, true]);
  });
});

describe('compileTextPattern and anyOf', () => {
  it('treats plain text as a case-insensitive substring', () => {
    expect(compileTextPattern('Exempt From')('It is exempt from rotation')).toBe(true);
    expect(compileTextPattern('exempt from')('exemption')).toBe(false);
  });

  it('accepts a value when any pattern does', () => {
    const matches = anyOf(['alpha', '/^b\\d$/'], compileTextPattern);
    expect(['xALPHAx', 'b7', 'b77', 'gamma'].map(matches)).toEqual([true, true, false, false]);
    expect(anyOf([], compileTextPattern)('anything')).toBe(false);
  });

  it('reads only whole /source/flags strings as regular expressions', () => {
    expect(parseRegexLiteral('/handbook/security')).toBeUndefined();
    expect(parseRegexLiteral('/handbook/security/#exceptions')).toBeUndefined();
    expect(parseRegexLiteral('/handbook/security/i')?.flags).toBe('i');
    expect(parseRegexLiteral('plain')).toBeUndefined();
  });
});

describe('patternSchema', () => {
  it('rejects an invalid regular expression and an empty pattern', () => {
    const list = z.array(patternSchema);
    expect(list.safeParse(['/ok/i', 'plain']).success).toBe(true);
    expect(list.safeParse(['/[unclosed/']).error?.issues[0]?.message).toMatch(/invalid pattern/);
    expect(list.safeParse(['']).success).toBe(false);
  });
});

describe('compileTargetPattern', () => {
  it('normalizes a plain pattern the way targets are, then looks for it', () => {
    const process = compileTargetPattern('/handbook/security/controlled-document-procedure/#exceptions');
    expect(process(normalizeTarget('handbook/security/controlled-document-procedure.md#exceptions'))).toBe(true);
    expect(process(normalizeTarget('/handbook/security/controlled-document-procedure/'))).toBe(false);
  });
});
