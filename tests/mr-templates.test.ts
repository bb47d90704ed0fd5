import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

interface Job {
  image: { name: string; entrypoint: string[] };
  variables: Record<string, string>;
  rules?: Array<{ if: string }>;
  script: string[];
  artifacts: { when: string; reports: Record<string, string> };
}

const load = (file: string) => parseAllDocuments(readFileSync(file, 'utf8')).map((doc) => doc.toJS() as Record<string, unknown>);

function expectPolicylintJob(job: Job, imageName: string): void {
  expect(job.image).toEqual({ name: imageName, entrypoint: [''] });
  expect(job.variables.GIT_DEPTH).toBe('0');
  expect(job.artifacts).toMatchObject({ when: 'always', reports: { codequality: 'gl-code-quality-report.json', junit: 'policylint-junit.xml' } });
  const command = job.script.at(-1)!;
  expect(command).toMatch(/^policylint mr /);
  expect(command).toContain('--report codequality=gl-code-quality-report.json');
  expect(command).toContain('--report junit=policylint-junit.xml');
  expect(command).not.toMatch(/TOKEN/);
}

describe('CI templates', () => {
  it('component: spec inputs, then an MR-pipeline job wired to the inputs', () => {
    const [header, body] = load('templates/policylint.yml') as [{ spec: { inputs: Record<string, unknown> } }, Record<string, Job>];
    expect(Object.keys(header.spec.inputs).sort()).toEqual(['allow_failure', 'args', 'config', 'image', 'job_name', 'review_args', 'review_job_name', 'stage']);
    const job = body['$[[ inputs.job_name ]]']!;
    expectPolicylintJob(job, '$[[ inputs.image ]]');
    expect(job.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }]);
    expect(job.script.at(-1)).toContain('--config "$[[ inputs.config ]]"');
  });

  it('include template: a hidden job to extend and a job for merge-request pipelines', () => {
    const [template] = load('templates/policylint.gitlab-ci.yml') as [Record<string, Job & { extends?: string }>];
    expectPolicylintJob(template['.policylint']!, '$POLICYLINT_IMAGE');
    expect(template.policylint).toMatchObject({ extends: '.policylint', rules: [{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }] });
  });
});
