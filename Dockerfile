FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN useradd --create-home --uid 10001 agent
WORKDIR /app
COPY pyproject.toml README.md ./
COPY agent ./agent
RUN pip install .
COPY schemas ./schemas
COPY memory ./memory
RUN mkdir -p migrations logs && chown -R agent:agent /app
USER agent
ENTRYPOINT ["migration-agent"]
CMD ["serve"]
