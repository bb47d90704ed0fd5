import type { AnyRule } from '../src/engine/types.js';
import codeownersCoverage from './codeowners-coverage.js';
import directives from './directives.js';
import frontmatter from './frontmatter.js';
import requiredSections from './required-sections.js';

/** Every rule policylint knows, in the order `policylint rules` lists them. */
export const rules: readonly AnyRule[] = [requiredSections, frontmatter, codeownersCoverage, directives];
