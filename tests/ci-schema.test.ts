// policylint's own pipeline, its CI templates and the GitLab CI examples in the docs, checked
// against GitLab's CI JSON Schema (tests/schemas/gitlab-ci/, see its NOTICE.md) and against the
// rules the schema cannot express: component inputs, job names, history depth, secrets on
// command lines.
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import ajvFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Mapping = { [key: string]: Json };

const isMapping = (value: unknown): value is Mapping => typeof value === 'object' && value !== null && !Array.isArray(value);

// ajv-formats is CommonJS: depending on the loader, its plugin is the default import or its `default`.
const formatsModule = ajvFormats as unknown as { default?: typeof ajvFormats };
const addFormats = (formatsModule.default ?? ajvFormats) as unknown as (ajv: Ajv) => Ajv;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validateCi = ajv.compile(JSON.parse(readFileSync('tests/schemas/gitlab-ci/ci.json', 'utf8')) as object);

function schemaErrors(config: unknown): string[] {
  if (validateCi(config)) return [];
  return (validateCi.errors ?? []).map(
    (error: ErrorObject) => `${error.instancePath || '/'} ${error.message ?? error.keyword} ${JSON.stringify(error.params)}`,
  );
}

const readYaml = (file: string): Mapping => parse(readFileSync(file, 'utf8')) as Mapping;

// Keywords that configure the whole pipeline: a job with one of these names is read as the keyword
// and GitLab rejects the file. (`pages` is a job name with a special meaning, not one of these.)
const GLOBAL_KEYWORDS = [
  'image',
  'services',
  'stages',
  'before_script',
  'after_script',
  'variables',
  'cache',
  'include',
  'default',
  'workflow',
  'true',
  'false',
  'nil',
];
const NOT_JOBS = new Set([...GLOBAL_KEYWORDS, 'spec', '$schema']);
// Keys that only a job has: a global keyword whose value carries one of them was meant as a job.
const JOB_ONLY_KEYS = ['script', 'stage', 'needs', 'extends', 'trigger', 'run', 'artifacts', 'allow_failure'];

/** Top-level keys that are global keywords but hold a job definition. */
function jobsNamedAfterGlobalKeywords(config: Mapping): string[] {
  return Object.entries(config)
    .filter(([key, value]) => GLOBAL_KEYWORDS.includes(key) && isMapping(value) && JOB_ONLY_KEYS.some((jobKey) => jobKey in value))
    .map(([key]) => key);
}

const jobNames = (config: Mapping): string[] => Object.keys(config).filter((key) => !NOT_JOBS.has(key) && !key.startsWith('.'));

/** GitLab's merge for `extends:` and included files: mappings merge key by key, anything else is replaced. */
function deepMerge(base: Json, override: Json): Json {
  if (!isMapping(base) || !isMapping(override)) return override;
  const merged: Mapping = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = key in merged ? deepMerge(merged[key]!, value) : value;
  return merged;
}

/** A job with its `extends:` chain applied, looking up hidden and other jobs in `configs` (first match wins). */
function resolveJob(name: string, configs: Mapping[], seen: string[] = []): Mapping {
  if (seen.includes(name)) throw new Error(`extends cycle: ${[...seen, name].join(' -> ')}`);
  const job = configs.map((config) => config[name]).find(isMapping);
  if (!job) throw new Error(`no job ${name}`);
  const parents = job.extends === undefined ? [] : Array.isArray(job.extends) ? job.extends : [job.extends];
  let resolved: Json = {};
  for (const parent of parents) resolved = deepMerge(resolved, resolveJob(String(parent), configs, [...seen, name]));
  const { extends: _extends, ...own } = job;
  return deepMerge(resolved, own) as Mapping;
}

const scriptLines = (job: Mapping): string[] =>
  ['before_script', 'script', 'after_script'].flatMap((key) => {
    const lines = job[key];
    return Array.isArray(lines) ? lines.flat().map(String) : typeof lines === 'string' ? [lines] : [];
  });

/** Every job of `config` (hidden ones too) that runs policylint, with extends resolved. */
function policylintJobs(config: Mapping, lookup: Mapping[]): Array<[string, Mapping]> {
  return Object.keys(config)
    .filter((key) => !NOT_JOBS.has(key) && isMapping(config[key]))
    .map((name): [string, Mapping] => [name, resolveJob(name, [config, ...lookup])])
    .filter(([, job]) => scriptLines(job).some((line) => /(^|[\s;&|(])policylint\s/.test(line)));
}

// A registry password typed after -p/--password ends up in process lists and shell traces.
const PASSWORD_ON_COMMAND_LINE = /\blogin\b.*\s(-p|--password)(=|\s)/;

function passwordsOnCommandLine(config: Mapping): string[] {
  return Object.entries(config)
    .filter(([key, value]) => key !== 'variables' && isMapping(value))
    .flatMap(([name, job]) =>
      scriptLines(job as Mapping)
        .filter((line) => PASSWORD_ON_COMMAND_LINE.test(line))
        .map((line) => `${name}: ${line}`),
    );
}

// ---- the CI/CD component ----------------------------------------------------------------------

const COMPONENT = 'templates/policylint.yml';
const INPUT_KEYS = ['description', 'default', 'type', 'options', 'regex'];
const INPUT_TYPES = ['string', 'number', 'boolean', 'array'];
// `$[[ inputs.name ]]`; functions (`| expand_vars` ...) are not used by the component, so they are refused here.
const INTERPOLATION = /\$\[\[\s*inputs\.([A-Za-z0-9_-]+)\s*(\|[^\]]*)?\]\]/g;

interface InputSpec {
  description?: string;
  default?: Json;
  type?: string;
  options?: Json[];
  regex?: string;
}

function loadComponent(): { header: Mapping; jobs: Mapping } {
  const documents = parseAllDocuments(readFileSync(COMPONENT, 'utf8'));
  if (!Array.isArray(documents)) throw new Error(`${COMPONENT}: no YAML documents`);
  for (const document of documents) if (document.errors.length) throw new Error(`${COMPONENT}: ${document.errors[0]!.message}`);
  expect(documents).toHaveLength(2);
  return { header: documents[0]!.toJS() as Mapping, jobs: documents[1]!.toJS() as Mapping };
}

const typeOf = (value: Json): string => (Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value);

/** Problems with the `spec:` header, by GitLab's documented keys for `spec:inputs`. */
function specProblems(header: Mapping): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(header)) if (key !== 'spec') problems.push(`header: unexpected key ${key} (only spec: belongs before ---)`);
  const spec = header.spec;
  if (!isMapping(spec) || !isMapping(spec.inputs)) return [...problems, 'header: spec:inputs is not a mapping'];
  for (const key of Object.keys(spec)) if (!['inputs', 'component'].includes(key)) problems.push(`spec: unknown key ${key}`);
  for (const [name, raw] of Object.entries(spec.inputs)) {
    if (raw === null) continue; // an input without options: a required string
    if (!isMapping(raw)) {
      problems.push(`${name}: not a mapping`);
      continue;
    }
    for (const key of Object.keys(raw)) if (!INPUT_KEYS.includes(key)) problems.push(`${name}: unknown key ${key}`);
    const input = raw as InputSpec;
    const type = input.type ?? 'string';
    if (!INPUT_TYPES.includes(type)) problems.push(`${name}: type ${type} is not one of ${INPUT_TYPES.join(', ')}`);
    if (input.description !== undefined && typeof input.description !== 'string') problems.push(`${name}: description is not a string`);
    if ('default' in input && typeOf(input.default!) !== type) problems.push(`${name}: default ${JSON.stringify(input.default)} is not a ${type}`);
    if (input.options !== undefined) {
      if (!Array.isArray(input.options)) problems.push(`${name}: options is not a list`);
      else {
        for (const option of input.options) if (typeOf(option) !== type) problems.push(`${name}: option ${JSON.stringify(option)} is not a ${type}`);
        if ('default' in input && !input.options.includes(input.default!)) problems.push(`${name}: default is not one of its options`);
      }
    }
    if (input.regex !== undefined) {
      if (typeof input.regex !== 'string') problems.push(`${name}: regex is not a string`);
      else if (type !== 'string') problems.push(`${name}: regex on a ${type} input`);
      else if (typeof input.default === 'string' && !new RegExp(input.regex).test(input.default)) problems.push(`${name}: default does not match its regex`);
    }
  }
  return problems;
}

/** Every input name interpolated in keys and values of the jobs document. */
function usedInputs(value: Json): string[] {
  const names: string[] = [];
  const visit = (node: Json): void => {
    if (typeof node === 'string') for (const match of node.matchAll(INTERPOLATION)) names.push(match[1]!);
    else if (Array.isArray(node)) node.forEach(visit);
    else if (isMapping(node))
      for (const [key, child] of Object.entries(node)) {
        visit(key);
        visit(child);
      }
  };
  visit(value);
  return [...new Set(names)].sort();
}

/** GitLab's interpolation: a string that is one `$[[ ]]` takes the input's value and type; embedded ones become text. */
function interpolate(node: Json, inputs: Record<string, Json>): Json {
  const text = (value: string): Json => {
    const whole = /^\$\[\[\s*inputs\.([A-Za-z0-9_-]+)\s*\]\]$/.exec(value);
    const lookup = (name: string): Json => {
      if (!(name in inputs)) throw new Error(`input ${name} is not declared`);
      return inputs[name]!;
    };
    if (whole) return lookup(whole[1]!);
    return value.replace(INTERPOLATION, (_match, name: string, fn: string | undefined) => {
      if (fn) throw new Error(`interpolation function ${fn} not supported by this test`);
      const result = lookup(name);
      return typeof result === 'string' ? result : JSON.stringify(result);
    });
  };
  if (typeof node === 'string') return text(node);
  if (Array.isArray(node)) return node.map((child) => interpolate(child, inputs));
  if (isMapping(node)) return Object.fromEntries(Object.entries(node).map(([key, child]) => [String(text(key)), interpolate(child, inputs)]));
  return node;
}

function inputValues(header: Mapping, given: Record<string, Json>): Record<string, Json> {
  const specs = ((header.spec as Mapping).inputs ?? {}) as Record<string, InputSpec | null>;
  for (const name of Object.keys(given)) if (!(name in specs)) throw new Error(`input ${name} is not declared`);
  return Object.fromEntries(
    Object.entries(specs).map(([name, input]) => {
      const value = name in given ? given[name]! : input?.default;
      if (value === undefined) throw new Error(`input ${name} is required`);
      expect(typeOf(value), `input ${name}`).toBe(input?.type ?? 'string');
      if (input?.options) expect(input.options, `input ${name}`).toContain(value);
      if (input?.regex && typeof value === 'string') expect(value, `input ${name}`).toMatch(new RegExp(input.regex));
      return [name, value];
    }),
  );
}

// ---- GitLab CI YAML in the docs --------------------------------------------------------------

interface DocBlock {
  file: string;
  line: number;
  text: string;
}

/** ```yaml fences, also those indented inside lists (their indentation removed). */
function yamlBlocks(file: string): DocBlock[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks: DocBlock[] = [];
  for (let index = 0; index < lines.length; index++) {
    const open = /^(\s*)```ya?ml\s*$/.exec(lines[index]!);
    if (!open) continue;
    const indent = open[1]!.length;
    const body: string[] = [];
    let end = index + 1;
    for (; end < lines.length && !/^\s*```\s*$/.test(lines[end]!); end++) body.push(lines[end]!.slice(Math.min(indent, lines[end]!.search(/\S|$/))));
    blocks.push({ file, line: index + 1, text: body.join('\n') });
    index = end;
  }
  return blocks;
}

const JOB_KEYWORDS = new Set(
  Object.keys(
    (JSON.parse(readFileSync('tests/schemas/gitlab-ci/ci.json', 'utf8')) as { definitions: { job_template: { properties: Mapping } } }).definitions.job_template
      .properties,
  ),
);

type Classified = { kind: 'pipeline'; config: Mapping } | { kind: 'job-fragment'; config: Mapping } | { kind: 'not-ci'; file: string } | { kind: 'unknown' };

/**
 * How a docs block is checked:
 * - pipeline: it has include:, workflow:, stages: or default:, or a top-level mapping with a job-only key
 *   (script:, extends:, trigger: ...). Validated as it is.
 * - job-fragment: every top-level key is a job keyword (e.g. only image: or variables:), i.e. lines to
 *   merge into a job. Validated inside a minimal job `docs-fragment: { <block>, script: [...] }`.
 * - not-ci: the block opens with a comment naming another YAML file (e.g. `# .policylint.yml`).
 * Anything else is unknown, and fails: a CI example must not slip past the schema unrecognised.
 * Placeholders such as `<group>` or `<version>` become the bare word first: the schema checks
 * include addresses as URI references, which cannot hold angle brackets.
 */
function classify(block: DocBlock): Classified {
  const config = parse(block.text.replace(/<([a-z][a-z_-]*)>/g, '$1')) as Json;
  const named = /^#\s*(\S+\.ya?ml)\s*$/.exec(block.text.split('\n')[0] ?? '');
  if (named && !/(^|\/)\.gitlab-ci\.yml$|^templates\//.test(named[1]!)) return { kind: 'not-ci', file: named[1]! };
  if (!isMapping(config)) return { kind: 'unknown' };
  const keys = Object.keys(config);
  if (keys.some((key) => ['include', 'workflow', 'stages', 'default'].includes(key))) return { kind: 'pipeline', config };
  if (Object.values(config).some((value) => isMapping(value) && JOB_ONLY_KEYS.some((key) => key in value))) return { kind: 'pipeline', config };
  if (keys.length > 0 && keys.every((key) => JOB_KEYWORDS.has(key))) return { kind: 'job-fragment', config };
  return { kind: 'unknown' };
}

/**
 * A component include that names this project's component: `…/policylint/policylint@<version>` as
 * a handbook project writes it, or `$CI_PROJECT_PATH/policylint@$CI_COMMIT_SHA` as this project's
 * own pipeline includes itself.
 */
const OUR_COMPONENT = /(?:\/policylint\/policylint|\$CI_PROJECT_PATH\/policylint)@[^/\s]+$/;

/**
 * The pipeline GitLab builds from a config: `include: local:` files merged in, each `include:
 * component:` of policylint's component replaced by the local templates/policylint.yml
 * interpolated with the include's inputs (checked against the spec), and the config's own jobs
 * merged over those of the same name.
 */
function resolveIncludes(config: Mapping): Mapping {
  const includes = config.include === undefined ? [] : Array.isArray(config.include) ? config.include : [config.include];
  let merged: Json = {};
  for (const include of includes) {
    const local = typeof include === 'string' ? include : isMapping(include) && typeof include.local === 'string' ? include.local : undefined;
    if (local) merged = deepMerge(merged, readYaml(local.replace(/^\//, '')));
    if (!isMapping(include) || typeof include.component !== 'string') continue;
    if (!OUR_COMPONENT.test(include.component)) throw new Error(`unknown component ${include.component}`);
    const { header, jobs } = loadComponent();
    const given = (isMapping(include.inputs) ? include.inputs : {}) as Record<string, Json>;
    merged = deepMerge(merged, interpolate(jobs, inputValues(header, given)));
  }
  const { include: _include, ...own } = config;
  return deepMerge(merged, own) as Mapping;
}

const DOCS = ['docs/gitlab-ci.md', 'docs/container.md', 'docs/governance.md'];
const docBlocks = DOCS.flatMap(yamlBlocks);
const TEMPLATE = 'templates/policylint.gitlab-ci.yml';

// ---- tests ------------------------------------------------------------------------------------

describe('GitLab CI schema (tests/schemas/gitlab-ci/ci.json)', () => {
  it('the schema itself rejects what GitLab rejects: a job named after a global keyword, a bad input default', () => {
    expect(schemaErrors({ stages: ['build'], image: { stage: 'build', script: ['true'] } })).not.toEqual([]);
    expect(schemaErrors({ spec: { inputs: { image: { default: 'x' } } } })).not.toEqual([]);
    expect(schemaErrors({ spec: { inputs: { image: { type: 'string', default: 'x' } } } })).toEqual([]);
    expect(schemaErrors({ build: { stage: 'build', script: ['true'] } })).toEqual([]);
  });

  describe('.gitlab-ci.yml', () => {
    const config = readYaml('.gitlab-ci.yml');

    it('validates as it is, and with its includes (the component at its own commit) merged in', () => {
      expect(schemaErrors(config)).toEqual([]);
      expect(schemaErrors(resolveIncludes(config))).toEqual([]);
    });

    it('names no job after a global keyword, and needs: only existing jobs', () => {
      expect(jobsNamedAfterGlobalKeywords(config)).toEqual([]);
      const pipeline = resolveIncludes(config);
      const jobs = jobNames(pipeline);
      for (const job of jobs) {
        const needs = (pipeline[job] as Mapping).needs;
        for (const need of Array.isArray(needs) ? needs : []) expect(jobs, `${job} needs ${JSON.stringify(need)}`).toContain(isMapping(need) ? need.job : need);
      }
    });

    it('passes no password on a command line', () => {
      expect(passwordsOnCommandLine(config)).toEqual([]);
    });
  });

  describe(TEMPLATE, () => {
    const template = readYaml(TEMPLATE);

    it('validates as it is and names no job after a global keyword', () => {
      expect(schemaErrors(template)).toEqual([]);
      expect(jobsNamedAfterGlobalKeywords(template)).toEqual([]);
    });

    it('its jobs fetch the whole history and can be cancelled by a newer pipeline', () => {
      const jobs = policylintJobs(template, []);
      expect(jobs.map(([name]) => name).sort()).toEqual(['.policylint', 'policylint', 'policylint-review-issues']);
      for (const [name, job] of jobs) {
        expect((job.variables as Mapping | undefined)?.GIT_DEPTH, name).toBe('0');
        expect(job.interruptible, name).toBe(true);
      }
    });
  });

  describe(COMPONENT, () => {
    const { header, jobs } = loadComponent();

    it('spec: header uses only the documented spec:inputs keys, types and matching defaults', () => {
      expect(specProblems(header)).toEqual([]);
    });

    it('spec: header validates against the schema too', () => {
      expect(schemaErrors(header)).toEqual([]);
    });

    it('every $[[ inputs.x ]] is declared, and every declared input is used', () => {
      const declared = Object.keys((header.spec as Mapping).inputs as Mapping).sort();
      expect(usedInputs(jobs)).toEqual(declared);
    });

    const samples: Array<[string, Record<string, Json>]> = [
      // `image` is required (docs/gitlab-ci.md, "Releases and the CI/CD catalog"); the rest keep their defaults.
      ['the defaults and the required image', { image: 'registry.gitlab.com/policylint/policylint:0.1.0' }],
      [
        'other values',
        {
          job_name: 'handbook-policy',
          stage: 'compliance',
          allow_failure: true,
          args: '--dry-run',
          image: 'registry.example.com/tools/policylint:0.1.0',
          config: 'handbook/.policylint.yml',
          review_job_name: 'review-issues',
          review_args: '--due-within 45',
        },
      ],
    ];

    it.each(samples)('the jobs document, interpolated with %s, validates and its job is sound', (_label, given) => {
      const inputs = inputValues(header, given);
      const pipeline = interpolate(jobs, inputs) as Mapping;
      expect(JSON.stringify(pipeline)).not.toContain('$[[');
      expect(schemaErrors(pipeline)).toEqual([]);
      expect(jobsNamedAfterGlobalKeywords(pipeline)).toEqual([]);
      expect(Object.keys(pipeline)).toEqual([inputs.job_name, inputs.review_job_name]);
      const reviewJob = pipeline[String(inputs.review_job_name)] as Mapping;
      expect(reviewJob).toMatchObject({
        rules: [{ if: '$CI_PIPELINE_SOURCE == "schedule" && $POLICYLINT_REVIEW_ISSUES == "true"' }],
        variables: { GIT_DEPTH: '0' },
      });
      expect(scriptLines(reviewJob)).toEqual([`policylint reviews --config "${String(inputs.config)}" --sync-issues ${String(inputs.review_args)}`]);
      const job = pipeline[String(inputs.job_name)] as Mapping;
      expect(job).toMatchObject({ stage: inputs.stage, allow_failure: inputs.allow_failure, interruptible: true, variables: { GIT_DEPTH: '0' } });
      expect(job.image).toEqual({ name: inputs.image, entrypoint: [''] });
      const command = scriptLines(job).at(-1)!;
      expect(command).toContain(`--config "${String(inputs.config)}"`);
      if (inputs.args) expect(command).toContain(String(inputs.args));
    });

    it('the image input is required: leaving it out is refused', () => {
      expect(() => inputValues(header, {})).toThrow('input image is required');
    });

    it('a job name that is a global keyword would be caught', () => {
      const pipeline = interpolate(jobs, inputValues(header, { job_name: 'image', image: 'registry.gitlab.com/policylint/policylint:0.1.0' })) as Mapping;
      expect(jobsNamedAfterGlobalKeywords(pipeline)).toEqual(['image']);
      expect(schemaErrors(pipeline)).not.toEqual([]);
    });
  });

  describe('GitLab CI examples in the docs', () => {
    it('finds the YAML blocks and knows what each one is', () => {
      const kinds = docBlocks.map((block) => ({ at: `${block.file}:${block.line}`, kind: classify(block).kind }));
      expect(kinds.filter(({ kind }) => kind === 'unknown')).toEqual([]);
      for (const file of DOCS)
        expect(
          kinds.some(({ at, kind }) => at.startsWith(`${file}:`) && kind === 'pipeline'),
          file,
        ).toBe(true);
    });

    it.each(docBlocks.map((block) => [`${block.file}:${block.line}`, block] as const))('%s validates', (_at, block) => {
      const classified = classify(block);
      if (classified.kind === 'not-ci') {
        expect(classified.file).not.toMatch(/gitlab-ci/);
        return;
      }
      if (classified.kind === 'unknown') throw new Error('not recognised as GitLab CI YAML or another file');
      const config = classified.kind === 'pipeline' ? classified.config : { 'docs-fragment': { ...classified.config, script: ['true'] } };
      expect(schemaErrors(config)).toEqual([]);
      expect(jobsNamedAfterGlobalKeywords(config)).toEqual([]);
      expect(passwordsOnCommandLine(config)).toEqual([]);
    });

    it('every job that runs policylint fetches the whole history (GIT_DEPTH "0", in the example itself and once resolved)', () => {
      const template = readYaml(TEMPLATE);
      const checked: string[] = [];
      for (const block of docBlocks) {
        const classified = classify(block);
        if (classified.kind !== 'pipeline') continue;
        const pipeline = resolveIncludes(classified.config);
        expect(schemaErrors(pipeline), `${block.file}:${block.line} with its components`).toEqual([]);
        for (const [name, job] of policylintJobs(pipeline, [template])) {
          checked.push(name);
          const at = `${block.file}:${block.line} ${name}`;
          expect((job.variables as Mapping | undefined)?.GIT_DEPTH, at).toBe('0');
          // A job the example writes (or overrides) shows the setting, so a copy of it keeps it.
          const written = classified.config[name];
          if (isMapping(written)) expect((written.variables as Mapping | undefined)?.GIT_DEPTH, `${at} as written`).toBe('0');
        }
      }
      expect(checked.length).toBeGreaterThan(0);
    });

    it('the approvals re-check jobs (component and plain template) are manual, do not block the pipeline, and keep --config', () => {
      const template = readYaml(TEMPLATE);
      const found: string[] = [];
      for (const block of docBlocks) {
        const classified = classify(block);
        if (classified.kind !== 'pipeline') continue;
        const pipeline = resolveIncludes(classified.config);
        for (const [name, job] of policylintJobs(pipeline, [template])) {
          const variables = (job.variables ?? {}) as Mapping;
          const command = scriptLines(job)
            .map((line) => line.replace(/\$POLICYLINT_ARGS\b/g, String(variables.POLICYLINT_ARGS ?? '')))
            .join('\n');
          if (!command.includes('--check-approvals')) continue;
          const at = `${block.file}:${block.line} ${name}`;
          const written = classified.config[name];
          found.push(isMapping(written) && 'extends' in written ? 'template' : 'component');
          expect(name, at).toBe('policylint-approvals');
          expect(command, at).toMatch(/--config "[^"]+"/);
          const rules = (job.rules ?? []) as Mapping[];
          expect(rules.length, at).toBeGreaterThan(0);
          for (const rule of rules) expect(rule, at).toMatchObject({ if: '$CI_PIPELINE_SOURCE == "merge_request_event"', when: 'manual' });
          // A manual job with allow_failure false leaves the pipeline "blocked", which blocks the merge.
          expect(job.allow_failure, at).toBe(true);
        }
      }
      expect(found.sort()).toEqual(['component', 'template']);
    });
  });
});
