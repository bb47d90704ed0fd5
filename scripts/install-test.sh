#!/usr/bin/env bash
# Install policylint the ways README's "Install" section describes, into throw-away projects:
#   1. the packed tarball (npm pack of a clean copy)   npm install --save-dev ./policylint-X.tgz
#   2. the git repository (npm builds dist/ through the `prepare` script)
#                                                       npm install --save-dev git+file:///...
# and in each run `npx policylint --version` and a lint of a tiny handbook. Also checks that an
# unbuilt checkout's bin prints one clear line instead of a stack trace.
#
#   bash scripts/install-test.sh
#
# The "clean copy" is this work tree's tracked and untracked-but-not-ignored files (so no
# node_modules/ or dist/), committed into a scratch git repository: on a clean checkout that
# is HEAD. Needs the npm registry for dependencies (a warm npm cache makes it faster), no other
# network. Prints `ok - ...` / `not ok - ...` per check; exits non-zero if any check failed.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
started=$(date +%s%3N)
passed=0 failed=0
ok() { echo "ok - $*"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $*"; failed=$((failed + 1)); }
show() { sed -n '1,20p' "$1" | sed 's/^/    # /'; }
elapsed() { echo "$(( $(date +%s%3N) - $1 )) ms"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$tmp/out.txt
# No system/global git configuration (url rewrites, hooks, signing) may leak into the test.
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=ci GIT_AUTHOR_EMAIL=ci@example.com GIT_COMMITTER_NAME=ci GIT_COMMITTER_EMAIL=ci@example.com
export NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_AUDIT=false NPM_CONFIG_FUND=false
export NPM_CONFIG_PREFER_OFFLINE=true
# "Today" for the handbook's review date.
export POLICYLINT_NOW=2026-11-27
version=$(node -p "require('$repo/package.json').version")

# --- the clean copy, as a git repository -----------------------------------------------
src=$tmp/policylint
mkdir -p "$src"
(cd "$repo" && git ls-files -z --cached --others --exclude-standard) |
  (cd "$repo" && tar --null --files-from=- --ignore-failed-read -cf - 2>/dev/null) | tar -xf - -C "$src"
git -C "$src" init -q -b main && git -C "$src" add -A && git -C "$src" commit -qm snapshot

# An unbuilt checkout: one line saying what to do, exit 2, no stack trace.
rc=0
node "$src/bin/policylint.js" --version >"$out" 2>&1 || rc=$?
if [ "$rc" -eq 2 ] && [ "$(wc -l <"$out")" -eq 1 ] &&
  grep -qF 'policylint is not built: run npm run build (or install a release tarball)' "$out"; then
  ok "unbuilt checkout: bin prints one clear line and exits 2"
else
  not_ok "unbuilt checkout: bin prints one clear line and exits 2 (exit $rc)"; show "$out"
fi

# --- a tiny handbook: one controlled document without a Scope section ---------------------
handbook() {
  mkdir -p content/handbook/security
  printf 'extends: gitlab-handbook\n' >.policylint.yml
  cat >content/handbook/security/backup-policy.md <<'EOF'
---
title: "Backup Policy"
description: "How production data is backed up and restored."
controlled_document: true
last_reviewed: 2026-06-01
---

## Purpose

This policy makes sure production data can be restored after loss or corruption.

## Roles & Responsibilities

Infrastructure runs the backups; Security Compliance maintains this policy.

## Policy

Production databases are backed up daily and a restore is tested every quarter.

## Exceptions

Exceptions are tracked as described in the
[controlled document procedure](/handbook/security/controlled-document-procedure/#exceptions).

## References

- [Controlled document procedure](/handbook/security/controlled-document-procedure/)
EOF
}

# check_project HOW DIR: the installed package runs and lints.
check_project() {
  local how=$1 dir=$2 rc
  cd "$dir"
  if [ -f node_modules/policylint/dist/bundle/main.js ] && [ -f node_modules/policylint/LICENSE ] &&
    [ ! -e node_modules/policylint/src ]; then
    ok "$how: the installed package has dist/ and LICENSE, no sources"
  else
    not_ok "$how: the installed package has dist/ and LICENSE, no sources"
    ls node_modules/policylint 2>&1 | sed 's/^/    # /'
  fi
  rc=0
  npx --no-install policylint --version >"$out" 2>&1 || rc=$?
  if [ "$rc" -eq 0 ] && [ "$(cat "$out")" = "$version" ]; then
    ok "$how: npx policylint --version prints $version"
  else
    not_ok "$how: npx policylint --version prints $version (exit $rc)"; show "$out"
  fi
  handbook
  rc=0
  npx --no-install policylint >"$out" 2>&1 || rc=$?
  if [ "$rc" -eq 1 ] && grep -qF required-sections "$out" && grep -qF backup-policy.md "$out"; then
    ok "$how: lint of the handbook exits 1 naming required-sections and the file"
  else
    not_ok "$how: lint of the handbook exits 1 naming required-sections and the file (exit $rc)"; show "$out"
  fi
  cd "$tmp"
}

# new_project DIR: an empty npm project, as `npm init -y` makes it.
new_project() {
  mkdir -p "$1" && (cd "$1" && npm init -y >/dev/null)
}

# Installs SPEC as a dev dependency of a new project DIR, then lints with it (check_project NAME).
install_into() {
  local name=$1 dir=$2 spec=$3 label=$4 t
  t=$(date +%s%3N)
  new_project "$dir"
  if (cd "$dir" && npm install --save-dev --loglevel=error "$spec" >"$out" 2>&1); then
    ok "npm install --save-dev $label ($(elapsed "$t"))"
    check_project "$name" "$dir"
  else
    not_ok "npm install --save-dev $label"
    show "$out"
  fi
}

# --- 1. the packed tarball --------------------------------------------------------------
t=$(date +%s%3N)
git clone -q "$src" "$tmp/build"
if (cd "$tmp/build" && npm ci --loglevel=error >"$out" 2>&1 &&
  npm pack --loglevel=error --pack-destination "$tmp" >>"$out" 2>&1); then
  tgz=$tmp/policylint-$version.tgz
  if [ -f "$tgz" ]; then ok "npm pack of a clean copy ($(elapsed "$t"))"; else not_ok "npm pack made $tgz"; show "$out"; fi
else
  not_ok "npm ci && npm pack in a clean copy"; show "$out"
fi
if [ -f "${tgz:-}" ]; then
  listing=$(tar -tzf "$tgz")
  if grep -qx package/LICENSE <<<"$listing" && grep -qx package/dist/bundle/main.js <<<"$listing" &&
    ! grep -q '^package/src/' <<<"$listing"; then
    ok "the tarball holds LICENSE and dist/bundle/main.js, not src/"
  else
    not_ok "the tarball holds LICENSE and dist/bundle/main.js, not src/"
  fi
  install_into tarball "$tmp/from-tarball" "$tgz" "policylint-$version.tgz"
fi

# --- 2. the git repository --------------------------------------------------------------
# npm clones it, installs its dev dependencies there, runs `prepare` (the build) and packs it.
install_into git "$tmp/from-git" "git+file://$src" "git+file://... (builds dist/ through prepare)"

echo "# install tests: $passed passed, $failed failed in $(elapsed "$started")"
[ "$failed" -eq 0 ]
