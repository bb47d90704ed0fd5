#!/usr/bin/env bash
# Test hooks/pre-push (and hooks/pre-commit) for real: a throw-away clone pushing to a throw-away bare remote,
# with this checkout's policylint (built into dist/) installed the way users install it.
#
#   npm run build && scripts/container/test-pre-push.sh
#
# Prints `ok - ...` / `not ok - ...` per check; exits non-zero if any check failed.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
fixtures=$here/fixtures
started=$(date +%s%3N)
passed=0 failed=0
ok() { echo "ok - $*"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $*"; failed=$((failed + 1)); }
show() { sed -n '1,15p' "$1" | sed 's/^/    # /'; }

if [ ! -f "$repo/dist/bundle/main.js" ]; then
  echo "not ok - dist/bundle/main.js exists (run npm run build first)"
  exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$tmp/out.txt
export GIT_AUTHOR_NAME=ci GIT_AUTHOR_EMAIL=ci@example.com GIT_COMMITTER_NAME=ci GIT_COMMITTER_EMAIL=ci@example.com
# No system/global git configuration (hooksPath, templates) may leak into the test.
export GIT_CONFIG_NOSYSTEM=1 HOME=$tmp/home
mkdir -p "$HOME"
# "Today" for the fixtures' review dates.
export POLICYLINT_NOW=2026-11-27

git init -q --bare -b main "$tmp/remote.git"
git clone -q "$tmp/remote.git" "$tmp/clone" 2>/dev/null
cd "$tmp/clone" || exit 1
git checkout -q -b main

# The handbook on main: config, CODEOWNERS, the complete policy and the page it links to.
docs=content/handbook/security
mkdir -p "$docs"
cp "$fixtures/.policylint.yml" "$fixtures/CODEOWNERS" .
cp "$fixtures/$docs/access-management-policy.md" "$fixtures/$docs/controlled-document-procedure.md" "$docs/"
printf 'node_modules/\n' >.gitignore
git add -A && git commit -qm "handbook with one complete controlled document"

# policylint as a dev dependency would put it: node_modules/.bin/policylint -> the package's bin.
install_local() {
  mkdir -p node_modules/.bin
  ln -sfn "$repo" node_modules/policylint
  ln -sfn ../policylint/bin/policylint.js node_modules/.bin/policylint
  printf '{ "name": "handbook", "private": true, "devDependencies": { "policylint": "*" } }\n' >package.json
}
install_local
cp "$repo/hooks/pre-push" .git/hooks/pre-push && chmod +x .git/hooks/pre-push

# push NAME WANT_STATUS [git push args...]: push and check the outcome.
push() {
  local what=$1 want=$2 rc
  shift 2
  git push "$@" >"$out" 2>&1
  rc=$?
  if { [ "$want" = success ] && [ "$rc" -eq 0 ]; } || { [ "$want" = rejected ] && [ "$rc" -ne 0 ]; }; then
    ok "$what"
  else
    not_ok "$what (git push exit $rc, wanted $want)"
    show "$out"
  fi
}
expect_output() {
  if grep -qF -- "$2" "$out"; then ok "$1"; else not_ok "$1 (no '$2' in output)"; show "$out"; fi
}

push "first push of a clean handbook goes through" success -u origin main

git checkout -q -b add-backup-policy
cp "$fixtures/$docs/backup-policy.md" "$docs/"
git add "$docs/backup-policy.md" && git commit -qm "add a backup policy without a Scope section"
push "pushing a document with errors is rejected" rejected -u origin add-backup-policy
expect_output "the rejection names the missing section's rule" required-sections
expect_output "the rejection says how to bypass" "--no-verify"

push "git push --no-verify bypasses the hook" success --no-verify -u origin add-backup-policy

push "deleting a remote branch is not checked" success origin --delete add-backup-policy

# Fix the document: the push goes through.
git checkout -q main && git branch -q -D add-backup-policy
git checkout -q -b fix-backup-policy
sed 's/^## Roles & Responsibilities$/## Scope\n\nAll production databases and file stores.\n\n## Roles \& Responsibilities/' \
  "$fixtures/$docs/backup-policy.md" >"$docs/backup-policy.md"
git add "$docs/backup-policy.md" && git commit -qm "add a complete backup policy"
push "pushing the fixed document goes through (local install via npx --no-install)" success -u origin fix-backup-policy

# What is pushed, not the work tree: an uncommitted page with errors does not block a branch.
git checkout -q -b work-tree-only
cp "$fixtures/$docs/backup-policy.md" "$docs/draft-policy.md"
push "an uncommitted page with errors does not block the push" success -u origin work-tree-only
# ...and an uncommitted fix does not let a committed error through.
git add "$docs/draft-policy.md" && git commit -qm "draft policy without Scope"
sed 's/^## Roles & Responsibilities$/## Scope\n\nAll of it.\n\n## Roles \& Responsibilities/' \
  "$fixtures/$docs/backup-policy.md" >"$docs/draft-policy.md"
push "a committed error is rejected although the work tree has the fix" rejected origin work-tree-only
expect_output "the rejection names the pushed ref" "errors in refs/heads/work-tree-only"
git checkout -q -- "$docs/draft-policy.md" && git checkout -q fix-backup-policy

# The sample pre-commit hook: the staged content decides, not the work tree.
cp "$repo/hooks/pre-commit" .git/hooks/pre-commit && chmod +x .git/hooks/pre-commit
# commit NAME WANT_STATUS [git commit args...]
commit() {
  local what=$1 want=$2 rc
  shift 2
  git commit "$@" >"$out" 2>&1
  rc=$?
  if { [ "$want" = success ] && [ "$rc" -eq 0 ]; } || { [ "$want" = rejected ] && [ "$rc" -ne 0 ]; }; then
    ok "$what"
  else
    not_ok "$what (git commit exit $rc, wanted $want)"
    show "$out"
  fi
}
cp "$fixtures/$docs/backup-policy.md" "$docs/staged-policy.md"
git add "$docs/staged-policy.md"
cp "$docs/backup-policy.md" "$docs/staged-policy.md"
commit "pre-commit: a staged document with errors is refused although its fix is unstaged" rejected -m "staged policy"
expect_output "pre-commit: the refusal names the rule" required-sections
git add "$docs/staged-policy.md"
cp "$fixtures/$docs/backup-policy.md" "$docs/staged-policy.md"
commit "pre-commit: the staged fix is committed although the work tree is broken again" success -m "staged policy"
git checkout -q -- "$docs/staged-policy.md"
rm .git/hooks/pre-commit

# Without a local install: a policylint on PATH is used.
rm -rf node_modules package.json
mkdir -p "$tmp/bin" && ln -s "$repo/bin/policylint.js" "$tmp/bin/policylint"
git checkout -q -b path-install
cp "$fixtures/$docs/backup-policy.md" "$docs/retention-policy.md"
git add "$docs/retention-policy.md" && git commit -qm "another document without Scope"
PATH=$tmp/bin:$PATH push "policylint from PATH: a document with errors is rejected" rejected -u origin path-install
expect_output "policylint from PATH ran" required-sections

# Not installed at all: refuse with instructions rather than pass silently.
push "policylint missing: the push is refused" rejected -u origin path-install
expect_output "policylint missing: the message says how to install it" "npm install --save-dev git+https://gitlab.com/policylint/policylint.git"

echo "# pre-push hook tests: $passed passed, $failed failed in $(( $(date +%s%3N) - started )) ms"
[ "$failed" -eq 0 ]
