import { z } from 'zod';
import { APPROVAL_MESSAGES } from '../src/approvals/messages.js';
import { defineRule } from '../src/engine/types.js';

/**
 * Judged by `policylint mr` once GitLab's approvals are known (src/approvals/): which owners
 * must approve comes from the target branch's CODEOWNERS, who counts from what GitLab recorded.
 */
export default defineRule({
  meta: {
    id: 'owner-approval',
    description:
      'In a merge request, every changed controlled document has the approvals its CODEOWNERS sections (target branch) require, from eligible owners other than the author, given after the last change',
    defaultSeverity: 'error',
    options: z.strictObject({}),
    messages: APPROVAL_MESSAGES.document,
    control: true,
    mergeRequestOnly: true,
  },
});
