import { z } from 'zod';
import { normalizeHeading } from './parse.js';

/**
 * The pattern convention of every option that matches text: a string written as `/source/flags`
 * (JavaScript flags) is a regular expression; anything else is plain text, compared the way the
 * option says (heading name, substring, exact value, ...). So `/handbook/security` is plain text.
 */
const REGEX_LITERAL = /^\/(.+)\/([dgimsuvy]*)$/s;

/** A pattern option compiled once, at config load. */
export interface Pattern {
  /** As written in the config: for messages, `--print-config` and the preset warnings. */
  readonly source: string;
  /** The expression of a `/regex/flags` pattern (without `g`/`y`); undefined for plain text. */
  readonly regex: RegExp | undefined;
  test(value: string): boolean;
  toJSON(): string;
}

/** How an option compares plain text with a value; a `/regex/` is always tested against the value as is. */
export type PlainMatcher = (text: string) => (value: string) => boolean;

/** Plain-text meanings shared by several options. */
export const plainText = {
  /** Equal to the heading after both go through `normalizeHeading` (`Roles & Responsibilities:` = `roles and responsibilities`). */
  headingName: (text) => {
    const name = normalizeHeading(text);
    return (normalized) => normalized === name;
  },
  /** Occurs in the value, ignoring case. */
  substring: (text) => {
    const needle = text.toLowerCase();
    return (value) => value.toLowerCase().includes(needle);
  },
  /** Occurs in the value, case as written. */
  exactSubstring: (text) => (value) => value.includes(text),
  /** Is the whole value. */
  exactValue: (text) => (value) => value === text,
} satisfies Record<string, PlainMatcher>;

/** Compiles a pattern; throws on an invalid regular expression (the schema turns that into a config error). */
export function compilePattern(source: string, plain: PlainMatcher): Pattern {
  const literal = REGEX_LITERAL.exec(source);
  // `g` and `y` make `test` resume where the last match stopped, so one pattern would alternate between match and miss across files.
  const regex = literal ? new RegExp(literal[1]!, literal[2]!.replace(/[gy]/g, '')) : undefined;
  const test = regex ? (value: string) => regex.test(value) : plain(source);
  return { source, regex, test, toJSON: () => source };
}

/** Whether any of the patterns matches the value. */
export function matchesAny(patterns: readonly Pattern[], value: string): boolean {
  return patterns.some((pattern) => pattern.test(value));
}

/** Plain text that reads as a regular expression's source: anchors, escapes such as `\d`, `.*`, alternation. */
const REGEX_LIKE = /^\^|(?<!\\)\$$|\\[dDwWsSbB]|[.\])][*+?]|\|/;

export interface PatternSchemaOptions {
  /**
   * The option once took a bare regular expression read with these flags: plain text that looks
   * like one is rejected with the `/source/flags` to write, rather than silently becoming plain text.
   */
  formerBareRegexFlags?: string;
}

/**
 * Option schema for one pattern: compiled at config load, so a broken `/regex/` is a configuration
 * error naming the key, never a failure mid-run. The JSON Schema describes the input, a string.
 */
export function patternSchema(plain: PlainMatcher, options: PatternSchemaOptions = {}) {
  return z
    .string()
    .min(1)
    .transform((source, ctx): Pattern => {
      if (options.formerBareRegexFlags !== undefined && !REGEX_LITERAL.test(source) && REGEX_LIKE.test(source)) {
        ctx.addIssue({
          code: 'custom',
          message: `plain text here is not a regular expression any more; to keep this one, write /${source}/${options.formerBareRegexFlags}`,
        });
        return z.NEVER;
      }
      try {
        return compilePattern(source, plain);
      } catch (error) {
        const reason = (error as Error).message.replace(/^Invalid regular expression: \/.*\/\w*: /s, '');
        ctx.addIssue({ code: 'custom', message: `invalid regular expression (${reason})` });
        return z.NEVER;
      }
    });
}
