// Text quoted from documents, paths and CODEOWNERS into GitLab comments is untrusted: GitLab
// runs quick actions at line starts, notifies @mentions and renders Markdown/HTML (research §11).

const ZERO_WIDTH_SPACE = '\u200B';
/** Longest quote kept; findings are about documents, not a place to paste them. */
const MAX_QUOTED_CHARS = 1000;

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_QUOTED_CHARS ? `${flat.slice(0, MAX_QUOTED_CHARS)}…` : flat;
}

/**
 * Untrusted text as inert Markdown prose on one line: no line break (so no line can start with a
 * quick action), HTML and Markdown syntax escaped, and a zero-width space after `@` and the other
 * reference sigils so nobody is notified and nothing is cross-referenced.
 */
export function neutralise(text: string): string {
  const escaped = oneLine(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|!{}]/g, (char) => `\\${char}`)
    .replace(/([@#~%$])/g, `$1${ZERO_WIDTH_SPACE}`);
  // A caller may still put the text at the start of a line.
  return escaped.startsWith('/') ? `${ZERO_WIDTH_SPACE}${escaped}` : escaped;
}

/** Untrusted text as a one-line code span: mentions inside code are not references. */
export function codeSpan(text: string): string {
  const flat = oneLine(text);
  const longestRun = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longestRun + 1);
  // CommonMark strips one space on each side when both are present; keeps edge backticks apart from the fence.
  const padded = flat.startsWith('`') || flat.endsWith('`') || flat === '' ? ` ${flat} ` : flat;
  return `${fence}${padded}${fence}`;
}

/** Last line of defence for a whole comment we built: no line may start (after trimming) with `/`. */
export function defuseLineStarts(body: string): string {
  return body
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => (line.trimStart().startsWith('/') ? line.replace('/', `${ZERO_WIDTH_SPACE}/`) : line))
    .join('\n');
}
