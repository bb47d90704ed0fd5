/**
 * Any string shaped like a GitLab token (a documented token prefix, or a runner registration
 * token), not only ours: an error may quote a token we were never given. The optional `.xx` parts
 * are the suffixes of newer, routable tokens.
 */
const GITLAB_TOKEN_SHAPE =
  /(?:(?:glpat|gloas|gldt|glrt|glcbt|glptt|glft|glimt|glagent|glsoat|glffct|gltst|glsa)-|GR1348941)[A-Za-z0-9_-]{20,}(?:\.[A-Za-z0-9_-]+)*/g;

/**
 * Replaces every secret (and its URL-encoded form) and every token-shaped string in text; secrets
 * shorter than 4 characters are ignored to avoid mangling output.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) result = result.split(form).join('[REDACTED]');
  }
  return result.replace(GITLAB_TOKEN_SHAPE, '[REDACTED]');
}

/**
 * A one-line description of any error for logs: name, message and the messages of its cause chain,
 * never request objects or headers (gitbeaker errors carry the request, which holds the token).
 */
export function describeError(error: unknown, secrets: readonly string[]): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    if (current instanceof Error) {
      parts.push(current.message);
      current = current.cause instanceof Error ? current.cause : undefined;
    } else {
      parts.push(typeof current === 'string' ? current : 'unknown error');
      current = undefined;
    }
  }
  return redact([...new Set(parts)].join(': ').replace(/\s+/g, ' ').trim(), secrets);
}
