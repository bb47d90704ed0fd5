// Text quoted from documents, paths and CODEOWNERS into GitLab comments is untrusted: GitLab
// runs quick actions at line starts, notifies @mentions, cross-references `#1`-style references,
// autolinks URLs and renders Markdown/HTML (research §11).

const ZERO_WIDTH_SPACE = '\u200B';
/** Longest quote kept; findings are about documents, not a place to paste them. */
const MAX_QUOTED_CHARS = 1000;
/**
 * C0 controls other than whitespace (which becomes spaces), DEL, C1 controls, and the bidi
 * controls that make a quote read differently from what it holds (Trojan Source).
 */
// eslint-disable-next-line no-control-regex -- stripping control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000E-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
/**
 * Sigils of GitLab references: user `@`, issue `#`, merge request `!`, epic `&`, milestone `%`,
 * label `~`, snippet `$`, iteration `*iteration:` and the `[vulnerability:1]` form. GitLab finds
 * references in the rendered text, where `&amp;` is `&` and `\!` is `!`, so only a character
 * between the sigil and what follows it stops one.
 */
const REFERENCE_SIGILS = /[@#!&%~$*[]/g;

function oneLine(text: string): string {
  const flat = text.replace(CONTROL_CHARACTERS, '').replace(/\s+/g, ' ').trim();
  return flat.length > MAX_QUOTED_CHARS ? `${flat.slice(0, MAX_QUOTED_CHARS)}…` : flat;
}

/** GitLab autolinks `scheme://…` and `www.…` in prose; a zero-width space inside keeps them text. */
function breakAutolinks(text: string): string {
  return text.replace(/:\/\//g, `:${ZERO_WIDTH_SPACE}//`).replace(/(www)\./gi, `$1${ZERO_WIDTH_SPACE}.`);
}

/**
 * Untrusted text as inert Markdown prose on one line: no line break (so no line can start with a
 * quick action), no control characters, HTML and Markdown syntax escaped, no autolinked URL, and
 * a zero-width space after every reference sigil so nobody is notified and nothing is
 * cross-referenced (email addresses lose their autolink with the `@`).
 */
export function neutralise(text: string): string {
  const escaped = breakAutolinks(oneLine(text))
    .replace(REFERENCE_SIGILS, `$&${ZERO_WIDTH_SPACE}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|!{}]/g, (char) => `\\${char}`);
  // A caller may still put the text at the start of a line.
  return escaped.startsWith('/') ? `${ZERO_WIDTH_SPACE}${escaped}` : escaped;
}

/**
 * Untrusted text as a plain one-line title (GitLab renders titles as text, with references):
 * no control characters, no line break, nothing cross-referenced or autolinked.
 */
export function inertTitle(text: string): string {
  return breakAutolinks(oneLine(text)).replace(REFERENCE_SIGILS, `$&${ZERO_WIDTH_SPACE}`);
}

/**
 * Untrusted text as a one-line code span: mentions inside code are not references. `<!--` is
 * broken because policylint finds its own comments by `<!-- policylint:… -->` markers in the raw body.
 */
export function codeSpan(text: string): string {
  const flat = oneLine(text).replace(/<!--/g, `<${ZERO_WIDTH_SPACE}!--`);
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
