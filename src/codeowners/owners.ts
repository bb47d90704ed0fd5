import type { Owner } from './types.js';

// GitLab namespace paths: letters, digits, `_`, `.`, `-`, not starting with `-`; groups nest with `/`.
const NAME = String.raw`[A-Za-z0-9_.][A-Za-z0-9_.\-]*`;
const USER_OR_GROUP = new RegExp(`^@${NAME}(?:/${NAME})*$`);
// Only these project roles exist as CODEOWNERS references (plural accepted, any case).
const ROLE = /^@@(?:developer|maintainer|owner)s?$/i;
// GitLab's email reference: bounded local part and domain, ending in a word character.
const EMAIL = /^[^@\s]{1,100}@[^@\s]{1,255}(?<!\W)$/;

function classifyOwner(token: string): Owner | undefined {
  if (ROLE.test(token)) return { text: token, kind: 'role' };
  if (USER_OR_GROUP.test(token)) return { text: token, kind: token.includes('/') ? 'group' : 'user' };
  if (EMAIL.test(token)) return { text: token, kind: 'email' };
  return undefined;
}

interface OwnerToken {
  text: string;
  /** 0-based offset of the token inside the owner text. */
  offset: number;
}

function ownerTokens(text: string): OwnerToken[] {
  return [...text.matchAll(/\S+/g)].map((m) => ({ text: m[0], offset: m.index }));
}

export interface ParsedOwners {
  /** Valid owners, deduplicated case-insensitively, in the order written. */
  owners: Owner[];
  malformed: OwnerToken[];
}

export function parseOwners(text: string): ParsedOwners {
  const owners: Owner[] = [];
  const malformed: OwnerToken[] = [];
  const seen = new Set<string>();
  for (const token of ownerTokens(text)) {
    const owner = classifyOwner(token.text);
    if (!owner) {
      malformed.push(token);
      continue;
    }
    const key = owner.text.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    owners.push(owner);
  }
  return { owners, malformed };
}
