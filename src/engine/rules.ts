import { rules as ruleRegistry } from '../../rules/index.js';
import type { DocumentClass, ResolvedConfig, RuleSetting } from '../config/types.js';
import type { DocumentModel } from '../model/types.js';
import type { ProjectContext } from '../project/types.js';
import type { RuleSummary } from '../reporters/index.js';
import { detach } from './documents.js';
import { docsUrl, draftFinding, type DraftFinding, type FindingSource } from './findings.js';
import type { AnyRule, ReleasedDocument, Report, Severity } from './types.js';

export const rulesById: ReadonlyMap<string, AnyRule> = new Map(ruleRegistry.map((rule) => [rule.meta.id, rule]));

/** The rule's setting for the class that selected a document (a document belongs to the first class that selects it). */
export function ruleSettingFor(config: ResolvedConfig, doc: Pick<DocumentModel, 'documentClass'>, ruleId: string): RuleSetting | undefined {
  return config.classes.find((c) => c.name === doc.documentClass)?.rules[ruleId];
}

/** A rule's options for the document's class: as configured when the class enables it, else the rule's defaults. */
export function ruleOptionsFor<T>(config: ResolvedConfig, doc: Pick<DocumentModel, 'documentClass'>, ruleId: string, defaults: T): T {
  const setting = ruleSettingFor(config, doc, ruleId);
  // Parsed (patterns compiled) when the config was loaded.
  return setting && setting.severity !== 'off' ? (setting.options as T) : defaults;
}

export type RulePlan = Array<{ rule: AnyRule; setting: RuleSetting }>;

/** The rules a lint runs for a class; merge-request-only rules are judged by `policylint mr` itself. */
export function activeRules(documentClass: DocumentClass): RulePlan {
  return Object.entries(documentClass.rules)
    .filter(([, setting]) => setting.severity !== 'off')
    .map(([id, setting]) => ({ rule: rulesById.get(id)!, setting }))
    .filter(({ rule }) => rule !== undefined && !rule.meta.mergeRequestOnly);
}

export function summarizeRule(rule: AnyRule): RuleSummary {
  return { id: rule.meta.id, description: rule.meta.description, defaultSeverity: rule.meta.defaultSeverity, docsUrl: docsUrl(rule.meta.id) };
}

/** The finding source of a rule's reports about one file. */
export function ruleSource(rule: AnyRule, severity: Severity, path: string, documentTitle: string | undefined): FindingSource {
  return { ruleId: rule.meta.id, severity, path, messages: rule.meta.messages, documentTitle, docsUrl: docsUrl(rule.meta.id) };
}

/** A rule that threw is reported under its own id as an engine message; the run goes on. */
const CRASH_MESSAGES = { internalError: { text: 'Rule {{ruleId}} failed: {{error}}', identity: [] } };

export function crashFinding(ruleId: string, file: string, error: unknown): DraftFinding {
  const reason = (error as Error).message ?? String(error);
  return draftFinding(
    { ruleId, severity: 'error', path: file, messages: CRASH_MESSAGES },
    { messageId: 'internalError', data: { ruleId, error: reason }, line: 1 },
  );
}

/** The per-document rules (`check`) of the document's class, in the class's rule order. */
export async function runDocumentRules(
  config: ResolvedConfig,
  doc: DocumentModel,
  plan: RulePlan,
  project: ProjectContext,
  drafts: DraftFinding[],
): Promise<void> {
  // One copy of the title for all of the document's findings (see `detach`).
  const documentTitle = doc.title === undefined ? undefined : detach(doc.title);
  const settingOf = (ruleId: string) => ruleSettingFor(config, doc, ruleId);
  for (const { rule, setting } of plan) {
    if (!rule.check) continue;
    const source = ruleSource(rule, setting.severity as Severity, doc.path, documentTitle);
    try {
      await rule.check(doc, { options: setting.options, project, settingOf, report: (report) => drafts.push(detachDraft(draftFinding(source, report))) });
    } catch (error) {
      drafts.push(crashFinding(rule.meta.id, doc.path, error));
    }
  }
}

/** Detaches what a rule wrote (message, identity, details); the title is detached once per document by the caller. */
function detachDraft(draft: DraftFinding): DraftFinding {
  draft.message = detach(draft.message);
  draft.identity = detach(draft.identity);
  if (draft.details !== undefined) draft.details = detach(draft.details);
  return draft;
}

/** Once per class with members: the project-wide rules (`checkProject`); returns every rule that ran. */
export async function runProjectRules(
  config: ResolvedConfig,
  project: ProjectContext,
  documents: readonly ReleasedDocument[],
  drafts: DraftFinding[],
): Promise<Map<string, AnyRule>> {
  const ran = new Map<string, AnyRule>();
  for (const documentClass of config.classes) {
    const members = documents.filter((doc) => doc.documentClass === documentClass.name);
    if (members.length === 0) continue;
    for (const { rule, setting } of activeRules(documentClass)) {
      ran.set(rule.meta.id, rule);
      if (!rule.checkProject) continue;
      const severity = setting.severity as Severity;
      const report = (r: Report) => {
        const file = r.path ?? members[0]!.path;
        // Every report names its file, so none carries a document title (see draftFinding).
        drafts.push(draftFinding(ruleSource(rule, severity, file, undefined), { ...r, path: file }));
      };
      try {
        await rule.checkProject({ options: setting.options, project, documentClass: documentClass.name, documents: members, report });
      } catch (error) {
        drafts.push(crashFinding(rule.meta.id, members[0]!.path, error));
      }
    }
  }
  return ran;
}
