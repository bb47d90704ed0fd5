import { gitlabHandbookExceptionOptions } from '../../../rules/exception-reference.js';
import type { ConfigInput } from '../schema.js';

/**
 * GitLab's Controlled Document Procedure: every controlled page has Purpose, Scope, Roles &
 * Responsibilities, the policy/standard/procedure itself, Exceptions linking to the exception
 * process, and References; it is owned in CODEOWNERS and reviewed at least once a year.
 * Section names accept the spellings found in the real handbook.
 */
export const gitlabHandbook: ConfigInput = {
  include: ['content/**/*.md'],
  exclude: ['**/node_modules/**'],
  classes: {
    'controlled-document': {
      description: 'Policies, standards and procedures under the Controlled Document Procedure',
      paths: ['**/*.md'],
      when: [{ frontMatter: { controlled_document: true } }, { contains: 'This is a Controlled Document' }],
      rules: {
        frontmatter: ['error', { fields: { title: { required: true, type: 'string' }, controlled_document: { type: 'boolean' } } }],
        'required-sections': [
          'error',
          {
            levels: [2],
            sections: [
              // GitLab's own ISMS page writes `### Purpose` under no H2.
              { name: 'Purpose', levels: [2, 3] },
              { name: 'Scope' },
              { name: 'Roles & Responsibilities', match: ['/^(?:[\\w-]+\\s+)*roles? and responsibilit(?:y|ies)$/'] },
              { name: 'Policy, Standard or Procedure', match: ['/\\b(?:polic(?:y|ies)|standards?|procedures?)$/'] },
              { name: 'Exceptions', match: ['/^exceptions\\b/'] },
              { name: 'References' },
            ],
          },
        ],
        'exception-reference': ['error', gitlabHandbookExceptionOptions],
        'codeowners-coverage': 'error',
        'owner-approval': 'error',
        'review-date': 'error',
        links: 'warn',
        directives: 'error',
      },
    },
  },
};
