import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { rules } from '../rules/index.js';
import { placeholders } from '../src/engine/findings.js';
import { REPO_ROOT } from './support/cli.js';

// What every rule owes its users and the next contributor: a docs page that matches its schema and
// metadata, option descriptions that reach the JSON Schema, sound messages, and a test table.
//
// The docs page convention (docs/contributing.md): a `- Default severity: \`error\`` line, and an
// `## Options` section whose first table lists the rule's options, one `| \`name\` |` row each
// (further tables there describe nested entries), or says "None." when the rule has none.

const read = (file: string) => readFileSync(path.join(REPO_ROOT, file), 'utf8');

/** The `## Options` section of a page: its text up to the next `## ` heading. */
function optionsSection(page: string): string | undefined {
  const match = /^## Options\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(page);
  return match?.[1];
}

/** The option names of the section's first table. */
function documentedOptions(section: string): string[] {
  const lines = section.split('\n');
  const start = lines.findIndex((line) => line.startsWith('|'));
  if (start === -1) return [];
  const end = lines.findIndex((line, index) => index > start && !line.startsWith('|'));
  return lines.slice(start, end === -1 ? undefined : end).flatMap((line) => /^\| `([^`]+)` \|/.exec(line)?.[1] ?? []);
}

type JsonSchema = {
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  anyOf?: JsonSchema[];
  description?: string;
};

/** Every object property of a JSON Schema, nested ones included, as `path` → its description. */
function propertyDescriptions(schema: JsonSchema, prefix = ''): Array<[string, string | undefined]> {
  const own = Object.entries(schema.properties ?? {}).flatMap(([name, property]): Array<[string, string | undefined]> => [
    [`${prefix}${name}`, property.description],
    ...propertyDescriptions(property, `${prefix}${name}.`),
  ]);
  const nested = [schema.items, typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined, ...(schema.anyOf ?? [])].flatMap(
    (child) => (child ? propertyDescriptions(child, prefix) : []),
  );
  return [...own, ...nested];
}

describe.each(rules.map((rule) => [rule.meta.id, rule] as const))('%s', (id, rule) => {
  const pageFile = `docs/rules/${id}.md`;
  const page = existsSync(path.join(REPO_ROOT, pageFile)) ? read(pageFile) : '';

  it('has a docs page and a test table', () => {
    expect(page, `${pageFile} is missing`).not.toBe('');
    expect(existsSync(path.join(REPO_ROOT, `tests/rules/${id}.test.ts`)), `tests/rules/${id}.test.ts is missing`).toBe(true);
  });

  it('documents exactly the options its schema has', () => {
    const section = optionsSection(page);
    expect(section, `${pageFile} has no "## Options" section`).toBeDefined();
    const schemaOptions = Object.keys((z.toJSONSchema(rule.meta.options, { io: 'input' }) as JsonSchema).properties ?? {});
    expect(documentedOptions(section!).sort()).toEqual(schemaOptions.sort());
    if (schemaOptions.length === 0) expect(section).toMatch(/^None\b/m);
  });

  it('describes every option in the JSON Schema', () => {
    const undescribed = propertyDescriptions(z.toJSONSchema(rule.meta.options, { io: 'input' }) as JsonSchema).filter(([, description]) => !description);
    expect(undescribed.map(([name]) => name)).toEqual([]);
  });

  it('states its default severity on its page and in the README', () => {
    expect(/^- Default severity: `(\w+)`/m.exec(page)?.[1]).toBe(rule.meta.defaultSeverity);
    const row = read('README.md')
      .split('\n')
      .find((line) => line.startsWith(`| [${id}](docs/rules/${id}.md) |`));
    expect(row, `README.md's rule table has no row for ${id}`).toBeDefined();
    expect(row!.split('|').at(-2)!.trim().split(/\s/)[0]).toBe(rule.meta.defaultSeverity);
  });

  it('declares messages whose identity names are shown or documented data', () => {
    expect(Object.keys(rule.meta.messages).length).toBeGreaterThan(0);
    for (const [messageId, spec] of Object.entries(rule.meta.messages)) {
      if (typeof spec === 'string') continue;
      const shown = placeholders(spec.text);
      // A name the text does not show is allowed only when the shown text holds its value (see MessageSpec): the page must say which.
      for (const name of spec.identity.filter((name) => !shown.includes(name))) {
        expect(page, `${messageId}: identity "${name}" is neither in the template nor named on ${pageFile}`).toMatch(new RegExp(`\\b${name}\\b`));
      }
    }
  });
});
