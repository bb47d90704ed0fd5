import { z } from 'zod';
import { APPROVAL_MESSAGES } from '../src/approvals/messages.js';
import { defineRule } from '../src/engine/types.js';

/**
 * Judged by `policylint mr` (src/approvals/): a change to the policy itself — the policylint
 * config, CODEOWNERS, `mergeRequest.governanceFiles` — needs its own code owners' approval, and
 * a changed config must stay valid. Not configurable per class: it is part of the control.
 */
export default defineRule({
  meta: {
    id: 'governance-files',
    description:
      "In a merge request, changes to the policylint config, CODEOWNERS and other governance files need their code owners' approval, and a changed config must be valid",
    defaultSeverity: 'error',
    options: z.strictObject({}),
    messages: {
      ...APPROVAL_MESSAGES.governance,
      invalidConfig: 'The policylint config as this merge request changes it is invalid: {{problem}}',
    },
    control: true,
    mergeRequestOnly: true,
    alwaysOn: true,
  },
});
