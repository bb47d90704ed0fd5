/** Output formats of `policylint exceptions`, apart from the register so the CLI can list them without loading it. */
export const EXCEPTIONS_FORMATS = ['text', 'json', 'csv', 'markdown'] as const;
export type ExceptionsFormat = (typeof EXCEPTIONS_FORMATS)[number];
