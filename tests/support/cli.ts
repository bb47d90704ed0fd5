import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(REPO_ROOT, 'bin/policylint.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment the CLI runs in: the test's, colourless, dated, and outside any CI job, with `extra` on top (`undefined` removes). */
function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = {
    ...process.env,
    NO_COLOR: '1',
    FORCE_COLOR: undefined,
    POLICYLINT_NOW: '2026-11-27',
    CI_MERGE_REQUEST_TARGET_BRANCH_NAME: undefined,
    CI_DEFAULT_BRANCH: undefined,
    CI_PIPELINE_SOURCE: undefined,
    ...extra,
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return env as NodeJS.ProcessEnv;
}

/** Runs the built CLI (npm test builds first) as a user would, with a clean, colourless environment. */
export function runCli(args: readonly string[], options: { cwd: string; env?: Record<string, string | undefined>; input?: string }): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    env: cliEnv(options.env),
    encoding: 'utf8',
    input: options.input,
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** As runCli, without blocking this process: for a CLI that talks to a server the test runs in process (the fake GitLab). */
export function runCliAsync(args: readonly string[], options: { cwd: string; env?: Record<string, string | undefined> }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, env: cliEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const trees: string[] = [];

/** A temporary folder holding the given files (paths relative to it); removed after the test file (tests/support/setup.ts). */
export function makeTree(files: Record<string, string | Buffer>, prefix = 'policylint-'): string {
  const root = mkdtempSync(path.join(os.tmpdir(), prefix));
  trees.push(root);
  for (const [file, content] of Object.entries(files)) {
    const target = path.join(root, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  return root;
}

export function removeTrees(): void {
  for (const root of trees.splice(0)) rmSync(root, { recursive: true, force: true });
}

export function makeExecutable(file: string): void {
  chmodSync(file, 0o755);
}

/** A complete controlled document that passes the gitlab-handbook preset's section rules. */
export function controlledDocument(title: string, extra = ''): string {
  return `---
title: ${title}
controlled_document: true
---

## Purpose

Why this exists.

## Scope

Who it covers.

## Roles & Responsibilities

| Role | Responsibility |
| --- | --- |
| Owner (Code Owners) | Approves changes |

## Policy

What must be done.${extra}

## Exceptions

See the [exception process](/handbook/security/controlled-document-procedure/#exceptions).

## References

- [Controlled Document Procedure](/handbook/security/controlled-document-procedure/)
`;
}

/** `controlledDocument` missing its Scope section: one required-sections error at the title, line 2. */
export function withoutScope(title: string): string {
  return controlledDocument(title).replace('## Scope\n\nWho it covers.\n\n', '');
}
