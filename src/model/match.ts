import { z } from 'zod';
import { normalizeHeading } from './parse.js';

/**
 * Pattern convention shared by rule options: a string written as `/source/flags` (JavaScript
 * flags only) is a regular expression; anything else is plain text, compared in a way each caller
 * defines (whole heading name, substring, ...). So `/handbook/security` is plain text.
 */
const REGEX_LITERAL = /^\/(.+)\/([dgimsuvy]*)$/s;

/** The regular expression a `/source/flags` pattern stands for, or undefined for plain text. Throws on an invalid expression. */
export function parseRegexLiteral(pattern: string): RegExp | undefined {
  const literal = REGEX_LITERAL.exec(pattern);
  if (!literal) return undefined;
  // `g` and `y` make `test` remember where it stopped, so the same pattern would alternate between match and miss.
  return new RegExp(literal[1]!, literal[2]!.replace(/[gy]/g, ''));
}

function compiles(pattern: string): boolean {
  try {
    parseRegexLiteral(pattern);
    return true;
  } catch {
    return false;
  }
}

/** Option schema for one pattern, so a broken `/regex/` is a configuration error rather than a crash mid-run. */
export const patternSchema = z
  .string()
  .min(1)
  .refine(compiles, { message: 'invalid pattern: `/source/flags` must be a valid regular expression' });

/**
 * Matcher for a section name: a plain name equals the heading after both go through
 * `normalizeHeading` (so `Roles & Responsibilities:` matches `roles and responsibilities`);
 * a `/regex/` is tested against the normalized heading.
 */
export function compileNamePattern(pattern: string): (normalized: string) => boolean {
  const regex = parseRegexLiteral(pattern);
  if (regex) return (normalized) => regex.test(normalized);
  const name = normalizeHeading(pattern);
  return (normalized) => normalized === name;
}

/** Matcher for free text: a plain pattern is a case-insensitive substring; a `/regex/` is tested as written. */
export function compileTextPattern(pattern: string): (text: string) => boolean {
  const regex = parseRegexLiteral(pattern);
  if (regex) return (text) => regex.test(text);
  const needle = pattern.toLowerCase();
  return (text) => text.toLowerCase().includes(needle);
}

/** One matcher that accepts what any of the patterns accepts. */
export function anyOf<T>(patterns: readonly string[], compile: (pattern: string) => (value: T) => boolean): (value: T) => boolean {
  const matchers = patterns.map(compile);
  return (value) => matchers.some((matches) => matches(value));
}
