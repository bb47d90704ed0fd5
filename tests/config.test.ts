import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config/errors.js';
import { configJsonSchemaText } from '../src/config/json-schema.js';
import { loadConfig } from '../src/config/load.js';
import { makeTree, REPO_ROOT } from './support/cli.js';

function configFile(text: string): string {
  const root = makeTree({ '.policylint.yml': text });
  return path.join(root, '.policylint.yml');
}

function errorOf(text: string): ConfigError {
  try {
    loadConfig(configFile(text));
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('config was accepted');
}

describe('config validation', () => {
  it('names the file, line, key path, what was expected and what was found', () => {
    const error = errorOf(`extends: gitlab-handbook
classes:
  controlled-document:
    rules:
      required-sections:
        - error
        - levels: two
`);
    expect(error.message).toMatch(
      /\.policylint\.yml:7:\d+: classes\.controlled-document\.rules\.required-sections\[1\]\.levels: expected array, found string "two"/,
    );
  });

  it('rejects unknown keys at any depth, naming them', () => {
    expect(errorOf('extend: gitlab-handbook\n').message).toMatch(/:1:1: \(top level\): unknown key "extend"/);
    expect(errorOf('classes:\n  a:\n    rules:\n      no-such-rule: error\n').message).toMatch(/:4:7: classes\.a\.rules: unknown key "no-such-rule"/);
    expect(errorOf('classes:\n  a:\n    rules:\n      required-sections: [error, {sectons: []}]\n').message).toMatch(
      /classes\.a\.rules\.required-sections\[1\]: unknown key "sectons"/,
    );
  });

  it('explains a wrong severity', () => {
    expect(errorOf('classes:\n  a:\n    rules:\n      frontmatter: fatal\n').message).toMatch(
      /classes\.a\.rules\.frontmatter: expected "off", "warn", "error" or \[severity, options\], found string "fatal"/,
    );
  });

  it('reports YAML syntax errors at their line', () => {
    expect(errorOf('extends: gitlab-handbook\nclasses: [\n').message).toMatch(/\.policylint\.yml:\d+:\d+: /);
  });

  it('rejects an unknown preset', () => {
    expect(errorOf('extends: iso-27001\n').message).toMatch(/Unknown preset "iso-27001".*gitlab-handbook/);
  });
});

describe('extends', () => {
  it('applies the preset and lets a bare severity keep the preset options', () => {
    const config = loadConfig(configFile('extends: gitlab-handbook\nclasses:\n  controlled-document:\n    rules:\n      required-sections: warn\n'));
    const documentClass = config.classes.find((c) => c.name === 'controlled-document')!;
    const setting = documentClass.rules['required-sections']!;
    expect(setting.severity).toBe('warn');
    expect((setting.options as { sections: Array<{ name: string }> }).sections.map((s) => s.name)).toEqual([
      'Purpose',
      'Scope',
      'Roles & Responsibilities',
      'Policy, Standard or Procedure',
      'Exceptions',
      'References',
    ]);
    expect(documentClass.rules.frontmatter?.severity).toBe('error');
    expect(config.include).toEqual(['content/**/*.md']);
  });

  it('replaces the preset options when options are given, filling in rule defaults', () => {
    const config = loadConfig(
      configFile('extends: gitlab-handbook\nclasses:\n  controlled-document:\n    rules:\n      required-sections: [error, {sections: [{name: Zweck}]}]\n'),
    );
    // As --print-config shows them: compiled patterns as their source.
    const options = JSON.parse(JSON.stringify(config.classes[0]!.rules['required-sections']!.options));
    expect(options).toEqual({ sections: [{ name: 'Zweck', match: ['Zweck'], allowEmpty: false }], levels: [2], order: false });
  });

  it('lets a config add its own class beside the preset', () => {
    const config = loadConfig(
      configFile(
        'extends: gitlab-handbook\nclasses:\n  runbook:\n    paths: ["runbooks/**/*.md"]\n    rules:\n      required-sections: [error, {sections: [{name: Steps}]}]\n',
      ),
    );
    expect(config.classes.map((c) => c.name)).toEqual(['controlled-document', 'runbook']);
  });
});

describe('JSON Schema', () => {
  it('is generated from the zod schema and committed up to date (npm run schema regenerates it)', () => {
    const committed = path.join(REPO_ROOT, 'schema/policylint.schema.json');
    const generated = configJsonSchemaText();
    if (process.env.UPDATE_SCHEMA) writeFileSync(committed, generated);
    expect(readFileSync(committed, 'utf8')).toBe(generated);
  });

  it('describes every rule and its options', () => {
    const schema = JSON.parse(configJsonSchemaText());
    const rules = schema.properties.classes.additionalProperties.properties.rules.properties;
    expect(Object.keys(rules)).toContain('required-sections');
    expect(JSON.stringify(rules['required-sections'])).toContain('allowEmpty');
  });
});
