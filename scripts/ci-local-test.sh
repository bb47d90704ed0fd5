#!/usr/bin/env bash
# Run the shipped GitLab CI templates for real with gitlab-ci-local (shell executor): the CI/CD
# component (templates/policylint.yml, included at $CI_COMMIT_SHA) and the plain include template
# (templates/policylint.gitlab-ci.yml), each as the `policylint` job of a merge request pipeline in
# a scratch handbook repository and as the `policylint-review-issues` job of a pipeline schedule,
# with this checkout's policylint (built into dist/) on PATH and the fake GitLab server standing in
# for GitLab.
#
#   npm run build && scripts/ci-local-test.sh
#
# Prints `ok - ...` / `not ok - ...` per check; exits non-zero if any check failed. Skips (exit 0,
# one `# gitlab-ci-local: skipped (...)` line) where gitlab-ci-local cannot run: no rsync, or a
# gitlab-ci-local that does not start on this Node; fails there instead with
# POLICYLINT_REQUIRE_ORACLES=1, as .ci/run sets it, so CI never passes without these checks.
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
started=$SECONDS
passed=0 failed=0
ok() { echo "ok - $*"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $*"; failed=$((failed + 1)); }
show() { sed -n '1,25p' "$1" | sed 's/^/    # /'; }
skip() {
  if [ "${POLICYLINT_REQUIRE_ORACLES:-}" = 1 ]; then
    echo "not ok - gitlab-ci-local runs ($*; POLICYLINT_REQUIRE_ORACLES=1 requires it)"
    exit 1
  fi
  echo "# gitlab-ci-local: skipped ($*)"
  exit 0
}

if ! command -v rsync >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    { apt-get install -y rsync || { apt-get update && apt-get install -y rsync; }; } >/dev/null 2>&1
  fi
  command -v rsync >/dev/null 2>&1 || skip "rsync not available"
fi

gcl=$repo/node_modules/.bin/gitlab-ci-local
[ -x "$gcl" ] || skip "node_modules/.bin/gitlab-ci-local not installed (npm ci)"
if ! gcl_version=$("$gcl" --version 2>&1); then
  skip "gitlab-ci-local does not start on Node $(node --version): $(grep -m1 -E 'Error|error' <<<"$gcl_version")"
fi

if [ ! -f "$repo/dist/scripts/fake-gitlab-server.js" ] || [ ! -f "$repo/dist/bundle/main.js" ]; then
  echo "not ok - dist/ is built (run npm run build first)"
  exit 1
fi

tmp=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
export GIT_AUTHOR_NAME=ci GIT_AUTHOR_EMAIL=ci@example.com GIT_COMMITTER_NAME=ci GIT_COMMITTER_EMAIL=ci@example.com
# No system/global git configuration, and no ~/.gitlab-ci-local variables, may leak into the test.
export GIT_CONFIG_NOSYSTEM=1 HOME=$tmp/home
mkdir -p "$HOME" "$tmp/bin"

# policylint on PATH, as the image provides it.
printf '#!/bin/sh\nexec node %q "$@"\n' "$repo/bin/policylint.js" >"$tmp/bin/policylint"
chmod +x "$tmp/bin/policylint"
export PATH=$tmp/bin:$PATH

image=registry.gitlab.com/policylint/policylint:0.1.0
changed=content/handbook/security/policies/backup-policy.md

# start_fake_gitlab NAME SEED LOG: starts the fake GitLab (server_pid) and sets fake_url to its
# URL; fails with a `not ok` line when it does not come up.
start_fake_gitlab() {
  local name=$1 seed=$2 log=$3
  fake_url=
  node "$repo/dist/scripts/fake-gitlab-server.js" "$seed" >"$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do
    fake_url=$(grep -m1 -o 'http://127\.0\.0\.1:[0-9]*' "$log")
    [ -n "$fake_url" ] && break
    sleep 0.1
  done
  if [ -z "$fake_url" ]; then
    not_ok "$name: fake GitLab server started"
    show "$log"
    stop_fake_gitlab
    return 1
  fi
}

stop_fake_gitlab() {
  kill "$server_pid" 2>/dev/null
  wait "$server_pid" 2>/dev/null
  server_pid=
}

# run_case NAME INCLUDE_YAML: a scratch repository whose .gitlab-ci.yml holds INCLUDE_YAML, an MR
# (main -> feature) changing $changed, the fake GitLab seeded with that MR as !7, then the job.
run_case() {
  local name=$1 include=$2 dir=$tmp/$1 url="" base head rc
  mkdir -p "$dir/repo"
  local r=$dir/repo
  git init -q -b main "$r"
  git -C "$r" remote add origin https://gitlab.example.com/policylint/policylint.git
  cp -r "$repo/templates" "$r/"
  cp -r "$repo/fixtures/handbook/." "$r/"
  printf '%s\n' "$include" >"$r/.gitlab-ci.yml"
  printf '.gitlab-ci-local/\n' >"$r/.gitignore"
  git -C "$r" add -A && git -C "$r" commit -qm "handbook"
  base=$(git -C "$r" rev-parse HEAD)
  git -C "$r" checkout -q -b feature
  printf '\n## Notes\n\nTalk to @all about this.\n' >>"$r/$changed"
  git -C "$r" commit -qam "Add notes"
  head=$(git -C "$r" rev-parse HEAD)

  MR_BASE=$base MR_HEAD=$head MR_DIFF=$(git -C "$r" diff "$base" "$head" -- "$changed" | sed -n '/^@@/,$p') \
    CHANGED=$changed CODEOWNERS_TEXT=$(cat "$r/.gitlab/CODEOWNERS") node -e '
      const e = process.env;
      process.stdout.write(JSON.stringify({
        users: [{ id: 1, username: "policylint-bot", bot: true }, { id: 2, username: "author" }],
        tokens: [{ token: "ci-local-test-token", user_id: 1 }],
        projects: [{ id: 42, path_with_namespace: "policylint/policylint", files: { main: { ".gitlab/CODEOWNERS": e.CODEOWNERS_TEXT } } }],
        merge_requests: [{ project_id: 42, iid: 7, author_id: 2, source_branch: "feature", target_branch: "main",
          diff_refs: { base_sha: e.MR_BASE, start_sha: e.MR_BASE, head_sha: e.MR_HEAD },
          diffs: [{ new_path: e.CHANGED, diff: e.MR_DIFF + "\n" }] }],
      }));' >"$dir/seed.json"
  start_fake_gitlab "$name" "$dir/seed.json" "$dir/fake-gitlab.log" || return
  url=$fake_url

  (cd "$r" && "$gcl" --force-shell-executor --no-color \
    --variable CI_PIPELINE_SOURCE=merge_request_event \
    --variable CI_SERVER_URL="$url" \
    --variable GITLAB_TOKEN=ci-local-test-token \
    --variable CI_PROJECT_ID=42 \
    --variable CI_MERGE_REQUEST_IID=7 \
    --variable CI_MERGE_REQUEST_DIFF_BASE_SHA="$base" \
    --variable CI_MERGE_REQUEST_TARGET_BRANCH_NAME=main \
    --variable CI_MERGE_REQUEST_SOURCE_BRANCH_NAME=feature \
    --variable CI_MERGE_REQUEST_SOURCE_PROJECT_ID=42 \
    --variable CI_MERGE_REQUEST_PROJECT_ID=42 \
    --variable POLICYLINT_NOW=2026-11-27 \
    policylint) >"$dir/gcl.log" 2>&1
  rc=$?
  # The job's own exit status, as gitlab-ci-local reports it: "policylint finished in 575 ms  FAIL 1".
  if [ "$rc" -ne 0 ] && grep -qE '^policylint +finished in .* FAIL 1 *$' "$dir/gcl.log"; then
    ok "$name: the policylint job ran and failed with exit 1 (findings)"
  else
    not_ok "$name: the policylint job ran and failed with exit 1 (findings) (gitlab-ci-local exited $rc)"
    tail -n 25 "$dir/gcl.log" | sed 's/^/    # /'
  fi
  # Shell-executor jobs run in the repository itself; gitlab-ci-local exports the job's
  # artifacts:paths to .gitlab-ci-local/artifacts/<job>/.
  local artifacts=$r/.gitlab-ci-local/artifacts/policylint
  if node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).length || process.exit(1)' "$artifacts/gl-code-quality-report.json" 2>/dev/null; then
    ok "$name: the job's artifacts hold a non-empty gl-code-quality-report.json"
  else
    not_ok "$name: the job's artifacts hold a non-empty gl-code-quality-report.json"
    ls -la "$artifacts" 2>&1 | sed 's/^/    # /'
  fi
  if grep -q '<testsuites' "$artifacts/policylint-junit.xml" 2>/dev/null; then
    ok "$name: the job's artifacts hold policylint-junit.xml"
  else
    not_ok "$name: the job's artifacts hold policylint-junit.xml"
  fi
  local notes
  notes=$(curl -sf -H "PRIVATE-TOKEN: ci-local-test-token" "$url/api/v4/projects/42/merge_requests/7/notes?per_page=100" 2>&1)
  if grep -q 'policylint:summary' <<<"$notes"; then
    ok "$name: the fake GitLab received policylint's summary note on !7"
  else
    not_ok "$name: the fake GitLab received policylint's summary note on !7"
    sed -n '1,5p' <<<"$notes" | sed 's/^/    # /'
    tail -n 25 "$dir/gcl.log" | sed 's/^/    # /'
  fi
  stop_fake_gitlab
}

# review_issues_case NAME: in run_case NAME's scratch repository, a pipeline schedule with
# POLICYLINT_REVIEW_ISSUES=true runs the review-issues job, which opens one issue per document due
# (the example handbook has two on POLICYLINT_NOW) in the fake GitLab.
review_issues_case() {
  local name=$1 dir=$tmp/$1 url rc issues
  start_fake_gitlab "$name review issues" "$repo/fixtures/fake-gitlab/governance.json" "$dir/fake-gitlab-reviews.log" || return
  url=$fake_url
  (cd "$dir/repo" && "$gcl" --force-shell-executor --no-color \
    --variable CI_PIPELINE_SOURCE=schedule \
    --variable POLICYLINT_REVIEW_ISSUES=true \
    --variable CI_SERVER_URL="$url" \
    --variable GITLAB_TOKEN=glpat-fake-governance-api-0000 \
    --variable CI_PROJECT_ID=42 \
    --variable POLICYLINT_NOW=2026-11-29 \
    policylint-review-issues) >"$dir/gcl-reviews.log" 2>&1
  rc=$?
  issues=$(curl -sf -H "PRIVATE-TOKEN: glpat-fake-governance-read-0000" "$url/api/v4/projects/42/issues?labels=policylint::review&state=opened" 2>&1)
  if [ "$rc" -eq 0 ] && [ "$(grep -o '"iid":' <<<"$issues" | wc -l)" -eq 2 ]; then
    ok "$name: the scheduled policylint-review-issues job opened one issue per document due"
  else
    not_ok "$name: the scheduled policylint-review-issues job opened one issue per document due (gitlab-ci-local exited $rc)"
    tail -n 25 "$dir/gcl-reviews.log" | sed 's/^/    # /'
  fi
  stop_fake_gitlab
}

# release_prepare: the project's own release-prepare job (.gitlab-ci.yml) in a scratch clone of
# this repository (HEAD as committed), as a tag pipeline. gitlab-ci-local sets no CI_COMMIT_TAG of
# its own, so --variable provides it. The job fetches from origin (gitlab.example.com); a
# url.insteadOf, given to the job alone through GIT_CONFIG_*, sends that fetch to the clone itself.
release_prepare() {
  local r=$tmp/release-prepare/repo version rc notes expected
  mkdir -p "$tmp/release-prepare"
  if ! git clone -q --no-local "$repo" "$r" 2>"$tmp/release-prepare/clone.log"; then
    not_ok "release-prepare: scratch clone of this repository"
    show "$tmp/release-prepare/clone.log"
    return
  fi
  git -C "$r" remote set-url origin https://gitlab.example.com/policylint/policylint.git
  version=$(cd "$r" && node -p 'require("./package.json").version')
  run_release_prepare() { # TAG LOG
    git -C "$r" tag -f "$1" >/dev/null
    (cd "$r" && "$gcl" --force-shell-executor --no-color \
      --variable CI_COMMIT_TAG="$1" \
      --variable GIT_CONFIG_COUNT=1 \
      --variable GIT_CONFIG_KEY_0="url.$r.insteadOf" \
      --variable GIT_CONFIG_VALUE_0=https://gitlab.example.com/policylint/policylint.git \
      release-prepare) >"$2" 2>&1
  }

  run_release_prepare "$version" "$tmp/release-prepare/gcl.log"
  rc=$?
  if [ "$rc" -eq 0 ] && grep -qE '^ *PASS +release-prepare' "$tmp/release-prepare/gcl.log"; then
    ok "release-prepare: tag $version (package.json's version) passes"
  else
    not_ok "release-prepare: tag $version (package.json's version) passes (gitlab-ci-local exited $rc)"
    tail -n 25 "$tmp/release-prepare/gcl.log" | sed 's/^/    # /'
  fi
  # CHANGELOG.md's "## [<version>]" section, extracted here independently of the job's awk.
  expected=$(VERSION=$version node -e '
    const text = require("fs").readFileSync(process.argv[1], "utf8");
    const section = text.split(/^(?=## )/m).find((s) => s.startsWith(`## [${process.env.VERSION}]`));
    if (!section) process.exit(1);
    process.stdout.write(section.split("\n").slice(1).filter((l) => !/^\[[^\]]+\]: /.test(l)).join("\n").trim());
  ' "$r/CHANGELOG.md")
  # Leading blank lines dropped here, trailing ones by $(...).
  notes=$(sed -e '/./,$!d' "$r/.gitlab-ci-local/artifacts/release-prepare/release-notes.md" 2>/dev/null)
  if [ -n "$expected" ] && [ "$notes" = "$expected" ]; then
    ok "release-prepare: the job's artifacts hold release-notes.md with CHANGELOG.md's [$version] section"
  else
    not_ok "release-prepare: the job's artifacts hold release-notes.md with CHANGELOG.md's [$version] section"
    diff <(printf '%s\n' "$expected") <(printf '%s\n' "$notes") | sed -n '1,15p' | sed 's/^/    # /'
  fi

  run_release_prepare 999.0.0 "$tmp/release-prepare/gcl-mismatch.log"
  rc=$?
  if [ "$rc" -ne 0 ] && grep -qE '^release-prepare +finished in .* FAIL 1 *$' "$tmp/release-prepare/gcl-mismatch.log" \
    && grep -q "package.json says $version, the tag 999.0.0" "$tmp/release-prepare/gcl-mismatch.log"; then
    ok "release-prepare: tag 999.0.0 (not package.json's version) fails"
  else
    not_ok "release-prepare: tag 999.0.0 (not package.json's version) fails (gitlab-ci-local exited $rc)"
    tail -n 25 "$tmp/release-prepare/gcl-mismatch.log" | sed 's/^/    # /'
  fi
}

# No check of docs/gitlab-ci.md's workflow:rules: gitlab-ci-local (4.69.0) does not evaluate
# workflow:rules at all (only job rules), so --list shows the jobs whatever the workflow says.

echo "# gitlab-ci-local $gcl_version on Node $(node --version)"
run_case component "include:
  - component: \$CI_SERVER_FQDN/\$CI_PROJECT_PATH/policylint@\$CI_COMMIT_SHA
    inputs:
      image: $image"
review_issues_case component
run_case include-template "include:
  - local: templates/policylint.gitlab-ci.yml"
review_issues_case include-template
release_prepare

echo "# gitlab-ci-local: $passed passed, $failed failed in $((SECONDS - started)) s"
[ "$failed" -eq 0 ]
