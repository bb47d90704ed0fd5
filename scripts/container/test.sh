#!/usr/bin/env bash
# Build the policylint container image and test it for real with podman.
#
#   scripts/container/test.sh
#
# Installs podman, runc and debootstrap from Debian if missing, builds a local stand-in
# for the official node base image when no registry is reachable (build-base.sh), builds
# the image from the Dockerfile and runs it against fixtures mounted read-only. Prints
# `ok - ...` / `not ok - ...` per check and exits non-zero if any check failed.
# If podman cannot be installed or cannot run containers on this machine it prints one
# `skip` line and exits 0, so the rest of CI still runs.
#
# Environment:
#   BASE_IMAGE   base image to build on; default: the stand-in local/node:20-bookworm,
#                built if missing. Set e.g. BASE_IMAGE=node:22-bookworm-slim where a
#                registry is reachable.
#   IMAGE        tag for the image under test (default policylint:test)
#   FIXTURES     fixture directory (default scripts/container/fixtures)
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

IMAGE=${IMAGE:-policylint:test}
STANDIN=local/node:20-bookworm
BASE_IMAGE=${BASE_IMAGE:-$STANDIN}
FIXTURES=${FIXTURES:-$here/fixtures}
MAX_SIZE_MB=250
# What the Dockerfile adds over the base: git (about 35 MB) and policylint with its production dependencies.
MAX_ADDED_MB=60
MAX_STARTUP_OVERHEAD_MS=500
# Rule ids the fixture with errors must produce (backup-policy.md lacks its Scope section).
EXPECTED_RULES=(required-sections)

started=$(now_ms)
passed=0
failed=0
ok() { echo "ok - $*"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $*"; failed=$((failed + 1)); }
# Show the head of a captured output under a failed check, indented.
show() { sed -n '1,15p' "$1" | sed 's/^/    # /'; }
finish() {
  echo "# container tests: $passed passed, $failed failed in $(( ($(now_ms) - started) / 1000 )) s"
  [ "$failed" -eq 0 ]
  exit
}
skip_all() {
  # .ci/run requires every check it lists to run, as ci-local-test.sh's skip does.
  if [ "${POLICYLINT_REQUIRE_ORACLES:-}" = 1 ]; then
    echo "not ok - container tests run ($*; POLICYLINT_REQUIRE_ORACLES=1 requires them)"
    exit 1
  fi
  echo "skip - container tests: $* ($(( ($(now_ms) - started) / 1000 )) s)"
  exit 0
}

tmp=$(mktemp -d /var/tmp/policylint-ctest.XXXXXX)
server_pid=
fake_gitlab=policylint-fake-gitlab-$$
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  [ -n "$server_pid" ] && podman rm -f "$fake_gitlab" >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT

# ---- tools and podman settings ---------------------------------------------------------
# node on the host: the stand-in base copies it, and the report checks run with it.
command -v node >/dev/null 2>&1 || { not_ok "node (>= 20) is installed on the host"; finish; }
ensure_container_tools || skip_all "podman/runc/debootstrap are not installed and could not be installed here"
write_containers_conf "$tmp"
podman info >/dev/null 2>&1 || skip_all "podman is installed but does not work here: $(podman info 2>&1 | tail -n 1)"

# ---- base image ------------------------------------------------------------------------
if [ "$BASE_IMAGE" = "$STANDIN" ]; then
  if ! BASE_TAG=$STANDIN "$here/build-base.sh" >"$tmp/base.log" 2>&1; then
    not_ok "build the stand-in base image $STANDIN"
    show "$tmp/base.log"
    finish
  fi
fi
if ! podman run --rm --network none "$BASE_IMAGE" true >"$tmp/run.log" 2>&1; then
  # Installed but unable to start containers (e.g. no cgroups or user namespaces here).
  podman image exists "$BASE_IMAGE" \
    && skip_all "podman cannot run containers here: $(tail -n 1 "$tmp/run.log")"
  not_ok "base image $BASE_IMAGE is available"
  show "$tmp/run.log"
  finish
fi

# ---- build -----------------------------------------------------------------------------
version=$(node -p 'require(process.argv[1]).version' "$repo/package.json")
revision=$(git -C "$repo" rev-parse HEAD 2>/dev/null || echo unknown)
t0=$(now_ms)
if podman build --build-arg BASE_IMAGE="$BASE_IMAGE" --build-arg VERSION="$version" \
    --build-arg REVISION="$revision" -t "$IMAGE" "$repo" >"$tmp/build.log" 2>&1; then
  ok "podman build $IMAGE from $BASE_IMAGE ($(( ($(now_ms) - t0) / 1000 )) s)"
else
  not_ok "podman build $IMAGE from $BASE_IMAGE"
  tail -n 40 "$tmp/build.log" | sed 's/^/    # /'
  finish
fi
# The build stage (from the cache of the build above) holds the compiled fake GitLab server,
# which the image itself does not ship.
build_image=$IMAGE-build
if ! podman build --target build --build-arg BASE_IMAGE="$BASE_IMAGE" -t "$build_image" "$repo" >"$tmp/build-stage.log" 2>&1; then
  not_ok "podman build --target build $build_image"
  tail -n 20 "$tmp/build-stage.log" | sed 's/^/    # /'
fi

# Run the image without network (NET=host crun ... to share the host's); output
# (stdout+stderr) goes to $out, exit status to $rc.
out=$tmp/out.txt
rc=0
# POLICYLINT_NOW pins "today" so the fixtures' review dates give the same result every year.
crun() {
  podman run --rm --network "${NET:-none}" -e POLICYLINT_NOW=2026-11-27 "$@" >"$out" 2>&1
  rc=$?
}
# Check that the last crun exited with $1 and (optionally) printed each of the rest.
expect() {
  local what=$1 want=$2 missing=()
  shift 2
  for needle in "$@"; do grep -qF -- "$needle" "$out" || missing+=("$needle"); done
  if [ "$rc" -eq "$want" ] && [ "${#missing[@]}" -eq 0 ]; then
    ok "$what"
  else
    not_ok "$what (exit $rc, wanted $want${missing:+; missing in output: ${missing[*]}})"
    show "$out"
  fi
}

# ---- checks ------------------------------------------------------------------------------
crun "$IMAGE" --version
expect "policylint --version prints $version and exits 0" 0 "$version"

crun --entrypoint id "$IMAGE" -u
expect "runs as the non-root user node (uid 1000)" 0 1000

# The clean handbook: the fixtures without the document that lacks its Scope section.
mkdir -p "$tmp/clean" && cp -r "$FIXTURES/." "$tmp/clean/"
rm "$tmp/clean/content/handbook/security/backup-policy.md"
crun -v "$tmp/clean:/work:ro" "$IMAGE" .
expect "clean handbook mounted read-only: exit 0" 0

crun -v "$FIXTURES:/work:ro" "$IMAGE" .
expect "fixtures with errors: exit 1 and rule ids ${EXPECTED_RULES[*]}" 1 "${EXPECTED_RULES[@]}"

mkdir -p "$tmp/badconfig" && cp -r "$FIXTURES/." "$tmp/badconfig/"
printf 'extends: no-such-preset\n' >"$tmp/badconfig/.policylint.yml"
crun -v "$tmp/badconfig:/work:ro" "$IMAGE" .
expect "invalid configuration: exit 2 and the reason" 2 no-such-preset

# The container user (uid 1000) cannot write into root-owned directories: give it one.
mkdir -p "$tmp/reports" && chmod 0777 "$tmp/reports"
crun -v "$FIXTURES:/work:ro" -v "$tmp/reports:/out" "$IMAGE" . \
  --report codequality=/out/gl-code-quality.json --report junit=/out/junit.xml
expect "reports to a writable mount: exit 1" 1
for report in codequality:gl-code-quality.json junit:junit.xml; do
  kind=${report%%:*} file=$tmp/reports/${report#*:}
  if [ ! -s "$file" ]; then
    not_ok "$kind report ${report#*:} written"
  elif summary=$(node "$here/check-reports.mjs" "$kind" "$file" 2>&1); then
    ok "$kind report ${report#*:} written and parses: $summary"
  else
    not_ok "$kind report ${report#*:} parses: $summary"
  fi
done

# A repository owned by another uid (root here, like a runner checkout or a bind mount):
# git inside must still work thanks to safe.directory.
mkdir -p "$tmp/repo" && cp -r "$FIXTURES/." "$tmp/repo/"
git -C "$tmp/repo" init -q && git -C "$tmp/repo" add -A \
  && git -C "$tmp/repo" -c user.name=ci -c user.email=ci@example.com commit -qm fixture
crun -v "$tmp/repo:/work:ro" --entrypoint git "$IMAGE" log --oneline
expect "git works in a mounted repository owned by another uid" 0 fixture

crun --entrypoint ls "$IMAGE" /opt/policylint/dist
if [ "$rc" -eq 0 ] && [ "$(cat "$out")" = bundle ]; then
  ok "dist/ in the image holds only the bundle"
else
  not_ok "dist/ in the image holds only the bundle"
  show "$out"
fi

# apt's packages and lists must be gone whether or not the base has the official images'
# docker-clean hook (the stand-in has none, so there this proves the Dockerfile's own clean-up).
hook=no
podman run --rm --network none --entrypoint test "$BASE_IMAGE" -e /etc/apt/apt.conf.d/docker-clean 2>/dev/null && hook=yes
crun --user 0 --entrypoint sh "$IMAGE" -c 'find /var/cache/apt /var/lib/apt/lists -type f ! -name lock; du -sh /var/cache | cut -f1'
leftovers=$(sed '$d' "$out")
if [ "$rc" -eq 0 ] && [ -z "$leftovers" ]; then
  ok "no apt package archives or lists in the image (/var/cache $(tail -n 1 "$out"); base has docker-clean hook: $hook)"
else
  not_ok "no apt package archives or lists in the image (base has docker-clean hook: $hook)"
  show "$out"
fi

mb() { echo $(( $1 / 1000 / 1000 )); }
size=$(podman image inspect --format '{{.Size}}' "$IMAGE")
base_size=$(podman image inspect --format '{{.Size}}' "$BASE_IMAGE")
size_mb=$(mb "$size") added_mb=$(mb $((size - base_size)))
sizes="image ${size_mb} MB: base $BASE_IMAGE $(mb "$base_size") MB + ${added_mb} MB added"
if [ "$size_mb" -lt "$MAX_SIZE_MB" ] && [ "$added_mb" -lt "$MAX_ADDED_MB" ]; then
  ok "$sizes (limits ${MAX_SIZE_MB} MB and ${MAX_ADDED_MB} MB added)"
else
  not_ok "$sizes (limits ${MAX_SIZE_MB} MB and ${MAX_ADDED_MB} MB added)"
fi

label=$(podman image inspect --format '{{index .Labels "org.opencontainers.image.version"}}' "$IMAGE")
if [ "$label" = "$version" ]; then ok "OCI version label is $version"; else not_ok "OCI version label is '$label', wanted $version"; fi

# As a GitLab runner uses it: entrypoint cleared, a shell runs the job's script lines.
crun --entrypoint '' "$IMAGE" sh -c 'policylint --version'
expect "with --entrypoint '' (GitLab job): sh -c 'policylint --version'" 0 "$version"

# Start-up cost inside one container, median of 5 runs after a warm-up: node alone, node on
# the bin script, and the `policylint` on PATH (what the entrypoint runs). Wall clock is
# what the target is about; CPU time (user+sys) is printed too, as it depends less on how
# busy the machine is.
# shellcheck disable=SC2016  # expanded by the shell in the container
crun --entrypoint '' "$IMAGE" bash -c '
  TIMEFORMAT="%3R %3U %3S"
  policylint --version >/dev/null || exit 1
  run() { for _ in 1 2 3 4 5; do { time $2 >/dev/null; } 2>&1 | sed "s/^/$1 /"; done; }
  run node "node --version"
  run bin "node /opt/policylint/bin/policylint.js --version"
  run policylint "policylint --version"'
# median LABEL wall|cpu -> milliseconds
median() {
  awk -v label="$1" -v what="$2" '$1 == label { print (what == "wall" ? $2 : $3 + $4) * 1000 }' "$out" \
    | sort -n | sed -n 3p | cut -d. -f1
}
node_ms=$(median node wall) bin_ms=$(median bin wall) cli_ms=$(median policylint wall)
timing="node --version ${node_ms:-?} ms, node bin/policylint.js --version ${bin_ms:-?} ms, policylint --version ${cli_ms:-?} ms"
timing+=" (CPU $(median node cpu)/$(median bin cpu)/$(median policylint cpu) ms; load average $(cut -d' ' -f1 /proc/loadavg))"
if [ "$rc" -eq 0 ] && [ -n "$node_ms" ] && [ -n "$cli_ms" ] \
  && [ $((cli_ms - node_ms)) -le "$MAX_STARTUP_OVERHEAD_MS" ]; then
  ok "start-up within ${MAX_STARTUP_OVERHEAD_MS} ms of node: $timing"
else
  not_ok "start-up within ${MAX_STARTUP_OVERHEAD_MS} ms of node: $timing"
  [ "$rc" -eq 0 ] || show "$out"
fi
t0=$(now_ms)
podman run --rm --network none "$IMAGE" --version >/dev/null 2>&1
echo "# podman run $IMAGE --version, wall clock: $(( $(now_ms) - t0 )) ms"

# ---- `policylint mr` against the fake GitLab server -------------------------------------
# A merge request on a real repository: the fake GitLab (from the build stage image, run with
# the host's network on 127.0.0.1) serves its diffs and takes the comments; policylint, in its own
# container sharing that network, runs as a GitLab job would, from the CI variables alone.
check_mr_fake_gitlab() {
  local mr=$tmp/mr url="" base head
  mkdir -p "$mr/repo" "$mr/out" && cp -r "$FIXTURES/." "$mr/repo/" && chmod 777 "$mr/out"
  gitc() { git -C "$mr/repo" -c user.name=ci -c user.email=ci@example.com "$@"; }
  gitc init -q -b main && gitc add -A && gitc commit -qm base
  base=$(gitc rev-parse HEAD)
  gitc checkout -q -b feature
  printf '\n## Notes\n\nTalk to @all about this.\n' >>"$mr/repo/content/handbook/security/backup-policy.md"
  gitc commit -qam "Add notes"
  head=$(gitc rev-parse HEAD)
  MR_BASE=$base MR_HEAD=$head MR_DIFF=$(gitc diff "$base" "$head" -- content/handbook/security/backup-policy.md | sed -n '/^@@/,$p') \
    CODEOWNERS_TEXT=$(cat "$mr/repo/CODEOWNERS") node -e '
      const e = process.env;
      process.stdout.write(JSON.stringify({
        users: [{ id: 1, username: "policylint-bot", bot: true }, { id: 2, username: "author" }],
        tokens: [{ token: "container-test-token", user_id: 1 }],
        projects: [{ id: 42, path_with_namespace: "acme/handbook", files: { main: { CODEOWNERS: e.CODEOWNERS_TEXT } } }],
        merge_requests: [{ project_id: 42, iid: 7, author_id: 2, source_branch: "feature", target_branch: "main",
          diff_refs: { base_sha: e.MR_BASE, start_sha: e.MR_BASE, head_sha: e.MR_HEAD },
          diffs: [{ new_path: "content/handbook/security/backup-policy.md", diff: e.MR_DIFF + "\n" }] }],
      }));' >"$mr/seed.json"
  podman run --rm --name "$fake_gitlab" --network host -v "$mr/seed.json:/seed.json:ro" --entrypoint node "$build_image" \
    /app/dist/scripts/fake-gitlab-server.js /seed.json >"$mr/fake-gitlab.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do
    url=$(grep -m1 -o 'http://127\.0\.0\.1:[0-9]*' "$mr/fake-gitlab.log")
    [ -n "$url" ] && break
    sleep 0.1
  done
  if [ -z "$url" ]; then
    not_ok "fake GitLab server started from the build stage image"
    show "$mr/fake-gitlab.log"
    return
  fi
  NET=host crun -v "$mr/repo:/work:ro" -v "$mr/out:/out" -w /work \
    -e CI_PIPELINE_SOURCE=merge_request_event -e CI_SERVER_URL="$url" -e GITLAB_TOKEN=container-test-token \
    -e CI_PROJECT_ID=42 -e CI_MERGE_REQUEST_IID=7 -e CI_MERGE_REQUEST_DIFF_BASE_SHA="$base" \
    -e CI_MERGE_REQUEST_TARGET_BRANCH_NAME=main -e CI_COMMIT_SHA="$head" -e CI_MERGE_REQUEST_SOURCE_PROJECT_ID=42 \
    "$IMAGE" --report codequality=/out/gl-code-quality-report.json
  expect "policylint in an MR pipeline (implicit mr) lints the change and publishes to GitLab" 1 "published to !7" required-sections
  if node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).length || process.exit(1)' "$mr/out/gl-code-quality-report.json" 2>/dev/null; then
    ok "mr wrote its Code Quality report before publishing"
  else
    not_ok "mr wrote its Code Quality report before publishing"
  fi
  local notes
  notes=$(curl -sf -H "PRIVATE-TOKEN: container-test-token" "$url/api/v4/projects/42/merge_requests/7/notes?per_page=100" 2>&1)
  if grep -q 'policylint:summary' <<<"$notes" && ! grep -q 'Talk to @all' <<<"$notes"; then
    ok "the MR has policylint's summary note, with no live @mention quoted"
  else
    not_ok "the MR has policylint's summary note, with no live @mention quoted"
    sed -n '1,5p' <<<"$notes" | sed 's/^/    # /'
  fi
  podman rm -f "$fake_gitlab" >/dev/null 2>&1
  wait "$server_pid" 2>/dev/null
  server_pid=
}
check_mr_fake_gitlab

finish
