// Approximates what GitLab does with a note body beyond storing it: quick actions it would
// execute and users/groups it would notify. Close enough to catch unescaped untrusted text.

export interface QuickAction {
  command: string;
  arg: string;
}

// The commands that matter for a bot note on an MR (not the full list).
const COMMANDS = [
  'approve',
  'unapprove',
  'merge',
  'close',
  'reopen',
  'draft',
  'ready',
  'rebase',
  'label',
  'unlabel',
  'relabel',
  'assign',
  'unassign',
  'reassign',
  'assign_reviewer',
  'request_review',
  'unassign_reviewer',
  'title',
  'milestone',
  'remove_milestone',
  'lock',
  'unlock',
  'todo',
  'done',
  'subscribe',
  'unsubscribe',
  'award',
  'react',
  'shrug',
  'tableflip',
  'cc',
  'copy_metadata',
  'target_branch',
  'submit_review',
  'spend',
  'estimate',
  'due',
  'confidential',
];
const COMMAND_LINE = new RegExp(`^/(${COMMANDS.join('|')})(?: ([^\\n]*))?$`, 'i');

/** Like GitLab's extractor: `\r` removed, commands only at column 0, outside ``` fences and >>> quotes. */
export function detectQuickActions(body: string): QuickAction[] {
  const actions: QuickAction[] = [];
  let fence: 'code' | 'quote' | null = null;
  for (const line of body.replace(/\r/g, '').split('\n')) {
    if (fence === null && /^```/.test(line)) fence = 'code';
    else if (fence === 'code' && line === '```') fence = null;
    else if (fence === null && line.startsWith('>>>')) fence = 'quote';
    else if (fence === 'quote' && line === '>>>') fence = null;
    else if (fence === null) {
      const match = COMMAND_LINE.exec(line.trimEnd());
      if (match) actions.push({ command: match[1]!.toLowerCase(), arg: match[2] ?? '' });
    }
  }
  return actions;
}

/** True when the body holds nothing but quick actions: GitLab then saves no note (202). */
export function isOnlyQuickActions(body: string): boolean {
  const lines = body
    .replace(/\r/g, '')
    .split('\n')
    .filter((l) => l.trim() !== '');
  return lines.length > 0 && lines.every((l) => COMMAND_LINE.test(l.trimEnd()));
}

/** `@name` references outside code blocks and code spans, deduplicated in order. */
export function detectMentions(body: string): string[] {
  const prose = body.replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1[^\S\n]*$/gm, '').replace(/(`+)[\s\S]*?\1/g, '');
  const found = new Set<string>();
  for (const m of prose.matchAll(/(?<![\w@`])@([A-Za-z0-9_](?:[A-Za-z0-9_.\-/]*[A-Za-z0-9_])?)/g)) found.add(m[1]!);
  return [...found];
}
