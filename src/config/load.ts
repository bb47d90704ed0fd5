import path from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { rules as ruleRegistry } from '../../rules/index.js';
import { FileTooLarge, openRegularFile, readBounded, readErrorReason } from '../io/files.js';
import { DEFAULT_MAX_FILE_BYTES } from '../select/read.js';
import { didYouMean } from '../util/suggest.js';
import { ConfigError } from './errors.js';
import { PRESETS } from './presets/index.js';
import { buildConfigSchema, type ConfigFile } from './schema.js';
import type { DocumentClass, ResolvedConfig, RuleSetting } from './types.js';

const DEFAULTS = {
  include: ['**/*.md'],
  exclude: ['**/node_modules/**'],
  maxFileBytes: DEFAULT_MAX_FILE_BYTES,
  maxInlineThreads: 25,
  failOnPublishError: false,
  governanceFiles: ['.gitlab-ci.yml'],
  committersMayApprove: false,
  unverifiedApprovals: 'error' as const,
};

export const configSchema = buildConfigSchema(ruleRegistry);
const rulesById = new Map(ruleRegistry.map((rule) => [rule.meta.id, rule]));

/** A config is a few KB; anything near this is not one. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** Loads, validates and resolves a config file (presets merged, rule options defaulted). */
export function loadConfig(file: string): ResolvedConfig {
  const shown = displayPath(file);
  let text: string;
  try {
    // A config can live anywhere a user keeps it (a symbolic link is fine), but only a regular file of sane size is read.
    text = readBounded(openRegularFile(file), MAX_CONFIG_BYTES).toString('utf8');
  } catch (error) {
    const reason = error instanceof FileTooLarge ? `${error.size} bytes, over the 1 MiB limit for a config file` : readErrorReason(error);
    throw new ConfigError(`Cannot read config ${shown}: ${reason}`);
  }
  return loadConfigText(text, shown, path.dirname(path.resolve(file)), path.resolve(file));
}

/** How errors name a config file: relative to the working directory, as the user would type it. */
function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), path.resolve(file));
  return relative === '' ? '.' : path.isAbsolute(relative) ? file : relative;
}

/**
 * Validates and resolves config text read elsewhere (a merge request reads it from the target
 * branch's git objects). `file` names it in errors; `root` is the directory paths are relative to.
 */
export function loadConfigText(text: string, file: string, root: string, absoluteFile?: string): ResolvedConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      `Invalid YAML in ${file}`,
      byLine(
        doc.errors.map((e) => {
          const pos = lineCounter.linePos(e.pos[0]);
          return { ...pos, text: `${file}:${pos.line}:${pos.col}: ${e.message.split('\n', 1)[0]}` };
        }),
      ),
    );
  }
  const raw = doc.toJS({ maxAliasCount: 100 }) ?? {};
  const where: Locator = (issuePath) => {
    const node = nodeAt(doc, issuePath);
    const pos = node !== undefined ? lineCounter.linePos(node) : { line: 1, col: 1 };
    return { ...pos, text: `${file}:${pos.line}:${pos.col}` };
  };
  const parsed = validate(raw, where, file);
  return resolveConfig(parsed, root, absoluteFile, { raw, where });
}

/** Where a key path is in the config: `file:line:col` text, and the line and column to sort by. */
type Locator = (issuePath: readonly PropertyKey[]) => { text: string; line?: number; col?: number };

/** Details in file order, so they read top to bottom like the file (the order zod found them in is the schema's). */
function byLine(details: Array<{ text: string; line?: number; col?: number }>): string[] {
  return details
    .map((detail, index) => ({ ...detail, index }))
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0) || a.index - b.index)
    .map((detail) => detail.text);
}

function validate(raw: unknown, where: Locator, file: string): ConfigFile {
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new ConfigError(
    `Invalid configuration in ${file}`,
    byLine(
      flattenIssues(result.error.issues, raw).map((issue) => {
        const at = where(issue.locate);
        return { ...at, text: `${at.text}: ${formatPath(issue.path)}: ${issue.message}` };
      }),
    ),
  );
}

type Issue = z.core.$ZodIssue;

/**
 * A rule setting is a union (severity, or [severity, options]); zod reports a failed union as one
 * vague issue. The branch whose errors reach deepest is what the user meant, so report that one.
 */
function flattenIssues(issues: readonly Issue[], raw: unknown): Array<{ path: PropertyKey[]; locate: PropertyKey[]; message: string }> {
  return issues.flatMap((issue) => {
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // Between equally deep branches, one whose keys all exist (a `contains` with a bad pattern, not a `frontMatter` missing).
      const best = [...issue.errors].sort((a, b) => depth(b) - depth(a) || unknownKeyCount(a) - unknownKeyCount(b))[0]!;
      if (depth(best) > 0)
        return flattenIssues(
          best.map((i) => ({ ...i, path: [...issue.path, ...i.path] })),
          raw,
        );
    }
    // An unknown key is best pointed at by its own line, not its parent's.
    const locate = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
    return [{ path: issue.path, locate, message: describeIssue(issue, valueAt(raw, issue.path)) }];
  });
}

function depth(issues: readonly Issue[]): number {
  return Math.max(0, ...issues.map((i) => i.path.length));
}

function unknownKeyCount(issues: readonly Issue[]): number {
  return issues.filter((i) => i.code === 'unrecognized_keys').length;
}

function describeIssue(issue: Issue, found: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}, found ${describeValue(found)}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, found ${describeValue(found)}`;
    case 'unrecognized_keys': {
      const known = knownKeysAt(configSchema, issue.path);
      const hints = issue.keys.flatMap((key) => {
        const near = didYouMean(key, known, { transpositions: true });
        if (near === undefined) return [];
        return [issue.keys.length === 1 ? JSON.stringify(near) : `${JSON.stringify(near)} for ${JSON.stringify(key)}`];
      });
      const hint = hints.length === 0 ? '' : ` (did you mean ${hints.join(', ')}?)`;
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}${hint}`;
    }
    case 'invalid_union':
      return `expected "off", "warn", "error" or [severity, options], found ${describeValue(found)}`;
    default:
      return `${issue.message}${found === undefined ? '' : `, found ${describeValue(found)}`}`;
  }
}

/** A zod schema's definition, as far as finding the keys an object accepts needs it. */
interface SchemaDef {
  type: string;
  innerType?: SchemaLike;
  in?: SchemaLike;
  options?: SchemaLike[];
  shape?: Record<string, SchemaLike>;
  valueType?: SchemaLike;
  element?: SchemaLike;
  items?: SchemaLike[];
}
type SchemaLike = { _zod: { def: SchemaDef } } | z.ZodType;

/** The keys the schema accepts for the object at `issuePath` (for "did you mean"). */
function knownKeysAt(schema: SchemaLike, issuePath: readonly PropertyKey[]): string[] {
  const def = (schema as { _zod: { def: SchemaDef } })._zod.def;
  if (def.innerType) return knownKeysAt(def.innerType, issuePath);
  if (def.type === 'pipe' && def.in) return knownKeysAt(def.in, issuePath);
  if (def.type === 'union' && def.options) return [...new Set(def.options.flatMap((option) => knownKeysAt(option, issuePath)))];
  if (issuePath.length === 0) return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
  const [key, ...rest] = issuePath;
  let child: SchemaLike | undefined;
  if (def.type === 'object') child = def.shape?.[String(key)];
  else if (def.type === 'record') child = def.valueType;
  else if (def.type === 'array') child = def.element;
  else if (def.type === 'tuple' && typeof key === 'number') child = def.items?.[key];
  return child ? knownKeysAt(child, rest) : [];
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function valueAt(raw: unknown, issuePath: readonly PropertyKey[]): unknown {
  let value = raw;
  for (const key of issuePath) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function formatPath(issuePath: readonly PropertyKey[]): string {
  if (issuePath.length === 0) return '(top level)';
  return issuePath.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
}

/** Offset of the deepest YAML node along the path, for the error's line. */
function nodeAt(doc: Document, issuePath: readonly PropertyKey[]): number | undefined {
  let node: unknown = doc.contents;
  let offset: number | undefined = (node as { range?: [number] } | null)?.range?.[0];
  for (const key of issuePath) {
    if (isMap(node)) {
      const pair = node.items.find((item) => String((item.key as { value?: unknown })?.value) === String(key));
      if (!pair) break;
      offset = (pair.key as { range?: [number] }).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      offset = (node as { range?: [number] } | undefined)?.range?.[0] ?? offset;
    } else break;
  }
  return offset;
}

interface Layer {
  config: ConfigFile;
  /** The layer as written, before defaults: what it actually says. */
  raw: unknown;
  /** `gitlab-handbook` for a preset; undefined for the user's config. */
  preset?: string;
}

function presetChain(config: ConfigFile): Layer[] {
  const names = config.extends === undefined ? [] : Array.isArray(config.extends) ? config.extends : [config.extends];
  return names.map((name) => {
    const preset = PRESETS[name];
    if (!preset) throw new ConfigError(`Unknown preset "${name}" in extends: built-in presets are ${Object.keys(PRESETS).join(', ')}`);
    return { config: validate(preset, () => ({ text: `preset ${name}` }), `preset ${name}`), raw: preset, preset: name };
  });
}

type RawSetting = NonNullable<NonNullable<NonNullable<ConfigFile['classes']>[string]['rules']>[string]>;

/** Warnings already written by this process: a config loaded twice (a merge request's base and head) warns once. */
const warned = new Set<string>();

function warn(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  process.stderr.write(`policylint: warning: ${message}\n`);
}

function isNonEmpty(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return value !== null && typeof value === 'object' && Object.keys(value).length > 0;
}

/**
 * Later layers win; a bare severity keeps the options an earlier layer gave (as in ESLint), and
 * `[severity, options]` replaces them whole. When the user's options replace a preset's that set a
 * non-empty list (or mapping) the user's leave out, say so: the preset's list silently stops applying.
 */
function mergeRules(className: string, layers: Layer[], user: UserSource): Record<string, RuleSetting> {
  const merged: Record<string, RuleSetting & { preset?: string; rawOptions?: unknown }> = {};
  for (const layer of layers) {
    const rules: Record<string, RawSetting | undefined> = layer.config.classes?.[className]?.rules ?? {};
    for (const [id, setting] of Object.entries(rules)) {
      if (setting === undefined) continue;
      const severity = typeof setting === 'string' ? setting : setting[0];
      const replaces = typeof setting !== 'string' && setting.length > 1;
      const rawOptions = replaces ? valueAt(layer.raw, ['classes', className, 'rules', id, 1]) : merged[id]?.rawOptions;
      const earlier = merged[id];
      if (replaces && layer.preset === undefined && earlier?.preset !== undefined && isNonEmpty(earlier.rawOptions)) {
        const defaults = rulesById.get(id)!.meta.options.parse({}) as Record<string, unknown>;
        const given = (key: string) => rawOptions !== null && typeof rawOptions === 'object' && key in rawOptions;
        // A preset value equal to the rule's default (the preset's `levels: [2]`) is not lost.
        const dropped = Object.entries(earlier.rawOptions as Record<string, unknown>).filter(
          ([key, value]) => isNonEmpty(value) && !given(key) && JSON.stringify(value) !== JSON.stringify(defaults[key]),
        );
        if (dropped.length > 0) {
          const keyPath = ['classes', className, 'rules', id, 1];
          const lists = dropped
            .map(([key, value]) => `"${key}" (${Array.isArray(value) ? `${value.length} ${value.length === 1 ? 'entry' : 'entries'}` : 'a mapping'})`)
            .join(', ');
          warn(
            `${user.where(keyPath).text}: ${formatPath(keyPath.slice(0, -1))}: your options replace the ${earlier.preset} preset's for this rule (as in ESLint, options are not merged), so its ${lists} no longer ${dropped.length > 1 ? 'apply' : 'applies'}; ` +
              `copy the preset's value into your options (\`policylint --print-config FILE\` shows it), or give only a severity to keep the preset's options`,
          );
        }
      }
      const options = replaces ? setting[1] : earlier?.options;
      merged[id] = { severity, options: options ?? rulesById.get(id)!.meta.options.parse({}), preset: replaces ? layer.preset : earlier?.preset, rawOptions };
    }
  }
  return Object.fromEntries(Object.entries(merged).map(([id, { severity, options }]) => [id, { severity, options }]));
}

interface UserSource {
  raw: unknown;
  where: Locator;
}

function resolveConfig(config: ConfigFile, root: string, file: string | undefined, user: UserSource): ResolvedConfig {
  const layers: Layer[] = [...presetChain(config), { config, raw: user.raw }];
  const last = <T>(pick: (layer: ConfigFile) => T | undefined, fallback: T): T => {
    for (let i = layers.length - 1; i >= 0; i--) {
      const value = pick(layers[i]!.config);
      if (value !== undefined) return value;
    }
    return fallback;
  };
  const classNames = [...new Set(layers.flatMap((layer) => Object.keys(layer.config.classes ?? {})))];
  const classes: DocumentClass[] = classNames.map((name) => {
    const defs = layers.map((layer) => layer.config.classes?.[name]).filter((def) => def !== undefined);
    const pick = <T>(get: (def: (typeof defs)[number]) => T | undefined, fallback: T): T => {
      for (let i = defs.length - 1; i >= 0; i--) {
        const value = get(defs[i]!);
        if (value !== undefined) return value;
      }
      return fallback;
    };
    return {
      name,
      description: pick((d) => d.description, undefined),
      paths: pick((d) => d.paths, ['**/*.md']),
      excludePaths: pick((d) => d.excludePaths, []),
      when: pick((d) => d.when, []),
      rules: mergeRules(name, layers, user),
    };
  });
  return {
    file,
    root,
    include: last((l) => l.include, DEFAULTS.include),
    exclude: last((l) => l.exclude, DEFAULTS.exclude),
    maxFileBytes: last((l) => l.maxFileBytes, DEFAULTS.maxFileBytes),
    classes,
    mergeRequest: {
      maxInlineThreads: last((l) => l.mergeRequest?.maxInlineThreads, DEFAULTS.maxInlineThreads),
      failOnPublishError: last((l) => l.mergeRequest?.failOnPublishError, DEFAULTS.failOnPublishError),
      governanceFiles: last((l) => l.mergeRequest?.governanceFiles, DEFAULTS.governanceFiles),
      committersMayApprove: last((l) => l.mergeRequest?.committersMayApprove, DEFAULTS.committersMayApprove),
      unverifiedApprovals: last((l) => l.mergeRequest?.unverifiedApprovals, DEFAULTS.unverifiedApprovals),
    },
    reviews: { issueTemplate: last((l) => l.reviews?.issueTemplate, undefined) },
  };
}
