import { existsSync } from 'node:fs';
import path from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { rules as ruleRegistry } from '../../rules/index.js';
import { FileTooLarge, openRegularFile, readBounded, readErrorReason } from '../io/files.js';
import { DEFAULT_MAX_FILE_BYTES } from '../select/read.js';
import { ConfigError } from './errors.js';
import { CONFIG_FILE_NAMES } from './names.js';
import { PRESETS } from './presets/index.js';
import { buildConfigSchema, type ConfigFile, type ConfigInput } from './schema.js';
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

/** Walks up from `start` to the filesystem root looking for a config file. */
export function findConfigFile(start: string): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = path.join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** A config is a few KB; anything near this is not one. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** Loads, validates and resolves a config file (presets merged, rule options defaulted). */
export function loadConfig(file: string): ResolvedConfig {
  let text: string;
  try {
    // A config can live anywhere a user keeps it (a symbolic link is fine), but only a regular file of sane size is read.
    text = readBounded(openRegularFile(file), MAX_CONFIG_BYTES).toString('utf8');
  } catch (error) {
    const reason = error instanceof FileTooLarge ? `${error.size} bytes, over the 1 MiB limit for a config file` : readErrorReason(error);
    throw new ConfigError(`Cannot read config ${file}: ${reason}`);
  }
  return loadConfigText(text, file, path.dirname(path.resolve(file)), path.resolve(file));
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
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return `${file}:${pos.line}:${pos.col}: ${e.message.split('\n', 1)[0]}`;
      }),
    );
  }
  const raw = doc.toJS({ maxAliasCount: 100 }) ?? {};
  const parsed = validate(raw, (issuePath) => {
    const node = nodeAt(doc, issuePath);
    const pos = node ? lineCounter.linePos(node) : { line: 1, col: 1 };
    return `${file}:${pos.line}:${pos.col}`;
  }, file);
  return resolveConfig(parsed, root, absoluteFile);
}

/** Resolves a config object that did not come from a file (e.g. `init` output, tests). */
export function resolveConfigObject(input: ConfigInput, root: string): ResolvedConfig {
  return resolveConfig(validate(input, () => '<config>', '<config>'), root, undefined);
}

function validate(raw: unknown, where: (issuePath: PropertyKey[]) => string, file: string): ConfigFile {
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new ConfigError(
    `Invalid configuration in ${file}`,
    flattenIssues(result.error.issues, raw).map((issue) => `${where(issue.locate)}: ${formatPath(issue.path)}: ${issue.message}`),
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
      const best = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0]!;
      if (depth(best) > 0) return flattenIssues(best.map((i) => ({ ...i, path: [...issue.path, ...i.path] })), raw);
    }
    // An unknown key is best pointed at by its own line, not its parent's.
    const locate = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
    return [{ path: issue.path, locate, message: describeIssue(issue, valueAt(raw, issue.path)) }];
  });
}

function depth(issues: readonly Issue[]): number {
  return Math.max(0, ...issues.map((i) => i.path.length));
}

function describeIssue(issue: Issue, found: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}, found ${describeValue(found)}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, found ${describeValue(found)}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    case 'invalid_union':
      return `expected "off", "warn", "error" or [severity, options], found ${describeValue(found)}`;
    default:
      return `${issue.message}${found === undefined ? '' : `, found ${describeValue(found)}`}`;
  }
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

function presetChain(config: ConfigFile): ConfigFile[] {
  const names = config.extends === undefined ? [] : Array.isArray(config.extends) ? config.extends : [config.extends];
  return names.map((name) => {
    const preset = PRESETS[name];
    if (!preset) throw new ConfigError(`Unknown preset "${name}" in extends: built-in presets are ${Object.keys(PRESETS).join(', ')}`);
    return validate(preset, () => `preset ${name}`, `preset ${name}`);
  });
}

type RawSetting = NonNullable<NonNullable<NonNullable<ConfigFile['classes']>[string]['rules']>[string]>;

/** Later layers win; a bare severity keeps the options an earlier layer gave (as in ESLint). */
function mergeRules(layers: Array<Record<string, RawSetting | undefined>>): Record<string, RuleSetting> {
  const merged: Record<string, RuleSetting> = {};
  for (const layer of layers) {
    for (const [id, setting] of Object.entries(layer)) {
      if (setting === undefined) continue;
      const severity = typeof setting === 'string' ? setting : setting[0];
      const options = typeof setting === 'string' || setting.length === 1 ? merged[id]?.options : setting[1];
      merged[id] = { severity, options: options ?? rulesById.get(id)!.meta.options.parse({}) };
    }
  }
  return merged;
}

function resolveConfig(config: ConfigFile, root: string, file: string | undefined): ResolvedConfig {
  const layers = [...presetChain(config), config];
  const last = <T>(pick: (layer: ConfigFile) => T | undefined, fallback: T): T => {
    for (let i = layers.length - 1; i >= 0; i--) {
      const value = pick(layers[i]!);
      if (value !== undefined) return value;
    }
    return fallback;
  };
  const classNames = [...new Set(layers.flatMap((layer) => Object.keys(layer.classes ?? {})))];
  const classes: DocumentClass[] = classNames.map((name) => {
    const defs = layers.map((layer) => layer.classes?.[name]).filter((def) => def !== undefined);
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
      rules: mergeRules(defs.map((d) => d.rules ?? {})),
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
  };
}
