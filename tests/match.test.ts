import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { containsTarget, normalizeTarget } from '../src/links/target.js';
import { compilePattern, matchesAny, patternSchema, plainText } from '../src/model/match.js';
import { normalizeHeading } from '../src/model/parse.js';

describe('compilePattern with heading names', () => {
  it('compares a plain name with the normalized heading as a whole', () => {
    const roles = compilePattern('Roles & Responsibilities:', plainText.headingName);
    expect(roles.test(normalizeHeading('Roles and responsibilities'))).toBe(true);
    expect(roles.test(normalizeHeading('<i class="x"></i> Roles &amp; Responsibilities'))).toBe(true);
    expect(roles.test(normalizeHeading('ISMS Roles and Responsibilities'))).toBe(false);
    expect(compilePattern('Scope', plainText.headingName).test(normalizeHeading('Not in Scope'))).toBe(false);
  });

  it('tests a /regex/ against the normalized heading', () => {
    const exceptions = compilePattern('/^exceptions\\b/', plainText.headingName);
    expect(exceptions.test('exceptions to the tprm process')).toBe(true);
    expect(exceptions.test('sla exception procedures')).toBe(false);
    expect(compilePattern('/^SCOPE$/i', plainText.headingName).test('scope')).toBe(true);
    expect(compilePattern('/^SCOPE$/', plainText.headingName).test('scope')).toBe(false);
  });

  it('drops g and y, so it gives the same answer every time, in every file', () => {
    const scope = compilePattern('/scope/gy', plainText.headingName);
    expect(scope.regex?.flags).toBe('');
    expect([scope.test('scope'), scope.test('scope'), scope.test('the scope')]).toEqual([true, true, true]);
  });
});

describe('plain text meanings and matchesAny', () => {
  it('substring ignores case; exactSubstring and exactValue do not', () => {
    expect(compilePattern('Exempt From', plainText.substring).test('It is exempt from rotation')).toBe(true);
    expect(compilePattern('exempt from', plainText.substring).test('exemption')).toBe(false);
    expect(compilePattern('Controlled', plainText.exactSubstring).test('a controlled page')).toBe(false);
    expect(compilePattern('POL-1', plainText.exactValue).test('POL-12')).toBe(false);
    expect(compilePattern('POL-1', plainText.exactValue).test('POL-1')).toBe(true);
  });

  it('accepts a value when any pattern does', () => {
    const patterns = ['alpha', '/^b\\d$/'].map((source) => compilePattern(source, plainText.substring));
    expect(['xALPHAx', 'b7', 'b77', 'gamma'].map((value) => matchesAny(patterns, value))).toEqual([true, true, false, false]);
    expect(matchesAny([], 'anything')).toBe(false);
  });

  it('reads only whole /source/flags strings as regular expressions', () => {
    const regexOf = (source: string) => compilePattern(source, plainText.substring).regex;
    expect(regexOf('/handbook/security')).toBeUndefined();
    expect(regexOf('/handbook/security/#exceptions')).toBeUndefined();
    expect(regexOf('/handbook/security/i')?.flags).toBe('i');
    expect(regexOf('plain')).toBeUndefined();
  });

  it('serializes as the source written', () => {
    expect(JSON.stringify({ contains: compilePattern('/x/i', plainText.substring) })).toBe('{"contains":"/x/i"}');
  });
});

describe('patternSchema', () => {
  it('compiles at parse time, and rejects an invalid regular expression and an empty pattern', () => {
    const list = z.array(patternSchema(plainText.substring));
    expect(list.parse(['/ok/i', 'plain']).map((pattern) => pattern.test('OK, plain'))).toEqual([true, true]);
    expect(list.safeParse(['/[unclosed/']).error?.issues[0]?.message).toBe('invalid regular expression (Unterminated character class)');
    expect(list.safeParse(['']).success).toBe(false);
  });

  it('rejects plain text that reads as a regular expression where the option once took bare ones', () => {
    const former = patternSchema(plainText.exactValue, { formerBareRegexFlags: '' });
    for (const source of ['^POL-\\d+$', 'POL-\\d+', 'a|b', 'draft.*', 'end$']) {
      expect(former.safeParse(source).error?.issues[0]?.message, source).toBe(
        `plain text here is not a regular expression any more; to keep this one, write /${source}/`,
      );
    }
    expect(former.parse('/^POL-\\d+$/').test('POL-12')).toBe(true);
    expect(former.parse('POL-1').test('POL-1')).toBe(true);
    expect(patternSchema(plainText.exactValue).parse('^x$').test('^x$')).toBe(true);
  });
});

describe('containsTarget', () => {
  it('normalizes plain text the way targets are, then looks for it', () => {
    const process = compilePattern('/handbook/security/controlled-document-procedure/#exceptions', containsTarget);
    expect(process.regex).toBeUndefined();
    expect(process.test(normalizeTarget('handbook/security/controlled-document-procedure.md#exceptions'))).toBe(true);
    expect(process.test(normalizeTarget('/handbook/security/controlled-document-procedure/'))).toBe(false);
  });
});
