# policylint container image.
#
#   podman build -t policylint .            (or: docker build -t policylint .)
#   podman run --rm -v "$PWD:/work:ro" -w /work policylint .
#
# In a GitLab job set `entrypoint: [""]`: the runner starts a shell in the container and
# `policylint` is on PATH for `script:` lines. See docs/container.md.
#
# BASE_IMAGE: any Debian-based Node >= 20 image laid out like the official one (node in
# PATH, user `node` uid 1000). Machines without registry access build a local stand-in
# with scripts/container/build-base.sh and pass --build-arg BASE_IMAGE=local/node:20-bookworm.
ARG BASE_IMAGE=node:22-bookworm-slim

# ---- build: dev dependencies, TypeScript compile and esbuild bundle ------------------
FROM ${BASE_IMAGE} AS build
ENV NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
# Dependencies first so that source edits reuse this layer.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=warn
COPY . .
# docs/ and schema/ are optional in the context; make sure both exist for the COPY below.
RUN npm run build && mkdir -p docs schema

# ---- runtime: production dependencies, compiled output, git --------------------------
FROM ${BASE_IMAGE} AS runtime
# git: policylint reads history and diffs of the linted repository (--changed, review dates).
# safe.directory '*': the repository is usually a bind mount or a runner checkout owned by
# another uid than `node`, and git (>= 2.35.2) then refuses to work in it ("detected dubious
# ownership"). The container only reads repositories it is explicitly handed, so trusting
# every directory is the intended behaviour here.
# Size: Debian's git drags in full perl (~47 MB) for a few legacy scripts policylint never
# runs, plus server/mail helpers (daemon, http-backend, imap-send, ...). dpkg's own
# path-exclude filter (what -slim images use for docs) leaves them out at install time; the
# base image's perl-base stays intact, and git-remote-https stays so `git fetch` works. The
# filter is removed afterwards; a derived image that needs full perl must reinstall the
# perl packages (apt-get install --reinstall perl-modules-5.36 libperl5.36).
# apt's downloaded packages and lists go in this same layer (a later `rm` cannot shrink it),
# by our own command: not every Debian base has the official images' docker-clean hook, and
# without it /var/cache kept 96 MB of .deb files and package caches.
RUN printf 'path-exclude %s\n' \
      '/usr/share/perl/*' '/usr/lib/*/perl/*' '/usr/share/gitweb/*' \
      '/usr/lib/git-core/git-daemon' '/usr/lib/git-core/git-http-backend' \
      '/usr/lib/git-core/git-http-push' '/usr/lib/git-core/git-imap-send' \
      '/usr/lib/git-core/git-shell' '/usr/lib/git-core/scalar' \
      > /etc/dpkg/dpkg.cfg.d/policylint-slim-git \
 && apt-get update \
 && apt-get install -y --no-install-recommends git \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /etc/dpkg/dpkg.cfg.d/policylint-slim-git \
 && git config --system --add safe.directory '*' \
 && git --version

ENV NODE_ENV=production
WORKDIR /opt/policylint
COPY package.json package-lock.json ./
# Type declarations, source maps and TypeScript sources in node_modules are never loaded at
# run time (about 11 MB, half of node_modules); licences and package.json files stay.
RUN npm ci --omit=dev --no-audit --no-fund --no-update-notifier --loglevel=warn \
 && find node_modules -type f \( -name '*.ts' -o -name '*.[cm]ts' -o -name '*.map' \) -delete \
 && rm -rf /root/.npm /tmp/*
# Only the bundle: the rest of dist/ is the compiled sources, tests and scripts it was built from.
COPY --from=build /app/dist/bundle ./dist/bundle
COPY --from=build /app/docs ./docs
COPY --from=build /app/schema ./schema
COPY bin ./bin
# `policylint` on PATH calls node directly on the bin script: no npm/npx wrapper at start-up.
RUN chmod 0755 bin/policylint.js \
 && ln -s /opt/policylint/bin/policylint.js /usr/local/bin/policylint

# Last, so that a new version or commit does not invalidate the layers above.
ARG VERSION=0.0.0-dev
ARG REVISION=unknown
# SOURCE_URL: the repository the image is built from; a fork passes --build-arg SOURCE_URL="$CI_PROJECT_URL".
ARG SOURCE_URL=https://gitlab.com/policylint/policylint
LABEL org.opencontainers.image.title="policylint" \
      org.opencontainers.image.description="Policy-as-code linter for controlled documents (Markdown + YAML front matter) in GitLab merge requests" \
      org.opencontainers.image.source="${SOURCE_URL}" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"

USER node
WORKDIR /work
ENTRYPOINT ["policylint"]
CMD ["--help"]
