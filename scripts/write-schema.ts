import { readFileSync, writeFileSync } from 'node:fs';
import { configJsonSchemaText } from '../src/config/json-schema.js';
import { withRuleTable } from './readme-rule-table.js';

// Regenerates what is made from the rule registry: schema/policylint.schema.json (tests/config.test.ts
// fails when it is stale) and README.md's Rules table (tests/docs-consistency.test.ts).
const schema = new URL('../../schema/policylint.schema.json', import.meta.url);
writeFileSync(schema, configJsonSchemaText());
console.log(`wrote ${schema.pathname}`);

const readme = new URL('../../README.md', import.meta.url);
writeFileSync(readme, withRuleTable(readFileSync(readme, 'utf8')));
console.log(`wrote the Rules table in ${readme.pathname}`);
