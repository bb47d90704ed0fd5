import { describe, expect, it } from 'vitest';
import { codeSpan, defuseLineStarts, neutralise } from '../src/gitlab/sanitize.js';
import { detectMentions, detectQuickActions } from './fake-gitlab/text.js';

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
