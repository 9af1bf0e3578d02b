# syntax=docker/dockerfile:1
# The Pdirect gateway image: build with the dev tools, run with production
# dependencies only, as an unprivileged user, with /data as the volume for the
# sandbox master key and the default SQLite database.
#
#   docker build -t pdirect .
#   docker run -p 8080:8080 -v pdirect-data:/data pdirect          # sandbox
#   docker compose up                                              # with PostgreSQL (compose.yaml)

FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 builds from source when no prebuilt binary matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY . .
# npm ci runs the root `prepare` script: every package is compiled to dist/.
RUN npm ci --no-audit --no-fund \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf packages/*/test

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PDIRECT_HOST=0.0.0.0 \
    PDIRECT_PORT=8080 \
    PDIRECT_DATA_DIR=/data
WORKDIR /app
COPY --from=build --chown=root:root /app /app
RUN mkdir -p /data && chown node:node /data && chmod 700 /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PDIRECT_PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "packages/gateway/bin/pdirect.js"]
CMD ["serve"]
