import type { JsonFinding } from '../../src/reporters/json.js';

/** The keys of a `--format json` finding, in the documented order (docs/ and the JSON reporter must agree). */
export const JSON_FINDING_KEYS: ReadonlyArray<keyof JsonFinding> = [
  'ruleId',
  'messageId',
  'severity',
  'path',
  'line',
  'column',
  'endLine',
  'endColumn',
  'message',
  'details',
  'fingerprint',
  'documentTitle',
  'docsUrl',
];
