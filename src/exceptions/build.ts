import exceptionExpiry, { type ExceptionExpiryOptions } from '../../rules/exception-expiry.js';
import exceptionReference, { defaultExceptionReferenceOptions } from '../../rules/exception-reference.js';
import type { ResolvedConfig } from '../config/types.js';
import { detach } from '../engine/documents.js';
import type { PreparedRun } from '../engine/run.js';
import { ruleSettingFor } from '../engine/rules.js';
import type { DocumentModel } from '../model/types.js';
import { formatDay } from '../reviews/dates.js';
import { compareCodeUnits } from '../util/paths.js';
import type { IssueLookup, ReaderSetup } from './issues.js';
import { hasExceptionLabels, judgeException, type ExceptionStatus } from './status.js';
import { issueKey, trackedExceptions, type TrackedException } from './tracked.js';

/** One tracked exception as a document cites it; the JSON output's `exceptions` are exactly these (docs/governance.md). */
export interface ExceptionEntry {
  /** The citing text as written: `#12`, `group/exceptions#12` or the issue URL. */
  reference: string;
  /** The issue it names, `group/project#12`; null when it names none. */
  issue: string | null;
  path: string;
  title: string | null;
  line: number;
  /** The sentence citing it. */
  sentence: string;
  /** From GitLab; null when the issue was not read. */
  state: 'opened' | 'closed' | null;
  dueDate: string | null;
  labels: string[] | null;
  webUrl: string | null;
  status: ExceptionStatus;
  /** Days from `asOf` to the due date, negative once past; null without one. */
  daysLeft: number | null;
}

export interface ExceptionsRegister {
  asOf: string;
  /** Why the issues were not read (no token, no GitLab URL); null when they were. */
  unchecked: string | null;
  entries: ExceptionEntry[];
}

/** What the register keeps of a parsed document: the exceptions it cites, judged by its class's exception-expiry options. */
export interface ExceptionsDocument {
  path: string;
  title: string | undefined;
  options: ExceptionExpiryOptions;
  exceptions: TrackedException[];
}

const EXPIRY_DEFAULTS: ExceptionExpiryOptions = exceptionExpiry.meta.options.parse({});

/** The class's options for the rule, whatever its severity (where exceptions are tracked holds even with the rule off), else its defaults. */
function classOptions<T>(config: ResolvedConfig, doc: DocumentModel, ruleId: string, defaults: T): T {
  return (ruleSettingFor(config, doc, ruleId)?.options as T | undefined) ?? defaults;
}

export function keepForExceptions(doc: DocumentModel, config: ResolvedConfig): ExceptionsDocument {
  const options = classOptions(config, doc, exceptionExpiry.meta.id, EXPIRY_DEFAULTS);
  const referenceOptions = classOptions(config, doc, exceptionReference.meta.id, defaultExceptionReferenceOptions);
  // The title may be a slice of the page's text: a copy lets the text go, as releaseDocument does for lint.
  return {
    path: doc.path,
    title: doc.title === undefined ? undefined : detach(doc.title),
    options,
    exceptions: trackedExceptions(doc, referenceOptions, options),
  };
}

/**
 * Every tracked exception the selected documents cite, by path and line. With a reader, each
 * issue is read once (in batches) and judged on `now`; an issue without the configured labels is
 * not a tracked exception and is left out. Throws GitLabApiError when GitLab fails.
 */
export async function buildExceptions(prepared: PreparedRun<ExceptionsDocument>, setup: ReaderSetup): Promise<ExceptionsRegister> {
  const cited = prepared.documents.flatMap((doc) => doc.exceptions.map((exception) => ({ doc, exception })));
  const lookups: ReadonlyMap<string, IssueLookup> =
    'reader' in setup ? await setup.reader.read(cited.flatMap(({ exception }) => exception.issue ?? [])) : new Map();
  const entries = cited.flatMap(({ doc, exception }): ExceptionEntry[] => {
    const { issue } = exception;
    const lookup = issue === null ? undefined : lookups.get(issueKey(issue));
    if (!hasExceptionLabels(lookup, doc.options.labels)) return [];
    const facts = lookup !== undefined && typeof lookup !== 'string' ? lookup : undefined;
    const { status, daysLeft } = issue === null ? { status: 'unresolved' as const, daysLeft: null } : judgeException(lookup, doc.options, prepared.project.now);
    return [
      {
        reference: exception.reference,
        issue: issue && `${issue.project}#${issue.iid}`,
        path: doc.path,
        title: doc.title ?? null,
        line: exception.line,
        sentence: exception.sentence,
        state: facts?.state ?? null,
        dueDate: facts?.dueDate ?? null,
        labels: facts?.labels ?? null,
        webUrl: facts?.webUrl ?? null,
        status,
        daysLeft,
      },
    ];
  });
  entries.sort((a, b) => compareCodeUnits(a.path, b.path) || a.line - b.line);
  return { asOf: formatDay(prepared.project.now), unchecked: 'unchecked' in setup ? setup.unchecked : null, entries };
}
