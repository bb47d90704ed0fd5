/** Output formats of `policylint register`, apart from the register so the CLI can list them without loading it. */
export const REGISTER_FORMATS = ['text', 'json', 'csv', 'markdown', 'html'] as const;
export type RegisterFormat = (typeof REGISTER_FORMATS)[number];
