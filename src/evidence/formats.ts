/** Output formats of `policylint evidence`, apart from the formatting so the CLI can list them without loading it. */
export const EVIDENCE_FORMATS = ['json', 'csv', 'markdown', 'html'] as const;
export type EvidenceFormat = (typeof EVIDENCE_FORMATS)[number];

/** The file extension of each format, for a file name the CLI makes up. */
export const EVIDENCE_EXTENSIONS: Record<EvidenceFormat, string> = { json: 'json', csv: 'csv', markdown: 'md', html: 'html' };
