import documentId, { defaultDocumentIdOptions, readDocumentId, type DocumentIdOptions } from '../../rules/document-id.js';
import exceptionReference, { citedExceptions, defaultExceptionReferenceOptions } from '../../rules/exception-reference.js';
import reviewDate from '../../rules/review-date.js';
import type { ResolvedConfig } from '../config/types.js';
import { releaseDocument, type KeptDocument } from '../engine/documents.js';
import type { PreparedRun } from '../engine/run.js';
import { ruleOptionsFor } from '../engine/rules.js';
import type { DocumentModel } from '../model/types.js';
import { formatDay } from '../reviews/dates.js';
import { projectReviewHistory } from '../reviews/history.js';
import { reviewDocuments, type ReviewOptions, type ReviewSource, type ReviewState } from '../reviews/status.js';
import { compareCodeUnits } from '../util/paths.js';

/** One controlled document in the register; the JSON output's `documents` are exactly these (docs/governance.md). */
export interface RegisterEntry {
  /** The document-id rule's key (`id` where the class does not enable the rule); null when not set or not text. */
  id: string | null;
  title: string | null;
  class: string;
  path: string;
  /** Every CODEOWNERS section with an entry for the document, in file order, with that entry's owners as written. */
  codeOwners: Array<{ section: string; owners: string[] }>;
  lastReviewed: string | null;
  reviewSource: ReviewSource | null;
  due: string | null;
  status: ReviewState;
  /** The last commit that changed the file (first parent, as review dates are read); null outside git or when uncommitted. */
  lastChange: { commit: string; date: string } | null;
  /** Distinct tracked exceptions the document cites (the exception-reference rule's `trackedExceptionPatterns`). */
  exceptionReferences: number;
}

export interface Register {
  /** The day statuses are computed for (`--now`, POLICYLINT_NOW, else today), YYYY-MM-DD. */
  asOf: string;
  entries: RegisterEntry[];
}

/** What the register keeps of a document (`prepareRun`'s `keep`): what `lint` keeps, and what only the syntax tree tells. */
export interface RegisterDocument extends KeptDocument {
  exceptionReferences: number;
}

export function keepForRegister(doc: DocumentModel, config: ResolvedConfig): RegisterDocument {
  const options = ruleOptionsFor(config, doc, exceptionReference.meta.id, defaultExceptionReferenceOptions);
  return { ...releaseDocument(doc), exceptionReferences: citedExceptions(doc, options).length };
}

/** With no ID last, then by path; both in code-unit order. */
function byIdThenPath(a: RegisterEntry, b: RegisterEntry): number {
  if (a.id !== b.id) {
    if (a.id === null) return 1;
    if (b.id === null) return -1;
    return compareCodeUnits(a.id, b.id);
  }
  return compareCodeUnits(a.path, b.path);
}

/**
 * The register of every selected document. Review status as `policylint reviews` computes it (the
 * class's review-date options, the rule's defaults where the class does not enable it); git is read
 * in batches, never once per file: once for every document's last change, which also dates the
 * reviews of classes without an ignore pattern, and once per other pattern.
 */
export async function buildRegister(prepared: PreparedRun<RegisterDocument>): Promise<Register> {
  const { config, project, documents } = prepared;
  const reviewDefaults: ReviewOptions = reviewDate.meta.options.parse({});
  // Every commit counts as a change here, whatever review-date's ignoreCommitPattern says.
  const history = await projectReviewHistory(
    project,
    documents.map((doc) => doc.path),
  );
  const reviews = await reviewDocuments(
    project,
    documents.map((doc) => ({ doc, options: ruleOptionsFor(config, doc, reviewDate.meta.id, reviewDefaults) })),
    history,
  );
  const codeowners = await project.codeowners();
  const prefix = await project.codeownersPrefix();
  const entries = documents.map((doc, index): RegisterEntry => {
    const review = reviews[index]!;
    const idOptions = ruleOptionsFor<DocumentIdOptions>(config, doc, documentId.meta.id, defaultDocumentIdOptions);
    const found = readDocumentId(doc.frontMatter, idOptions.key);
    const change = history?.paths.get(doc.path);
    return {
      id: found.kind === 'found' ? found.id : null,
      title: doc.title ?? null,
      class: doc.documentClass,
      path: doc.path,
      codeOwners: (codeowners?.match(prefix + doc.path) ?? []).map(({ section, entry }) => ({
        section: section.name,
        owners: entry.owners.map((owner) => owner.text),
      })),
      lastReviewed: review.lastReviewed && formatDay(review.lastReviewed),
      reviewSource: review.source,
      due: review.due && formatDay(review.due),
      status: review.status,
      lastChange: change?.kind === 'changed' ? { commit: change.last.commit, date: change.last.committedAt } : null,
      exceptionReferences: doc.exceptionReferences,
    };
  });
  return { asOf: formatDay(project.now), entries: entries.sort(byIdThenPath) };
}
