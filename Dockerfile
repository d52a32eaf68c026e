# One image for every part of the lab: the compiled lab, with `chaos-lab` as its entrypoint. Compose runs
# it once per part with that part's command (`tool search`, `proxy-manager`, `agent`, …), so a part behaves
# in a container exactly as the child process `npm start` runs, and one build serves every service.
#
# NODE_IMAGE is pinned for real users; on a machine that cannot pull, build a local image with that tag
# or pass --build-arg NODE_IMAGE=<local tag> (see docs/running.md).
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# npm ci reads only the package files: this stage keeps just those, so the install layer below is rebuilt
# when a dependency or a workspace changes, not on every source edit, and a new workspace needs no edit here.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY . .
RUN find . -type f ! -name package.json ! -name package-lock.json -delete && find . -type d -empty -delete

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary can be fetched.
RUN apt-get update -q && apt-get install -y -q --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY --from=manifests /app ./
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3
# The sources: tests, benches, docs and agent/prompts.json stay out of the build context (.dockerignore),
# so editing them never reruns the build; compose mounts the prompts file. `npm run build` is the
# project's own build (tsc, and the bundle when there is one); the tsbuildinfo files stay, they tell
# lab/bin/chaos-lab.js the bundle is current.
COPY . .
RUN npm run build && npm prune --omit=dev --ignore-scripts \
 && find . -path ./node_modules -prune -o -name src -type d -print | xargs rm -rf

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
# The result folders are open to any uid (compose runs the parts as LAB_UID:LAB_GID): a part checks every
# folder of the lab at start, and only the ones it writes to are mounted from the host.
RUN mkdir -p state logs charts && chmod 1777 state logs charts
COPY --from=build /app /app
COPY docker/healthcheck.sh /usr/local/bin/lab-healthcheck
COPY docker/entrypoint.sh /usr/local/bin/lab-entrypoint
USER 1000:1000
ENTRYPOINT ["lab-entrypoint"]
CMD ["--help"]
