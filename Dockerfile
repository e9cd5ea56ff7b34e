# Ferry's image: one for the worker (the default command) and the API
# (`api`), as docker-compose.yml runs them. Node runs the TypeScript sources
# through tsx, a runtime dependency, as on a developer's machine: there is no
# build step, and `npm ci --omit=dev` leaves out only the tools.
#
#   docker build -t ferry .
#   docker run --rm ferry validate examples/churn.yaml    # any ferry command
#   docker run --rm -e TEMPORAL_ADDRESS=host:7233 ferry   # a worker
#
# Node 20 on Debian bookworm, whose python3 (3.11) satisfies the pinned
# algorithm libraries.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# --- build: npm packages and the Python environment, with compilers --------------
FROM ${NODE_IMAGE} AS build
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 python3-venv make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app

# Install scripts stay off, as package.json's allowScripts says (the image's npm
# does not read that field), except better-sqlite3's: it compiles from source
# against the Node headers the image ships, because its prebuilt download is
# outside the package registries (scripts/setup.sh does the same).
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error \
  && npm_config_nodedir=/usr/local npm_config_build_from_source=true \
    npm rebuild better-sqlite3 --loglevel=error

# Only what training, serving and the worker's search import (xgboost-cpu,
# scikit-learn, pandas, numpy, optuna), at the versions python-constraints.txt
# pins; the Temporal CLI and moto from requirements-dev.txt are for development
# and tests.
COPY algorithms/requirements.txt algorithms/requirements.txt
COPY requirements-worker.txt python-constraints.txt ./
RUN python3 -m venv /opt/ferry-python \
  && /opt/ferry-python/bin/pip install --no-cache-dir --disable-pip-version-check \
    -r requirements-worker.txt -c python-constraints.txt

# --- runtime: no compilers ------------------------------------------------------
FROM ${NODE_IMAGE}
# libgomp1: XGBoost's wheel links the system's OpenMP runtime. ca-certificates:
# the worker's gRPC connection verifies a TLS server (Temporal Cloud) against them.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 libgomp1 ca-certificates \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /opt/ferry-python /opt/ferry-python
COPY --from=build /app/node_modules ./node_modules
COPY . .

# State (registry, artifacts, reports) lives on a volume; created here so a
# fresh named volume starts owned by the unprivileged user.
RUN mkdir -p /data/ferry && chown node:node /data/ferry
ENV FERRY_HOME=/data/ferry \
  FERRY_PYTHON=/opt/ferry-python/bin/python
VOLUME /data/ferry
USER node

# A ferry command line: `worker` (the default, both task queues), `worker
# --role control|training`, `api`, `validate FILE`, ... exec, so Node gets
# the stop signal and the worker drains before it exits.
ENTRYPOINT ["/bin/sh", "-c", "[ $# -gt 0 ] || set -- worker; exec node bin/ferry.js \"$@\"", "ferry"]
CMD ["worker"]
