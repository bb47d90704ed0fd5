/** Report format names, apart from the formatters so the CLI can check flags without loading them. */
export const FORMATS = Object.freeze(['stylish', 'compact', 'json', 'codequality', 'junit', 'sarif'] as const);

export type FormatName = (typeof FORMATS)[number];
