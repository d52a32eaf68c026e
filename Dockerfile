# One multi-stage build for every part of the lab. Each runtime target (tools, toxiproxy, proxy-manager,
# agent, charts) is the same compiled lab with its own command and health check, so a part behaves in a
# container exactly as the child process `npm start` runs.
#
# NODE_IMAGE is pinned for real users; on a machine that cannot pull, build a local image with that tag
# or pass --build-arg NODE_IMAGE=<local tag> (see README, "Docker").
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary can be fetched.
RUN apt-get update -q && apt-get install -y -q --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json tsconfig.base.json ./
COPY common/package.json common/
COPY tools/package.json tools/
COPY toxiproxy/package.json toxiproxy/
COPY proxy-manager/package.json proxy-manager/
COPY agent/package.json agent/
COPY lab/package.json lab/
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3
COPY common common
COPY tools tools
COPY toxiproxy toxiproxy
COPY proxy-manager proxy-manager
COPY agent agent
COPY lab lab
RUN npx tsc -b && npm prune --omit=dev --ignore-scripts \
 && find . -path ./node_modules -prune -o \( -name src -o -name test -o -name bench -o -name '*.tsbuildinfo' \) -print | xargs rm -rf

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production LOG_CONSOLE=pretty BIND_HOST=0.0.0.0
WORKDIR /app
RUN (id -u node >/dev/null 2>&1 || useradd --uid 1000 --create-home node) \
 && mkdir -p state logs charts && chown node:node state logs charts
COPY --from=build /app /app
USER node
ENTRYPOINT ["node", "lab/bin/chaos-lab.js"]
HEALTHCHECK --interval=2s --timeout=2s --start-period=20s --retries=3 CMD ["node", "lab/bin/healthcheck.js"]

FROM runtime AS tools
CMD ["tools"]

FROM runtime AS toxiproxy
EXPOSE 8474
CMD ["toxiproxy", "--host", "0.0.0.0"]

FROM runtime AS proxy-manager
CMD ["proxy-manager"]

FROM runtime AS agent
HEALTHCHECK NONE
CMD ["agent"]

FROM runtime AS charts
HEALTHCHECK NONE
CMD ["charts"]
