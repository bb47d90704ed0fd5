/**
 * Printing the HTML reports (register, evidence) as an auditor would: headless Chromium prints the page to PDF and
 * poppler's `pdftotext` reads the PDF back. Both are oracles (tests/support/oracles.ts): `missingPdfTools` says what is
 * not installed, for `oracleMissing`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The first of the commands found on PATH (or as an absolute path), else undefined. */
export function tool(...candidates: string[]): string | undefined {
  return candidates.find((candidate) => (path.isAbsolute(candidate) ? existsSync(candidate) : spawnSync('sh', ['-c', `command -v ${candidate}`]).status === 0));
}

const chromium = tool('/usr/bin/chromium', 'chromium', 'chromium-browser');
const pdftotext = tool('pdftotext');

/** What printing needs and is not installed, e.g. `chromium and pdftotext (poppler-utils)`; empty when everything is. */
export const missingPdfTools = [chromium ? '' : 'chromium', pdftotext ? '' : 'pdftotext (poppler-utils)'].filter(Boolean).join(' and ');

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Prints `page` (an HTML document) to `<dir>/<name>.pdf` with headless Chromium, no header or footer; returns the PDF's path. */
export function printToPdf(page: string, dir: string, name: string): string {
  const html = path.join(dir, `${name}.html`);
  const pdf = path.join(dir, `${name}.pdf`);
  writeFileSync(html, page);
  execFileSync(
    chromium!,
    [...CHROMIUM_FLAGS, `--user-data-dir=${path.join(dir, 'profile')}`, `--print-to-pdf=${pdf}`, '--no-pdf-header-footer', `file://${html}`],
    {
      stdio: 'pipe',
      timeout: 60_000,
    },
  );
  return pdf;
}

/** The PDF's text laid out as printed (`pdftotext -layout`): the whole document, or one page (1-based). */
export function pdfText(pdf: string, page?: number): string {
  const pages = page === undefined ? [] : ['-f', String(page), '-l', String(page)];
  return execFileSync(pdftotext!, ['-layout', ...pages, pdf, '-'], { encoding: 'utf8' });
}

/** The text of each page, read one page at a time; pdftotext ends every page with a form feed, which tells how many there are. */
export function pdfPages(pdf: string): string[] {
  const count = pdfText(pdf).split('\f').length - 1;
  return Array.from({ length: count }, (_, index) => pdfText(pdf, index + 1));
}
