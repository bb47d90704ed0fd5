import { rules } from '../rules/index.js';
import { PRESETS } from '../src/config/presets/index.js';
import { FILE_ERROR_SUMMARY } from '../src/engine/documents.js';

// README.md's Rules table is made from the registry, so a new rule needs no README edit:
// `npm run schema` rewrites it between these markers, and tests/docs-consistency.test.ts fails when it is stale.
export const RULE_TABLE_START = '<!-- rule table: generated from rules/index.ts by `npm run schema` -->';
export const RULE_TABLE_END = '<!-- end of rule table -->';

const PRESET = 'gitlab-handbook';

interface TableRule {
  id: string;
  description: string;
  defaultSeverity: string;
  alwaysOn: boolean;
}

/** The Default column: the rule's own severity, then how the gitlab-handbook preset differs, if it does. */
function defaultColumn(rule: TableRule): string {
  if (rule.alwaysOn) return `${rule.defaultSeverity} (always on)`;
  const setting = PRESETS[PRESET]!.classes?.['controlled-document']?.rules?.[rule.id];
  const presetSeverity = Array.isArray(setting) ? setting[0] : setting;
  if (presetSeverity === undefined) return `${rule.defaultSeverity} (not in the ${PRESET} preset)`;
  return presetSeverity === rule.defaultSeverity ? rule.defaultSeverity : `${rule.defaultSeverity} (\`${presetSeverity}\` in the ${PRESET} preset)`;
}

/** The table, in `policylint rules` order: the registry's, then file-error. */
export function ruleTable(): string {
  const listed: TableRule[] = [
    ...rules.map(({ meta }) => ({ id: meta.id, description: meta.description, defaultSeverity: meta.defaultSeverity, alwaysOn: meta.alwaysOn === true })),
    { ...FILE_ERROR_SUMMARY, alwaysOn: true },
  ];
  const rows = listed.map((rule) => `| [${rule.id}](docs/rules/${rule.id}.md) | ${rule.description.replace(/\|/g, '\\|')} | ${defaultColumn(rule)} |`);
  return ['| Rule | Checks | Default |', '| --- | --- | --- |', ...rows].join('\n');
}

/** Where the table's text lies in the README: just after the start marker up to the end marker. */
function tableRegion(readme: string): { start: number; end: number } {
  const start = readme.indexOf(RULE_TABLE_START);
  const end = readme.indexOf(RULE_TABLE_END);
  if (start === -1 || end < start) throw new Error(`README.md has no "${RULE_TABLE_START}" … "${RULE_TABLE_END}" region`);
  return { start: start + RULE_TABLE_START.length, end };
}

/** The table committed in the README, without the blank lines around it. */
export function committedRuleTable(readme: string): string {
  const { start, end } = tableRegion(readme);
  return readme.slice(start, end).trim();
}

/** The README with the current table between the markers. */
export function withRuleTable(readme: string): string {
  const { start, end } = tableRegion(readme);
  return `${readme.slice(0, start)}\n\n${ruleTable()}\n\n${readme.slice(end)}`;
}
