FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN useradd --create-home --uid 10001 agent
WORKDIR /app
COPY pyproject.toml README.md ./
COPY agent ./agent
COPY memory ./memory
# Editable, so the package finds its memory store's YAML and migrations beside it in /app/memory.
RUN pip install -e .
COPY schemas ./schemas
RUN mkdir -p migrations logs && chown -R agent:agent /app
USER agent
# `serve` stops fetching on SIGTERM and lets jobs in flight finish within --grace seconds.
STOPSIGNAL SIGTERM
ENTRYPOINT ["migration-agent"]
CMD ["serve"]
