// What a merge request changes, and which documents that puts in question.
import { posix } from 'node:path';
import { CODEOWNERS_PATHS, loadCodeowners } from '../codeowners/load.js';
import type { CodeownersFile } from '../codeowners/types.js';
import { git } from '../git/exec.js';
import { isOutsideRoot, MARKDOWN_PATHSPECS, toPosix } from '../util/paths.js';
import type { GitLabApi } from './client.js';
import type { ChangedFile } from './diff.js';

interface ApiDiff {
  old_path: string;
  new_path: string;
  new_file: boolean;
  renamed_file: boolean;
  deleted_file: boolean;
  diff: string;
  collapsed?: boolean;
  too_large?: boolean;
}

function statusOf(diff: Pick<ApiDiff, 'new_file' | 'renamed_file' | 'deleted_file'>): ChangedFile['status'] {
  if (diff.deleted_file) return 'deleted';
  if (diff.new_file) return 'added';
  return diff.renamed_file ? 'renamed' : 'modified';
}

/** Every page of the MR's diffs. Collapsed and too-large files come back with an empty diff: their hunks are unknown (null). */
export async function changedFilesFromApi(api: GitLabApi, projectId: string | number, iid: number): Promise<ChangedFile[]> {
  const diffs = (await api.MergeRequests.allDiffs(projectId, iid, { perPage: 100 })) as ApiDiff[];
  return diffs.map((diff) => ({
    oldPath: diff.old_path,
    newPath: diff.new_path,
    status: statusOf(diff),
    diff: diff.diff === '' && (diff.collapsed || diff.too_large) ? null : diff.diff,
  }));
}

export interface GitRange {
  gitRoot: string;
  base: string;
  head: string;
}

/** `git diff --name-status -z -M base...head`: every file the merge request changes; hunks are filled later, where needed. */
export async function changedFilesFromGit(range: GitRange): Promise<ChangedFile[]> {
  const fields = (await git(range.gitRoot, ['diff', '--name-status', '-z', '-M', `${range.base}...${range.head}`])).split('\0');
  const files: ChangedFile[] = [];
  for (let index = 0; index < fields.length - 1;) {
    const status = fields[index++]!;
    const oldPath = fields[index++]!;
    const newPath = status.startsWith('R') ? fields[index++]! : oldPath;
    files.push({
      oldPath,
      newPath,
      status: status.startsWith('R') ? 'renamed' : status === 'A' ? 'added' : status === 'D' ? 'deleted' : 'modified',
      diff: null,
    });
  }
  return files;
}

/**
 * GitLab's list of changes (its diffs are what threads attach to), completed with the files only
 * git lists: GitLab serves no more than its diff limits (1,000 files by default) and nothing before
 * it has computed the diff. A git entry naming a path GitLab lists already (a rename GitLab shows as
 * a deletion and an addition, say) is left out.
 */
export function completeChanges(fromApi: readonly ChangedFile[], fromGit: readonly ChangedFile[]): ChangedFile[] {
  const listed = new Set(fromApi.flatMap((file) => [file.oldPath, file.newPath]));
  return [...fromApi, ...fromGit.filter((file) => !listed.has(file.oldPath) && !listed.has(file.newPath))];
}

/** Hunks for files whose diff is unknown, from git (GitLab diffs use three context lines, like git). */
export async function fillHunksFromGit(range: GitRange, files: ChangedFile[]): Promise<ChangedFile[]> {
  return Promise.all(
    files.map(async (file) => {
      if (file.diff !== null || file.status === 'deleted') return file;
      const paths = file.oldPath === file.newPath ? [file.newPath] : [file.oldPath, file.newPath];
      const patch = await git(range.gitRoot, ['diff', '-U3', '--no-color', '--no-ext-diff', '-M', `${range.base}...${range.head}`, '--', ...paths]);
      const hunks = patch.indexOf('\n@@');
      return { ...file, diff: hunks === -1 ? '' : patch.slice(hunks + 1) };
    }),
  );
}

/** Both sides of every change: renamed and deleted files are owned by their old path's owners too (GitLab's modified_paths). */
export function changedPaths(files: readonly ChangedFile[]): string[] {
  return [...new Set(files.flatMap((file) => [file.newPath, file.oldPath]))].sort();
}

/** What a CODEOWNERS file says about a path, in a form that compares equal when nothing that matters changed. */
function ownershipKey(file: CodeownersFile | null, path: string): string {
  if (!file) return '';
  return JSON.stringify(
    file.match(path).map((m) => [m.section.name.toLowerCase(), m.approvalsRequired, m.entry.owners.map((o) => o.text.toLowerCase()).sort()]),
  );
}

export interface LintSelection {
  /** Repository-relative files to lint. */
  files: string[];
  /** Why more than the changed files are linted, for the log. */
  reasons: string[];
}

export interface SelectionInput {
  gitRoot: string;
  changes: readonly ChangedFile[];
  /** CODEOWNERS as the target branch has it. */
  targetCodeowners: CodeownersFile | null;
}

/**
 * Every file the change leaves on the head (the trusted config's classes pick the documents among
 * them), plus, when CODEOWNERS changes, the documents whose owners it changes, so the new
 * CODEOWNERS is checked against them. A change to the config changes nothing here: the policy in
 * force is the target branch's.
 */
export async function selectFilesToLint(input: SelectionInput): Promise<LintSelection> {
  const paths = changedPaths(input.changes);
  const files = new Set(input.changes.filter((f) => f.status !== 'deleted').map((f) => f.newPath));
  const reasons: string[] = [];
  if (paths.some((path) => (CODEOWNERS_PATHS as readonly string[]).includes(path))) {
    const workTree = loadCodeowners(input.gitRoot);
    const tracked = (await git(input.gitRoot, ['ls-files', '-z', '--', ...MARKDOWN_PATHSPECS])).split('\0').filter(Boolean);
    const affected = tracked.filter((path) => ownershipKey(input.targetCodeowners, path) !== ownershipKey(workTree, path));
    for (const path of affected) files.add(path);
    reasons.push(`CODEOWNERS changed: also linting ${affected.length} document(s) whose owners change`);
  }
  return { files: [...files].sort(), reasons };
}

/** A git-root-relative path as seen from the config's directory, or undefined when outside it (`..x/` is inside). */
export function relativeTo(root: string, gitRoot: string, path: string): string | undefined {
  const rel = posix.relative(toPosix(root), posix.join(toPosix(gitRoot), path));
  return isOutsideRoot(rel) ? undefined : rel;
}
