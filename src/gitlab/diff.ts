/** A line of the new file that a diff note can be attached to, with its old-side number when it is a context line. */
export interface NewSideLine {
  newLine: number;
  /** null for an added line; the unchanged line's number in the old file for a context line. */
  oldLine: number | null;
}

/**
 * New-side lines shown in a diff (hunk text as the MR diffs API serves it, starting at `@@`):
 * added lines and context lines. GitLab only accepts positions on lines the diff shows.
 */
export function newSideLines(diff: string): Map<number, NewSideLine> {
  const lines = new Map<number, NewSideLine>();
  let oldLine = 0;
  let newLine = 0;
  let inHunk = false;
  for (const text of diff.split('\n')) {
    const header = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(text);
    if (header) {
      oldLine = Number(header[1]);
      newLine = Number(header[2]);
      inHunk = true;
    } else if (!inHunk || text.startsWith('\\')) {
      continue; // before the first hunk, or "\ No newline at end of file"
    } else if (text.startsWith('+')) {
      lines.set(newLine, { newLine, oldLine: null });
      newLine++;
    } else if (text.startsWith('-')) {
      oldLine++;
    } else if (text.startsWith(' ')) {
      lines.set(newLine, { newLine, oldLine });
      oldLine++;
      newLine++;
    }
  }
  return lines;
}

/** One file the merge request changes. */
export interface ChangedFile {
  oldPath: string;
  newPath: string;
  status: 'added' | 'modified' | 'renamed' | 'deleted';
  /** Hunk text starting at `@@`; null when unknown (binary, or not fetched). */
  diff: string | null;
}
