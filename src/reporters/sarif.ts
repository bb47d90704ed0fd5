import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { Finding } from '../engine/types.js';
import { reportedRules, severityLabel, toJsonText, toWellFormed } from './common.js';
import type { ReportInput, RuleSummary } from './types.js';

const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
export const POLICYLINT_INFORMATION_URI = 'https://www.npmjs.com/package/policylint';
/**
 * Versioned so fingerprints derived differently are never mistaken for each other: v2 derives them
 * from message ids and their identity data (v1 from hand-built keys).
 */
const FINGERPRINT_KEY = 'policylint/v2';

/** SARIF locations are URI references: each path segment is percent-encoded (spaces, `#`, `%`, non-ASCII). */
function toUriReference(path: string): string {
  return toWellFormed(path).split('/').map(encodeURIComponent).join('/');
}

function toDescriptor(rule: RuleSummary): ReportingDescriptor {
  return {
    id: rule.id,
    shortDescription: { text: toWellFormed(rule.description) },
    // SARIF requires helpUri to be absolute; a repository-relative docs path would make the log invalid.
    ...(rule.docsUrl !== undefined && URL.canParse(rule.docsUrl) ? { helpUri: rule.docsUrl } : {}),
    defaultConfiguration: { level: severityLabel(rule.defaultSeverity) },
  };
}

function toResult(finding: Finding, ruleIndex: number): Result {
  return {
    ruleId: finding.ruleId,
    ruleIndex,
    level: severityLabel(finding.severity),
    // SARIF viewers take the first paragraph as the summary; the details follow after a blank line.
    message: { text: toWellFormed(finding.details === undefined ? finding.message : `${finding.message}\n\n${finding.details}`) },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: toUriReference(finding.path), uriBaseId: '%SRCROOT%' },
          region: {
            startLine: finding.line,
            startColumn: finding.column,
            endLine: finding.endLine,
            endColumn: finding.endColumn,
          },
        },
      },
    ],
    partialFingerprints: { [FINGERPRINT_KEY]: finding.fingerprint },
  };
}

export function formatSarif(input: ReportInput): string {
  const rules = reportedRules(input);
  const ruleIndexById = new Map(rules.map((rule, index) => [rule.id, index]));
  const log: Log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'policylint',
            version: input.toolVersion,
            informationUri: POLICYLINT_INFORMATION_URI,
            rules: rules.map(toDescriptor),
          },
        },
        // Columns come from JavaScript string offsets.
        columnKind: 'utf16CodeUnits',
        results: input.findings.map((finding) => toResult(finding, ruleIndexById.get(finding.ruleId) ?? -1)),
      },
    ],
  };
  return toJsonText(log);
}
