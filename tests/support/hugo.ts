/**
 * The Hugo oracle for tests/links-hugo.test.ts: builds fixtures/hugo-site (or any site) with the
 * real `hugo` and reports what the published site can and cannot serve.
 *
 * - `findHugo()`: the `hugo` binary and its version, or undefined when it is not installed.
 * - `buildOracle()`: copies the site to a temporary folder (Hugo writes `.hugo_build.lock` into
 *   its source), runs one `hugo` build with `refLinksErrorLevel = "WARNING"` in the site config,
 *   and reads back
 *   (a) per source page, the element ids Hugo rendered (`id` attributes outside comments, plus
 *       `<a name>`), read from a `<meta name="policylint-source">` the fixture's layout writes;
 *   (b) every REF_NOT_FOUND warning as { page, line, column, ref, reason };
 *   (c) every link Hugo cannot serve, mapped back to the source (see `mapHref`).
 *
 * Mapping rendered links back to source lines (Hugo keeps no positions for links):
 * - a REF_NOT_FOUND warning carries `"<file>:<line>:<column>"` of the shortcode's `{{<`, so it
 *   maps to the ref written there exactly (except a ref nested in another shortcode, which Hugo
 *   logs at "1:1": see `placeRefNotFound`);
 * - a broken `<a href>` on a page is matched against the link targets written in that page's
 *   source (Markdown `](dest)`, `[label]: dest`, HTML `href="dest"`, and ref/relref shortcodes).
 *   A plain target matches when it equals the href (after HTML-entity and percent decoding). A
 *   ref renders as a permalink, so it matches by what it keeps: its `#fragment` (or the whole
 *   ref for `"#x"` refs). The n-th occurrence of an href in the HTML is paired with the n-th
 *   matching source target; when the counts differ the mapping is ambiguous and `buildOracle`
 *   throws, so a harness gap is never mistaken for a disagreement. The scan of the source is a
 *   plain text scan (no Markdown parse): it also finds targets inside code, which is fine as long
 *   as the fixture keeps links out of code blocks.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lint } from '../../src/engine/run.js';

export interface HugoBinary {
  path: string;
  /** e.g. `0.111.3` */
  version: string;
  versionLine: string;
}

/** A link target as written in a source page. */
export interface SourceTarget {
  kind: 'markdown' | 'definition' | 'html' | 'ref' | 'relref';
  /** The target as written: a link destination, or a ref's quoted argument. */
  target: string;
  /** 1-based line and column of the target (for a ref, of its `{{`). */
  line: number;
  column: number;
  /** 0-based offset of the same point in the source, and one past the end of the link text. */
  offset: number;
  end: number;
}

export interface RefNotFound {
  /** Repository-relative source path, e.g. `content/refs/resolution.md`. */
  page: string;
  line: number;
  column: number;
  /** The ref as Hugo prints it (an absolute URL is printed as its path, an anchor is dropped). */
  ref: string;
  /** `page not found`, `page reference "/x" is ambiguous`, … */
  reason: string;
}

export interface Unservable {
  page: string;
  line: number;
  column: number;
  /** The target as written in the source (a ref's argument for refs). */
  target: string;
  kind: SourceTarget['kind'];
  /** `error`: the link cannot be served. `warn`: served through an alias redirect that loses its `#fragment`. */
  severity: 'error' | 'warn';
  reason: string;
  /** The href Hugo rendered (refs that were not found render `refLinksNotFoundURL`). */
  href: string;
}

export interface HugoOracle {
  hugo: HugoBinary;
  /** The temporary copy of the site (build output in `<siteRoot>/public`): lint this folder. */
  siteRoot: string;
  /** Per source page: its URL path and the ids rendered on it, in document order. */
  pages: Map<string, { url: string; ids: string[] }>;
  /** Alias URL path → the URL it redirects to. */
  aliases: Map<string, string>;
  refNotFound: RefNotFound[];
  /** REF_NOT_FOUND refs and broken hrefs together, sorted by page, line, column. */
  unservable: Unservable[];
  /** Every link target of every source page, for sanity checks. */
  targets: Map<string, SourceTarget[]>;
  /** Raw Hugo output (stdout + stderr). */
  log: string;
  durationMs: number;
}

const NOT_FOUND_URL = '/REF_NOT_FOUND/';

let found: HugoBinary | null | undefined;

/** The `hugo` on PATH (or `$HUGO`), or undefined when there is none that runs. */
export function findHugo(): HugoBinary | undefined {
  if (found !== undefined) return found ?? undefined;
  const bin = process.env.HUGO || 'hugo';
  const result = spawnSync(bin, ['version'], { encoding: 'utf8', timeout: 10_000 });
  const line = result.status === 0 ? result.stdout.trim() : '';
  const version = /\bv(\d+\.\d+\.\d+)/.exec(line)?.[1];
  found = version ? { path: bin, version, versionLine: line } : null;
  return found ?? undefined;
}

export function cleanupOracle(oracle: HugoOracle): void {
  fs.rmSync(path.dirname(oracle.siteRoot), { recursive: true, force: true });
}

/** Builds `siteDir` once with Hugo and reads back what it served. Throws when the build fails or a finding cannot be mapped. */
export function buildOracle(siteDir: string, hugo: HugoBinary = findHugo()!): HugoOracle {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'policylint-hugo-'));
  const siteRoot = path.join(tmp, 'site');
  fs.cpSync(siteDir, siteRoot, { recursive: true });
  const publicDir = path.join(siteRoot, 'public');
  const started = Date.now();
  const result = spawnSync(hugo.path, ['--source', siteRoot, '--destination', publicDir, '--cacheDir', path.join(tmp, 'cache'), '--noBuildLock'], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, HUGO_ENVIRONMENT: 'production', TZ: 'UTC' },
  });
  const durationMs = Date.now() - started;
  const log = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0) {
    throw new Error(`hugo failed (exit ${result.status}):\n${log}`);
  }

  const targets = new Map<string, SourceTarget[]>();
  for (const file of walk(path.join(siteRoot, 'content'))) {
    if (!/\.(md|markdown)$/i.test(file)) continue;
    const rel = path.relative(siteRoot, file).split(path.sep).join('/');
    targets.set(rel, sourceTargets(fs.readFileSync(file, 'utf8')));
  }

  // Rendered HTML files: URL path → parsed page.
  const html = new Map<string, RenderedPage>();
  const aliases = new Map<string, string>();
  for (const file of walk(publicDir)) {
    if (!file.endsWith('.html')) continue;
    const text = fs.readFileSync(file, 'utf8');
    const rel = path.relative(publicDir, file).split(path.sep).join('/');
    const url = `/${rel}`.replace(/(^|\/)index\.html$/, '$1');
    const refresh = /<meta http-equiv="refresh" content="0; url=([^"]+)"/i.exec(text);
    if (refresh) {
      aliases.set(url, new URL(decodeEntities(refresh[1]!)).pathname);
      continue;
    }
    html.set(url, parseHtml(text, url));
  }
  const pages = new Map<string, { url: string; ids: string[] }>();
  for (const page of html.values()) if (page.source) pages.set(page.source, { url: page.url, ids: page.ids });

  const refNotFound = parseRefNotFound(log, siteRoot);
  const unservable: Unservable[] = [];
  const notFound = placeRefNotFound(refNotFound, targets);
  for (const { warning, at } of notFound) {
    unservable.push({
      page: warning.page,
      line: at.line,
      column: at.column,
      target: at.target,
      kind: at.kind,
      severity: 'error',
      reason: `REF_NOT_FOUND: ${warning.reason}`,
      href: NOT_FOUND_URL,
    });
  }

  const baseURL = readBaseURL(siteRoot);
  for (const page of html.values()) {
    if (!page.source) continue;
    const written = targets.get(page.source) ?? [];
    const broken = new Map<string, Array<{ severity: 'error' | 'warn'; reason: string }>>();
    for (const href of page.hrefs) {
      const verdict = judgeHref(href, page, html, aliases, publicDir, baseURL);
      if (verdict === 'external' || verdict === 'not-found-placeholder') continue;
      const list = broken.get(href) ?? [];
      // Keep one slot per occurrence so occurrences pair up with source targets in order.
      list.push(verdict === 'ok' ? { severity: 'error', reason: '' } : verdict);
      broken.set(href, list);
    }
    for (const [href, verdicts] of broken) {
      if (verdicts.every((v) => v.reason === '')) continue;
      // A ref that was not found renders the placeholder, not this href.
      const matches = written.filter((t) => sameTarget(t, href) && !notFound.some((n) => n.at === t));
      if (matches.length !== verdicts.length) {
        throw new Error(
          `cannot map href "${href}" on ${page.source} back to its source: ${verdicts.length} in the HTML, ${matches.length} matching targets in the source (${matches.map((m) => `${m.line}:${m.column} ${m.target}`).join(', ') || 'none'})`,
        );
      }
      verdicts.forEach((verdict, i) => {
        if (verdict.reason === '') return;
        const at = matches[i]!;
        unservable.push({
          page: page.source!,
          line: at.line,
          column: at.column,
          target: at.target,
          kind: at.kind,
          severity: verdict.severity,
          reason: verdict.reason,
          href,
        });
      });
    }
  }
  unservable.sort((a, b) => a.page.localeCompare(b.page) || a.line - b.line || a.column - b.column);
  return { hugo, siteRoot, pages, aliases, refNotFound, unservable, targets, log, durationMs };
}

/* ---------------------------------------------------------------- Hugo's log */

/**
 * Hugo 0.111 logs, with `refLinksErrorLevel = "WARNING"`:
 *   WARN 2023/03/16 08:41:31 [en] REF_NOT_FOUND: Ref "x": "/abs/content/p.md:12:34": page not found
 * The position is the ref shortcode's `{{<` (1-based line and column). Later releases drop the
 * timestamp and `[en]` prefix, which the pattern tolerates.
 */
export function parseRefNotFound(log: string, siteRoot: string): RefNotFound[] {
  const out: RefNotFound[] = [];
  const pattern = /REF_NOT_FOUND: Ref "((?:[^"\\]|\\.)*)"(?: from page "[^"]*")?: "([^"]+?):(\d+):(\d+)": (.*)$/gm;
  for (const m of log.matchAll(pattern)) {
    const file = path.isAbsolute(m[2]!) ? path.relative(siteRoot, m[2]!) : m[2]!;
    out.push({ page: file.split(path.sep).join('/'), line: Number(m[3]), column: Number(m[4]), ref: m[1]!, reason: m[5]!.trim() });
  }
  const all = log.match(/REF_NOT_FOUND/g)?.length ?? 0;
  if (all !== out.length) throw new Error(`unparsed REF_NOT_FOUND lines in Hugo's log:\n${log}`);
  return out;
}

/**
 * Pairs each REF_NOT_FOUND with the ref it is about. Hugo 0.111 logs a ref inside another
 * shortcode's inner content (`{{% alert %}} … {{< ref "x" >}} … {{% /alert %}}`) at "1:1": its
 * position is lost. A ref's verdict depends only on its page and argument, so such warnings stand
 * for the refs of that page with that argument that no positioned warning names; when their
 * counts differ, the mapping is ambiguous and this throws.
 */
function placeRefNotFound(refNotFound: RefNotFound[], targets: Map<string, SourceTarget[]>): Array<{ warning: RefNotFound; at: SourceTarget }> {
  const refsOf = (page: string) => (targets.get(page) ?? []).filter((t) => t.kind === 'ref' || t.kind === 'relref');
  const placed: Array<{ warning: RefNotFound; at: SourceTarget }> = [];
  const unplaced: RefNotFound[] = [];
  for (const warning of refNotFound) {
    const onLine = refsOf(warning.page).filter((t) => t.line === warning.line);
    const at = onLine.length === 1 ? onLine[0] : onLine.find((t) => t.column === warning.column);
    if (at) placed.push({ warning, at });
    else if (warning.line === 1 && warning.column === 1) unplaced.push(warning);
    else throw new Error(`REF_NOT_FOUND at ${warning.page}:${warning.line}:${warning.column} matches no ref in the source`);
  }
  const named = new Set(placed.map((p) => p.at));
  for (const key of new Set(unplaced.map((w) => `${w.page}\0${w.ref}`))) {
    const warnings = unplaced.filter((w) => `${w.page}\0${w.ref}` === key);
    const { page, ref } = warnings[0]!;
    const refs = refsOf(page).filter((t) => !named.has(t) && refAsLogged(t.target) === ref);
    if (refs.length !== warnings.length) {
      throw new Error(
        `cannot place ${warnings.length} REF_NOT_FOUND for "${ref}" logged at ${page}:1:1: ${refs.length} such refs in the source are not named elsewhere`,
      );
    }
    refs.forEach((at, i) => placed.push({ warning: warnings[i]!, at }));
  }
  return placed;
}

/** A ref's argument as Hugo logs it: the path of the URL it parses (no host, query or fragment, percent-decoded). */
function refAsLogged(target: string): string {
  return safeDecode(/^(?:[a-z][a-z\d+.-]*:\/\/[^/?#]*)?([^?#]*)/i.exec(target)![1]!);
}

/* ---------------------------------------------------------------- source scan */

/** Link targets written in a page: Markdown links and definitions, HTML hrefs, ref/relref shortcodes. */
export function sourceTargets(source: string): SourceTarget[] {
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === '\n') lineStarts.push(i + 1);
  const at = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - lineStarts[lo]! + 1 };
  };
  const out: SourceTarget[] = [];
  const add = (kind: SourceTarget['kind'], target: string, offset: number, end: number) => out.push({ kind, target, offset, end, ...at(offset) });
  // `"x"`, `"x" "html"` (output format) or named, `path="x"` among others.
  for (const m of source.matchAll(/\{\{[<%]\s*(ref|relref)\s+(?:\w+="[^"]*"\s+)*?(?:path=)?"([^"]*)"(?:\s+(?:\w+=)?"[^"]*")*\s*[>%]\}\}/g))
    add(m[1] as 'ref' | 'relref', m[2]!, m.index!, m.index! + m[0].length);
  // Shortcodes blanked out so their quotes and brackets do not confuse the link patterns.
  const plain = source.replace(/\{\{[<%][\s\S]*?[>%]\}\}/g, (s) => ' '.repeat(s.length));
  // A destination may hold balanced parentheses: `[x]((/a))` links to `(/a)`.
  for (const m of plain.matchAll(/\]\(\s*<?((?:[^\s()>]|\([^\s()>]*\))+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    if (m[1]!.trim() === '') continue;
    add('markdown', m[1]!, m.index! + m[0].indexOf(m[1]!), m.index! + m[0].length);
  }
  for (const m of plain.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm))
    add('definition', m[1]!, m.index! + m[0].indexOf(m[1]!), m.index! + m[0].length);
  for (const m of plain.matchAll(/\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    const value = m[1] ?? m[2]!;
    // `<a href="{{< ref … >}}">` is blanked above: the ref itself is the target.
    if (value.trim() === '') continue;
    add('html', value, m.index! + m[0].indexOf(value), m.index! + m[0].length);
  }
  return out.sort((a, b) => a.offset - b.offset);
}

function sameTarget(target: SourceTarget, href: string): boolean {
  const h = normalizeUrl(href);
  if (target.kind === 'ref' || target.kind === 'relref') {
    const hash = target.target.indexOf('#');
    if (hash === 0) return normalizeUrl(target.target) === h;
    if (hash < 0) return false; // a ref without a fragment is found (served) or REF_NOT_FOUND
    return h.endsWith(normalizeUrl(target.target.slice(hash)));
  }
  return normalizeUrl(target.target) === h;
}

function normalizeUrl(url: string): string {
  const decoded = decodeEntities(url);
  try {
    return decodeURI(decoded);
  } catch {
    return decoded;
  }
}

/* ---------------------------------------------------------------- rendered HTML */

interface RenderedPage {
  url: string;
  /** Repository-relative source, from the layout's `<meta name="policylint-source">`. */
  source?: string;
  ids: string[];
  hrefs: string[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'", nbsp: '\u00a0' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (all, name: string) => {
    if (name[0] === '#') return String.fromCodePoint(name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1)));
    return ENTITIES[name.toLowerCase()] ?? all;
  });
}

/** Tags of Hugo's output (comments removed; text is entity-escaped, so no `<` in text starts a tag). */
export function parseHtml(text: string, url: string): RenderedPage {
  const page: RenderedPage = { url, ids: [], hrefs: [] };
  const body = text.replace(/<!--[\s\S]*?-->/g, '').replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, '');
  for (const tag of body.matchAll(/<([a-zA-Z][\w:-]*)((?:\s+[^\s=>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))?)*)\s*\/?>/g)) {
    const name = tag[1]!.toLowerCase();
    const attrs = new Map<string, string>();
    for (const a of tag[2]!.matchAll(/([^\s=>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?/g))
      attrs.set(a[1]!.toLowerCase(), decodeEntities(a[2] ?? a[3] ?? a[4] ?? ''));
    if (name === 'meta' && attrs.get('name') === 'policylint-source') {
      const source = attrs.get('content');
      if (source) page.source = `content/${source}`;
    }
    const id = attrs.get('id');
    if (id) page.ids.push(id);
    if (name === 'a' && attrs.get('name')) page.ids.push(attrs.get('name')!);
    if (name === 'a' && attrs.has('href')) page.hrefs.push(attrs.get('href')!);
  }
  return page;
}

type Verdict = 'ok' | 'external' | 'not-found-placeholder' | { severity: 'error' | 'warn'; reason: string };

/** Whether the site serves an href found on a page, the way a browser following it would see it. */
function judgeHref(href: string, page: RenderedPage, html: Map<string, RenderedPage>, aliases: Map<string, string>, publicDir: string, baseURL: URL): Verdict {
  if (href === NOT_FOUND_URL) return 'not-found-placeholder';
  let url: URL;
  try {
    url = new URL(href, new URL(page.url, baseURL));
  } catch {
    return { severity: 'error', reason: 'not a URL' };
  }
  if (url.origin !== baseURL.origin) return 'external';
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return { severity: 'error', reason: 'bad percent-encoding' };
  }
  const fragment = url.hash ? safeDecode(url.hash.slice(1)) : '';
  // A directory is served by its index.html, with or without the trailing slash (web servers redirect).
  const dirPath = pathname.endsWith('/') ? pathname : `${pathname}/`;
  const alias = aliases.get(dirPath) ?? aliases.get(pathname);
  if (alias !== undefined) {
    return fragment ? { severity: 'warn', reason: `alias redirect to ${alias}: the #${fragment} is lost` } : 'ok';
  }
  const target = html.get(dirPath) ?? html.get(pathname);
  if (!target) {
    const file = path.join(publicDir, pathname);
    if (!pathname.endsWith('/') && fs.existsSync(file) && fs.statSync(file).isFile()) return 'ok';
    return { severity: 'error', reason: `${pathname} is not published` };
  }
  if (fragment && !target.ids.includes(fragment)) return { severity: 'error', reason: `no id "${fragment}" on ${target.url}` };
  return 'ok';
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function readBaseURL(siteRoot: string): URL {
  const config = fs.readFileSync(path.join(siteRoot, 'hugo.toml'), 'utf8');
  return new URL(/^baseURL\s*=\s*"([^"]+)"/m.exec(config)?.[1] ?? 'https://example.org/');
}

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))
    .sort();
}

/* ---------------------------------------------------------------- policylint's side */

export interface LinkFinding {
  page: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  severity: string;
  message: string;
}

/**
 * The only glue to policylint's API: lints every page of a site copy with the `links` rule alone
 * (at `error`, so an alias-anchor warning stays a warning) and returns its findings.
 */
export async function policylintLinks(siteRoot: string): Promise<LinkFinding[]> {
  const config = { classes: { page: { paths: ['content/**/*.md'], rules: { links: 'error' } } } };
  fs.writeFileSync(path.join(siteRoot, '.policylint.yml'), JSON.stringify(config, null, 2));
  const result = await lint({ cwd: siteRoot, now: new Date('2026-11-27') });
  return result.findings
    .filter((f) => f.ruleId === 'links')
    .map((f) => ({ page: f.path, line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn, severity: f.severity, message: f.message }));
}

/** The source target a policylint finding is about: the one written inside the finding's span, else the one around its start. */
export function findingTarget(oracle: HugoOracle, finding: LinkFinding): SourceTarget | undefined {
  const lines = fs.readFileSync(path.join(oracle.siteRoot, finding.page), 'utf8').split('\n');
  const offset = (line: number, column: number) => lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + column - 1;
  const start = offset(finding.line, finding.column);
  const end = finding.endLine !== undefined && finding.endColumn !== undefined ? Math.max(offset(finding.endLine, finding.endColumn), start + 1) : start + 1;
  const targets = oracle.targets.get(finding.page) ?? [];
  const inside = targets.filter((t) => t.offset >= start && t.offset < end);
  // `[![alt](img.png)](page)`: the finding spans the whole link, whose own target ends with it.
  const outer = inside.length > 1 ? inside.filter((t) => t.end === end) : inside;
  const around = inside.length > 0 ? outer : targets.filter((t) => t.offset <= start && start < t.end);
  return around.length === 1 ? around[0] : undefined;
}

/**
 * Where Hugo and policylint disagree, both ways, each key with what its side said: `expected` maps
 * the keys of what Hugo cannot serve to Hugo's reason, `actual` lists policylint's findings as
 * [key, message]. Equal to NO_DISAGREEMENT when they agree.
 */
export function disagreements(expected: ReadonlyArray<[key: string, reason: string]>, actual: ReadonlyArray<[key: string, message: string]>) {
  const why = new Map(expected);
  const said = new Map(actual);
  const expectedKeys = expected.map(([k]) => k);
  const actualKeys = actual.map(([k]) => k);
  return {
    'Hugo cannot serve, policylint silent': minus(expectedKeys, actualKeys).map((k) => `${k} — Hugo: ${why.get(k)}`),
    'Hugo serves, policylint reports': minus(actualKeys, expectedKeys).map((k) => `${k} — policylint: ${said.get(k)}`),
  };
}

export const NO_DISAGREEMENT = { 'Hugo cannot serve, policylint silent': [], 'Hugo serves, policylint reports': [] };

/** Multiset difference: what `a` has more of than `b` (a link reported twice is one finding too many). */
function minus(a: string[], b: string[]): string[] {
  const rest = [...b];
  return a.filter((k) => {
    const i = rest.indexOf(k);
    if (i < 0) return true;
    rest.splice(i, 1);
    return false;
  });
}
