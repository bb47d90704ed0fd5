/** Said wherever approvals are reported: approving in GitLab starts no pipeline. */
export const APPROVAL_RECHECK_NOTE =
  'Approvals are read when this job runs, and approving a merge request starts no pipeline: after approving, retry the policylint job (or its `--check-approvals` job) to update this.';
