import type { LintResult } from '../engine/run.js';
import { reportChunks, type FormatName } from '../reporters/index.js';
import { reportInput, type Terminal } from '../reporters/write.js';
import { useColor } from './util.js';

/** What stdout can show: colour (stylish only) and its width, 80 columns when it is not a terminal. */
export function stdoutTerminal(format: FormatName, stream: NodeJS.WriteStream = process.stdout): Terminal {
  return { color: format === 'stylish' && useColor(stream), width: (stream.isTTY && stream.columns) || 80 };
}

/** Writes the report to stdout piece by piece: a whole handbook's findings need not be held as one string. */
export function printReport(result: LintResult, format: FormatName): void {
  for (const chunk of reportChunks(format, reportInput(result, stdoutTerminal(format)))) process.stdout.write(chunk);
}
