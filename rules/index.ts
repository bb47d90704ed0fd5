import type { AnyRule } from '../src/engine/types.js';
import codeownersCoverage from './codeowners-coverage.js';
import directives from './directives.js';
import documentId from './document-id.js';
import exceptionExpiry from './exception-expiry.js';
import exceptionReference from './exception-reference.js';
import frontmatter from './frontmatter.js';
import governanceFiles from './governance-files.js';
import links from './links.js';
import ownerApproval from './owner-approval.js';
import requiredSections from './required-sections.js';
import reviewDate from './review-date.js';

/** Every rule policylint knows, in the order `policylint rules` lists them. */
export const rules: readonly AnyRule[] = [
  requiredSections,
  frontmatter,
  exceptionReference,
  exceptionExpiry,
  reviewDate,
  documentId,
  codeownersCoverage,
  ownerApproval,
  governanceFiles,
  links,
  directives,
];
