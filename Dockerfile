# syntax=docker/dockerfile:1
# oom-check bot image. Build: docker build -t oom-check .   Run: see README "In a cluster".

# --- build: compiles the better-sqlite3 native addon (npm ci), then bundles the bot with esbuild
#     into /app/artifact, laid out as the runtime stage's /app (see scripts/bundle.ts)
FROM node:20-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts ./scripts
COPY src ./src
COPY migrations ./migrations
COPY runbooks ./runbooks
COPY scenarios ./scenarios
RUN npm run bundle -- --out /app/artifact

# --- runtime: the bundle, the SQLite addon and the data files, owned by root and read-only to
#     the bot; no node_modules trees, no compiler, no TypeScript. The database lives on /data.
FROM node:20-bookworm-slim AS runtime
# MALLOC_ARENA_MAX: glibc gives each thread its own malloc arena; two are plenty for one event
# loop and keep idle memory down (see README, "Container image").
ENV NODE_ENV=production \
    OOM_CHECK_DB_PATH=/data/oom-check.db \
    PORT=3000 \
    MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=build /app/artifact ./
# fonts-dejavu-core: resvg draws the postmortem chart's PNG text with the system's fonts (DejaVu
# Sans by name, src/adapters/render/svg-to-png.ts); without a font the picture has no text at all.
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# --max-semi-space-size=1: V8's young generation stays at 1 MiB per semi-space instead of
# growing to 16 MiB; the bot allocates little, and idle RSS drops by ~15 MB (npm run bench:footprint).
ENTRYPOINT ["node", "--max-semi-space-size=1", "bundle/oom-check.js"]
CMD ["serve"]
