import { rules as ruleRegistry } from '../../rules/index.js';
import type { ResolvedConfig } from '../config/types.js';
import type { Directive } from '../model/types.js';
import type { ProjectContext } from '../project/types.js';
import { didYouMean, NAME_IN_COMMENT } from '../util/suggest.js';
import { FILE_ERROR_RULE, type KeptDocument } from './documents.js';
import { draftFinding, type DraftFinding } from './findings.js';
import { crashFinding, ruleSettingFor, ruleSource } from './rules.js';
import type { DirectiveOutcome, Severity } from './types.js';

interface Applied {
  kept: DraftFinding[];
  /** Comments that suppressed nothing, each with only the rule ids it could act on. */
  unused: Directive[];
}

interface Range {
  directive: Directive;
  from: number;
  to: number;
  used: boolean;
}

function covers(directive: Directive, ruleId: string): boolean {
  return directive.ruleIds.length === 0 || directive.ruleIds.includes(ruleId);
}

/**
 * The comment as it acts: only the rule ids it may switch (registered, not exempt). A comment that
 * named rules but none of those, or whose keyword is unknown, does nothing (`undefined`): an
 * unknown id never falls back to "every rule". Such comments are reported as inert (see `inertRuleIds`).
 */
function effective(directive: Directive, known: ReadonlySet<string>, exempt: ReadonlySet<string>): Directive | undefined {
  if (directive.kind === 'unknown') return undefined;
  if (directive.ruleIds.length === 0) return directive;
  const ruleIds = directive.ruleIds.filter((id) => known.has(id) && !exempt.has(id));
  return ruleIds.length === 0 ? undefined : { ...directive, ruleIds };
}

/**
 * Applies a document's disable/enable comments to its findings and returns the comments that suppressed nothing.
 * `known` holds the rule ids a comment may name; `exempt` those whose findings no comment hides.
 */
function applyDirectives(
  directives: readonly Directive[],
  findings: readonly DraftFinding[],
  lastLine: number,
  exempt: ReadonlySet<string>,
  known: ReadonlySet<string>,
): Applied {
  const ranges: Range[] = [];
  const open: Range[] = [];
  const acting = directives.flatMap((d) => effective(d, known, exempt) ?? []);
  for (const directive of acting.sort((a, b) => a.line - b.line)) {
    if (directive.kind === 'disable-line') {
      ranges.push({ directive, from: directive.line, to: directive.endLine, used: false });
    } else if (directive.kind === 'disable-next-line') {
      ranges.push({ directive, from: directive.endLine + 1, to: directive.endLine + 1, used: false });
    } else if (directive.kind === 'disable') {
      const range = { directive, from: directive.line, to: lastLine, used: false };
      ranges.push(range);
      open.push(range);
    } else {
      // An enable closes every open disable that names one of its rules (or all, for a bare enable).
      for (const range of open.filter(
        (r) => directive.ruleIds.length === 0 || r.directive.ruleIds.some((id) => directive.ruleIds.includes(id)) || r.directive.ruleIds.length === 0,
      )) {
        range.to = directive.line;
        open.splice(open.indexOf(range), 1);
      }
    }
  }
  const kept = findings.filter((finding) => {
    if (exempt.has(finding.ruleId)) return true;
    let suppressed = false;
    for (const range of ranges) {
      if (finding.line >= range.from && finding.line <= range.to && covers(range.directive, finding.ruleId)) {
        range.used = true;
        suppressed = true;
      }
    }
    return !suppressed;
  });
  return { kept, unused: ranges.filter((r) => !r.used).map((r) => r.directive) };
}

/** Findings no comment can hide: the control's own rules, file errors, and the directives rule that polices comments. */
const NEVER_SUPPRESSED: ReadonlySet<string> = new Set([
  'directives',
  FILE_ERROR_RULE,
  ...ruleRegistry.filter((rule) => rule.meta.control).map((rule) => rule.meta.id),
]);
/** The rule ids a comment may name, exactly as registered. */
const KNOWN_RULE_IDS: ReadonlySet<string> = new Set([...ruleRegistry.map((rule) => rule.meta.id), FILE_ERROR_RULE]);
/** The rules that police comments through `checkDirectives`. */
const DIRECTIVE_CHECKERS = ruleRegistry.filter((rule) => rule.checkDirectives);

/** The rule ids a document's comments name but cannot act on: unknown ids (with a guess), and rules no comment may disable. */
function inertRuleIds(directives: readonly Directive[]): DirectiveOutcome['inert'] {
  return directives.flatMap((directive) =>
    directive.kind === 'unknown'
      ? [] // The directives rule reports the keyword; its rule ids are not read.
      : directive.ruleIds.flatMap((ruleId): DirectiveOutcome['inert'] => {
          if (!KNOWN_RULE_IDS.has(ruleId)) return [{ directive, ruleId, reason: 'unknown', suggestion: didYouMean(ruleId, KNOWN_RULE_IDS, NAME_IN_COMMENT) }];
          if (directive.kind !== 'enable' && NEVER_SUPPRESSED.has(ruleId)) return [{ directive, ruleId, reason: 'control' }];
          return [];
        }),
  );
}

/**
 * Applies each document's comments to its findings, then hands what they left over to the rules
 * that police comments. Those run even where they are off for the class: a comment naming a
 * control rule or an unknown id switches nothing off (an unknown id never falls back to "every
 * rule"), and a reviewer must see the attempt whatever the settings.
 */
export function applyAllDirectives(
  config: ResolvedConfig,
  project: ProjectContext,
  documents: readonly KeptDocument[],
  drafts: DraftFinding[],
): DraftFinding[] {
  const withDirectives = documents.filter((doc) => doc.directives.length > 0);
  // Most documents have no directives: their findings pass through untouched, and a large run makes no copies.
  if (withDirectives.length === 0) return drafts;
  const byPath = new Map<string, DraftFinding[]>();
  for (const draft of drafts) {
    const group = byPath.get(draft.path);
    if (group) group.push(draft);
    else byPath.set(draft.path, [draft]);
  }
  for (const doc of withDirectives) {
    const { kept, unused } = applyDirectives(doc.directives, byPath.get(doc.path) ?? [], doc.lineCount, NEVER_SUPPRESSED, KNOWN_RULE_IDS);
    const inert = inertRuleIds(doc.directives);
    const settingOf = (ruleId: string) => ruleSettingFor(config, doc, ruleId);
    for (const rule of DIRECTIVE_CHECKERS) {
      const setting = settingOf(rule.meta.id);
      const on = setting !== undefined && setting.severity !== 'off';
      const source = ruleSource(rule, on ? (setting.severity as Severity) : 'error', doc.path, doc.title);
      const options: unknown = on ? setting.options : rule.meta.options.parse({});
      try {
        rule.checkDirectives!(
          doc,
          { unused: on ? unused : [], inert },
          { options, project, settingOf, report: (report) => kept.push(draftFinding(source, report)) },
        );
      } catch (error) {
        kept.push(crashFinding(rule.meta.id, doc.path, error));
      }
    }
    byPath.set(doc.path, kept);
  }
  return [...byPath.values()].flat();
}
