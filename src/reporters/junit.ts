import { createRequire } from 'node:module';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import type { Finding } from '../engine/types.js';
import { reportedRules, severityLabel, toSingleLine } from './common.js';
import type { ReportInput, RuleSummary } from './types.js';

/**
 * xmlbuilder2 (with its DOM and YAML dependencies, a third of the bundle) is loaded when a JUnit
 * report is written, not on every run: a plain `require` the bundler leaves alone, resolved from
 * the package's node_modules.
 */
const loadXmlbuilder = (): typeof import('xmlbuilder2') => createRequire(import.meta.url)('xmlbuilder2') as typeof import('xmlbuilder2');

interface Counts {
  tests: number;
  failures: number;
}

function position(finding: Finding): string {
  return `${finding.path}:${finding.line}:${finding.column}`;
}

function failureText(finding: Finding): string {
  const lines = [`${position(finding)} ${finding.message}`];
  if (finding.details !== undefined) lines.push(finding.details);
  lines.push(`Severity: ${severityLabel(finding.severity)}`);
  if (finding.documentTitle !== undefined) lines.push(`Document: ${finding.documentTitle}`);
  if (finding.docsUrl !== undefined) lines.push(`Docs: ${finding.docsUrl}`);
  return lines.join('\n');
}

/**
 * GitLab keeps only the first of several test cases with the same name, so two findings at the same
 * position get a `#n` suffix.
 */
function uniqueName(base: string, used: Map<string, number>): string {
  const seen = (used.get(base) ?? 0) + 1;
  used.set(base, seen);
  return seen === 1 ? base : `${base} #${seen}`;
}

function addSuite(parent: XMLBuilder, rule: RuleSummary, findings: readonly Finding[], filesLinted: readonly string[]): Counts {
  const failingPaths = new Set(findings.map((finding) => finding.path));
  const passingPaths = filesLinted.filter((path) => !failingPaths.has(path));
  const counts = { tests: findings.length + passingPaths.length, failures: findings.length };
  const suite = parent.ele('testsuite', {
    name: rule.id,
    tests: counts.tests,
    failures: counts.failures,
    errors: 0,
    skipped: 0,
    time: 0,
  });
  const usedNames = new Map<string, number>();
  for (const finding of findings) {
    suite
      .ele('testcase', {
        // GitLab shows classname as the suite column and name as the test: rule, then where.
        classname: rule.id,
        name: uniqueName(position(finding), usedNames),
        file: finding.path,
        time: 0,
      })
      // Parsers fold line breaks in attribute values into spaces anyway; folding them here keeps the message tidy.
      .ele('failure', { message: `${position(finding)} ${toSingleLine(finding.message)}`, type: severityLabel(finding.severity) })
      .txt(failureText(finding));
  }
  for (const path of passingPaths) {
    suite.ele('testcase', { classname: rule.id, name: path, file: path, time: 0 });
  }
  return counts;
}

/** One suite per rule; a document a rule had nothing to say about is a passing test case of that suite. */
export function formatJunit(input: ReportInput): string {
  // U+FFFD stands in for characters XML 1.0 cannot carry at all (NUL, most C0 controls, lone surrogates).
  const doc = loadXmlbuilder().create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '\uFFFD' });
  const root = doc.ele('testsuites', { name: 'policylint' });
  const total: Counts = { tests: 0, failures: 0 };
  for (const rule of reportedRules(input)) {
    const findings = input.findings.filter((finding) => finding.ruleId === rule.id);
    const counts = addSuite(root, rule, findings, input.filesLinted);
    total.tests += counts.tests;
    total.failures += counts.failures;
  }
  root.att({ tests: total.tests, failures: total.failures, errors: 0, skipped: 0, time: 0 });
  return `${doc.end({ prettyPrint: true, wellFormed: true })}\n`;
}
