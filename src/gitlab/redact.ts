/** Replaces every secret (and its URL-encoded form) in text; secrets shorter than 4 characters are ignored to avoid mangling output. */
export function redact(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) result = result.split(form).join('[REDACTED]');
  }
  return result;
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
