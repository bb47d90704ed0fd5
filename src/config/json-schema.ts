import { z } from 'zod';
import { configSchema } from './load.js';

/** JSON Schema of .policylint.yml, generated from the same zod schema that validates it. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: 'input', target: 'draft-7' }),
    $id: 'https://gitlab.com/policylint/policylint/-/raw/main/schema/policylint.schema.json',
    title: 'policylint configuration (.policylint.yml)',
  };
}

export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
