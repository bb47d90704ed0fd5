const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** Whether a target leaves the repository: any URL scheme (`https:`, `mailto:`, ...) or a protocol-relative `//host`. */
export function isExternal(target: string): boolean {
  return SCHEME.test(target) || target.startsWith('//');
}

export interface TargetParts {
  /** Path part, without query or fragment; empty for an in-page `#anchor`. */
  path: string;
  /** Fragment without `#`, undefined when the target has none. */
  anchor: string | undefined;
}

/** The parser keeps spaces inside Hugo shortcodes as no-break spaces; targets are compared with plain ones. */
function plainSpaces(target: string): string {
  return target.replace(/\u00a0/g, ' ').trim();
}

export function splitTarget(target: string): TargetParts {
  const [, path = '', fragment] = /^([^?#]*)(?:\?[^#]*)?(?:#(.*))?$/s.exec(plainSpaces(target))!;
  return { path, anchor: fragment };
}

/**
 * One spelling for the many ways a handbook writes the same target, so patterns need not list
 * them all: lower case, no leading `/`, no trailing `/` before the query, fragment or end, and no
 * `.md` / `_index.md` / `index.md` suffix (`/handbook/security/_index.md#x` and
 * `handbook/security/#x` both become `handbook/security#x`; a bare `_index.md#x` becomes `#x`).
 */
export function normalizeTarget(target: string): string {
  const [, path = '', rest = ''] = /^([^?#]*)(.*)$/s.exec(plainSpaces(target).toLowerCase())!;
  const page = path
    .replace(/^\/+/, '')
    .replace(/(?:^|\/)_?index\.md$/, '')
    .replace(/\.md$/, '')
    // From the first of the trailing slashes only, not from each slash of every run.
    .replace(/(?<!\/)\/+$/, '');
  return page + rest;
}

/** The plain-text meaning of an exception-process target pattern: normalized the same way, it occurs in the normalized target. */
export function containsTarget(text: string): (normalizedTarget: string) => boolean {
  const needle = normalizeTarget(text);
  return (target) => target.includes(needle);
}
