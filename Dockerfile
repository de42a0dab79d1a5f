# syntax=docker/dockerfile:1
# Two stages: the first builds the wheel (the product, as `pip install migration-agent` gets it) and
# installs it into a venv; the second is a slim runtime with that venv only: no sources, no build
# tools, no pip cache, no test tools. Both stages use one Python, as the venv links to it.
ARG PYTHON_IMAGE=python:3.12-slim

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml setup.py README.md ./
COPY agent ./agent
COPY memory ./memory
RUN pip wheel --no-deps --wheel-dir /wheels . \
    && python -m venv --without-pip /opt/venv \
    && pip --python /opt/venv/bin/python install /wheels/migration_agent-*.whl

FROM ${PYTHON_IMAGE} AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/opt/venv/bin:$PATH
RUN useradd --create-home --uid 10001 --user-group agent
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY --chown=10001:10001 schemas ./schemas
# Owned by the agent's user in the image, so a named volume mounted here starts with that owner
# (a bind mount keeps the host folder's owner instead: see docker-compose.yml).
RUN mkdir -p migrations logs .agent && chown 10001:10001 migrations logs .agent
USER 10001:10001
# NATS answers, the agent's consumer exists, PostgreSQL accepts a query; exit 0 or 1.
HEALTHCHECK --interval=15s --timeout=10s --start-period=30s --retries=3 \
    CMD ["migration-agent", "health", "--timeout", "5"]
# `serve` stops fetching on SIGTERM and lets jobs in flight finish within --grace seconds.
STOPSIGNAL SIGTERM
ENTRYPOINT ["migration-agent"]
CMD ["serve"]
