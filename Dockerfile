# Ticket Masala API image: docker build -t ticket-masala .
# Multi-stage: the build stage compiles TypeScript with the full toolchain; the runtime stage
# holds only the compiled code, production dependencies and the configuration files.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# better-sqlite3 compiles its native addon when no prebuilt binary matches the platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    MASALA_DATA_DIR=/data \
    MASALA_CONFIG_PATH=/app \
    MASALA_SHUTDOWN_TIMEOUT_MS=20000
WORKDIR /app
# A fixed unprivileged user, so volume ownership stays the same across image rebuilds.
RUN groupadd --system --gid 10001 masala \
 && useradd --system --uid 10001 --gid masala --home-dir /app --shell /usr/sbin/nologin masala \
 && mkdir -p /data \
 && chown masala:masala /data \
 && chmod 700 /data
# Code and configuration stay owned by root, so the process cannot modify them.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json masala_domains.yaml ./
COPY config ./config
USER masala
VOLUME ["/data"]
EXPOSE 3000
# Readiness, not liveness: it fails while the database is unreachable and while draining.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "const tls=Boolean(process.env.MASALA_TLS_CERT);require(tls?'node:https':'node:http').get({host:'127.0.0.1',port:process.env.PORT||3000,path:'/health/ready',rejectUnauthorized:false},(r)=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "dist/apps/api/src/main.js"]
