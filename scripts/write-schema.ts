import { writeFileSync } from 'node:fs';
import { configJsonSchemaText } from '../src/config/json-schema.js';

// Regenerates schema/policylint.schema.json; tests/config.test.ts fails when it is stale.
const target = new URL('../../schema/policylint.schema.json', import.meta.url);
writeFileSync(target, configJsonSchemaText());
console.log(`wrote ${target.pathname}`);
